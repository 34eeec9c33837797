"""Isolation release rules for cases, as data, and their evaluation against a case's facts.

A rule tree combines criteria with ``all`` or ``any``; groups nest. The quarantine
package builds :class:`ReleaseFacts` for a case and asks :meth:`IsolationRelease.is_met`
whether the case may be flagged for release review.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import Annotated, Literal

from pydantic import Field

from fireline.diseases.base import Code, Model, Names, SourceRef

__all__ = [
    "ClinicalCriterion",
    "CtThreshold",
    "DaysSinceFirstPositive",
    "DaysSinceOnset",
    "FeverFree",
    "IsolationRelease",
    "LabResult",
    "NegativeTests",
    "ReleaseFacts",
    "ReleaseRule",
    "RuleGroup",
]


@dataclass(frozen=True)
class LabResult:
    """One test result of a case: when the sample was taken, the outcome and the Ct value."""

    taken_at: datetime
    positive: bool
    ct: float | None = None


@dataclass(frozen=True)
class ReleaseFacts:
    """What is known about a case when its release is checked.

    ``fever_free_since`` is None while the case has fever or when it is not known;
    ``clinical`` holds the codes of clinical criteria a clinician has signed off.
    """

    now: datetime
    onset: date | None = None
    first_positive: date | None = None
    fever_free_since: datetime | None = None
    tests: tuple[LabResult, ...] = ()
    clinical: frozenset[str] = field(default_factory=frozenset)


def _days_since(start: date | None, now: datetime) -> int | None:
    return None if start is None else (now.date() - start).days


def _last_run_ok(
    tests: Sequence[LabResult], count: int, interval_hours: int, ok: Callable[[LabResult], bool]
) -> bool:
    """True when the latest ``count`` results all pass ``ok`` and are spaced far enough."""
    last = sorted(tests, key=lambda t: t.taken_at)[-count:]
    if len(last) < count or not all(ok(t) for t in last):
        return False
    gap = timedelta(hours=interval_hours)
    return all(later.taken_at - earlier.taken_at >= gap for earlier, later in pairwise(last))


class DaysSinceOnset(Model):
    """At least ``min_days`` whole days since symptom onset."""

    kind: Literal["days_since_onset"]
    min_days: int = Field(ge=0)

    def is_met(self, facts: ReleaseFacts) -> bool:
        days = _days_since(facts.onset, facts.now)
        return days is not None and days >= self.min_days


class DaysSinceFirstPositive(Model):
    """At least ``min_days`` whole days since the first positive sample."""

    kind: Literal["days_since_first_positive"]
    min_days: int = Field(ge=0)

    def is_met(self, facts: ReleaseFacts) -> bool:
        days = _days_since(facts.first_positive, facts.now)
        return days is not None and days >= self.min_days


class FeverFree(Model):
    """No fever for at least ``hours`` hours (without antipyretics)."""

    kind: Literal["fever_free"]
    hours: int = Field(ge=0)

    def is_met(self, facts: ReleaseFacts) -> bool:
        since = facts.fever_free_since
        return since is not None and facts.now - since >= timedelta(hours=self.hours)


class NegativeTests(Model):
    """The latest ``consecutive`` tests are negative, taken ``interval_hours`` apart."""

    kind: Literal["negative_tests"]
    consecutive: int = Field(ge=1)
    interval_hours: int = Field(default=24, ge=0)

    def is_met(self, facts: ReleaseFacts) -> bool:
        return _last_run_ok(
            facts.tests, self.consecutive, self.interval_hours, lambda t: not t.positive
        )


class CtThreshold(Model):
    """The latest ``consecutive`` PCR tests are negative or have a Ct of at least ``min_ct``."""

    kind: Literal["ct_threshold"]
    min_ct: float = Field(gt=0)
    consecutive: int = Field(ge=1)
    interval_hours: int = Field(default=24, ge=0)

    def is_met(self, facts: ReleaseFacts) -> bool:
        def ok(t: LabResult) -> bool:
            return not t.positive or (t.ct is not None and t.ct >= self.min_ct)

        return _last_run_ok(facts.tests, self.consecutive, self.interval_hours, ok)


class ClinicalCriterion(Model):
    """A criterion a clinician signs off (e.g. all lesions healed); met when its code is in
    ``facts.clinical``."""

    kind: Literal["clinical"]
    code: Code
    names: Names

    def is_met(self, facts: ReleaseFacts) -> bool:
        return self.code in facts.clinical


class RuleGroup(Model):
    """Criteria combined with ``all`` (every one) or ``any`` (at least one)."""

    kind: Literal["group"]
    combine: Literal["all", "any"]
    rules: tuple[ReleaseRule, ...] = Field(min_length=1)

    def is_met(self, facts: ReleaseFacts) -> bool:
        results = (rule.is_met(facts) for rule in self.rules)
        return all(results) if self.combine == "all" else any(results)


ReleaseRule = Annotated[
    DaysSinceOnset
    | DaysSinceFirstPositive
    | FeverFree
    | NegativeTests
    | CtThreshold
    | ClinicalCriterion
    | RuleGroup,
    Field(discriminator="kind"),
]
RuleGroup.model_rebuild()


class IsolationRelease(Model):
    """The release rule of a case in isolation: the top-level group and its source."""

    combine: Literal["all", "any"]
    rules: tuple[ReleaseRule, ...] = Field(min_length=1)
    source: SourceRef

    def is_met(self, facts: ReleaseFacts) -> bool:
        """True when the case may be flagged for release review."""
        return RuleGroup(kind="group", combine=self.combine, rules=self.rules).is_met(facts)
