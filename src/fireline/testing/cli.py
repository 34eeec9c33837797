"""``fireline testing``: import lab results (CSV or a FHIR R4 Bundle), a campaign's status."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import typer
from rich.markup import escape

from fireline.console import fail, instant_option, out
from fireline.context import Context
from fireline.db.connect import database_session
from fireline.errors import Problem
from fireline.settings import Settings
from fireline.testing import csvin
from fireline.testing.fhir import parse as fhir
from fireline.testing.pooling.dashboard import dashboard
from fireline.testing.results import digest, home_code, ingest

app = typer.Typer(help="Testing: lab results and screening campaigns.", no_args_is_help=True)


def _first_error(problem: Problem) -> str:
    """The detail and the first problem with its path (the detail may already hold it)."""
    errors = problem.extensions.get("errors") or []
    if not errors or errors[0]["path"] in problem.detail:
        return problem.detail
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{problem.detail}: {errors[0]['path']}: {errors[0]['message']}{more}"


def _is_fhir(path: Path, content: bytes) -> bool:
    return path.suffix.lower() == ".json" or content.lstrip()[:1] == b"{"


@app.command("import-results")
def import_results(
    file: Path = typer.Argument(..., help="A CSV file of results or a FHIR R4 Bundle (JSON)"),
    source: str = typer.Option("", help="The sender (default: csv or fhir)"),
    jurisdiction: str = typer.Option("", help="For samples not on file (FHIR; default: root)"),
    now: str | None = typer.Option(None, "--now", help="The instant to act at (default: now)"),
) -> None:
    """Import lab results; the same file twice changes nothing, a bad file stores nothing.
    Diseases are the deployment's (``FIRELINE_DISEASE_DIR``)."""
    try:
        content = file.read_bytes()
    except OSError as exc:
        fail(escape(f"cannot read {file}: {exc.strerror or exc}"))
    kind = "fhir" if _is_fhir(file, content) else "csv"
    settings = Settings()
    context = Context.for_command(settings, instant_option(now) if now else None)
    with database_session(settings) as session:
        try:
            code = jurisdiction or home_code(session, context.actor)
            if kind == "fhir":
                parsed = fhir.parse(content, code, context.profiles)
                items, message_id = parsed.items, parsed.message_id or digest(content)
            else:
                items, message_id = csvin.parse(content), digest(content)
            message, repeated = ingest(
                session,
                context,
                source=source or kind,
                message_id=message_id,
                fmt=kind,
                content=content,
                items=items,
            )
        except Problem as problem:
            session.rollback()
            fail(escape(f"{file.name}: {_first_error(problem)}"))
        summary = (
            f"{message.results_created} new, {message.results_amended} amended, "
            f"{message.results_unchanged} unchanged; {message.cases_created} cases created, "
            f"{message.cases_confirmed} confirmed; {message.retests_closed} retests closed"
        )
    said = "received before, nothing changed" if repeated else summary
    out.print(f"{file.name} ({kind}): {said}")


@app.command("campaign-status")
def campaign_status(
    campaign_id: int = typer.Argument(..., help="The campaign's number"),
    now: str | None = typer.Option(None, "--now", help="The instant shown (default: now)"),
) -> None:
    """A campaign's figures: sampled, pools, positive pools, retests, tests saved, by site."""
    settings = Settings()
    context = Context.for_command(settings, instant_option(now) if now else None)
    with database_session(settings) as session:
        try:
            d = dashboard(session, context.actor, campaign_id)
        except Problem as problem:
            fail(escape(problem.detail))
    c, at = d.campaign, context.now().astimezone(UTC)
    out.print(
        f"campaign {c.id} {c.name!r}: {c.design} pools of {c.pool_size} ({c.chosen_by}), "
        f"round {c.round_no}, {at:%Y-%m-%d %H:%M} UTC"
    )
    out.print(
        f"population {d.population:,}; sampled {d.sampled:,}; pools {d.pools:,} "
        f"({d.resulted_pools:,} resulted, {d.positive_pools:,} positive)"
    )
    out.print(
        f"retests {d.retests:,} ({d.retests_open:,} open); positives {d.positives:,}; "
        f"tests used {d.tests_used:,}, saved {d.tests_saved:,} vs single tests "
        f"(expected {d.expected_tests_per_person:.3f} per person)"
    )
    for s in d.by_site:
        out.print(
            f"  site {s.site}: {s.pools:,} pools, {s.sampled:,} sampled, "
            f"{s.resulted_pools:,} resulted, {s.positive_pools:,} positive"
        )
