"""Live class sessions: a teacher's room with a short code, students who join by nickname,
questions put to the class one at a time, answers tallied without names, demo runs decided
live, results per question and as CSV, and a student's answers kept as flashcard ratings.

Pure logic over the progress store (studyapp.store holds the SQL): no Streamlit, no
PyTorch; time (`now`) and randomness (`rng`) are passed in.

    codes     room codes, secret keys (stored only hashed), nicknames
    machine   the state machine of one asked question (pending, open, closed, running, revealed)
    room      the session over the store: who may do what, answers, flashcard ratings
    tally     counts per option or per distinct answer, never who
    results   per question and round; CSV for the teacher
"""

from studyapp.classroom import machine
from studyapp.classroom.codes import NICK_MAX, clean_nickname, normalize_code
from studyapp.classroom.errors import (
    BadAnswer,
    BadMove,
    BadNickname,
    ClassroomError,
    NoRoom,
    NotOpen,
    NotTeacher,
    RoomEnded,
)
from studyapp.classroom.results import QuestionResult, answers_csv, question_results, results_csv
from studyapp.classroom.room import (
    Asked,
    Mine,
    act,
    add_questions,
    answers_of,
    asked,
    check_answer,
    class_questions,
    current,
    end_session,
    find_session,
    is_teacher,
    join,
    keep_as_flashcards,
    my_answer,
    my_record,
    question_index,
    run_ended,
    show,
    start_session,
    student_of,
    submit_answer,
    teacher_session,
)
from studyapp.classroom.tally import Bar, Tally, tally

__all__ = [
    "NICK_MAX", "Asked", "BadAnswer", "BadMove", "BadNickname", "Bar", "ClassroomError", "Mine", "NoRoom", "NotOpen",
    "NotTeacher", "QuestionResult", "RoomEnded", "Tally", "act", "add_questions", "answers_csv", "answers_of",
    "asked", "check_answer", "class_questions", "clean_nickname", "current", "end_session", "find_session",
    "is_teacher", "join", "keep_as_flashcards", "machine", "my_answer", "my_record", "normalize_code",
    "question_index", "question_results", "results_csv", "run_ended", "show", "start_session", "student_of",
    "submit_answer", "tally", "teacher_session",
]
