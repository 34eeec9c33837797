"""Logging in to the pages from a TestClient, and a case to show, for page tests."""

from __future__ import annotations

import re
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fireline.people.models import Person
from fireline.places.models import Jurisdiction
from fireline.surveillance.models import Case
from tests.auth.factories import PASSWORD

CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    found = CSRF_INPUT.search(html)
    assert found, "the page has no CSRF field (is the user logged in?)"
    return found.group(1)


def log_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Log in through the form; returns the session's CSRF token from the overview page."""
    response = client.post(
        "/login",
        data={"username": username, "password": password, "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return csrf_from(client.get("/").text)


def switcher_codes(html: str) -> list[str]:
    """The jurisdiction codes the switcher offers."""
    select = html.split('id="jurisdiction-switcher"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="([^"]+)"', select)


def add_case(session: Session, place: Jurisdiction, classification: str, reported: date) -> Case:
    person = Person(jurisdiction_id=place.id, name="Test Person")
    session.add(person)
    session.flush()
    case = Case(
        jurisdiction_id=place.id,
        person_id=person.id,
        disease="covid19",
        classification=classification,
        date_reporting=reported,
    )
    session.add(case)
    session.flush()
    return case
