"""Building blocks shared by every content model."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from studyapp.text import LANGUAGES  # the languages content is written in (importable from here too)

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
NonEmpty = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]


class Strict(BaseModel):
    """Unknown keys are errors: a typo in a key must not silently drop content."""

    model_config = ConfigDict(extra="forbid", frozen=True)


__all__ = ["LANGUAGES", "Id", "NonEmpty", "Strict"]
