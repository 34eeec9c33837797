"""The ``fireline`` command: one Typer app, each domain adding its own group."""

from __future__ import annotations

import importlib
import sys

import typer
from rich.markup import escape

from fireline.console import err

# (group name, module holding a Typer ``app``); imported when the CLI is built.
GROUPS = (
    ("db", "fireline.db.cli"),
    ("users", "fireline.auth.cli"),
    ("jurisdictions", "fireline.jurisdictions.cli"),
    ("diseases", "fireline.diseases.cli"),
    ("analyze", "fireline.analytics.cli"),
    ("cases", "fireline.surveillance.cli"),
    ("signals", "fireline.surveillance.signals.cli"),
    ("responses", "fireline.response.cli"),
    ("tracing", "fireline.tracing.cli"),
    ("venues", "fireline.tracing.venues.cli"),
    ("testing", "fireline.testing.cli"),
    ("quarantine", "fireline.quarantine.cli"),
    ("zones", "fireline.zones.cli"),
    ("retention", "fireline.retention.cli"),
    ("export", "fireline.exports.cli"),
)
COMMAND_MODULES = (
    "fireline.serve",
    "fireline.worker.cli",
    "fireline.demo.cli",
    "fireline.db.backupcli",
    "fireline.reports.sitrep.cli",
)
# Top-level commands whose module needs no domain: built alone, like a named group.
LONE_COMMANDS = {"backup": "fireline.db.backupcli", "restore": "fireline.db.backupcli"}


def build(group: str | None = None) -> typer.Typer:
    """A new ``fireline`` app with every group and command (nothing is built at import),
    or with only ``group`` when the command line names one: each group imports its own
    domain, and a short command should not wait for all of them (SciPy, the web app)."""
    app = typer.Typer(
        name="fireline",
        help="Fireline: outbreak response for public health departments.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
    )
    if group in LONE_COMMANDS:
        importlib.import_module(LONE_COMMANDS[group]).register(app)
        return app
    for name, module in GROUPS:
        if group in (None, name):
            app.add_typer(importlib.import_module(module).app, name=name)
    if group is not None:
        return app
    for module in COMMAND_MODULES:
        importlib.import_module(module).register(app)
    return app


def main() -> None:
    """Entry point: known errors become one line on stderr and a non-zero exit."""
    from fireline.db.engine import DatabaseUnavailable
    from fireline.errors import Problem

    try:
        named = sys.argv[1] if len(sys.argv) > 1 else None
        alone = named in dict(GROUPS) or named in LONE_COMMANDS
        build(named if alone else None)(standalone_mode=True)
    except DatabaseUnavailable as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
        sys.exit(1)
    except Problem as exc:
        err.print(f"[bold red]error:[/] {escape(exc.detail)}", soft_wrap=True)
        sys.exit(1)
