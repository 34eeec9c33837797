"""The profile models: rule arithmetic, release evaluation and internal consistency checks."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from fireline.diseases.loader import load_profile_file, load_profiles
from fireline.diseases.release import IsolationRelease, LabResult, ReleaseFacts
from fireline.diseases.schemas import ContactCategory, DiseaseProfile, QuarantinePeriod

DATA = Path(__file__).parent / "data"
NOW = datetime(2022, 7, 20, 12, 0)


def minimal() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DATA / "minimal.yaml").read_text(encoding="utf-8"))
    return data


def category(**changes: Any) -> ContactCategory:
    data = {
        "code": "close",
        "names": {"en": "Close", "zh": "密接"},
        "phases": [{"days": 7, "place": "facility"}, {"days": 3, "place": "home"}],
        "test_days": [1, 2, 3, 5, 7, 10],
        "source": "ref",
    }
    return ContactCategory.model_validate({**data, **changes})


def test_quarantine_end_counts_days_from_last_exposure() -> None:
    close = category()
    assert close.total_days == 10
    assert close.quarantine_end(date(2022, 7, 1)) == date(2022, 7, 11)
    assert close.quarantine_end(date(2022, 12, 25)) == date(2023, 1, 4)
    assert close.quarantine_end(date(2024, 2, 25)) == date(2024, 3, 6)


def test_phases_and_test_days_on_the_calendar() -> None:
    close = category()
    assert close.periods(date(2022, 7, 1)) == (
        QuarantinePeriod(date(2022, 7, 2), date(2022, 7, 8), "facility", False),
        QuarantinePeriod(date(2022, 7, 9), date(2022, 7, 11), "home", False),
    )
    assert close.test_dates(date(2022, 7, 1))[0] == date(2022, 7, 2)
    assert close.test_dates(date(2022, 7, 1))[-1] == date(2022, 7, 11)


def test_category_without_phases_ends_on_exposure_day() -> None:
    casual = category(phases=[], test_days=[])
    assert casual.quarantine_end(date(2022, 7, 1)) == date(2022, 7, 1)
    assert casual.periods(date(2022, 7, 1)) == ()


def test_shipped_covid_rules_follow_the_ninth_edition() -> None:
    covid = load_profiles()["covid19"]
    close = covid.category("close")
    assert [(p.days, p.place, p.monitoring_only) for p in close.phases] == [
        (7, "facility", False),
        (3, "home", True),
    ]
    assert close.test_days == (1, 2, 3, 5, 7, 10)
    assert close.quarantine_end(date(2022, 7, 1)) == date(2022, 7, 11)
    secondary = covid.category("secondary_close")
    assert secondary.quarantine_end(date(2022, 7, 1)) == date(2022, 7, 8)
    assert secondary.test_days == (1, 4, 7)
    assert covid.max_pool_size == 10


def test_measles_exclusion_runs_from_day_5_to_day_21() -> None:
    periods = load_profiles()["measles"].category("susceptible").periods(date(2024, 3, 1))
    assert (periods[1].start, periods[1].end) == (date(2024, 3, 6), date(2024, 3, 22))


def test_unknown_category_and_classification() -> None:
    covid = load_profiles()["covid19"]
    with pytest.raises(LookupError, match="no contact category 'casual'"):
        covid.category("casual")
    with pytest.raises(LookupError):
        covid.classification("recovered")


def test_classification_transitions() -> None:
    covid = load_profiles()["covid19"]
    assert covid.can_transition("suspected", "confirmed")
    assert not covid.can_transition("confirmed", "suspected")


def test_infectious_window() -> None:
    window = load_profiles()["covid19"].infectious_window.window(date(2022, 7, 10))
    assert window == (date(2022, 7, 8), date(2022, 7, 20))


def test_coding_by_system() -> None:
    covid = load_profiles()["covid19"]
    assert next(c.code for c in covid.coding("http://loinc.org")) == "94500-6"


def _covid_release() -> IsolationRelease:
    return load_profiles()["covid19"].isolation_release


def test_release_needs_every_criterion() -> None:
    tests = (
        LabResult(NOW - timedelta(hours=30), positive=True, ct=36.0),
        LabResult(NOW - timedelta(hours=2), positive=False),
    )
    facts = ReleaseFacts(
        now=NOW,
        fever_free_since=NOW - timedelta(hours=80),
        tests=tests,
        clinical=frozenset({"respiratory_symptoms_improved"}),
    )
    assert _covid_release().is_met(facts)
    assert not _covid_release().is_met(
        ReleaseFacts(now=NOW, fever_free_since=NOW - timedelta(hours=80), tests=tests)
    )
    feverish = ReleaseFacts(now=NOW, tests=tests, clinical=facts.clinical)
    assert not _covid_release().is_met(feverish)


@pytest.mark.parametrize(
    ("results", "met"),
    [
        ([(30, False, None), (2, False, None)], True),
        ([(30, True, 35.0), (2, True, 37.5)], True),
        ([(30, True, 34.9), (2, False, None)], False),
        ([(10, False, None), (2, False, None)], False),
        ([(2, False, None)], False),
    ],
)
def test_release_test_criteria(results: list[tuple[int, bool, float | None]], met: bool) -> None:
    tests = tuple(LabResult(NOW - timedelta(hours=h), p, ct) for h, p, ct in results)
    facts = ReleaseFacts(
        now=NOW,
        fever_free_since=NOW - timedelta(days=4),
        tests=tests,
        clinical=frozenset({"respiratory_symptoms_improved"}),
    )
    assert _covid_release().is_met(facts) is met


def test_release_by_days_since_onset() -> None:
    measles = load_profiles()["measles"].isolation_release
    assert not measles.is_met(ReleaseFacts(now=NOW, onset=date(2022, 7, 16)))
    assert measles.is_met(ReleaseFacts(now=NOW, onset=date(2022, 7, 15)))
    assert not measles.is_met(ReleaseFacts(now=NOW))


def test_release_by_days_since_first_positive() -> None:
    rule = IsolationRelease.model_validate(
        {
            "combine": "any",
            "source": "x",
            "rules": [{"kind": "days_since_first_positive", "min_days": 7}],
        }
    )
    assert rule.is_met(ReleaseFacts(now=NOW, first_positive=date(2022, 7, 13)))
    assert not rule.is_met(ReleaseFacts(now=NOW, first_positive=date(2022, 7, 14)))


def test_playbook_order_and_triggers() -> None:
    book = load_profiles()["covid19"].playbook
    order = [t.id for t in book.ordered()]
    for task in book.tasks:
        for dep in task.depends_on:
            assert order.index(dep) < order.index(task.id)
    assert [t.id for t in book.tasks_for("cluster")] == ["screening", "cluster_notify"]
    assert book.task("interview").due_hours == 24
    with pytest.raises(LookupError):
        book.task("nope")


def test_opening_policies() -> None:
    profiles = load_profiles()
    assert profiles["covid19"].playbook.opening.policy == "every_confirmed_case"
    ebola = profiles["ebola"].playbook.opening
    assert ebola.policy == "first_after_clean_days" and ebola.clean_days == 42
    assert profiles["influenza"].playbook.opening.policy == "signals_only"


def _refused(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        DiseaseProfile.model_validate(data)


def test_models_refuse_unknown_fields_and_are_frozen() -> None:
    data = minimal()
    data["colour"] = "red"
    _refused(data, "Extra inputs are not permitted")
    profile = load_profile_file(DATA / "minimal.yaml")
    with pytest.raises(ValidationError):
        profile.code = "other"  # type: ignore[misc]


def test_profile_consistency_checks() -> None:
    data = minimal()
    data["classifications"]["items"][0]["transitions"] = ["cured"]
    _refused(data, "classification 'suspected' moves to unknown classification 'cured'")
    data = minimal()
    data["classifications"]["items"] = data["classifications"]["items"][::2]
    _refused(data, "must include 'confirmed'")
    data = minimal()
    data["symptoms"]["items"].append(data["symptoms"]["items"][0])
    _refused(data, "symptoms.items code 'fever' is used twice")
    data = minimal()
    data["playbook"]["tasks"][1]["id"] = "interview"
    _refused(data, "playbook task id 'interview' is used twice")


def test_value_checks() -> None:
    data = minimal()
    data["contact_categories"][0]["test_days"] = [1, 11]
    _refused(data, "tests on day 11, outside 0..10")
    data = minimal()
    data["contact_categories"][0]["test_days"] = [3, 1]
    _refused(data, "test_days are not increasing")
    data = minimal()
    data["hospitalisation"]["share_icu"] = 0.5
    _refused(data, "share_icu is greater than share_hospitalised")
    data = minimal()
    data["incubation_period"]["min_days"] = 20
    _refused(data, "min_days is greater than max_days")
    data = minimal()
    data["incubation_period"]["distribution"] = {"name": "gamma", "mean": 5.0}
    _refused(data, "needs mean and sd, or params")
    data = minimal()
    data["sources"]["ref"].pop("url")
    _refused(data, "a source needs a doi, a url or a reference")
    data = minimal()
    data["playbook"]["opening"] = {"policy": "sometimes"}
    _refused(data, "does not match any of the expected tags")


def test_source_lists_are_checked() -> None:
    data = minimal()
    data["incubation_period"]["source"] = ["ref", "missing"]
    _refused(data, "unknown source 'missing'")
