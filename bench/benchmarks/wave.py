"""The Shanghai-sized wave on PostgreSQL, built once and reused (issue #17).

``python -m bench wave`` makes the database ``fireline_wave_<cases>`` on the server of
FIRELINE_BENCH_POSTGRES_URL (or FIRELINE_TEST_POSTGRES_URL) and leaves it there for
``python -m bench.benchmarks.serve_load --database-url …`` and the other measurements;
a second run finds it complete and only reports it. Building it:

- the simulator's wave ending today (600,000 cases; 16 listed contacts per case, so
  about 10 M contacts and 7 M quarantine orders), loaded by ``load_outbreak``'s COPY;
- the province, city and county users: ``admin``, the demo's Hangzhou and Shangcheng
  logins, and an epidemiologist and an investigator in every one of the 90 counties
  (``bench-<code>-<role>``), all with the demo's password;
- the response sweep that a server running through the wave would have made;
- mass screening: one campaign per city, pools of 10 of every resident, in as many
  daily rounds as bring the samples to 25 M (INSERT … SELECT, no row in Python);
- VACUUM ANALYZE, as autovacuum would leave a running server.

The figure is the build's seconds; the baseline, measured in the same run, is copying
the finished database file by file (``CREATE DATABASE … TEMPLATE``): the floor of
having this database at all. Reported: rows per table, seconds per stage.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, Final

from sqlalchemy import Connection, Engine, create_engine, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session

from bench.benchmarks import _wave_screening as screening
from bench.registry import Measurement, timed
from fireline.auth.models import User
from fireline.auth.scope import system_actor
from fireline.auth.service import create_user
from fireline.db.engine import make_engine, normalise_url, session_factory, transaction
from fireline.db.indexes import deferred
from fireline.db.migrate import upgrade
from fireline.demo.jurisdictions import from_database
from fireline.demo.loader import load_outbreak
from fireline.demo.service import PASSWORD, SEED_COUNTY, demo_logins
from fireline.diseases import load_profiles
from fireline.jurisdictions.importer import bundled_divisions, import_jurisdictions
from fireline.response.service import sweep
from fireline.response.settings import ResponseSettings
from fireline.simulate import TABLES, simulate
from fireline.simulate.params import DiseaseParams

NAME = "wave"
DESCRIPTION = "build (once) the 600,000-case wave on PostgreSQL, reused by serve-load"
CASES: Final = {"small": 20_000, "full": 600_000}
CONTACTS_PER_CASE: Final = 16.0  # the 10 M contacts at 600,000 cases
SAMPLES_WANTED: Final = 25_000_000  # at full scale; in proportion at the others
COUNTY_ROLES: Final = ("epidemiologist", "investigator")
MARKER: Final = "bench_wave"


def server_url() -> URL:
    url = os.environ.get("FIRELINE_BENCH_POSTGRES_URL") or os.environ.get(
        "FIRELINE_TEST_POSTGRES_URL"
    )
    if not url:
        raise SystemExit("set FIRELINE_BENCH_POSTGRES_URL (or FIRELINE_TEST_POSTGRES_URL)")
    return make_url(normalise_url(url))


def wave_url(cases: int) -> str:
    """The wave's database URL (FIRELINE_WAVE_DATABASE names another database)."""
    name = os.environ.get("FIRELINE_WAVE_DATABASE") or f"fireline_wave_{cases}"
    return server_url().set(database=name).render_as_string(hide_password=False)


def _admin() -> Engine:
    return create_engine(server_url(), isolation_level="AUTOCOMMIT")


def built(url: str) -> dict[str, Any] | None:
    """What the last complete build recorded, or None (no database, or a build cut short)."""
    name = make_url(url).database
    with _admin().connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
        ).first()
    if not exists:
        return None
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            has = connection.execute(text("SELECT to_regclass(:t)"), {"t": MARKER}).scalar()
            if has is None:
                return None
            row = connection.execute(text(f"SELECT detail FROM {MARKER}")).scalar()
            return json.loads(row) if row else None
    finally:
        engine.dispose()


def _recreate(name: str) -> None:
    with _admin().connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))


def add_users(session: Session) -> int:
    """The demo's logins and two users in each of the 90 counties. One argon2id hash of
    the demo password serves every county user (each hash costs 64 MiB and ~0.3 s: 180
    of them were 95 s of the build); the demo's logins are made one by one."""
    actor = system_actor()
    logins = [(login.username, login.role, login.jurisdiction) for login in demo_logins()]
    for username, role, code in logins:
        create_user(
            session, actor, username=username, password=PASSWORD, role=role, jurisdiction_code=code
        )
    places = session.execute(
        text("SELECT code, id FROM jurisdictions WHERE level = 'county' ORDER BY code")
    ).all()
    shared = session.scalar(select(User.password_hash).where(User.username == "admin"))
    county_users = [
        User(
            username=f"bench-{code}-{role}",
            full_name="",
            password_hash=shared,
            role=role,
            jurisdiction_id=place_id,
            language="en",
        )
        for code, place_id in places
        if code != SEED_COUNTY  # the demo's Shangcheng logins are that county's users
        for role in COUNTY_ROLES
    ]
    session.add_all(county_users)
    session.flush()
    return len(logins) + len(county_users)


