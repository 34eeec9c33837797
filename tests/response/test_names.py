"""Names for the response pages: places and staff by id, and the staff a task can go to."""

from __future__ import annotations

from sqlalchemy.orm import Session

from fireline.response import names
from tests.auth.factories import make_user
from tests.places.factories import by_code, small_tree
from tests.response.factories import T0, context_at


def test_places_and_staff_names(session: Session) -> None:
    tree = small_tree(session)
    ann = make_user(session, "ann", "investigator", "C1A")
    ann.full_name = "Ann Li"
    bob = make_user(session, "bob", "viewer", "C1A")
    assert names.places(session, []) == {}
    assert {j.code for j in names.places(session, {tree["C1"].id, tree["P"].id}).values()} == {
        "C1",
        "P",
    }
    assert names.staff_names(session, [ann.id, bob.id, None]) == {ann.id: "Ann Li", bob.id: "bob"}


def test_only_active_staff_in_the_subtree_can_be_assigned(session: Session) -> None:
    small_tree(session)
    make_user(session, "ann", "investigator", "C1A")
    make_user(session, "carl", "investigator", "C2A")
    gone = make_user(session, "dora", "investigator", "C1B")
    gone.is_active = False
    city = context_at(T0).within(by_code(session, "C1"))
    assert [label for _, label in names.assignable_staff(session, city)] == ["ann (ann)"]
