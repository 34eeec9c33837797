"""Property: no write route lets a county reach its sibling's records (issue #12, section 1).

Hypothesis draws persons for county C1B (names, GB 11643 national IDs with their check
character, phones, birth dates, addresses), each with a case and a sample. A C1A
investigator then sends every write route the other county's identifiers: national
IDs, names with phones, barcodes, and the record ids themselves. Afterwards C1B's rows
are exactly as before, and no response carries a field of theirs that the C1A user did
not type (OWASP API Security Top 10 2023, API1 "Broken Object Level Authorization").
Every reference a request can carry (a pool tube, a case's source and external id, a
lab message or result id, a person id in a check-in log, a venue id, an assignee's user
id) gets exactly the answer a reference that exists nowhere gets, up to the record ids
and times it makes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session, sessionmaker

from fireline.lab.models import LabMessage, LabResult, Sample
from fireline.people.models import Person
from fireline.places.models import Venue
from fireline.quarantine.models import QuarantineOrder
from fireline.surveillance.models import Case
from fireline.testing.pooling.models import Pool, PoolResult, ScreeningCampaign, ScreeningSite
from fireline.tracing.models import Contact
from fireline.tracing.venues.models import CheckIn
from tests.auth.factories import bearer, make_user
from tests.places.factories import small_tree
from tests.surveillance.intake.factories import EN_HEADER, csv_bytes
from tests.testing.factories import T0, result

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
TABLES = (
    Person,
    Case,
    Contact,
    Sample,
    LabMessage,
    LabResult,
    QuarantineOrder,
    Venue,
    Pool,
    PoolResult,
)
Route = Callable[[TestClient, dict[str, str], dict[str, Any], int], list[str]]
Answer = list[tuple[int, Any]]


def national_id(born: date, sequence: int) -> str:
    """GB 11643-1999: area, birth date, sequence, ISO 7064 MOD 11-2 check character."""
    body = f"330102{born:%Y%m%d}{sequence:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]


@st.composite
def other_person(draw: st.DrawFn) -> dict[str, Any]:
    born = draw(st.dates(date(1930, 1, 1), date(2000, 12, 31)))
    return {
        "name": "Zed" + draw(st.text("王李张刘陈杨黄赵吴周", min_size=1, max_size=3)),
        "national_id": national_id(born, draw(st.integers(0, 999))),
        "birth_date": born,
        "phone": "137" + draw(st.text("0123456789", min_size=8, max_size=8)),
        "address": "Lane " + draw(st.text("ABCDEFGH", min_size=3, max_size=6)),
    }


def _campaign(session: Session, place: int) -> ScreeningSite:
    campaign = ScreeningCampaign(
        name="Screen",
        disease="covid19",
        target_kind="jurisdiction",
        pool_size=5,
        starts_on=T0.date(),
        jurisdiction_id=place,
    )
    session.add(campaign)
    session.flush()
    site = ScreeningSite(campaign_id=campaign.id, code="S1", name="Gym", jurisdiction_id=place)
    session.add(site)
    session.flush()
    return site


def _add_records(
    session: Session, place: int, people: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Each person of the other county with a case, a sample, a pool tube and a venue;
    their ids, barcodes and case key."""
    made, site = [], _campaign(session, place)
    for i, fields in enumerate(people):
        person = Person(jurisdiction_id=place, sex="female", **fields)
        venue = Venue(jurisdiction_id=place, code=f"THEIRS-V{i}", name="Their", kind="shop")
        session.add_all([person, venue])
        session.flush()
        case, later = (
            Case(
                person_id=person.id,
                jurisdiction_id=place,
                disease="covid19",
                classification="confirmed",
                date_reporting=date(2024, 3, 3),
                source="feed",
                external_id=f"THEIRS-{key}{i}",
            )
            for key in "CD"
        )
        sample = Sample(
            barcode=f"THEIRS-{i}",
            person_id=person.id,
            disease="covid19",
            sample_type="nasopharyngeal_swab",
            collected_at=T0,
            jurisdiction_id=place,
        )
        pool = Pool(
            barcode=f"THEIRS-T{i}",
            campaign_id=site.campaign_id,
            site_id=site.id,
            round_no=1,
            size=1,
            collected_at=T0,
            jurisdiction_id=place,
        )
        message = LabMessage(
            source="lab",
            message_id=f"THEIRS-M{i}",
            format="api",
            sha256="0" * 64,
            jurisdiction_id=place,
        )
        session.add_all([case, later, sample, pool, message])
        session.flush()
        session.add(
            LabResult(
                sample_id=sample.id,
                test_type="pcr",
                outcome="positive",
                resulted_at=T0,
                source="lab",
                external_id=f"THEIRS-R{i}",
                message_id=message.id,
                jurisdiction_id=place,
            )
        )
        made.append(
            {
                **fields,
                "person_id": person.id,
                "case_id": case.id,
                "barcode": sample.barcode,
                "tube": pool.barcode,
                "venue_id": venue.id,
                "external_id": case.external_id,
                "import_id": later.external_id,
                "message_id": message.message_id,
                "result_id": f"THEIRS-R{i}",
            }
        )
    return made


