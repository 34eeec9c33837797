from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from fireline.simulate import Outbreak


def test_venues_sit_in_every_county_near_its_seat(outbreak: Outbreak) -> None:
    venues = outbreak.venues.to_pylist()
    counties = set(outbreak.persons.column("jurisdiction_code").to_pylist())
    assert counties <= {v["jurisdiction_code"] for v in venues}
    assert len({v["code"] for v in venues}) == len(venues)


def test_check_ins_are_well_formed(outbreak: Outbreak) -> None:
    venue_county = {v["id"]: v["jurisdiction_code"] for v in outbreak.venues.to_pylist()}
    rows = outbreak.check_ins.to_pylist()
    assert any(r["checked_out_at"] is None for r in rows)
    for row in rows:
        assert row["jurisdiction_code"] == venue_county[row["venue_id"]]
        assert row["person_id"] <= outbreak.persons.num_rows
        if row["checked_out_at"] is not None:
            assert row["checked_out_at"] > row["checked_in_at"]


def test_venue_contacts_overlap_their_case_at_the_venue(outbreak: Outbreak) -> None:
    visits = defaultdict(list)
    for row in outbreak.check_ins.to_pylist():
        visits[row["person_id"]].append(row)
    case_person = {c["id"]: c["person_id"] for c in outbreak.cases.to_pylist()}
    venue_contacts = [c for c in outbreak.contacts.to_pylist() if c["setting"] == "venue"]
    assert venue_contacts
    for contact in venue_contacts[:200]:
        case_visits = visits[case_person[contact["case_id"]]]
        mine = visits[contact["person_id"]]
        assert any(
            a["venue_id"] == b["venue_id"]
            and abs(a["checked_in_at"] - b["checked_in_at"]) <= timedelta(minutes=30)
            for a in case_visits
            for b in mine
        )
