"""Pydantic models of a disease profile. Every numeric default lives in the YAML files;
these models only check the shape and the internal consistency of a profile."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from fireline.diseases.base import Code, Model, Names, SourceKey, SourceRef, rule_error
from fireline.diseases.playbook import Playbook, PlaybookTask
from fireline.diseases.release import IsolationRelease

__all__ = [
    "Classification",
    "Classifications",
    "Coding",
    "ContactCategory",
    "DiseaseProfile",
    "Distribution",
    "Hospitalisation",
    "IncubationPeriod",
    "InfectiousWindow",
    "Names",
    "Playbook",
    "PlaybookTask",
    "QuarantinePeriod",
    "QuarantinePhase",
    "Retention",
    "SerialInterval",
    "Source",
    "Symptom",
    "Symptoms",
    "Testing",
]


class Source(Model):
    """A citable source: a guideline or a paper. Needs a DOI, a URL or a document reference
    (an official document number, an ISBN, or journal volume and pages)."""

    title: str = Field(min_length=1)
    publisher: str = Field(min_length=1)
    year: int = Field(ge=1900, le=2100)
    doi: str | None = Field(default=None, pattern=r"^10\.\d{4,9}/\S+$")
    url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    reference: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _needs_locator(self) -> Source:
        if self.doi is None and self.url is None and self.reference is None:
            raise rule_error("a source needs a doi, a url or a reference")
        return self

    def locator(self) -> str:
        """The DOI (as a link), else the URL, else the reference."""
        if self.doi is not None:
            return f"https://doi.org/{self.doi}"
        return self.url or self.reference or ""


class Coding(Model):
    """A code from a code system (ICD-10, ICD-11, LOINC...) named by its system URI."""

    system: str = Field(pattern=r"^(https?|urn):\S+$")
    code: str = Field(min_length=1)
    display: str = Field(min_length=1)
    source: SourceRef


class Classification(Model):
    """A case classification and the classifications a case may move to from it.

    ``criteria`` is the case definition's text for this classification in both
    languages, paraphrased from ``source`` (else the classifications' source): what a
    reader needs to classify a case, not a rule Fireline evaluates."""

    code: Code
    names: Names
    transitions: tuple[Code, ...] = ()
    criteria: Names | None = None
    source: SourceRef | None = None


class Classifications(Model):
    """The case classifications of the disease's case definition."""

    items: tuple[Classification, ...] = Field(min_length=1)
    source: SourceRef


class Distribution(Model):
    """A parametric distribution, by its summary (mean, sd) and/or its parameters."""

    name: Literal["lognormal", "gamma", "weibull", "normal"]
    mean: float | None = Field(default=None, gt=0)
    sd: float | None = Field(default=None, gt=0)
    median: float | None = Field(default=None, gt=0)
    params: dict[str, float] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _summary_or_params(self) -> Distribution:
        if not self.params and (self.mean is None or self.sd is None):
            raise rule_error("a distribution needs mean and sd, or params")
        return self


class IncubationPeriod(Model):
    """Time from infection to onset, in days."""

    distribution: Distribution
    min_days: int = Field(ge=0)
    max_days: int = Field(ge=1)
    source: SourceRef

    @model_validator(mode="after")
    def _ordered(self) -> IncubationPeriod:
        if self.min_days > self.max_days:
            raise rule_error("min_days is greater than max_days", "min_days")
        return self


class InfectiousWindow(Model):
    """The infectious period relative to symptom onset."""

    days_before_onset: int = Field(ge=0)
    days_after_onset: int = Field(ge=0)
    source: SourceRef

    def window(self, onset: date) -> tuple[date, date]:
        """First and last day (inclusive) a case is considered infectious."""
        return (
            onset - timedelta(days=self.days_before_onset),
            onset + timedelta(days=self.days_after_onset),
        )


class SerialInterval(Model):
    """Mean and standard deviation of the serial interval, as used for Rt (Cori et al.)."""

    mean_days: float = Field(gt=0)
    sd_days: float = Field(gt=0)
    distribution: Literal["lognormal", "gamma", "weibull", "normal"] | None = None
    source: SourceRef


class QuarantinePhase(Model):
    """A stretch of ``days`` under one regime: facility, home, or no restriction."""

    days: int = Field(ge=1)
    place: Literal["facility", "home", "none"]
    monitoring_only: bool = False


@dataclass(frozen=True)
class QuarantinePeriod:
    """A phase placed on the calendar: first and last day, both inclusive."""

    start: date
    end: date
    place: str
    monitoring_only: bool


class ContactCategory(Model):
    """A category of contact and its management, counted from the last exposure.

    Phases follow each other from the day after the last exposure (day 1);
    ``test_days`` are day numbers on the same count.
    """

    code: Code
    names: Names
    phases: tuple[QuarantinePhase, ...] = ()
    test_days: tuple[int, ...] = ()
    source: SourceRef

    @model_validator(mode="after")
    def _test_days_inside(self) -> ContactCategory:
        if list(self.test_days) != sorted(set(self.test_days)):
            raise rule_error(
                f"contact category '{self.code}' test_days are not increasing", "test_days"
            )
        for i, day in enumerate(self.test_days):
            if not 0 <= day <= self.total_days:
                message = f"contact category '{self.code}' tests on day {day}"
                raise rule_error(f"{message}, outside 0..{self.total_days}", f"test_days.{i}")
        return self

    @property
    def total_days(self) -> int:
        """Days of quarantine and monitoring together."""
        return sum(phase.days for phase in self.phases)

    def quarantine_end(self, last_exposure: date) -> date:
        """The last day (inclusive) of quarantine and monitoring; the exposure day when none."""
        return last_exposure + timedelta(days=self.total_days)

    def periods(self, last_exposure: date) -> tuple[QuarantinePeriod, ...]:
        """The phases on the calendar."""
        out: list[QuarantinePeriod] = []
        offset = 0
        for phase in self.phases:
            start = last_exposure + timedelta(days=offset + 1)
            offset += phase.days
            end = last_exposure + timedelta(days=offset)
            out.append(QuarantinePeriod(start, end, phase.place, phase.monitoring_only))
        return tuple(out)

    def test_dates(self, last_exposure: date) -> tuple[date, ...]:
        """The days a sample is due."""
        return tuple(last_exposure + timedelta(days=day) for day in self.test_days)


class Symptom(Model):
    """A symptom asked at follow-up; ``red_flag`` ones flag the contact for review."""

    code: Code
    names: Names
    red_flag: bool = False


class Symptoms(Model):
    """The follow-up symptom list and where it comes from."""

    items: tuple[Symptom, ...] = Field(min_length=1)
    source: SourceRef


class Hospitalisation(Model):
    """Shares of cases needing a bed and how long they stay, for bed-demand projection.

    A value left out (None) means the cited sources give no usable estimate; a deployment
    that projects beds for that disease sets it in an override profile.
    """

    share_hospitalised: float | None = Field(default=None, ge=0, le=1)
    share_icu: float | None = Field(default=None, ge=0, le=1)
    mean_stay_days: float | None = Field(default=None, gt=0)
    mean_icu_stay_days: float | None = Field(default=None, gt=0)
    source: SourceRef

    @model_validator(mode="after")
    def _icu_within_hospital(self) -> Hospitalisation:
        icu, hosp = self.share_icu, self.share_hospitalised
        if icu is not None and hosp is not None and icu > hosp:
            raise rule_error("share_icu is greater than share_hospitalised", "share_icu")
        return self


class Testing(Model):
    """Laboratory settings: the largest pool (k-in-1) a sample may join; 1 means no pooling."""

    max_pool_size: int = Field(ge=1)
    source: SourceRef


class Retention(Model):
    """How long identifiers are kept once the work that needed them is over."""

    # Days after a contact's last quarantine order closed before their name, IDs,
    # phone, address and birth day are pseudonymised (people/retention.py).
    contact_identifiers_days: int = Field(ge=1, le=3650)
    source: SourceRef


class DiseaseProfile(Model):
    """Everything Fireline knows about one disease."""

    code: Code
    names: Names
    sources: dict[SourceKey, Source] = Field(min_length=1)
    diagnosis_codes: tuple[Coding, ...] = Field(min_length=1)
    lab_tests: tuple[Coding, ...] = ()
    classifications: Classifications
    incubation_period: IncubationPeriod
    infectious_window: InfectiousWindow
    serial_interval: SerialInterval
    contact_categories: tuple[ContactCategory, ...] = Field(min_length=1)
    isolation_release: IsolationRelease
    symptoms: Symptoms
    playbook: Playbook
    hospitalisation: Hospitalisation
    testing: Testing | None = None
    retention: Retention | None = None

    @model_validator(mode="after")
    def _consistent(self) -> DiseaseProfile:
        classes = self.classifications.items
        _unique("classifications.items", [c.code for c in classes])
        _unique("contact_categories", [c.code for c in self.contact_categories])
        _unique("symptoms.items", [s.code for s in self.symptoms.items])
        known = {c.code for c in classes}
        if "confirmed" not in known:
            raise rule_error("case classifications must include 'confirmed'", "classifications")
        for i, cls in enumerate(classes):
            for j, target in enumerate(cls.transitions):
                if target not in known:
                    raise rule_error(
                        f"classification '{cls.code}' moves to unknown classification '{target}'",
                        f"classifications.items.{i}.transitions.{j}",
                    )
        for path, key in _source_keys(self):
            if key not in self.sources:
                raise rule_error(f"unknown source '{key}'", path)
        return self

    def category(self, code: str) -> ContactCategory:
        """The contact category with this code; LookupError when there is none."""
        for category in self.contact_categories:
            if category.code == code:
                return category
        raise LookupError(f"disease '{self.code}' has no contact category '{code}'")

    def classification(self, code: str) -> Classification:
        """The case classification with this code; LookupError when there is none."""
        for cls in self.classifications.items:
            if cls.code == code:
                return cls
        raise LookupError(f"disease '{self.code}' has no classification '{code}'")

    def can_transition(self, from_code: str, to_code: str) -> bool:
        """Whether a case may be reclassified from one classification to another."""
        return to_code in self.classification(from_code).transitions

    @property
    def max_pool_size(self) -> int:
        """The largest pool a sample may join; 1 (no pooling) when the profile has no testing."""
        return 1 if self.testing is None else self.testing.max_pool_size

    def coding(self, system: str) -> tuple[Coding, ...]:
        """The diagnosis codes and lab tests of one code system URI."""
        return tuple(c for c in (*self.diagnosis_codes, *self.lab_tests) if c.system == system)


def _unique(field: str, codes: list[str]) -> None:
    seen: set[str] = set()
    for i, code in enumerate(codes):
        if code in seen:
            raise rule_error(f"{field} code '{code}' is used twice", f"{field}.{i}.code")
        seen.add(code)


def _source_keys(model: BaseModel, prefix: str = "") -> Iterator[tuple[str, str]]:
    """Every ``source`` key in a model tree, with its dotted path."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        path = f"{prefix}{name}"
        if name == "source" and isinstance(value, str):
            yield path, value
        elif name == "source" and isinstance(value, tuple):
            yield from ((f"{path}.{i}", key) for i, key in enumerate(value))
        elif isinstance(value, BaseModel):
            yield from _source_keys(value, f"{path}.")
        elif isinstance(value, tuple):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from _source_keys(item, f"{path}.{i}.")
