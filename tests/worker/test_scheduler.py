"""The job table and its triggers: daily jobs at local time in the root jurisdiction's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from fireline.auth.scope import system_actor
from fireline.clock import FrozenClock
from fireline.diseases.loader import shipped_profile_dir
from fireline.response.models import Response
from fireline.surveillance.signals.models import Alert
from fireline.worker.scheduler import (
    JOBS,
    build_scheduler,
    daily_signals,
    find,
    local_today,
    period,
    response_sweep,
    retention_purge,
    trigger,
)
from tests.places.factories import small_tree
from tests.response.factories import add_case
from tests.retention.factories import NOW as RETENTION_NOW
from tests.retention.factories import retention_world
from tests.surveillance.signals.factories import add_daily_cases
from tests.worker.factories import T0, context

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_the_table_has_every_job(engine: Engine) -> None:
    names = [job.name for job in JOBS]
    assert names == [
        "daily-signals",
        "response-sweep",
        "case-linking",
        "quarantine-completion",
        "retention-purge",
        "daily-sitrep",
        "refresh-figures",
    ]
    scheduler = build_scheduler(context(engine), SHANGHAI)
    assert sorted(job.id for job in scheduler.get_jobs()) == sorted(names)
    assert find("response-sweep") is JOBS[1] and find("nope") is None


def test_daily_jobs_fire_at_local_time_in_shanghai(engine: Engine) -> None:
    signals, completion = find("daily-signals"), find("quarantine-completion")
    assert signals and completion
    jobs = context(engine, signals_time="06:00")
    # 05:00 in Shanghai is 21:00 UTC the day before: the run is in an hour, not tomorrow.
    early = datetime(2026, 3, 1, 21, 0, tzinfo=UTC)
    due = trigger(signals, jobs, SHANGHAI).get_next_fire_time(None, early)
    assert due == datetime(2026, 3, 2, 6, 0, tzinfo=SHANGHAI)
    assert due.astimezone(UTC) == datetime(2026, 3, 1, 22, 0, tzinfo=UTC)
    late = datetime(2026, 3, 1, 23, 0, tzinfo=UTC)  # 07:00 on 2 March in Shanghai
    due = trigger(signals, jobs, SHANGHAI).get_next_fire_time(None, late)
    assert due == datetime(2026, 3, 3, 6, 0, tzinfo=SHANGHAI)
    due = trigger(completion, jobs, SHANGHAI).get_next_fire_time(None, late)
    assert due == datetime(2026, 3, 3, 0, 30, tzinfo=SHANGHAI)
    assert period(signals, jobs) == timedelta(days=1)


def test_interval_jobs_fire_at_the_same_instants_in_every_worker(engine: Engine) -> None:
    sweep = find("response-sweep")
    assert sweep
    jobs = context(engine)
    now = datetime(2026, 3, 2, 8, 0, 17, tzinfo=UTC)
    one = trigger(sweep, jobs, SHANGHAI).get_next_fire_time(None, now)
    other = trigger(sweep, jobs, ZoneInfo("UTC")).get_next_fire_time(None, now)
    assert one == other == datetime(2026, 3, 2, 8, 1, tzinfo=UTC)
    assert period(sweep, jobs) == timedelta(seconds=60)


def test_the_day_is_the_root_jurisdictions(
    engine: Engine, session: Session, sessions: sessionmaker[Session]
) -> None:
    evening = FrozenClock(datetime(2026, 3, 1, 17, 0, tzinfo=UTC))
    assert local_today(context(engine, sessions, evening)).isoformat() == "2026-03-01"
    small_tree(session)
    session.commit()
    # 17:00 UTC is 01:00 the next day in Shanghai; the server's clock would say 1 March.
    assert local_today(context(engine, sessions, evening)).isoformat() == "2026-03-02"


def test_daily_signals_run_for_the_local_day(
    engine: Engine, session: Session, sessions: sessionmaker[Session]
) -> None:
    end = date(2026, 3, 31)
    add_daily_cases(session, small_tree(session)["C1A"], end, [2, 3] * 5 + [2, 30])
    session.commit()
    # 17:00 UTC on 30 March is 01:00 on 31 March in Shanghai: the spike day is today.
    evening = FrozenClock(datetime(2026, 3, 30, 17, 0, tzinfo=UTC))
    summary = daily_signals(context(engine, sessions, evening))
    assert summary.endswith("alerts") and not summary.endswith(" 0 alerts")
    assert set(session.scalars(select(Alert.signal_date))) == {end}


def test_the_jobs_context_is_the_workers_clock_settings_and_profiles(
    engine: Engine, tmp_path: Path
) -> None:
    _shorter_covid19_retention(tmp_path)
    jobs = context(engine, clock=FrozenClock(T0), disease_dir=tmp_path)
    built = jobs.context()
    assert built.now() == T0 and built.actor == system_actor()
    assert built.settings.disease_dir == tmp_path
    assert built.profiles["covid19"].retention is not None
    assert built.profiles["covid19"].retention.contact_identifiers_days == 5


def test_the_retention_purge_runs_at_the_workers_clock_with_the_deployments_rules(
    engine: Engine, session: Session, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    """The deployment keeps covid19 contacts 5 days: the contact closed 10 days ago is due
    too, on the worker's (frozen) day, not the server's."""
    _shorter_covid19_retention(tmp_path)
    retention_world(session)
    jobs = context(engine, sessions, FrozenClock(RETENTION_NOW), disease_dir=tmp_path)
    assert retention_purge(jobs) == "3 contacts due, 3 pseudonymised"


def test_the_response_sweep_runs_at_the_workers_clock(
    engine: Engine, session: Session, sessions: sessionmaker[Session]
) -> None:
    add_case(session, small_tree(session)["C1A"])
    session.commit()
    assert response_sweep(context(engine, sessions, FrozenClock(T0))).startswith(
        "1 responses opened"
    )
    opened = session.scalars(select(Response.opened_at)).one()
    assert opened.replace(tzinfo=UTC) == T0


def _shorter_covid19_retention(folder: Path) -> None:
    shipped = (shipped_profile_dir() / "covid19.yaml").read_text(encoding="utf-8")
    shorter = shipped.replace("contact_identifiers_days: 28", "contact_identifiers_days: 5")
    (folder / "covid19.yaml").write_text(shorter, encoding="utf-8")
