"""The pseudonymised line list: the same rows in CSV, XLSX and Parquet, no direct
identifier anywhere in the bytes, stable pseudonyms per key, weeks on request, the
roles and the scope, the audit row, and reading in keyset chunks."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from fireline.auth.models import AuditEvent
from fireline.exports import linelist, linelist_copy, writers
from fireline.exports.writers import as_text
from fireline.interop.xlsx import cell_text
from fireline.people.models import Person
from fireline.places.models import Jurisdiction
from fireline.surveillance.models import Case
from tests.exports.factories import IDENTIFIERS, add_case, world
from tests.testing.factories import context_of

URL = "/api/v1/exports/linelist"


def fetch(client: TestClient, headers: dict[str, str], **params: Any) -> Any:
    return client.get(URL, params={"key": "national", **params}, headers=headers)


def rows_of(fmt: str, data: bytes) -> list[list[str]]:
    """The file's rows as text, header first, whatever the format."""
    if fmt == "csv":
        return [r for r in csv.reader(io.StringIO(data.decode("utf-8-sig")))]
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
        return [[cell_text(v) or "" for v in row] for row in sheet.iter_rows(values_only=True)]
    table = pq.read_table(io.BytesIO(data))
    body = [[as_text(v) for v in row.values()] for row in table.to_pylist()]
    return [table.column_names, *body]


def county_cases(session: Session, code: str) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Case)
            .join(Jurisdiction, Jurisdiction.id == Case.jurisdiction_id)
            .where(Jurisdiction.code == code)
        )
        or 0
    )


def test_three_formats_hold_the_same_rows_and_no_identifier(
    session: Session, client: TestClient
) -> None:
    w = world(session, client)
    files = {}
    for fmt in ("csv", "xlsx", "parquet"):
        got = fetch(client, w["headers"]["epi"], format=fmt)
        assert got.status_code == 200, got.text
        assert got.headers["x-row-count"] == str(county_cases(session, "C1A"))
        files[fmt] = got.content
    found = {fmt: rows_of(fmt, data) for fmt, data in files.items()}
    norm = {fmt: [[c.lower() for c in r] for r in rows] for fmt, rows in found.items()}
    assert norm["csv"] == norm["xlsx"] == norm["parquet"]
    header, *body = found["csv"]
    assert header == list(linelist.header(False))
    assert len(body) == county_cases(session, "C1A") == 4
    assert {r[header.index("jurisdiction")] for r in body} == {"C1A"}
    died = [r for r in body if r[header.index("outcome")] == "died"]
    assert died and died[0][header.index("age_band")] == "45-49"
    for data in files.values():
        for text in (*IDENTIFIERS, "Li Si", "Ann Lee", "ID0001"):
            assert text.encode() not in data
    # Parquet carries typed columns and one row group per chunk.
    table = pq.read_table(io.BytesIO(files["parquet"]))
    assert str(table.schema.field("reported").type) == "date32[day]"
    assert str(table.schema.field("imported").type) == "bool"


def test_pseudonyms_are_stable_per_key_and_unlinkable_across_keys(
    session: Session, client: TestClient
) -> None:
    w = world(session, client)
    boss = w["headers"]["boss"]
    first = rows_of("csv", fetch(client, boss).content)
    again = rows_of("csv", fetch(client, boss).content)
    other = rows_of("csv", fetch(client, boss, key="university-2026").content)
    assert first == again
    ids = {r[0] for r in first[1:]} | {r[1] for r in first[1:]}
    assert not ids & ({r[0] for r in other[1:]} | {r[1] for r in other[1:]})
    assert len({r[0] for r in first[1:]}) == len(first) - 1 == 6
    # No case number in the file: the pseudonyms are not the ids.
    case_ids = {str(c.id) for c in w["cases"].values()}
    assert not case_ids & {r[0] for r in first[1:]}


def test_a_configured_key_gives_the_same_pseudonyms_on_another_instance(
    session: Session, app_factory: Any
) -> None:
    app = app_factory(export_keys={"national": "shared-secret-of-the-two-instances"})
    with TestClient(app) as client:
        w = world(session, client)
        rows = rows_of("csv", fetch(client, w["headers"]["boss"]).content)
    from fireline.exports.pseudonyms import pseudonym

    key = b"shared-secret-of-the-two-instances"
    case = w["cases"]["d"]
    assert pseudonym(key, "case", case.id) in {r[0] for r in rows[1:]}


