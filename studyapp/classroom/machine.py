"""The state machine of one question asked in class, and of the session's current question.

    pending --open--> open --close--> closed --reveal--> revealed
                       ^________open_______|

A question that a demo run decides (predict, then run) has a run between two votes:

    open (round 1) --close--> closed --run--> running --(the run ends)--> closed
        --open--> open (round 2) --close--> closed --reveal--> revealed

`run` also closes an open round 1, and may be pressed again while `running` (after a
restart of the server the run is gone); a run that fails or is stopped goes back to
`closed` with a note, to be run again. `reveal` needs the run's measurement. Nothing
reopens a revealed question: answers given after the answer was shown would mean nothing.

Everything here is pure: a `Step` in, the columns to change out (or `BadMove`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from studyapp.classroom.errors import BadMove

PENDING, OPEN, CLOSED, RUNNING, REVEALED = "pending", "open", "closed", "running", "revealed"
OPEN_VOTE, CLOSE_VOTE, RUN, REVEAL = "open", "close", "run", "reveal"  # the teacher's actions on a question
ACTIONS = (OPEN_VOTE, CLOSE_VOTE, RUN, REVEAL)


@dataclass(frozen=True)
class Step:
    """Where one asked question stands."""

    phase: str
    round: int  # 1; 2 for the vote after a prediction's run
    predicts: bool  # a demo run decides what is right
    has_run: bool  # the run's measurement is in

    @property
    def second_vote_next(self) -> bool:
        """The next `open` starts round 2 (the class saw the run and votes again)."""
        return self.predicts and self.has_run and self.round == 1


def allowed(step: Step) -> tuple[str, ...]:
    """The teacher's actions this step allows, in ACTIONS order."""
    found = []
    if step.phase in (PENDING, CLOSED):
        found.append(OPEN_VOTE)
    if step.phase == OPEN:
        found.append(CLOSE_VOTE)
    if step.predicts and not step.has_run and step.round == 1 and step.phase in (OPEN, CLOSED, RUNNING):
        found.append(RUN)
    if step.phase in (OPEN, CLOSED) and (step.has_run or not step.predicts):
        found.append(REVEAL)
    return tuple(found)


def after(step: Step, action: str, *, now: datetime, job: str | None = None) -> dict[str, Any]:
    """The columns `action` changes (`job`: the run's job id, for RUN), or BadMove."""
    if action not in allowed(step):
        raise BadMove("class_bad_move", action=action, phase=step.phase)
    if action == OPEN_VOTE:
        if step.phase == PENDING:
            return {"phase": OPEN, "round": 1, "opened_at": now}
        return {"phase": OPEN, "round": 2 if step.second_vote_next else step.round}
    if action == CLOSE_VOTE:
        return {"phase": CLOSED}
    if action == RUN:
        if not job:
            raise ValueError("a run needs its job id")
        return {"phase": RUNNING, "run_job": job, "run_note": None}
    return {"phase": REVEALED}


def run_ended(step: Step, running_job: str | None, job: str, *, measured: str | None,
              note: str | None) -> dict[str, Any] | None:
    """The columns to change when run `job` ends (`measured`: its metrics as JSON, or None
    with a `note` saying why there is no result); None when the question no longer waits
    for that run (another run was started, or the ending was already recorded)."""
    if step.phase != RUNNING or running_job != job:
        return None
    if measured is None:
        return {"phase": CLOSED, "run_job": None, "run_note": note or "no result"}
    return {"phase": CLOSED, "run_job": None, "run_json": measured, "run_note": None}


def leave(step: Step) -> dict[str, Any]:
    """What happens to the question on screen when the teacher moves to another: an open
    vote closes (its answers are kept); a run goes on and ends into `closed`."""
    return {"phase": CLOSED} if step.phase == OPEN else {}


def arrive(step: Step, *, now: datetime) -> dict[str, Any]:
    """What happens to the question the teacher moves to: a pending one opens for answers;
    one asked before is shown as it was left."""
    return after(step, OPEN_VOTE, now=now) if step.phase == PENDING else {}


def accepts_answers(step: Step) -> bool:
    return step.phase == OPEN
