"""Clients, cases and reference line lists for the tracing tests."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fireline.auth.scope import Actor
from fireline.clock import FrozenClock
from fireline.places.models import Jurisdiction
from fireline.surveillance.intake.batches import ImportOptions, import_file
from fireline.tracing.models import TransmissionLink
from tests.auth.factories import bearer
from tests.surveillance.profiles import acting
from tests.web.pages import add_case

OUTBREAKS = Path(__file__).resolve().parent.parent / "data" / "outbreaks"
NOW = datetime(2024, 3, 5, 2, 0, tzinfo=UTC)


def frozen_client(app_factory: Any) -> Iterator[TestClient]:
    app = app_factory()
    with TestClient(app, base_url="http://testserver") as client:
        app.state.clock = FrozenClock(NOW)
        yield client


def api(client: TestClient, user: str, method: str, path: str, **kwargs: Any) -> Any:
    return client.request(method, f"/api/v1{path}", headers=bearer(client, user), **kwargs)


def new_person(name: str, phone: str = "13700000000") -> dict[str, Any]:
    return {"name": name, "phone": phone}


def contact_body(name: str, last: str = "2024-03-04", **over: Any) -> dict[str, Any]:
    body = {
        "person": new_person(name),
        "category": "close",
        "setting": "household",
        "relation": "spouse",
        "date_first_exposure": "2024-03-01",
        "date_last_exposure": last,
    }
    body.update(over)
    return body


def import_reference(
    session: Session,
    place: Jurisdiction,
    name: str,
    id_col: str,
    onset_col: str,
    source: str,
    disease: str = "ebola",
    shift_years: int = 0,
) -> int:
    """Load a reference line list through the case import, adding the columns it lacks
    (a name, the county, a report date = onset, else the last date in the row).
    ``shift_years`` moves dates before the import's year 1900 limit (Hagelloch 1861)."""
    rows = list(csv.DictReader((OUTBREAKS / name).open(encoding="utf-8")))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "name", "location", "date_onset", "date_reporting"])
    for r in rows:
        onset = _shift(r[onset_col], shift_years) if r[onset_col] not in ("", "NA") else ""
        dates = [
            _shift(v, shift_years)
            for v in r.values()
            if len(v) == 10 and v[4] == "-" and v[7] == "-"
        ]
        writer.writerow([r[id_col], f"case {r[id_col]}", place.code, onset, onset or max(dates)])
    actor = Actor(None, "importer", "admin", place.id, place.path)
    batch = import_file(
        session,
        acting(actor),
        filename=name,
        content=out.getvalue().encode(),
        options=ImportOptions(disease=disease, source=source),
    )
    assert batch.status == "committed", (batch.status, batch.bad_rows)
    return batch.cases_created


def _shift(iso: str, years: int) -> str:
    return f"{int(iso[:4]) + years}{iso[4:]}"


def add_chains(
    session: Session, place: Jurisdiction, parents: list[int | None], first_onset: date
) -> list[int]:
    """Cases whose infector is ``parents[i]`` (a position in the list, or None), with
    their links; each onset 3 days after its infector's. Returns the case ids in order."""
    ids: list[int] = []
    onsets: list[date] = []
    for parent in parents:
        onset = first_onset if parent is None else onsets[parent] + timedelta(days=3)
        case = add_case(session, place, "confirmed", onset)
        case.date_onset = onset
        ids.append(case.id)
        onsets.append(onset)
        if parent is not None:
            session.add(
                TransmissionLink(
                    jurisdiction_id=place.id, infector_case_id=ids[parent], infectee_case_id=case.id
                )
            )
    session.flush()
    return ids
