"""The interview page, reachable and refusing bad answers beside their fields (issue 14):
every defect the issue lists has a test here that fails on the code before it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fireline.people.models import Person
from fireline.tracing.models import Contact
from tests.surveillance.cases.factories import county_world, post_case
from tests.web.pages import log_in

from .factories import api, frozen_client


@pytest.fixture
def client(app_factory: Any, session: Session) -> Iterator[TestClient]:
    county_world(session)
    session.commit()
    yield from frozen_client(app_factory)


@pytest.fixture
def case_id(client: TestClient) -> int:
    return int(post_case(client, "ann")["id"])


def contact_form(csrf: str, **over: str) -> dict[str, str]:
    form = {
        "csrf_token": csrf,
        "name": "Zhao Li",
        "phone": "13711112222",
        "category": "close",
        "setting": "household",
        "last": "2024-03-04",
    }
    form.update(over)
    return form


def beside(html: str, field: str) -> str:
    """The refusal shown beside ``field`` (its ``<span id="FIELD-error">``)."""
    found = re.search(rf'id="{field}-error"[^>]*>([^<]*)<', html)
    assert found, f"no error slot beside {field}"
    return found.group(1).strip()


def value_of(html: str, name: str) -> str:
    found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html)
    return found.group(1) if found else ""


def test_the_interview_is_linked_from_the_case_pages(client: TestClient, case_id: int) -> None:
    """It opened only by typing its address."""
    log_in(client, "ann")
    link = f'href="/investigation/cases/{case_id}"'
    assert link in client.get(f"/surveillance/cases/{case_id}").text
    assert link in client.get("/surveillance/cases").text
    landing = client.get("/investigation").text
    assert link in landing and 'id="waiting-table"' in landing


def test_a_contact_listed_twice_is_refused_beside_the_name(
    client: TestClient, case_id: int, session: Session
) -> None:
    """It answered 500 and showed nothing."""
    csrf = log_in(client, "ann")
    first = client.post(f"/investigation/cases/{case_id}/contacts", data=contact_form(csrf))
    assert first.status_code == 200 and "Zhao Li" in first.text  # the list, out of band
    again = client.post(f"/investigation/cases/{case_id}/contacts", data=contact_form(csrf))
    assert again.status_code == 422
    assert beside(again.text, "name") == "This person is already listed as a contact of this case."
    assert value_of(again.text, "phone") == "13711112222"  # what was typed is kept
    assert session.scalar(select(func.count()).select_from(Contact)) == 1
    persons = select(func.count()).select_from(Person).where(Person.name == "Zhao Li")
    assert session.scalar(persons) == 1


def test_an_exposure_after_isolation_is_refused_beside_the_date(
    client: TestClient, case_id: int
) -> None:
    """It answered 500 and showed nothing."""
    body = {"version": 1, "date_isolation": "2024-03-02"}
    assert api(client, "ann", "PATCH", f"/cases/{case_id}/interview", json=body).status_code == 200
    csrf = log_in(client, "ann")
    late = client.post(f"/investigation/cases/{case_id}/contacts", data=contact_form(csrf))
    assert late.status_code == 422
    assert "after the case was isolated on 2024-03-02" in beside(late.text, "last")
    assert value_of(late.text, "name") == "Zhao Li" and value_of(late.text, "last") == "2024-03-04"
    zh = client.post(f"/investigation/cases/{case_id}/contacts?lang=zh", data=contact_form(csrf))
    assert "晚于病例隔离日期 2024-03-02" in beside(zh.text, "last")


def test_malformed_values_are_refused_beside_their_fields(client: TestClient, case_id: int) -> None:
    """422s were never displayed, and their text was pydantic's, in English."""
    csrf = log_in(client, "ann")
    form = contact_form(csrf, name="", last="4 March", phone="abc-not-a-phone")
    bad = client.post(f"/investigation/cases/{case_id}/contacts?lang=zh", data=form)
    assert bad.status_code == 422
    assert beside(bad.text, "last") == "日期请按 YYYY-MM-DD 格式填写。"
    assert beside(bad.text, "name") == "此项必填。"
    assert value_of(bad.text, "last") == "4 March"
    phone = client.post(
        f"/investigation/cases/{case_id}/contacts?lang=en",
        data=contact_form(csrf, phone="abc-not-a-phone"),
    )
    assert beside(phone.text, "phone").startswith("Phone: abc-not-a-phone is not a phone number.")
    assert value_of(phone.text, "phone") == "abc-not-a-phone"
    for number in ("ABCDEFG", "33010219900101123", "330102199001011235"):
        refused = client.post(
            f"/investigation/cases/{case_id}/contacts?lang=zh",
            data=contact_form(csrf, national_id=number),
        )
        assert refused.status_code == 422
        assert beside(refused.text, "national_id").startswith("身份证号")
        assert value_of(refused.text, "national_id") == number
    ahead = client.post(
        f"/investigation/cases/{case_id}/contacts?lang=en",
        data=contact_form(csrf, last="2024-03-06"),
    )
    assert "is in the future" in beside(ahead.text, "last")


