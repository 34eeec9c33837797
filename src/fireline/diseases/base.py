"""Shared building blocks of the profile models: the strict base model, names and keys."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

__all__ = ["Code", "Model", "Names", "SourceKey", "SourceRef", "rule_error"]

Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
"""A lower-case identifier used as a code inside a profile (category, task, symptom...)."""

SourceKey = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
"""A key into the profile's ``sources`` table."""

SourceRef = SourceKey | tuple[SourceKey, ...]
"""One source key, or several when the values next to it come from more than one source."""


class Model(BaseModel):
    """Base of every profile model: unknown keys are refused and instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Names(Model):
    """A label in the two languages of the product."""

    en: str = Field(min_length=1)
    zh: str = Field(min_length=1)


def rule_error(message: str, at: str = "") -> PydanticCustomError:
    """A validation error for a broken profile rule.

    ``at`` is the dotted path, relative to the model that raises, of the offending
    item; the loader joins it to the error location to find the line in the file.
    """
    return PydanticCustomError("profile_rule", "{message}", {"message": message, "at": at})
