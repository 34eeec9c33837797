"""The demo's interviews: one per case, set-based, idempotent."""

from __future__ import annotations

from sqlalchemy.orm import Session

from fireline.auth.scope import Actor
from fireline.surveillance.schemas import CaseCreate, PersonIn
from fireline.surveillance.service import create_case
from fireline.tracing.demo import add_interviews, interview_count
from fireline.tracing.models import Interview
from tests.places.factories import small_tree
from tests.surveillance.profiles import acting


def test_every_case_gets_one_interview(session: Session) -> None:
    place = small_tree(session)["C1A"]
    actor = Actor(None, "t", "admin", place.id, place.path)
    for i, onset in enumerate(["2024-03-01", None]):
        create_case(
            session,
            acting(actor),
            CaseCreate(
                disease="covid19",
                jurisdiction_code="C1A",
                date_reporting="2024-03-04",
                date_onset=onset,
                person=PersonIn(name=f"P{i}"),
            ),
        )
    assert add_interviews(session) == 2
    assert add_interviews(session) == 0 and interview_count(session) == 2
    symptoms = sorted(str(i.symptoms) for i in session.query(Interview))
    assert symptoms == ["['fever']", "[]"]