def _snapshot(session: Session, place: int) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for model in TABLES:
        columns = [c for c in model.__table__.columns]
        statement = select(*columns).where(model.jurisdiction_id == place).order_by(model.id)
        rows += [(model.__tablename__, *r) for r in session.execute(statement)]
    theirs = select(Person.id).where(Person.jurisdiction_id == place)
    visits = select(CheckIn.id).where(CheckIn.person_id.in_(theirs))
    return rows + [("check_ins", *r) for r in session.execute(visits)]


def _post(client: TestClient, headers: dict[str, str], path: str, **kw: Any) -> list[str]:
    response = client.post(f"/api/v1{path}", headers=headers, **kw)
    assert response.status_code < 500, response.text
    return [response.text]


def _case(**over: Any) -> dict[str, Any]:
    return {
        "disease": "covid19",
        "jurisdiction_code": "C1A",
        "classification": "suspected",
        "date_reporting": "2024-03-05",
        **over,
    }


def _contact(**person: Any) -> dict[str, Any]:
    return {
        "category": "close",
        "setting": "household",
        "date_first_exposure": "2024-03-01",
        "date_last_exposure": "2024-03-04",
        **person,
    }


def _sample(barcode: str, **person: Any) -> dict[str, Any]:
    return {
        "barcode": barcode,
        "disease": "covid19",
        "sample_type": "nasopharyngeal_swab",
        "collected_at": "2024-03-04T08:00:00+00:00",
        "jurisdiction_code": "C1A",
        **person,
    }


def _import(client: TestClient, headers: dict[str, str], p: dict[str, Any], _: int) -> list[str]:
    row = f"N{p['person_id']},Typed Name,{p['national_id']},female,,,C1A,,2024-03-03,confirmed"
    files = {"file": ("cases.csv", csv_bytes(EN_HEADER, [row]), "text/csv")}
    upload = client.post(
        "/api/v1/case-imports",
        headers=headers,
        files=files,
        data={"disease": "covid19", "source": f"t{p['person_id']}"},
    )
    assert upload.status_code == 201, upload.text
    done = client.post(
        f"/api/v1/case-imports/{upload.json()['id']}/commit", headers=headers, json={}
    )
    return [upload.text, done.text]


