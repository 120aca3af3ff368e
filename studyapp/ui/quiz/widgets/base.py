"""What a question type's widget does (one subclass per type, registered by its `kinds`).

Widgets show options in the item's seeded order but return answers in the graders' terms
(indexes into the topic file, item ids), so what is shown and what is graded never disagree.
"""

from __future__ import annotations

from typing import Any, ClassVar

from studyapp.quiz import Item, Response

REGISTRY: dict[str, "Widget"] = {}


class Widget:
    kinds: ClassVar[tuple[str, ...]] = ()  # the question types it draws
    submit: ClassVar[str] = "submit_answer"  # catalogue key of the form's button

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for kind in cls.kinds:
            REGISTRY[kind] = cls()

    def before(self, item: Item) -> None:
        """Drawn above the answer form (e.g. a prediction's demo settings)."""

    def present(self, item: Item) -> None:
        """What a class reads on the projector besides the prompt, for a question it does not
        vote on by options (those the classroom letters itself): e.g. the steps to order."""
        self.before(item)

    def ask(self, item: Item, key: str) -> tuple[Any, str | None]:
        """Draw the answer widgets (inside the question's form); return (answer, problem).

        `problem` says why the answer cannot be graded yet (nothing chosen, a step used twice).
        """
        raise NotImplementedError

    def run(self, item: Item, *, live: bool) -> Any | None:
        """A demo run whose metrics grade the answer (predictions); None for most types."""
        return None

    def show_answer(self, item: Item, response: Response | None) -> None:
        """The learner's answer next to the right one, in the type's own terms."""
        raise NotImplementedError


def mark(right: bool, chosen: bool) -> str:
    if right and chosen:
        return ":green[✔]"
    if right:
        return ":green[○]"
    if chosen:
        return ":red[✘]"
    return "·"
