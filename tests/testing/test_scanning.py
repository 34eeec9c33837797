"""What the scan page reads: an ID card names the person of the next tube; a sample of
another county is no sample here; a site's latest tubes and their count."""

from __future__ import annotations

from sqlalchemy.orm import Session

from fireline.auth.scope import Actor
from fireline.people.models import Person
from fireline.testing.pooling.scanning import members_from_scans, site_tubes
from tests.places.factories import small_tree
from tests.testing.factories import add_result


def test_an_id_card_names_the_person_of_the_next_scan(session: Session) -> None:
    tree = small_tree(session)
    ann = Person(name="Ann", national_id="ID0001", jurisdiction_id=tree["C1A"].id)
    far = Person(name="Far", national_id="ID0002", jurisdiction_id=tree["C2A"].id)
    session.add_all([ann, far])
    session.flush()
    add_result(session, tree["C1A"], "KNOWN-1")
    add_result(session, tree["C2A"], "THEIRS-1")
    lab = Actor(None, "lab", "lab", tree["C1A"].id, tree["C1A"].path)
    members = members_from_scans(session, lab, ["KNOWN-1", "id0001", "NEW-1", "ID0002", "THEIRS-1"])
    assert [(m.barcode, m.person_id) for m in members] == [
        ("KNOWN-1", None),
        ("NEW-1", ann.id),
        ("ID0002", None),
        ("THEIRS-1", None),
    ]
    assert site_tubes(session, None) == ([], 0)
