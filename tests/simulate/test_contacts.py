from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from fireline.simulate import Outbreak


def test_infectees_are_among_their_infectors_contacts(outbreak: Outbreak) -> None:
    persons = {c["id"]: c["person_id"] for c in outbreak.cases.to_pylist()}
    listed = defaultdict(set)
    for contact in outbreak.contacts.to_pylist():
        listed[contact["case_id"]].add(contact["person_id"])
    for link in outbreak.transmission_links.to_pylist():
        assert persons[link["infectee_case_id"]] in listed[link["infector_case_id"]]


def test_other_contacts_are_new_people_who_are_not_cases(outbreak: Outbreak) -> None:
    case_people = set(outbreak.cases.column("person_id").to_pylist())
    contact_people = outbreak.contacts.column("person_id").to_pylist()
    others = [p for p in contact_people if p not in case_people]
    assert len(others) == len(set(others)) > outbreak.cases.num_rows
    assert max(contact_people) <= outbreak.persons.num_rows


def test_exposure_dates_come_before_listing(outbreak: Outbreak) -> None:
    for contact in outbreak.contacts.to_pylist():
        assert contact["date_first_exposure"] <= contact["date_last_exposure"]
        assert contact["date_last_exposure"] <= contact["listed_at"].date()
        assert contact["listed_at"].date() <= outbreak.as_of
        assert contact["category"] in ("close", "secondary_close", "casual")


def test_quarantine_end_is_last_exposure_plus_the_category_days(outbreak: Outbreak) -> None:
    contacts = {c["id"]: c for c in outbreak.contacts.to_pylist()}
    rules = outbreak.params.quarantine_days
    orders = outbreak.quarantine_orders.to_pylist()
    assert len(orders) == sum(c["category"] in rules for c in contacts.values())
    for order in orders:
        contact = contacts[order["contact_id"]]
        days = rules[contact["category"]]
        assert order["end_date"] == contact["date_last_exposure"] + timedelta(days=days)
        assert order["start_date"] <= order["end_date"]
        assert order["kind"] == outbreak.params.quarantine_kind[contact["category"]]
        assert order["person_id"] == contact["person_id"]
        assert order["status"] == ("active" if order["end_date"] >= outbreak.as_of else "completed")


def test_some_quarantines_are_still_active(outbreak: Outbreak) -> None:
    statuses = outbreak.quarantine_orders.column("status").to_pylist()
    assert "active" in statuses and "completed" in statuses
