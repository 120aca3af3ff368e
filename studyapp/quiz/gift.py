"""Export questions in Moodle's GIFT format, so a teacher can import them into an LMS.

    ::id::[markdown]Prompt{
        =right answer#why it is right
        ~wrong answer#the misconception behind it
        ####general explanation
    }

Each question type writes its own answers (its `gift` method, in its module under
studyapp/content/questions/); this module writes the file around them: the question's id,
prompt and general explanation, one $CATEGORY per topic. Types GIFT cannot express
(ordering, predict_then_run) are skipped and named.
"""

from __future__ import annotations

from typing import Iterable

from studyapp.content import Topic
from studyapp.content.questions import QUESTION_MODELS, QUESTION_TYPES, Generators, QuestionBase, fill
from studyapp.content.questions.giftform import escape, one_line

# The types that have a GIFT form.
EXPORTED_TYPES = tuple(kind for kind, model in zip(QUESTION_TYPES, QUESTION_MODELS) if model.gift is not QuestionBase.gift)


def question_gift(question, lang: str, *, seed: int = 0, generators: Generators | None = None) -> str | None:
    """One question in GIFT, or None for types GIFT cannot express."""
    form = question.gift(lang, seed=seed, generators=generators)
    if form is None:
        return None
    prompt = escape(fill(question.prompt.get(lang), form.values) + form.prompt_suffix)
    head = f"{form.comment}::{escape(question.id)}::[markdown]{prompt}"
    if form.inline is not None:
        return f"{head}{{{form.inline}}}\n"
    general = ""
    if question.explanation is not None:
        general = f"\t####{escape(fill(question.explanation.get(lang), form.values))}\n"
    lines = [head + ("{#" if form.numeric else "{"), *form.lines]
    return "\n".join(lines) + "\n" + general + "}\n"


def export_gift(
    topics: Iterable[Topic], *, lang: str = "en", seed: int = 0, generators: Generators | None = None
) -> tuple[str, list[str]]:
    """GIFT text for every exportable question of `topics` (one $CATEGORY per topic), and
    the ids of the questions left out."""
    out = [f"// Deep Learning Study: questions exported in GIFT format ({lang})", ""]
    skipped: list[str] = []
    for topic in topics:
        written = []
        for question in topic.questions:
            text = question_gift(question, lang, seed=seed, generators=generators)
            if text is None:
                skipped.append(question.id)
            else:
                written.append(text)
        if written:
            # One line, whatever the title holds: a line break would end the category and
            # let the rest of the title be read as a question of its own.
            category = one_line(topic.title.get(lang)).replace("/", "-")
            out += [f"$CATEGORY: $course$/Deep Learning Study/{category}", ""]
            for text in written:
                out += [text]
    return "\n".join(out), skipped


__all__ = ["EXPORTED_TYPES", "export_gift", "question_gift"]
