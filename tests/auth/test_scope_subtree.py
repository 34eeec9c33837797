"""A signed-in user's actor carries its subtree's ids: the same rows as the subquery
over paths, narrowed with the actor, never widened."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from fireline.auth import scope
from fireline.auth.scope import Actor
from fireline.auth.service import actor_for
from fireline.errors import NotFound
from fireline.places.models import Jurisdiction
from tests.auth.factories import make_user
from tests.places.factories import small_tree


def _codes(session: Session, actor: Actor) -> set[str]:
    found = select(Jurisdiction.code).where(actor.covers(Jurisdiction.id))
    return set(session.scalars(found))


def test_a_users_actor_lists_its_subtree(session: Session) -> None:
    tree = small_tree(session)
    actor = actor_for(make_user(session, "c1-epi", "epidemiologist", "C1"))
    assert actor.subtree is not None
    assert {i for i, _ in actor.subtree} == {tree[c].id for c in ("C1", "C1A", "C1B")}
    assert _codes(session, actor) == {"C1", "C1A", "C1B"}
    by_paths = replace(actor, subtree=None)  # the subquery over paths
    assert _codes(session, by_paths) == _codes(session, actor)


def test_narrowing_narrows_the_list_and_never_widens_it(session: Session) -> None:
    tree = small_tree(session)
    actor = actor_for(make_user(session, "c1-epi", "epidemiologist", "C1"))
    county = actor.within(tree["C1A"])
    assert county.subtree == ((tree["C1A"].id, tree["C1A"].path),)
    assert _codes(session, county) == {"C1A"}
    with pytest.raises(NotFound):
        actor.within(tree["C2A"])


def test_a_large_subtree_is_compared_through_the_paths(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    small_tree(session)
    actor = actor_for(make_user(session, "c1-epi", "epidemiologist", "C1"))
    monkeypatch.setattr(scope, "LISTED_SCOPE_MAX", 2)
    assert "path" in str(actor.covers(Jurisdiction.id))
    assert _codes(session, actor) == {"C1", "C1A", "C1B"}


def test_a_place_found_by_code_is_asked_for_once_and_stays_in_scope(session: Session) -> None:
    """The second look-up of a code in a session reads nothing, and the scope check is
    made on every look-up: a user of another city still gets a 404 from the same session."""
    small_tree(session)
    city = actor_for(make_user(session, "c1-epi", "epidemiologist", "C1"))
    other = actor_for(make_user(session, "c2-epi", "epidemiologist", "C2"))
    statements: list[str] = []
    engine = session.get_bind()

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    first = city.jurisdiction(session, "C1A")
    event.listen(engine, "before_cursor_execute", count)
    try:
        again = city.jurisdiction(session, "C1A")
        with pytest.raises(NotFound):
            other.jurisdiction(session, "C1A")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert again is first
    assert statements == []
    with pytest.raises(NotFound):
        city.jurisdiction(session, "NOPE")
