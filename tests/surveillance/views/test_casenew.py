"""The new-case form."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.people.models import Person
from fireline.surveillance.models import Case
from tests.auth.factories import make_user
from tests.places.factories import small_tree
from tests.surveillance.profiles import ADDED, deployment_folder
from tests.surveillance.views.factories import world
from tests.web.pages import log_in


@pytest.fixture
def data(session: Session) -> dict[str, Any]:
    return world(session)


def test_new_case_reports_and_says_when_a_match_is_proposed(
    client: TestClient, data: dict[str, Any], session: Session
) -> None:
    csrf = log_in(client, "ann")
    assert "新增病例" in client.get("/surveillance/cases/new?lang=zh").text
    form = {
        "csrf_token": csrf,
        "disease": "covid19",
        "jurisdiction_code": "C1A",
        "classification": "suspected",
        "date_reporting": date.today().isoformat(),
        "name": "赵六",
        "birth_date": "1990-01-01",
        "phone": "13900000009",
    }
    created = client.post("/surveillance/cases/new", data=form)
    assert created.status_code == 200 and "该人员可能已有档案" in created.text
    missing = client.post("/surveillance/cases/new", data={**form, "name": ""})
    assert missing.status_code == 422 and "姓名为必填项" in missing.text
    log_in(client, "viewer")
    assert client.get("/surveillance/cases/new").status_code == 403


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Date of report must lie between 1900 and 2100."),
        ("zh", "报告日期须在 1900 年至 2100 年之间。"),
    ],
)
def test_a_report_date_outside_1900_to_2100_is_refused_in_words_and_keeps_the_form(
    client: TestClient, data: dict[str, Any], session: Session, language: str, message: str
) -> None:
    csrf = log_in(client, "ann")
    form = {
        "csrf_token": csrf,
        "disease": "covid19",
        "jurisdiction_code": "C1A",
        "classification": "suspected",
        "date_reporting": "2300-01-01",
        "name": "Ann Typed",
        "phone": "13900000001",
    }
    before = len(session.scalars(select(Case.id)).all())
    refused = client.post(f"/surveillance/cases/new?lang={language}", data=form)
    assert refused.status_code == 422
    assert message in refused.text and "Value error" not in refused.text
    assert 'value="Ann Typed"' in refused.text and 'value="2300-01-01"' in refused.text
    assert len(session.scalars(select(Case.id)).all()) == before


def test_the_form_offers_and_reports_a_disease_the_deployment_folder_adds(
    app_factory: Any, data: dict[str, Any], session: Session, tmp_path: Path
) -> None:
    with TestClient(app_factory(disease_dir=deployment_folder(tmp_path))) as deployed:
        csrf = log_in(deployed, "ann")
        assert f'value="{ADDED}"' in deployed.get("/surveillance/cases/new").text
        form = {
            "csrf_token": csrf,
            "disease": ADDED,
            "jurisdiction_code": "C1A",
            "classification": "suspected",
            "date_reporting": date.today().isoformat(),
            "name": "Pox Patient",
        }
        created = deployed.post("/surveillance/cases/new", data=form, follow_redirects=False)
        assert created.status_code == 303, created.text
    assert session.scalars(select(Case).where(Case.disease == ADDED)).one()


def test_an_onset_after_the_report_is_refused_beside_the_onset_date(
    client: TestClient, data: dict[str, Any]
) -> None:
    csrf = log_in(client, "ann")
    form = {
        "csrf_token": csrf,
        "disease": "covid19",
        "jurisdiction_code": "C1A",
        "classification": "suspected",
        "date_reporting": "2024-03-01",
        "date_onset": "2024-03-09",
        "name": "Ann Typed",
    }
    refused = client.post("/surveillance/cases/new?lang=en", data=form)
    assert refused.status_code == 422
    beside = refused.text.split('id="date_onset"', 1)[1].split("</div>", 1)[0]
    assert 'class="field-error"' in beside and "onset date is after the report date" in beside
    assert 'value="2024-03-09"' in refused.text and 'value="Ann Typed"' in refused.text


# Issue 14: the form holds every value to people.validation, beside its field, in the
# user's language, keeping what was typed; nothing typed is dropped for a person on file.
MALE_1990 = "330102199004010114"  # born 1990-04-01, male


def case_form(csrf: str, **fields: str) -> dict[str, str]:
    return {
        "csrf_token": csrf,
        "disease": "covid19",
        "jurisdiction_code": "C1A",
        "classification": "confirmed",
        "date_reporting": date.today().isoformat(),
        "name": "周明",
        **fields,
    }


def beside(html: str, field: str) -> str:
    """The text of the form field's own block (its label, input and messages)."""
    return html.split(f'id="{field}"', 1)[1].split("</div>", 1)[0]


