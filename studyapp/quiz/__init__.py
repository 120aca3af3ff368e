"""The quiz: seeded sessions, grading through each question type's own grader, the
confusables drill, results for the store and the flashcard scheduler, and GIFT export.

Pure logic: no Streamlit, no PyTorch. Randomness comes from seeds and time from `now`
arguments; numeric generators (which run PyTorch) are passed in as a name -> function map.
The question types themselves (model, shuffle, right answer, grader, GIFT form) live in
studyapp/content/questions/, one module each.
"""

from studyapp.content.questions import AnswerError, Grade
from studyapp.quiz.session import Item, QuizSession, QuizSettings, Response, Summary, build_session, grade, make_item

__all__ = [
    "AnswerError", "Grade", "Item", "QuizSession", "QuizSettings", "Response", "Summary", "build_session", "grade",
    "make_item",
]