def test_autosave_refuses_a_future_onset_and_isolation_before_onset(
    client: TestClient, case_id: int
) -> None:
    """Onset in 2027 and isolation before onset were saved."""
    path = f"/cases/{case_id}/interview"
    future = api(client, "ann", "PATCH", path, json={"version": 1, "date_onset": "2027-01-01"})
    assert future.status_code == 422
    assert future.json()["errors"][0]["loc"] == ["body", "date_onset"]
    order = {"version": 1, "date_onset": "2024-03-03", "date_isolation": "2024-03-01"}
    assert api(client, "ann", "PATCH", path, json=order).status_code == 422
    assert api(client, "ann", "GET", path).json()["version"] == 1  # nothing saved
    csrf = log_in(client, "ann")
    page = client.post(
        f"/investigation/cases/{case_id}/interview?lang=zh",
        data={
            "csrf_token": csrf,
            "version": "1",
            "date_onset": "2024-03-03",
            "date_isolation": "2024-03-01",
        },
    )
    assert page.status_code == 422
    assert beside(page.text, "date_isolation") == "隔离日期 2024-03-01 早于发病日期 2024-03-03。"
    assert 'hx-swap-oob="true"' in page.text
    ok = client.post(
        f"/investigation/cases/{case_id}/interview",
        data={"csrf_token": csrf, "version": "1", "date_onset": "2024-03-03"},
    )
    assert ok.status_code == 200 and "v2" in ok.text and beside(ok.text, "date_onset") == ""


def test_the_chinese_interview_shows_no_code(client: TestClient, case_id: int) -> None:
    """Symptoms, categories and settings showed as codes (close/secondary_close, household)."""
    csrf = log_in(client, "ann")
    client.post(f"/investigation/cases/{case_id}/contacts", data=contact_form(csrf))
    exposure = {
        "csrf_token": csrf,
        "address": "1 Road",
        "day": "2024-03-02",
        "exposure_type": "shared_room",
        "setting": "work",
    }
    assert (
        client.post(f"/investigation/cases/{case_id}/exposures", data=exposure).status_code == 200
    )
    zh = client.get(f"/investigation/cases/{case_id}?lang=zh").text
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)[^>]*>.*?</\1>", "", zh, flags=re.S))
    for code in (
        "close",
        "secondary_close",
        "household",
        "casual",
        "shared_room",
        "work",
        "Fever",
        "Cough",
        "Close contact",
        "Household",
        "Workplace",
        "suspected",
    ):
        found = re.search(rf"(?<![\w/]){code}(?![\w/])", text)
        assert not found, text[max(0, found.start() - 200) : found.end() + 50]
    for label in ("密切接触者", "密接的密接", "家庭", "发热", "工作场所", "共同居住、学习、工作"):
        assert label in text, label


def test_the_person_picker_offers_persons_in_scope_only(client: TestClient, case_id: int) -> None:
    csrf = log_in(client, "ann")
    client.post(f"/investigation/cases/{case_id}/contacts", data=contact_form(csrf))
    found = client.get(f"/investigation/cases/{case_id}/person-picker?name=Zhao")
    assert found.status_code == 200 and "data-pick-person" in found.text and "Zhao Li" in found.text
    person = re.search(r'data-pick-person="(\d+)"', found.text)
    assert person
    picked = contact_form(csrf, name="", phone="", person_id=person.group(1))
    again = client.post(f"/investigation/cases/{case_id}/contacts", data=picked)
    assert "already listed" in beside(again.text, "name")  # the picked person, not a new one
    other = int(post_case(client, "bob", jurisdiction_code="C2A")["id"])
    log_in(client, "bob")
    assert (
        client.get(f"/investigation/cases/{other}/person-picker?name=Zhao").text.count(
            "data-pick-person"
        )
        == 0
    )