def test_weeks_replace_dates(session: Session, client: TestClient) -> None:
    w = world(session, client)
    header, *body = rows_of("csv", fetch(client, w["headers"]["boss"], weeks="true").content)
    assert header[4:7] == ["onset_week", "reported_week", "confirmed_week"]
    reported = {r[header.index("reported_week")] for r in body}
    assert "2026-W49" in reported and all(len(w) == 8 and "-W" in w for w in reported)
    died = next(r for r in body if r[header.index("outcome")] == "died")
    assert died[header.index("outcome_date_week")] == "2026-W49"


def test_roles_scope_and_bad_input(session: Session, client: TestClient) -> None:
    w = world(session, client)
    h = w["headers"]
    assert fetch(client, h["inv"]).status_code == 403
    assert fetch(client, h["lab"]).status_code == 403
    assert fetch(client, h["epi"], jurisdiction="C2A").status_code == 404
    narrowed = fetch(client, h["boss"], jurisdiction="C2", disease="covid19")
    assert narrowed.headers["x-row-count"] == str(county_cases(session, "C2A"))
    bad = fetch(client, h["boss"], key="no spaces!")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "key"
    assert fetch(client, h["boss"], format="pdf").status_code == 422


def test_each_export_is_audited_with_its_count_and_never_its_data(
    session: Session, client: TestClient
) -> None:
    w = world(session, client)
    got = fetch(client, w["headers"]["epi"], format="parquet", classification="confirmed")
    assert got.status_code == 200
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "linelist").order_by(AuditEvent.id.desc())
    ).first()
    assert event is not None and event.action == "export"
    assert event.detail["actor"] == "epi" and event.detail["key"] == "national"
    assert event.detail["filters"] == {"classification": "confirmed"}
    assert event.detail["rows"] == int(got.headers["x-row-count"]) == 3
    assert event.entity_ids == []
    assert "Zhang" not in str(event.detail) and "national_id" not in str(event.detail)


def test_rows_are_read_in_keyset_chunks(
    session: Session, client: TestClient, sessions: sessionmaker[Session], monkeypatch: Any
) -> None:
    world(session, client)
    context = context_of()
    plan = linelist.plan(session, context, linelist.Ask("csv", "k1"))
    whole = [line for chunk in linelist.chunks(sessions, plan) for line in chunk]
    monkeypatch.setattr(linelist, "CHUNK", 2)
    chunks = list(linelist.chunks(sessions, plan))
    assert [len(c) for c in chunks] == [2, 2, 2]
    assert [line for chunk in chunks for line in chunk] == whole and plan.rows == 6


@pytest.mark.parametrize("fmt", ["xlsx"])
def test_a_sheet_too_long_is_refused_before_anything_is_sent(
    session: Session, client: TestClient, fmt: str, monkeypatch: Any
) -> None:
    w = world(session, client)
    monkeypatch.setattr(linelist, "XLSX_MAX_ROWS", 3)
    refused = fetch(client, w["headers"]["boss"], format=fmt)
    assert refused.status_code == 422 and "CSV or Parquet" in refused.json()["detail"]


def test_copy_on_postgresql_writes_the_same_bytes_as_the_python_writer(
    session: Session, client: TestClient, sessions: sessionmaker[Session]
) -> None:
    w = world(session, client)
    odd = add_case(session, w["tree"]["C2B"], "Odd One", "X1", "suspected", date_onset=None)
    person = session.get(Person, odd.person_id)
    assert person is not None
    person.birth_date, person.sex = None, "=1+1"
    old = add_case(session, w["tree"]["C2B"], "Old One", "X2", imported=True)
    old_person = session.get(Person, old.person_id)
    assert old_person is not None
    old_person.birth_date = date(1920, 2, 29)
    session.commit()
    postgres = session.get_bind().dialect.name == "postgresql"
    for weeks in (False, True):
        plan = linelist.plan(session, context_of(), linelist.Ask("csv", "k", weeks))
        by_line = b"".join(writers.stream("csv", plan.header, linelist.chunks(sessions, plan)))
        assert b"'=1+1" in by_line and b"85+" in by_line
        assert linelist_copy.usable(sessions, plan) is postgres
        if postgres:
            assert b"".join(linelist_copy.pieces(sessions, plan)) == by_line