# (what the C1A user typed of theirs, the route)
ROUTES: list[tuple[tuple[str, ...], Route]] = [
    (
        # The birth date is read from the typed ID itself (GB 11643): no leak.
        ("national_id", "birth_date"),
        lambda c, h, p, _: _post(
            c,
            h,
            "/cases",
            json=_case(person={"name": "Typed Name", "national_id": p["national_id"]}),
        ),
    ),
    ((), lambda c, h, p, _: _post(c, h, "/cases", json=_case(person_id=p["person_id"]))),
    (
        (),
        lambda c, h, p, _: _post(
            c, h, f"/cases/{p['case_id']}/classification", json={"to": "discarded", "version": 1}
        ),
    ),
    (
        (),
        lambda c, h, p, _: _post(
            c, h, f"/cases/{p['case_id']}/contacts", json=_contact(person={"name": "Typed Name"})
        ),
    ),
    (
        ("name", "phone"),
        lambda c, h, p, own: _post(
            c,
            h,
            f"/cases/{own}/contacts",
            json=_contact(person={"name": p["name"], "phone": p["phone"]}),
        ),
    ),
    (
        ("national_id",),
        lambda c, h, p, own: _post(
            c,
            h,
            f"/cases/{own}/contacts",
            json=_contact(person={"name": "Typed Name", "national_id": p["national_id"]}),
        ),
    ),
    (
        (),
        lambda c, h, p, own: _post(
            c, h, f"/cases/{own}/contacts", json=_contact(person_id=p["person_id"])
        ),
    ),
    (
        ("national_id",),
        lambda c, h, p, _: _post(
            c,
            h,
            "/samples",
            json=_sample(
                p["barcode"], person={"name": "Typed Name", "national_id": p["national_id"]}
            ),
        ),
    ),
    (
        (),
        lambda c, h, p, _: _post(
            c, h, "/samples", json=_sample("MINE-X", person_id=p["person_id"])
        ),
    ),
    (
        (),
        lambda c, h, p, _: _post(
            c,
            h,
            "/lab-results",
            json={
                "source": "lab",
                "message_id": f"a{p['barcode']}",
                "results": [result(p["barcode"])],
            },
        ),
    ),
    (
        ("national_id",),
        lambda c, h, p, _: _post(
            c,
            h,
            "/lab-results",
            json={
                "source": "lab",
                "message_id": f"b{p['barcode']}",
                "results": [
                    result(
                        p["barcode"], person={"name": "Typed Name", "national_id": p["national_id"]}
                    )
                ],
            },
        ),
    ),
    (("national_id",), _import),
]


def _answer(response: Any) -> tuple[int, Any]:
    assert response.status_code < 500, response.text
    return response.status_code, response.json()


def _imported(client: TestClient, headers: dict[str, str], ref: str, _: dict[str, int]) -> Answer:
    row = f"{ref},Typed Name,,female,,,C1A,,2024-03-03,confirmed"
    files = {"file": (f"{ref}.csv", csv_bytes(EN_HEADER, [row]), "text/csv")}
    upload = client.post(
        "/api/v1/case-imports",
        headers=headers,
        files=files,
        data={"disease": "covid19", "source": "feed"},
    )
    batch = f"/api/v1/case-imports/{upload.json().get('id')}"
    done = client.post(f"{batch}/commit", headers=headers, json={})
    problems = client.get(f"{batch}/problems", headers=headers)
    return [_answer(upload), _answer(done), _answer(problems)]


def _checked_in(client: TestClient, headers: dict[str, str], ref: int, _: dict[str, int]) -> Answer:
    log = f"person_id,venue_code,checked_in_at\n{ref},OWN-V,2024-03-03 10:00\n".encode()
    files = {"file": ("log.csv", log, "text/csv")}
    return [_answer(client.post("/api/v1/check-ins/imports", headers=headers, files=files))]


def _in(path: str, body: Callable[[Any, dict[str, int]], dict[str, Any]]) -> Any:
    def route(client: TestClient, headers: dict[str, str], ref: Any, own: dict[str, int]) -> Answer:
        url = "/api/v1" + path.format(**own)
        return [_answer(client.post(url, headers=headers, json=body(ref, own)))]

    return route


