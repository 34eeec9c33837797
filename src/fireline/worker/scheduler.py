"""The job table of ``fireline worker`` and the APScheduler that fires it.

Daily jobs fire at local time in the root jurisdiction's time zone, so "06:00" means
06:00 in Hangzhou whatever the server's clock says; jobs every N seconds fire on
boundaries counted from one fixed instant, so every worker fires at the same moments
and the runner's slot check sees them as one slot.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from fireline.db.engine import transaction
from fireline.places.service import root_timezone
from fireline.quarantine import jobs as quarantine_jobs
from fireline.reports import service as overview
from fireline.reports.sitrep import jobs as sitrep_jobs
from fireline.reports.sitrep.settings import SitrepSettings
from fireline.response import jobs as response_jobs
from fireline.response import leagues
from fireline.retention import jobs as retention_jobs
from fireline.snapshots.service import REFRESH_EVERY
from fireline.surveillance.signals import jobs as signal_jobs
from fireline.surveillance.signals.service import SignalOptions
from fireline.testing.pooling import dashboard as campaign_dashboard
from fireline.tracing import clusterlist
from fireline.tracing import jobs as tracing_jobs
from fireline.worker.runner import JobContext, Work, run_job

ANCHOR = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Daily:
    """Every day at ``at(context)``, "HH:MM" local time."""

    at: Callable[[JobContext], str]


@dataclass(frozen=True)
class Every:
    seconds: Callable[[JobContext], float]


@dataclass(frozen=True)
class Job:
    name: str
    schedule: Daily | Every
    work: Work
    help: str


def local_today(context: JobContext) -> date:
    """Today in the root jurisdiction's time zone: the day a daily run counts for."""
    with context.sessions() as session:
        return context.clock.now().astimezone(root_timezone(session)).date()


def daily_signals(context: JobContext) -> str:
    options = SignalOptions(week_system=context.settings.week_system)
    found = signal_jobs.run_once(context.sessions, local_today(context), context.profiles, options)
    return f"{found.series} series, {found.alerts} alerts"


def response_sweep(context: JobContext) -> str:
    found = response_jobs.run(
        context.sessions, context.context(), context.responses, context.evidence
    )
    return (
        f"{found.responses} responses opened, {found.tasks} tasks, "
        f"{found.completed} completed, {found.escalations} escalations"
    )


def case_linking(context: JobContext) -> str:
    return f"{tracing_jobs.run_once(context.sessions)} contacts linked"


def quarantine_completion(context: JobContext) -> str:
    return f"{quarantine_jobs.run_once(context.sessions, context.clock.now())} orders completed"


def retention_purge(context: JobContext) -> str:
    found = retention_jobs.run_once(context.sessions, context.context())
    return f"{found.eligible} contacts due, {found.pseudonymised} pseudonymised"


def daily_sitrep(context: JobContext) -> str:
    found = sitrep_jobs.run_once(context.sessions, context.context())
    return f"{found.versions} report versions archived for {found.code or 'no root'}"


def refresh_figures(context: JobContext) -> str:
    with transaction(context.sessions) as session:
        tables = leagues.refresh(session, context.context(), context.responses.target_share)
    with transaction(context.sessions) as session:
        campaigns = campaign_dashboard.refresh(session, context.context())
    with transaction(context.sessions) as session:
        overviews = overview.refresh(session, context.context())
    with transaction(context.sessions) as session:
        chains = clusterlist.refresh(session, context.context())
    return (
        f"{tables} league tables, {campaigns} campaign dashboards, {overviews} overviews, "
        f"{chains} cluster lists"
    )


JOBS: tuple[Job, ...] = (
    Job(
        "daily-signals",
        Daily(lambda c: c.settings.signals_time),
        daily_signals,
        "aberration detection on the daily case counts; raises alerts",
    ),
    Job(
        "response-sweep",
        Every(lambda c: c.responses.sweep_seconds),
        response_sweep,
        "opens responses for confirmed cases, completes and escalates tasks",
    ),
    Job(
        "case-linking",
        Every(lambda c: tracing_jobs.EVERY_SECONDS),
        case_linking,
        "links contacts who became cases to their infector",
    ),
    Job(
        "quarantine-completion",
        Daily(lambda c: c.quarantine.completion_time),
        quarantine_completion,
        "closes quarantines whose period ended with a clean report",
    ),
    Job(
        "retention-purge",
        Daily(lambda c: c.quarantine.completion_time),
        retention_purge,
        "pseudonymises contacts whose quarantine closed past their profile's retention",
    ),
    Job(
        "daily-sitrep",
        Daily(lambda c: SitrepSettings().time),
        daily_sitrep,
        "generates and archives the province's daily situation report (PDF and HTML)",
    ),
    Job(
        "refresh-figures",
        Every(lambda c: REFRESH_EVERY.total_seconds()),
        refresh_figures,
        "recomputes the league tables, campaign dashboards and overviews too slow to make live",
    ),
)


def find(name: str) -> Job | None:
    return next((job for job in JOBS if job.name == name), None)


def trigger(job: Job, context: JobContext, zone: tzinfo) -> BaseTrigger:
    if isinstance(job.schedule, Daily):
        hour, minute = (int(part) for part in job.schedule.at(context).split(":"))
        return CronTrigger(hour=hour, minute=minute, timezone=zone)
    seconds = job.schedule.seconds(context)
    return IntervalTrigger(seconds=seconds, start_date=ANCHOR, timezone=zone)


def period(job: Job, context: JobContext) -> timedelta:
    if isinstance(job.schedule, Daily):
        return timedelta(days=1)
    return timedelta(seconds=job.schedule.seconds(context))


def describe(job: Job, context: JobContext, zone: tzinfo) -> str:
    if isinstance(job.schedule, Daily):
        return f"daily at {job.schedule.at(context)} ({zone})"
    return f"every {job.schedule.seconds(context):g} s"


def build_scheduler(context: JobContext, zone: tzinfo) -> BlockingScheduler:
    """Every job of the table, one instance at a time; a late run still runs (the
    runner's slot check stops it running twice) and missed runs collapse into one."""
    scheduler = BlockingScheduler(timezone=zone)
    for job in JOBS:
        scheduler.add_job(
            run_job,
            trigger(job, context, zone),
            args=(job.name, job.work, context),
            kwargs={"period": period(job, context)},
            id=job.name,
            name=job.name,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
        )
    return scheduler
