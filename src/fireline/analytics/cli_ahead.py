"""``fireline analyze nowcast`` and ``fireline analyze forecast``: looking ahead from CSV.

Registered on the ``analyze`` app by one import in :mod:`fireline.analytics.cli`.
Each command reads a CSV, runs one pure function and writes CSV to stdout. Bad
input prints one line on stderr and exits with code 2 (docs/architecture.md, "Errors").
"""

from __future__ import annotations

import csv
import io
import math
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from fireline.analytics.cli import app
from fireline.analytics.forecast import forecast_cases
from fireline.analytics.nowcast import nowcast_bayes, nowcast_lawless, reporting_triangle
from fireline.interop.cells import inert_row

__all__ = ["NowcastMethod"]


class NowcastMethod(StrEnum):
    """Nowcasting methods (R surveillance::nowcast names in brackets)."""

    lawless = "lawless"
    bayes = "bayes"  # bayes.trunc


class AheadError(Exception):
    """A problem with the user's input, reported as one line."""


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=2)


def _rows(path: Path, needed: tuple[str, ...]) -> list[dict[str, str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise AheadError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise AheadError(f"{path} is not a UTF-8 text file") from exc
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in needed if c not in header]
    if missing:
        found = ", ".join(header) or "none"
        raise AheadError(f"{path}: missing column {', '.join(missing)} (found: {found})")
    reader.fieldnames = header
    rows = [r for r in reader if any((v or "").strip() for v in r.values() if isinstance(v, str))]
    if not rows:
        raise AheadError(f"{path} has no data rows")
    return rows


def _date(text: str | None, what: str) -> date:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        raise AheadError(f"{what} {text!r} is not a date (YYYY-MM-DD)") from None


def _write(header: list[str], rows: list[list[object]]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        cells = ["" if isinstance(v, float) and math.isnan(v) else str(v) for v in row]
        writer.writerow(inert_row(cells))
    typer.echo(buf.getvalue(), nl=False)


def _count(value: float) -> object:
    return value if math.isnan(value) else int(value)


@app.command()
def nowcast(
    file: Annotated[Path, typer.Argument(help="CSV with onset_date,report_date per case.")],
    now: Annotated[str, typer.Option(help="Today, YYYY-MM-DD: later reports are ignored.")],
    max_delay: Annotated[int, typer.Option(help="Longest delay D (days); longer counts as D.")],
    method: Annotated[
        NowcastMethod, typer.Option(help="lawless (Lawless 1994) or bayes (bayes.trunc).")
    ] = NowcastMethod.lawless,
    days: Annotated[
        int | None, typer.Option(help="Onset days before now to show (def. D).")
    ] = None,
) -> None:
    """Nowcast cases by onset date for the last days, with a 95% interval."""
    try:
        today = _date(now, "--now")
        if max_delay < 1:
            raise AheadError("--max-delay must be at least 1 day")
        shown = max_delay if days is None else days
        if shown < 1:
            raise AheadError("--days must be at least 1")
        rows = _rows(file, ("onset_date", "report_date"))
        onset = np.empty(len(rows), np.int64)
        report = np.empty(len(rows), np.int64)
        for i, row in enumerate(rows, start=2):
            on = _date(row["onset_date"], f"row {i}: onset_date")
            rep = _date(row["report_date"], f"row {i}: report_date")
            if rep < on:
                raise AheadError(f"row {i}: report_date {rep} is before onset_date {on}")
            onset[i - 2], report[i - 2] = on.toordinal(), rep.toordinal()
        first = int(onset.min())
        if today.toordinal() - first < shown:
            raise AheadError(f"the file has no onsets {shown} days before --now {today}")
        tri = reporting_triangle(onset, report, now=today.toordinal(), max_delay=max_delay)
        fit = nowcast_lawless if method is NowcastMethod.lawless else nowcast_bayes
        res = fit(tri)
        out: list[list[object]] = []
        for back in range(shown, 0, -1):
            t = res.reported.shape[1] - 1 - back
            cells = (res.reported[0, t], res.estimate[0, t], res.lower[0, t], res.upper[0, t])
            out.append([today - timedelta(days=back), *(_count(float(v)) for v in cells)])
        _write(["date", "reported", "nowcast", "lower", "upper"], out)
    except (AheadError, ValueError) as exc:
        raise _fail(str(exc)) from None


def _daily_cases(path: Path) -> tuple[date, np.ndarray]:
    by_day: dict[date, float] = {}
    for i, row in enumerate(_rows(path, ("date", "cases")), start=2):
        day = _date(row["date"], f"row {i}: date")
        try:
            value = float((row["cases"] or "").strip())
        except ValueError:
            raise AheadError(f"row {i}: cases {row['cases']!r} is not a number") from None
        if not math.isfinite(value) or value < 0 or not value.is_integer():
            raise AheadError(f"row {i}: cases must be a whole number >= 0, not {row['cases']!r}")
        if day in by_day:
            raise AheadError(f"row {i}: the date {day} appears twice")
        by_day[day] = value
    first, last = min(by_day), max(by_day)
    series = np.zeros(last.toordinal() - first.toordinal() + 1)
    for day, value in by_day.items():  # days missing from the file had no cases
        series[day.toordinal() - first.toordinal()] = value
    return last, series


@app.command()
def forecast(
    file: Annotated[Path, typer.Argument(help="CSV with date,cases (daily).")],
    si_mean: Annotated[float, typer.Option(help="Mean serial interval (days, > 1).")],
    si_sd: Annotated[float, typer.Option(help="SD of the serial interval (days).")],
    horizon: Annotated[int, typer.Option(help="Days ahead (1-60).")] = 14,
    dispersion: Annotated[
        float | None, typer.Option(help="Offspring dispersion k (negative binomial).")
    ] = None,
    trajectories: Annotated[int, typer.Option(help="Simulated futures (>= 100).")] = 1000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
) -> None:
    """Forecast daily cases from the renewal equation and the Rt posterior."""
    try:
        if not 1 <= horizon <= 60:
            raise AheadError("--horizon must be between 1 and 60 days")
        if not (math.isfinite(si_mean) and si_mean > 1):
            raise AheadError("--si-mean must be a number above 1")
        if not (math.isfinite(si_sd) and si_sd > 0):
            raise AheadError("--si-sd must be a number above 0")
        if dispersion is not None and not (math.isfinite(dispersion) and dispersion > 0):
            raise AheadError("--dispersion must be a number above 0")
        if not 100 <= trajectories <= 100_000:
            raise AheadError("--trajectories must be between 100 and 100000")
        last, series = _daily_cases(file)
        res = forecast_cases(
            series,
            si_mean=si_mean,
            si_sd=si_sd,
            horizon=horizon,
            trajectories=trajectories,
            dispersion=dispersion,
            seed=seed,
        )
        b = res.bands()
        names = ("median", "lower50", "upper50", "lower90", "upper90")
        out: list[list[object]] = [
            [last + timedelta(days=h + 1), *(int(b[n][0, h]) for n in names)]
            for h in range(horizon)
        ]
        _write(["date", *names], out)
    except (AheadError, ValueError) as exc:
        raise _fail(str(exc)) from None
