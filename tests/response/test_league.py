"""The league table on a hand-made week with known answers (RTSL indicators and 7-1-7)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from fireline.diseases import load_profiles
from fireline.errors import NotFound, Problem
from fireline.places.models import Jurisdiction
from fireline.response.export import to_csv, to_xlsx
from fireline.response.league import LeagueRow, league_table
from fireline.response.leagues import deeper_levels, league_of
from fireline.response.service import sweep
from tests.people.factories import make_person
from tests.places.factories import small_tree
from tests.response.factories import (
    add_case,
    add_contact,
    add_order,
    add_sample,
    context_at,
    quarantine,
    settings,
)

START, END = date(2026, 3, 1), date(2026, 3, 7)
NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)


def _at(day: int, hour: int = 9) -> datetime:
    return (
        datetime(2026, 3, day, hour, tzinfo=UTC)
        if day > 0
        else datetime(2026, 2, 28 + day, hour, tzinfo=UTC)
    )


def _county_a(session: Session, place: Jurisdiction) -> None:
    second_person = make_person(session, place)
    a1 = add_case(
        session, place, reported=date(2026, 3, 2), onset=date(2026, 2, 27), entered=_at(2)
    )
    add_sample(session, a1.person_id, place.id, _at(1))
    k1 = add_contact(session, a1, listed_at=_at(2, 12), person=second_person)
    quarantine(session, k1, start=date(2026, 3, 2), entered=_at(2, 14))
    a2 = add_case(
        session,
        place,
        reported=date(2026, 3, 3),
        onset=date(2026, 2, 20),
        entered=_at(3),
        person=second_person,
    )
    add_sample(session, a2.person_id, place.id, _at(0))  # 28 February: 3 days before report
    k2 = add_contact(session, a2, listed_at=_at(6))
    quarantine(session, k2, start=date(2026, 3, 8), entered=_at(8))


def _county_b(session: Session, place: Jurisdiction) -> None:
    b1 = add_case(
        session,
        place,
        reported=date(2026, 3, 4),
        onset=date(2026, 3, 1),
        entered=_at(4),
        imported=True,
    )
    add_sample(session, b1.person_id, place.id, _at(4, 7))
    k = add_contact(session, b1, listed_at=_at(5))
    quarantine(session, k, start=date(2026, 3, 5), entered=_at(5, 10))
    add_case(session, place, reported=date(2026, 2, 25), entered=datetime(2026, 2, 25, tzinfo=UTC))


def _table(session: Session) -> list[LeagueRow]:
    tree = small_tree(session)
    _county_a(session, tree["C1A"])
    _county_b(session, tree["C1B"])
    sweep(session, datetime(2026, 3, 9, tzinfo=UTC), profiles=load_profiles(), settings=settings())
    return league_table(session, tree["C1"], START, END, NOW, 0.8)


def _values(row: LeagueRow) -> dict[str, float | None]:
    return {k: c.value for k, c in row.cells.items()}


def test_indicators_per_county(session: Session) -> None:
    rows = {r.code: r for r in _table(session)}
    assert set(rows) == {"C1A", "C1B"}
    a, b = _values(rows["C1A"]), _values(rows["C1B"])
    assert a == {
        "reported_24h": 0.5,
        "interviewed_24h": 0.5,
        "contacts_quarantined_24h": 0.5,
        "cases_known_contacts": 0.5,
        "cases_in_quarantine": 0.5,
        "cases_unlinked": 0.5,
        "detect_7d": 0.5,
        "notify_1d": 0.0,
        "respond_7d": None,
        "overdue_tasks": 9.0,
    }
    assert b == {
        "reported_24h": 1.0,
        "interviewed_24h": 1.0,
        "contacts_quarantined_24h": 1.0,
        "cases_known_contacts": 0.0,
        "cases_in_quarantine": 0.0,
        "cases_unlinked": 0.0,
        "detect_7d": 1.0,
        "notify_1d": 0.0,
        "respond_7d": None,
        "overdue_tasks": 13.0,
    }


def test_ranks_red_cells_and_trend(session: Session) -> None:
    rows = {r.code: r for r in _table(session)}
    a, b = rows["C1A"].cells, rows["C1B"].cells
    assert (a["reported_24h"].rank, b["reported_24h"].rank) == (2, 1)
    assert (a["cases_unlinked"].rank, b["cases_unlinked"].rank) == (2, 1)
    assert (a["cases_known_contacts"].rank, b["cases_known_contacts"].rank) == (1, 2)
    assert (a["notify_1d"].rank, b["notify_1d"].rank) == (1, 1)
    assert a["reported_24h"].red and a["cases_unlinked"].red and not b["reported_24h"].red
    assert a["overdue_tasks"].red and b["cases_known_contacts"].red
    assert b["interviewed_24h"].previous == 0.0 and b["interviewed_24h"].trend == 1.0
    assert (rows["C1B"].rank, rows["C1A"].rank) == (1, 2)


def test_exports_for_the_weekly_meeting(session: Session) -> None:
    table = _table(session)
    text = to_csv(table).decode("utf-8-sig")
    records = list(csv.DictReader(io.StringIO(text)))
    assert [r["code"] for r in records] == ["C1B", "C1A"]
    assert records[1]["reported_24h"] == "0.5" and records[1]["reported_24h_red"] == "1"
    sheet = load_workbook(io.BytesIO(to_xlsx(table))).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    column = header.index("reported_24h") + 1
    assert sheet.cell(row=3, column=column).value == 0.5
    assert sheet.cell(row=3, column=column).fill.start_color.rgb.endswith("F4CCCC")


def test_a_quiet_county_is_listed_last_without_a_rank(session: Session) -> None:
    tree = small_tree(session)
    _county_a(session, tree["C1A"])
    sweep(session, datetime(2026, 3, 9, tzinfo=UTC), profiles=load_profiles(), settings=settings())
    rows = league_table(session, tree["C1"], START, END, NOW, 0.8)
    assert [(r.code, r.rank) for r in rows] == [("C1A", 1), ("C1B", None)]
    assert rows[1].cells["overdue_tasks"].rank is None


@pytest.mark.parametrize(("status", "share"), [("proposed", 0.0), ("active", 0.5)])
def test_a_proposed_order_is_no_quarantine_in_the_shares(
    session: Session, status: str, share: float
) -> None:
    """A contact whose order still waits in the quarantine queue was not quarantined, and
    neither was the case it became."""
    tree = small_tree(session)
    place = tree["C1A"]
    contact_person = make_person(session, place)
    a1 = add_case(session, place, reported=date(2026, 3, 2), entered=_at(2))
    k = add_contact(session, a1, listed_at=_at(2, 12), person=contact_person)
    add_order(
        session,
        k.person_id,
        place.id,
        start=date(2026, 3, 2),
        entered=_at(2, 12),
        contact_id=k.id,
        status=status,
    )
    add_case(session, place, reported=date(2026, 3, 4), entered=_at(4), person=contact_person)
    rows = {r.code: r for r in league_table(session, tree["C1"], START, END, NOW, 0.8)}
    values = _values(rows["C1A"])
    assert values["contacts_quarantined_24h"] == share * 2
    assert values["cases_in_quarantine"] == share


def test_league_of_defaults_to_the_last_week_of_the_contexts_own_place(session: Session) -> None:
    tree = small_tree(session)
    city = context_at(NOW).within(tree["C1"])
    found = league_of(session, city, 0.8)
    assert found.place.code == "C1" and found.end == date(2026, 3, 10)  # today in Shanghai
    assert found.start == date(2026, 3, 4) and {r.code for r in found.rows} == {"C1A", "C1B"}
    with pytest.raises(NotFound):
        league_of(session, city, 0.8, code="C2")
    with pytest.raises(Problem):
        league_of(session, city, 0.8, start=END, end=START)


def test_deeper_levels_are_those_below_the_children(session: Session) -> None:
    tree = small_tree(session)
    assert deeper_levels(session, context_at(NOW), tree["P"]) == ["county"]
    assert deeper_levels(session, context_at(NOW), tree["C1"]) == []
    with pytest.raises(NotFound):
        deeper_levels(session, context_at(NOW).within(tree["C1"]), tree["P"])
