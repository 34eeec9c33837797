"""The jurisdiction tree as the page header's switcher reads it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from fireline.auth.service import actor_for
from fireline.jurisdictions.service import tree_names
from tests.auth.factories import make_user
from tests.places.factories import small_tree


def test_the_switcher_reads_the_scope_in_tree_order_and_language(session: Session) -> None:
    small_tree(session)
    city = actor_for(make_user(session, "ann", "epidemiologist", "C1"))
    assert tree_names(session, city, "en") == [
        ("C1", 1, "Place C1"),
        ("C1A", 2, "Place C1A"),
        ("C1B", 2, "Place C1B"),
    ]
    assert [name for _code, _depth, name in tree_names(session, city, "zh")] == [
        "地区C1",
        "地区C1A",
        "地区C1B",
    ]
