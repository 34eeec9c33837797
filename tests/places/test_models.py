from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.places.models import Jurisdiction, subtree_ids
from tests.places.factories import add_jurisdiction, small_tree


def test_subtree_is_one_range_over_the_path(session: Session) -> None:
    tree = small_tree(session)
    ids = set(session.scalars(subtree_ids(tree["C1"].path)))
    assert ids == {tree["C1"].id, tree["C1A"].id, tree["C1B"].id}


def test_similar_prefix_codes_do_not_leak(session: Session) -> None:
    tree = small_tree(session)
    sibling = add_jurisdiction(session, "C10", tree["P"], level="city")  # starts like C1
    ids = set(session.scalars(subtree_ids(tree["C1"].path)))
    assert sibling.id not in ids


def test_any_depth_and_parent_code(session: Session) -> None:
    tree = small_tree(session)
    town = add_jurisdiction(session, "T1", tree["C1A"], level="township")
    assert town.depth == 3 and town.parent_code == "C1A"
    assert town.ancestor_codes == ["P", "C1", "C1A", "T1"]
    assert tree["P"].parent_code is None
    found = session.scalars(
        select(Jurisdiction.code).where(Jurisdiction.id.in_(subtree_ids(tree["C1"].path)))
    ).all()
    assert "T1" in found
