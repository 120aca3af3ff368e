"""The quiz: graders for every question type, seeded sessions, the confusables drill,
results for the store and the flashcard scheduler, and GIFT export.

Pure logic: no Streamlit, no PyTorch. Randomness comes from seeds and time from `now`
arguments; numeric generators (which run PyTorch) are passed in as a name -> function map.
"""

from studyapp.quiz.grading import AnswerError, Grade, grade
from studyapp.quiz.session import Item, QuizSession, QuizSettings, Response, Summary, build_session, make_item

__all__ = [
    "AnswerError", "Grade", "Item", "QuizSession", "QuizSettings", "Response", "Summary", "build_session", "grade",
    "make_item",
]