def _stage(stages: dict[str, float], name: str, work: Callable[[], object]) -> None:
    print(f"wave: {name}…", file=sys.stderr, flush=True)
    stages[name] = round(timed(work), 1)
    print(f"wave: {name} {stages[name]} s", file=sys.stderr, flush=True)


def build(url: str, cases: int, today: date) -> dict[str, Any]:
    """Make the wave's database from nothing; returns what it holds and what it took."""
    _recreate(make_url(url).database or "")
    engine = make_engine(url)
    sessions = session_factory(engine)
    stages: dict[str, float] = {}
    now = datetime.now(UTC).replace(microsecond=0)
    facts: dict[str, Any] = {}
    try:
        _stage(stages, "schema", lambda: upgrade(engine))
        with transaction(sessions) as session:
            import_jurisdictions(session, system_actor(), bundled_divisions())
            _stage(stages, "users", lambda: facts.update(users=add_users(session)))
        _stage(stages, "outbreak", lambda: facts.update(_load(sessions, cases, today, now)))
        _stage(stages, "sweep", lambda: _sweep(sessions, now))
        wanted = SAMPLES_WANTED * cases // CASES["full"]
        with engine.begin() as connection:
            _stage(
                stages,
                "screening",
                lambda: facts.update(screening=screening.add(connection, today, now, wanted)),
            )
        _stage(stages, "vacuum analyze", lambda: _vacuum(engine))
        with engine.connect() as connection:
            facts["rows"] = _rows(connection)
    finally:
        engine.dispose()
    return {"cases": cases, "as_of": today.isoformat(), "stages_s": stages, **facts}


def _load(sessions: Any, cases: int, today: date, now: datetime) -> dict[str, Any]:
    with transaction(sessions) as session:
        outbreak = simulate(
            from_database(session),
            cases,
            seed=1,
            end=today,
            seed_county=SEED_COUNTY,
            params=DiseaseParams(contacts_per_case=CONTACTS_PER_CASE),
        )
        start = outbreak.start
        with deferred(session.connection(), TABLES):
            load_outbreak(session, outbreak, now)
        del outbreak  # the tables are in the database; free them before the next stage
    return {"start": start.isoformat()}


def _sweep(sessions: Any, now: datetime) -> None:
    profiles = {"covid19": load_profiles()["covid19"]}
    with transaction(sessions) as session:
        sweep(session, now, profiles=profiles, settings=ResponseSettings(webhook_url=None))


def _vacuum(engine: Engine) -> None:
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))


COUNTED: Final = (
    "persons",
    "cases",
    "contacts",
    "quarantine_orders",
    "follow_ups",
    "responses",
    "response_tasks",
    "samples",
    "lab_results",
    "pools",
    "check_ins",
    "users",
)


def _rows(connection: Connection) -> dict[str, int]:
    return {
        name: int(connection.execute(text(f"SELECT count(*) FROM {name}")).scalar_one())
        for name in COUNTED
    }


def _mark(url: str, detail: dict[str, Any]) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"CREATE TABLE {MARKER} (detail text NOT NULL)"))
        connection.execute(text(f"INSERT INTO {MARKER} VALUES (:d)"), {"d": json.dumps(detail)})
    engine.dispose()


def copy_floor(url: str) -> float:
    """Seconds to copy the finished database file by file (then dropped)."""
    name = make_url(url).database
    with _admin().connect() as connection:
        began = time.perf_counter()
        connection.execute(text(f'CREATE DATABASE "{name}_copy" TEMPLATE "{name}"'))
        seconds = time.perf_counter() - began
        connection.execute(text(f'DROP DATABASE "{name}_copy"'))
    return seconds


def run(scale: str) -> Measurement:
    cases = int(os.environ.get("WAVE_BENCH_CASES") or CASES[scale])
    url = wave_url(cases)
    known = built(url)
    reused = known is not None
    if known is None:
        began = time.perf_counter()
        known = build(url, cases, date.today())
        known["build_s"] = round(time.perf_counter() - began, 1)
        known["copy_floor_s"] = round(copy_floor(url), 1)
        _mark(url, known)
    detail = {**known, "reused": reused, "database": make_url(url).database}
    if reused:
        detail["days_old"] = (date.today() - date.fromisoformat(known["as_of"])).days
    return Measurement(
        known["build_s"],
        "copy of the finished database, file by file (CREATE DATABASE … TEMPLATE)",
        known["copy_floor_s"],
        detail,
    )