# (the reference of theirs the C1A user sends, the route); each is sent again with a
# reference that exists nowhere, and the two answers must be the same. Results come
# before registration: a tube registered here is then ours, rightly found.
REF_ROUTES: list[tuple[str, Callable[..., Answer]]] = [
    (
        "tube",
        _in(
            "/pool-results",
            lambda ref, _: {
                "batch": f"b{ref}",
                "results": [{"barcode": ref, "outcome": "negative", "resulted_at": T0.isoformat()}],
            },
        ),
    ),
    (
        "tube",
        _in(
            "/campaigns/{campaign}/pools",
            lambda ref, _: {
                "barcode": ref,
                "site_code": "S1",
                "collected_at": T0.isoformat(),
                "members": [{"barcode": f"M{ref}", "person": {"name": "Typed Name"}}],
            },
        ),
    ),
    (
        "external_id",
        _in(
            "/cases",
            lambda ref, _: _case(source="feed", external_id=ref, person={"name": "Typed Name"}),
        ),
    ),
    ("import_id", _imported),
    ("person_id", _checked_in),
    (
        "venue_id",
        _in(
            "/cases/{case}/exposures",
            lambda ref, _: {
                "kind": "place",
                "description": "Market",
                "venue_id": ref,
                "starts_at": "2024-03-01T08:00:00+00:00",
                "ends_at": "2024-03-01T09:00:00+00:00",
            },
        ),
    ),
    (
        "message_id",
        _in(
            "/lab-results",
            lambda ref, _: {
                "source": "lab",
                "message_id": ref,
                "results": [result(f"R{ref}", person={"name": "Typed Name"})],
            },
        ),
    ),
    (
        "result_id",
        _in(
            "/lab-results",
            lambda ref, _: {
                "source": "lab",
                "message_id": f"m{ref}",
                "results": [result(f"R{ref}", external_id=ref, person={"name": "Typed Name"})],
            },
        ),
    ),
    (
        "user_id",
        _in(
            "/quarantine/orders",
            lambda ref, own: {
                "person_id": own["person"],
                "source": "travel",
                "disease": "covid19",
                "start_date": "2024-03-05",
                "end_date": "2024-03-19",
                "assignee_id": ref,
            },
        ),
    ),
]


def _normal(answers: Answer, ref: Any) -> Answer:
    """Record ids, times and the reference itself blanked; everything else verbatim."""

    def blank(value: Any, key: str = "") -> Any:
        if key == "id" or key.endswith(("_id", "_ids")):
            return "#"
        if isinstance(value, dict):
            return {k: blank(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [blank(v, key) for v in value]
        if isinstance(value, str):
            named = value.replace(ref, "<REF>") if isinstance(ref, str) else value
            return re.sub(r"\d+", "#", named)  # a numeric reference is one number among others
        return value

    return [(status, blank(body)) for status, body in answers]


def _assert_as_if_nonexistent(
    client: TestClient, headers: dict[str, str], person: dict[str, Any], own: dict[str, int]
) -> None:
    for n, (key, route) in enumerate(REF_ROUTES):
        fresh = 10**9 + n if isinstance(person[key], int) else f"NEW-{person[key]}-{n}"
        theirs = route(client, headers, person[key], own)
        _assert_unrevealed([str(body) for _, body in theirs], person, ())
        assert _normal(theirs, person[key]) == _normal(route(client, headers, fresh, own), fresh), (
            key,
            theirs,
        )


def _assert_unrevealed(bodies: list[str], person: dict[str, Any], typed: tuple[str, ...]) -> None:
    for key in ("name", "national_id", "phone", "address", "birth_date"):
        if key in typed:
            continue
        value = str(person[key])
        for body in bodies:
            assert value not in body, (key, body[:300])


def test_write_routes_leave_the_other_county_unchanged_and_unrevealed(
    client: TestClient, sessions: sessionmaker[Session], connection: Connection
) -> None:
    with sessions() as session:
        tree = small_tree(session)
        session.add(Venue(jurisdiction_id=tree["C1A"].id, code="OWN-V", name="Ours", kind="shop"))
        own_campaign = _campaign(session, tree["C1A"].id).campaign_id
        session.commit()
        make_user(session, "own", "investigator", "C1A")
        their_user = make_user(session, "theirs", "investigator", "C1B").id
        other = tree["C1B"].id
    headers = bearer(client, "own")
    made = client.post(
        "/api/v1/cases", headers=headers, json=_case(person={"name": "Own Index"})
    ).json()
    own = {"case": made["id"], "person": made["person_id"], "campaign": own_campaign}

    @settings(
        max_examples=3,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.lists(other_person(), min_size=1, max_size=2, unique_by=lambda p: p["national_id"]))
    def check(people: list[dict[str, Any]]) -> None:
        savepoint = connection.begin_nested()
        try:
            with sessions() as session:
                theirs = _add_records(session, other, people)
                session.commit()
                before = _snapshot(session, other)
            for person in theirs:
                for typed, route in ROUTES:
                    _assert_unrevealed(route(client, headers, person, own["case"]), person, typed)
                _assert_as_if_nonexistent(client, headers, {**person, "user_id": their_user}, own)
            with sessions() as session:
                assert _snapshot(session, other) == before
        finally:
            savepoint.rollback()

    check()
