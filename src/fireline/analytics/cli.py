"""``fireline analyze``: Rt, aberration detection and growth from CSV files.

Each command reads a small CSV, runs one pure function of this package and
writes CSV to stdout (or ``--out``). A bad file or column prints one line on
stderr and exits with code 2, never a traceback (docs/architecture.md, "Errors").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from fireline.analytics._cli_io import (
    InputError,
    check_counts,
    check_positive,
    check_probability,
    check_whole,
    fail,
    numbers,
    pick,
    read_table,
    write,
)
from fireline.analytics._types import FloatArray
from fireline.analytics.aberration import detect_aberrations
from fireline.analytics.ears import EarsResult
from fireline.analytics.growth import growth_rate
from fireline.analytics.rt import EPIESTIM_COLUMNS, estimate_rt

__all__ = ["app"]

# The shared helpers under their former private names, for commands kept in
# other modules (nowcast, forecast) that register on ``app`` with one line.
_fail, _numbers, _pick, _read_table, _write = fail, numbers, pick, read_table, write

app = typer.Typer(
    name="analyze",
    help="Rt (EpiEstim), aberration detection and growth rate from CSV files.",
    no_args_is_help=True,
    add_completion=False,
)


class Method(StrEnum):
    """Aberration detection methods."""

    ears_c1 = "ears-c1"
    ears_c2 = "ears-c2"
    ears_c3 = "ears-c3"
    farrington = "farrington"
    farrington_flexible = "farrington-flexible"


class C3Variant(StrEnum):
    """EARS C3: the CDC's statistic, or R surveillance::earsC's bound."""

    cdc = "cdc"
    r_surveillance = "r-surveillance"


class ThresholdMethod(StrEnum):
    """Bound of the flexible Farrington method (Noufaily et al. 2013)."""

    delta = "delta"
    nbPlugin = "nbPlugin"  # noqa: N815 - R's spelling, shown in --help
    muan = "muan"


class GrowthMethod(StrEnum):
    """Log-linear fit for the growth rate."""

    poisson = "poisson"
    ols = "ols"


def _read_si(path: Path) -> FloatArray:
    table = read_table(path)
    k_col = pick(table, ("k", "k_days"), path, "'k' or 'k_days'")
    p_col = pick(table, ("p",), path, "'p'")
    k, p = numbers(table, k_col, path), numbers(table, p_col, path)
    if not np.array_equal(k, np.arange(k.size)):
        raise InputError(f"{path}: {k_col} must run 0, 1, 2, ... without gaps")
    return p


def _read_incidence(path: Path) -> tuple[FloatArray, FloatArray | None, list[str] | None]:
    table = read_table(path)
    dates = next((table[c] for c in ("dates", "date") if c in table), None)
    if "local" in table or "imported" in table:
        local = _counts(table, pick(table, ("local",), path, "'local'"), path)
        imported = _counts(table, pick(table, ("imported",), path, "'imported'"), path)
        return local, imported, dates
    return _counts(table, pick(table, ("I",), path, "'I'"), path), None, dates


def _counts(table: dict[str, list[str]], column: str, path: Path) -> FloatArray:
    return check_counts(numbers(table, column, path), column, path)


@app.command()
def rt(
    file: Annotated[Path, typer.Argument(help="CSV with dates,I or dates,local,imported.")],
    si_mean: Annotated[float | None, typer.Option(help="Mean serial interval (days).")] = None,
    si_sd: Annotated[float | None, typer.Option(help="SD of the serial interval.")] = None,
    si_distr: Annotated[
        Path | None, typer.Option(help="CSV with k,p (or k_days,p): SI pmf, p at k=0 is 0.")
    ] = None,
    window: Annotated[int, typer.Option(help="Sliding window length in days.")] = 7,
    mean_prior: Annotated[float, typer.Option(help="Mean of the gamma prior on R.")] = 5.0,
    std_prior: Annotated[float, typer.Option(help="SD of the gamma prior on R.")] = 5.0,
    out: Annotated[Path | None, typer.Option(help="Write here instead of stdout.")] = None,
) -> None:
    """Estimate Rt over sliding windows (EpiEstim method, Cori et al. 2013)."""
    try:
        for name, value in (("--si-mean", si_mean), ("--si-sd", si_sd)):
            check_positive(name, value)
        check_positive("--mean-prior", mean_prior)
        check_positive("--std-prior", std_prior)
        check_whole("--window", window, 1)
        local, imported, dates = _read_incidence(file)
        if si_distr is None and (si_mean is None or si_sd is None):
            raise InputError("give --si-mean and --si-sd, or --si-distr")
        pmf = _read_si(si_distr) if si_distr is not None else None
        res = estimate_rt(
            local,
            imported,
            si_mean=None if pmf is not None else si_mean,
            si_sd=None if pmf is not None else si_sd,
            si_distr=pmf,
            window=window,
            mean_prior=mean_prior,
            std_prior=std_prior,
        )
        cols = res.to_columns()
        header = list(EPIESTIM_COLUMNS)
        values: list[Sequence[object]] = [cols[c].tolist() for c in header]
        if dates is not None:
            # EpiEstim adds date_start/date_end after t_end when dates are given.
            header[2:2] = ["date_start", "date_end"]
            values[2:2] = [[dates[i - 1] for i in res.t_start], [dates[i - 1] for i in res.t_end]]
        write(header, zip(*values, strict=True), out)
    except (InputError, ValueError) as exc:
        raise fail(str(exc)) from None


@app.command()
def aberration(
    file: Annotated[Path, typer.Argument(help="CSV with t,observed or date,observed.")],
    method: Annotated[Method, typer.Option(help="Detection method.")] = Method.ears_c1,
    alpha: Annotated[float | None, typer.Option(help="Level; default per method.")] = None,
    h: Annotated[
        float | None,
        typer.Option("--h", help="EARS: level on the statistic instead of --alpha (CDC: 3, C3 2)."),
    ] = None,
    c3_variant: Annotated[
        C3Variant, typer.Option(help="EARS C3: the CDC statistic or R earsC's bound.")
    ] = C3Variant.cdc,
    b: Annotated[int, typer.Option("--b", help="Farrington: years back.")] = 5,
    w: Annotated[int, typer.Option("--w", help="Farrington: half-window (weeks).")] = 3,
    baseline: Annotated[int, typer.Option(help="EARS: baseline length.")] = 7,
    reweight: Annotated[bool, typer.Option(help="Farrington: down-weight outbreaks.")] = True,
    trend: Annotated[bool, typer.Option(help="Farrington: allow a time trend.")] = True,
    threshold_method: Annotated[
        ThresholdMethod, typer.Option(help="Flexible Farrington bound.")
    ] = ThresholdMethod.delta,
    freq: Annotated[int, typer.Option(help="Farrington: periods per year.")] = 52,
    out: Annotated[Path | None, typer.Option(help="Write here instead of stdout.")] = None,
) -> None:
    """Flag aberrations in a weekly (52 a year) or daily count series.

    EARS methods add a ``statistic`` column (C1, C2 or C3 in baseline sd
    units); C3 is the CDC's (alarm when C3 > h, h = 2) unless
    ``--c3-variant r-surveillance``.
    """
    try:
        check_probability("--alpha", alpha)
        for name, value, least in (("--b", b, 1), ("--w", w, 0), ("--freq", freq, 1)):
            check_whole(name, value, least)
        table = read_table(file)
        key = pick(table, ("t", "date"), file, "'t' or 'date'")
        observed = _counts(table, pick(table, ("observed",), file, "'observed'"), file)
        res = detect_aberrations(
            observed,
            method.value,
            alpha=alpha,
            h=h,
            c3_variant=c3_variant.value,
            baseline=baseline,
            b=b,
            w=w,
            reweight=reweight,
            trend=trend,
            threshold_method=threshold_method.value,
            freq=freq,
        )
        _warn_no_fit(res.t, res.expected, method)
        labels = [table[key][i - 1] for i in res.t]
        header = [key, "observed", "threshold", "alarm"]
        columns: list[Iterable[object]] = [labels, res.observed, res.threshold, res.alarm]
        if isinstance(res, EarsResult):  # EARS adds its statistic, a score in sd units
            header.append("statistic")
            columns.append(res.statistic)
        write(header, zip(*columns, strict=True), out)
    except (InputError, ValueError) as exc:
        raise fail(str(exc)) from None


def _warn_no_fit(t: Iterable[int], expected: FloatArray, method: Method) -> None:
    """Say where Farrington had no usable fit, so an empty bound is not mistaken for 0."""
    if not method.value.startswith("farrington"):
        return
    missing = [int(k) for k, e in zip(t, expected, strict=True) if e != e]  # NaN
    if missing:
        shown = ", ".join(map(str, missing[:5])) + (", ..." if len(missing) > 5 else "")
        typer.echo(
            f"warning: not enough data for a bound at {len(missing)} of the points (t = {shown})",
            err=True,
        )


@app.command()
def growth(
    file: Annotated[Path, typer.Argument(help="CSV with dates,I (or date,observed).")],
    window: Annotated[int | None, typer.Option(help="Fit the last N points.")] = None,
    method: Annotated[GrowthMethod, typer.Option(help="Log-linear fit.")] = GrowthMethod.poisson,
    out: Annotated[Path | None, typer.Option(help="Write here instead of stdout.")] = None,
) -> None:
    """Growth rate and doubling time with 95% confidence intervals."""
    try:
        table = read_table(file)
        counts = _counts(table, pick(table, ("I", "observed", "count"), file, "'I'"), file)
        res = growth_rate(counts, window, method=method.value)
        row = res.to_row()
        write(list(row), [list(row.values())], out)
    except (InputError, ValueError) as exc:
        raise fail(str(exc)) from None


class PoolDesign(StrEnum):
    """Pooled testing designs (fireline.analytics.pooling)."""

    dorfman = "dorfman"
    matrix = "matrix"


@app.command("pool-size")
def pool_size(
    prevalence: Annotated[float, typer.Option(help="Expected prevalence, 0..1 (0.0005 = 0.05%).")],
    max_k: Annotated[int, typer.Option(help="Largest pool the laboratory allows.")] = 10,
    design: Annotated[PoolDesign, typer.Option(help="Dorfman two-stage or matrix.")] = (
        PoolDesign.dorfman
    ),
) -> None:
    """Pool size minimising the expected tests per person (Dorfman 1943,
    doi:10.1214/aoms/1177731363: 1/k + 1 - (1-p)^k; square matrix, Phatarfod & Sudbury
    1994, doi:10.1002/sim.4780132205: 2/n + p + (1-p)(1-(1-p)^(n-1))^2)."""
    from fireline.analytics.pooling import choose_pool_size

    try:
        choice = choose_pool_size(prevalence, max_k, design.value)
    except ValueError as exc:
        raise fail(str(exc)) from None
    header = ["design", "prevalence", "max_k", "pool_size", "tests_per_person", "saving"]
    row = [
        choice.design,
        prevalence,
        max_k,
        choice.pool_size,
        round(choice.tests_per_person, 6),
        round(choice.saving, 6),
    ]
    write(header, [row], None)


@app.command()
def chains(
    cases: Annotated[Path, typer.Option(help="Line list CSV with an 'id' column.")],
    links: Annotated[Path, typer.Option(help="Links CSV with 'from','to' (epicontacts).")],
    summary: Annotated[bool, typer.Option(help="Print measure,value summary rows.")] = False,
    superspreader: Annotated[
        int | None, typer.Option(help="Offspring at or above this flag a super-spreader.")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Write here instead of stdout.")] = None,
) -> None:
    """Clusters, generations and offspring per case; --summary adds k (Lloyd-Smith 2005)."""
    from fireline.analytics.chains_report import analyse, onset_days

    try:
        lines, contacts = read_table(cases), read_table(links, allow_empty=True)
        ids = lines[pick(lines, ("id", "case_id", "case_ID"), cases, "'id'")]
        src = contacts[pick(contacts, ("from", "infector"), links, "'from'")]
        dst = contacts[pick(contacts, ("to", "case_id"), links, "'to'")]
        onset_col = next(
            (c for c in ("date_onset", "date_of_onset", "dt_onset") if c in lines), None
        )
        onset = onset_days(lines[onset_col]) if onset_col else None
        report = analyse(ids, src, dst, onset, superspreader)
        for warning in report.warnings:
            typer.echo(f"warning: {warning}", err=True)
        if summary:
            write(["measure", "value"], report.summary_rows(), out)
        else:
            header = ["id", "cluster", "cluster_size", "generation", "offspring"]
            write(header, report.case_rows(), out)
    except (InputError, ValueError) as exc:
        raise fail(str(exc)) from None


from fireline.analytics import cli_ahead as _cli_ahead  # noqa: E402, F401  (nowcast, forecast)