@pytest.mark.parametrize(
    ("fields", "field", "zh"),
    [
        ({"national_id": "ABCDEFG"}, "national_id", "身份证号码为 18 位"),
        ({"national_id": "33010219900401011"}, "national_id", "身份证号码为 18 位"),
        ({"national_id": "330102199004010115"}, "national_id", "最后一位应为 4"),
        ({"phone": "abc-not-a-phone"}, "phone", "不是电话号码"),
        ({"name": "x" * 10_000}, "name", "最多 200 个字符"),
        ({"date_reporting": "2099-01-05"}, "date_reporting", "晚于今天"),
        ({"birth_date": "2099-01-01"}, "birth_date", "晚于今天"),
    ],
)
def test_bad_values_are_refused_beside_their_field_in_chinese_keeping_the_form(
    client: TestClient,
    data: dict[str, Any],
    session: Session,
    fields: dict[str, str],
    field: str,
    zh: str,
) -> None:
    csrf = log_in(client, "ann")
    assert "maxlength" not in client.get("/surveillance/cases/new").text  # never cut
    before = len(session.scalars(select(Case.id)).all())
    form = case_form(csrf, address="杭州市上城区1号", **fields)
    refused = client.post("/surveillance/cases/new?lang=zh", data=form)
    assert refused.status_code == 422
    assert 'class="field-error"' in beside(refused.text, field) and zh in beside(
        refused.text, field
    )
    for value in form.values():
        assert f'value="{value}"' in refused.text or value in refused.text
    assert len(session.scalars(select(Case.id)).all()) == before


def test_the_id_fills_birth_date_and_sex_on_the_form(
    client: TestClient, data: dict[str, Any], session: Session
) -> None:
    csrf = log_in(client, "ann")
    made = client.post(
        "/surveillance/cases/new",
        data=case_form(csrf, national_id=MALE_1990),
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    person = session.scalars(select(Person).where(Person.national_id == MALE_1990)).one()
    assert (person.birth_date, person.sex) == (date(1990, 4, 1), "male")


def test_an_id_on_file_shows_both_and_the_typed_details_are_kept(
    client: TestClient, data: dict[str, Any], session: Session
) -> None:
    csrf = log_in(client, "ann")
    client.post("/surveillance/cases/new", data=case_form(csrf, national_id=MALE_1990))
    typed = case_form(csrf, national_id=MALE_1990, phone="13900000077", disease="measles")
    asked = client.post("/surveillance/cases/new?lang=en", data=typed)
    assert asked.status_code == 409
    assert "This person is on file with other details" in asked.text
    assert "13900000077" in asked.text and 'name="existing_person"' in asked.text
    made = client.post(
        "/surveillance/cases/new",
        data={**typed, "existing_person": "update"},
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    person = session.scalars(select(Person).where(Person.national_id == MALE_1990)).one()
    session.refresh(person)
    assert person.phone == "13900000077"


def test_a_second_case_of_the_disease_asks_a_reason(
    client: TestClient, data: dict[str, Any], session: Session
) -> None:
    csrf = log_in(client, "ann")
    form = case_form(csrf, national_id=MALE_1990)
    client.post("/surveillance/cases/new", data=form)
    again = client.post("/surveillance/cases/new?lang=zh", data=form)
    assert again.status_code == 409 and 'name="repeat_reason"' in again.text
    person = session.scalars(select(Person.id).where(Person.national_id == MALE_1990)).one()
    assert len(session.scalars(select(Case.id).where(Case.person_id == person)).all()) == 1
    reason = {**form, "repeat_reason": "再次感染"}
    made = client.post("/surveillance/cases/new", data=reason, follow_redirects=False)
    assert made.status_code == 303, made.text


def test_candidates_appear_while_typing_in_scope_only(
    client: TestClient, data: dict[str, Any]
) -> None:
    log_in(client, "ann")
    found = client.get("/people/candidates?name=赵六")
    assert found.status_code == 200 and found.text.count('name="person_id"') == 2  # 赵六 + new
    assert "王五" not in client.get("/people/candidates?name=王五").text  # C2A: outside
    assert 'name="person_id"' not in client.get("/people/candidates?name=赵").text  # too short
    by_phone = client.get("/people/candidates?phone=139-0000-0009").text
    assert "赵六" in by_phone


def test_with_no_case_in_view_the_form_starts_on_the_deployments_disease(
    session: Session, app_factory: Any
) -> None:
    """Not the first profile in the alphabet (cholera): the setting's disease, else that."""
    small_tree(session)
    make_user(session, "empty", "investigator", "C1A")
    selected = r'<option value="(\w+)" selected>'
    for overrides, expected in (({}, "covid19"), ({"default_disease": "measles"}, "measles")):
        with TestClient(app_factory(**overrides)) as client:
            log_in(client, "empty")
            page = client.get("/surveillance/cases/new").text
            assert re.search(selected, page.split('id="disease"')[1])[1] == expected  # type: ignore[index]
