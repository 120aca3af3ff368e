"""The schema, as numbered migrations. `PRAGMA user_version` records how far a file got.

Never edit a migration that has shipped: append a new one. Each migration runs inside the
same transaction that bumps `user_version`, so a crash leaves the file at the old version
or the new one, never in between.
"""

from __future__ import annotations

# One list of statements per version; index 0 upgrades a fresh file (version 0) to version 1.
MIGRATIONS: list[list[str]] = [
    [
        """
        CREATE TABLE profiles (
            id            INTEGER PRIMARY KEY,
            name          TEXT NOT NULL UNIQUE COLLATE NOCASE,
            pin_hash      TEXT,                      -- salted scrypt hash, NULL = no PIN
            created_at    TEXT NOT NULL,
            settings_json TEXT NOT NULL DEFAULT '{}' -- desired retention, new cards a day, FSRS weights
        )
        """,
        """
        CREATE TABLE card_states (
            profile_id  INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
            card_key    TEXT NOT NULL,   -- content card id, or '<id>:reverse' for the reversed card
            state       INTEGER NOT NULL CHECK (state IN (1, 2, 3)),
            step        INTEGER,
            stability   REAL,
            difficulty  REAL,
            due         TEXT NOT NULL,
            last_review TEXT,
            reps        INTEGER NOT NULL DEFAULT 0,
            lapses      INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (profile_id, card_key)
        ) WITHOUT ROWID
        """,
        "CREATE INDEX card_states_due ON card_states (profile_id, due)",
        """
        CREATE TABLE reviews (
            id           INTEGER PRIMARY KEY,
            profile_id   INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
            card_key     TEXT NOT NULL,
            rating       INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
            reviewed_at  TEXT NOT NULL,
            duration_ms  INTEGER,
            state_before INTEGER NOT NULL CHECK (state_before IN (0, 1, 2, 3)),
            source       TEXT NOT NULL DEFAULT 'review',
            undo_json    TEXT            -- the card state before this review (NULL: not undoable)
        )
        """,
        "CREATE INDEX reviews_by_time ON reviews (profile_id, reviewed_at)",
        "CREATE INDEX reviews_by_card ON reviews (profile_id, card_key, id)",
        """
        CREATE TABLE quiz_attempts (
            id          INTEGER PRIMARY KEY,
            profile_id  INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
            question_id TEXT NOT NULL,
            topic_id    TEXT NOT NULL,
            correct     INTEGER NOT NULL CHECK (correct IN (0, 1)),
            score       REAL NOT NULL,
            answer_json TEXT NOT NULL,
            seconds     REAL NOT NULL,
            mode        TEXT NOT NULL,
            session_id  TEXT NOT NULL,
            at          TEXT NOT NULL
        )
        """,
        "CREATE INDEX quiz_attempts_by_session ON quiz_attempts (profile_id, session_id, id)",
    ],
    # 2: live class sessions (studyapp/classroom). Nicknames, not profiles: a student needs no
    # profile to answer; tokens are stored only as SHA-256 hashes.
    [
        """
        CREATE TABLE class_sessions (
            id         INTEGER PRIMARY KEY,
            code       TEXT NOT NULL,               -- the room code students type
            key_hash   TEXT NOT NULL,               -- SHA-256 of the teacher's secret key
            created_at TEXT NOT NULL,
            ended_at   TEXT,
            current    INTEGER,                     -- position of the question on screen
            version    INTEGER NOT NULL DEFAULT 0   -- bumped by every change pages must follow
        )
        """,
        "CREATE UNIQUE INDEX class_sessions_live_code ON class_sessions (code) WHERE ended_at IS NULL",
        "CREATE INDEX class_sessions_by_code ON class_sessions (code, id)",
        """
        CREATE TABLE class_questions (
            session_id  INTEGER NOT NULL REFERENCES class_sessions(id) ON DELETE CASCADE,
            position    INTEGER NOT NULL,           -- 1, 2, ... in the order the teacher added them
            topic_id    TEXT NOT NULL,
            question_id TEXT NOT NULL,
            draw_json   TEXT NOT NULL,              -- shuffled order, generated numbers: one draw for all
            phase       TEXT NOT NULL CHECK (phase IN ('pending', 'open', 'closed', 'running', 'revealed')),
            round       INTEGER NOT NULL DEFAULT 1 CHECK (round IN (1, 2)),
            opened_at   TEXT,                       -- when round 1 opened (answer times count from it)
            run_job     TEXT,                       -- the demo run's job id while it runs
            run_json    TEXT,                       -- what the run measured (predictions)
            run_note    TEXT,                       -- why the last run gave no result
            PRIMARY KEY (session_id, position)
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE class_students (
            id         INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES class_sessions(id) ON DELETE CASCADE,
            nickname   TEXT NOT NULL COLLATE NOCASE,
            token_hash TEXT NOT NULL UNIQUE,        -- SHA-256 of the student's own key
            joined_at  TEXT NOT NULL,
            UNIQUE (session_id, nickname)
        )
        """,
        """
        CREATE TABLE class_answers (
            session_id  INTEGER NOT NULL,
            position    INTEGER NOT NULL,
            round       INTEGER NOT NULL,
            student_id  INTEGER NOT NULL REFERENCES class_students(id) ON DELETE CASCADE,
            answer_json TEXT NOT NULL,
            answered_at TEXT NOT NULL,
            changes     INTEGER NOT NULL DEFAULT 0, -- how often the student replaced it
            kept_by     INTEGER REFERENCES profiles(id) ON DELETE SET NULL,  -- rated as flashcards
            PRIMARY KEY (session_id, position, round, student_id),
            FOREIGN KEY (session_id, position) REFERENCES class_questions(session_id, position) ON DELETE CASCADE
        ) WITHOUT ROWID
        """,
    ],
]

LATEST = len(MIGRATIONS)
