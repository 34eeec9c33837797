"""The request context: one clock, the deployment's profiles, the actor narrowed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.auth.scope import Actor
from fireline.clock import FrozenClock
from fireline.context import Context
from fireline.diseases import loader
from fireline.errors import NotFound
from fireline.places.models import Jurisdiction
from fireline.settings import Settings
from tests.places.factories import small_tree

PROFILES = Path(loader.__file__).parent / "profiles"
# 23:30 UTC is already the next day in Shanghai (UTC+8).
LATE = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)


def _actor(place: Jurisdiction) -> Actor:
    return Actor(1, "city-epi", "epidemiologist", place.id, place.path)


def test_today_is_the_frozen_clock_s_day_in_the_place_s_time_zone(session: Session) -> None:
    tree = small_tree(session)
    context = Context.build(_actor(tree["P"]), Settings(), FrozenClock(LATE))
    assert context.now() == LATE
    assert context.today(tree["C1A"]) == date(2026, 3, 2)
    tree["C1A"].timezone = "UTC"
    assert context.today(tree["C1A"]) == date(2026, 3, 1)


def test_within_narrows_every_restricted_query(session: Session) -> None:
    tree = small_tree(session)
    context = Context.build(_actor(tree["C1"]), Settings(), FrozenClock(LATE))
    narrowed = context.within_code(session, "C1A")
    assert narrowed.actor.jurisdiction_id == tree["C1A"].id
    seen = session.scalars(narrowed.actor.restrict(select(Jurisdiction.code), Jurisdiction)).all()
    assert seen == ["C1A"]
    assert context.within_code(session, None) == context


def test_within_never_widens_nor_leaves_the_subtree(session: Session) -> None:
    tree = small_tree(session)
    actor = _actor(tree["C1A"])
    with pytest.raises(NotFound):
        actor.within(tree["C1"])  # the parent: wider
    with pytest.raises(NotFound):
        actor.within(tree["C2A"])  # a sibling
    with pytest.raises(NotFound):
        actor.within_code(session, "C2A")


def test_profiles_come_from_the_deployment_s_disease_folder(tmp_path: Path) -> None:
    shipped = Context.build(_actor_at_root(), Settings(), FrozenClock(LATE))
    assert "covid19" in shipped.profiles
    (tmp_path / "mydisease.yaml").write_text(_renamed_profile("covid19", "mydisease"), "utf-8")
    deployed = Context.build(_actor_at_root(), Settings(disease_dir=tmp_path), FrozenClock(LATE))
    assert deployed.profile("mydisease") is not None
    assert shipped.profile("mydisease") is None


def _actor_at_root() -> Actor:
    return Actor(None, "system", "admin", 0, "/")


def _renamed_profile(code: str, new_code: str) -> str:
    text = (PROFILES / f"{code}.yaml").read_text("utf-8")
    return text.replace(f"code: {code}", f"code: {new_code}", 1)


def test_a_command_runs_on_the_system_clock_or_at_its_now_option() -> None:
    settings = Settings()
    frozen = Context.for_command(settings, datetime(2031, 5, 16, 20, 0, tzinfo=UTC))
    assert frozen.now() == datetime(2031, 5, 16, 20, 0, tzinfo=UTC)
    assert frozen.today() == date(2031, 5, 17)  # 04:00 the next day in the province
    before = datetime.now(UTC)
    live = Context.for_command(settings).now()
    assert before <= live <= datetime.now(UTC)
