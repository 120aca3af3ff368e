"""Deep-learning study app: topic pages with live PyTorch demos, flashcards and quizzes."""

__version__ = "0.1.0"
