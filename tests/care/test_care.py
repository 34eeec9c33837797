"""Hospitals, admissions, occupancy and bed demand."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pytest
from sqlalchemy.orm import Session

from fireline.auth.scope import Actor, system_actor
from fireline.care import beds, occupancy, service
from fireline.care.schemas import AdmissionCreate, HospitalCreate
from fireline.diseases import load_profiles
from fireline.errors import NotFound, Problem
from fireline.surveillance.models import Case
from tests.people.factories import make_person
from tests.places.factories import small_tree

NOW = datetime(2026, 3, 1, 2, tzinfo=UTC)


def test_census_is_admissions_convolved_with_the_stay() -> None:
    # one admission a day, mean stay 4 d: the census climbs towards 1 / (1 - e^(-1/4))
    got = beds.census(np.ones(200), 0, 4.0)
    assert got[-1] == pytest.approx(1 / (1 - np.exp(-1 / 4)), rel=1e-6)
    assert beds.census(np.zeros(3), 10, 4.0)[0] == pytest.approx(10 * np.exp(-1 / 4))


def test_flat_rt_of_one_keeps_steady_incidence_steady() -> None:
    history = np.full(60, 100.0)
    ahead = beds.project_cases(history, 1.0, 3.5, 2.4, 14)
    assert ahead == pytest.approx(np.full(14, 100.0), rel=1e-3)


def test_capacity_runs_out_on_the_first_day_demand_exceeds_it() -> None:
    result = beds.project_beds(date(2026, 3, 1), np.full(14, 100.0), 0.1, 0, 4.0, 30)
    assert result.runs_out == date(2026, 3, 6)  # 10, 17.8, 23.9, 28.6, 32.3 beds


def test_a_place_without_beds_never_runs_out_of_them() -> None:
    """It read "0 beds. Capacity runs out on 2026-12-07" (issue #15)."""
    result = beds.project_beds(date(2026, 3, 1), np.full(14, 100.0), 0.1, 0, 4.0, 0)
    assert result.runs_out is None and result.beds[0] == pytest.approx(10.0)


def test_admission_to_a_full_bed_type_is_refused(session: Session) -> None:
    tree = small_tree(session)
    actor = system_actor()
    hospital = service.create_hospital(
        session, actor, HospitalCreate(name="H", jurisdiction_code="C1A", beds_icu=1)
    )
    first, second = make_person(session, tree["C1A"], "A"), make_person(session, tree["C1A"], "B")
    stay = service.admit(
        session,
        actor,
        hospital.id,
        AdmissionCreate(person_id=first.id, bed_type="icu", severity="critical"),
        now=NOW,
    )
    with pytest.raises(Problem, match="no free icu bed"):
        service.admit(
            session,
            actor,
            hospital.id,
            AdmissionCreate(person_id=second.id, bed_type="icu", severity="severe"),
            now=NOW,
        )
    other = service.create_hospital(
        session, actor, HospitalCreate(name="K", jurisdiction_code="C1A", beds_icu=2)
    )
    moved = service.transfer(
        session,
        actor,
        stay.id,
        version=stay.version,
        hospital_id=other.id,
        bed_type=None,
        severity=None,
        now=NOW,
    )
    assert moved.transferred_from_id == stay.id and stay.outcome == "transferred"
    found = occupancy.occupancy(session, actor.within(tree["C1A"]))
    assert {r.bed_type: (r.beds, r.occupied) for r in found}["icu"] == (3, 1)


def test_bed_demand_uses_the_profile(session: Session) -> None:
    tree = small_tree(session)
    service.create_hospital(
        session, system_actor(), HospitalCreate(name="H", jurisdiction_code="C1A", beds_general=5)
    )
    demand = service.bed_demand(
        session,
        system_actor(),
        tree["C1A"],
        load_profiles()["covid19"],
        today=NOW.date(),
        kind="hospital",
    )
    assert demand.capacity == 5 and len(demand.beds) == 14 and demand.runs_out is None


def test_admission_naming_another_countys_case_is_a_missing_case(session: Session) -> None:
    tree = small_tree(session)
    hospital = service.create_hospital(
        session, system_actor(), HospitalCreate(name="H", jurisdiction_code="C1A", beds_icu=2)
    )
    own, other = make_person(session, tree["C1A"], "A"), make_person(session, tree["C1B"], "B")
    theirs = Case(
        person_id=other.id,
        jurisdiction_id=tree["C1B"].id,
        disease="covid19",
        classification="confirmed",
        date_reporting=date(2026, 2, 28),
    )
    session.add(theirs)
    session.flush()
    county = Actor(None, "county", "admin", tree["C1A"].id, tree["C1A"].path)
    answers = []
    for case_id in (theirs.id, theirs.id + 1000):
        body = AdmissionCreate(person_id=own.id, case_id=case_id, bed_type="icu", severity="severe")
        with pytest.raises(NotFound) as refused:
            service.admit(session, county, hospital.id, body, now=NOW)
        answers.append(refused.value.detail.replace(str(case_id), "N"))
    assert answers[0] == answers[1]
