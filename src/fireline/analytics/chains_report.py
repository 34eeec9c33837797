"""Chains from plain tables: the per-case CSV and the summary of ``fireline analyze chains``.

Inputs follow epicontacts' ``make_epicontacts(linelist, contacts)``: a line list whose
``id`` column names the cases and a contacts table with ``from`` and ``to``. Links
whose ends are not in the line list are dropped and counted, as epicontacts drops
them from the graph; the counts are in the summary and in ``warnings``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from fireline.analytics._types import FloatArray
from fireline.analytics.chains import ChainTable, LinkIndex, chain_table, cycle_links, index_links
from fireline.analytics.offspring import (
    NegBinFit,
    fit_negative_binomial,
    serial_intervals,
    superspreaders,
)

__all__ = ["ChainReport", "analyse", "onset_days"]

EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class ChainReport:
    ids: list[str]
    links: LinkIndex
    table: ChainTable
    fit: NegBinFit
    cycle_rows: list[int]
    onset: FloatArray | None = None
    superspreader_threshold: int | None = None
    warnings: list[str] = field(default_factory=list)

    def case_rows(self) -> list[list[object]]:
        t = self.table
        return [
            [i, int(c), int(s), int(g), int(o)]
            for i, c, s, g, o in zip(
                self.ids, t.cluster, t.cluster_size, t.generation, t.offspring, strict=True
            )
        ]

    def summary_rows(self) -> list[list[object]]:
        """``measure,value`` rows: cluster sizes, offspring mean and variance, fitted k."""
        t, fit = self.table, self.fit
        by_size = Counter(int(s) for s in t.sizes)
        sizes = " ".join(f"{size}:{n}" for size, n in sorted(by_size.items(), reverse=True))
        rows: list[list[object]] = [
            ["cases", len(self.ids)],
            ["links", len(self.links.src)],
            ["links_dropped", _dropped(self.links)],
            ["clusters", len(t.sizes)],
            ["cluster_sizes", sizes],
            ["largest_cluster", int(t.sizes.max()) if len(t.sizes) else 0],
            ["max_depth", int(t.depths.max()) if len(t.depths) else 0],
            ["offspring_mean", round(fit.mean, 6)],
            ["offspring_variance", round(fit.variance, 6)],
            ["k", _num(fit.k)],
            ["k_low", _num(fit.k_low)],
            ["k_high", _num(fit.k_high)],
        ]
        rows.extend(self._serial_rows())
        spreaders, used = superspreaders(t.offspring, self.superspreader_threshold)
        listed = " ".join(f"{self.ids[i]}:{int(t.offspring[i])}" for i in spreaders)
        rows.append(["superspreader_threshold", used])
        rows.append(["superspreaders", listed])
        return rows

    def _serial_rows(self) -> list[list[object]]:
        if self.onset is None:
            return []
        si = serial_intervals(self.onset, self.links.src, self.links.dst)
        return [
            ["serial_interval_n", si.n],
            ["serial_interval_mean", _num(round(si.mean, 6))],
            ["serial_interval_sd", _num(round(si.sd, 6))],
        ]


def _num(value: float) -> object:
    return "inf" if math.isinf(value) else ("" if math.isnan(value) else round(value, 6))


def _dropped(links: LinkIndex) -> int:
    ends = np.union1d(links.missing_from, links.missing_to)
    return int(len(ends) + len(links.self_links) + len(links.duplicates))


def onset_days(values: Sequence[str]) -> FloatArray:
    """ISO dates as days since 1970-01-01; empty or ``NA`` as NaN."""
    out = np.full(len(values), np.nan)
    for i, value in enumerate(values):
        if value and value != "NA":
            out[i] = (date.fromisoformat(value) - EPOCH).days
    return out


def analyse(
    ids: Sequence[str],
    from_ids: Sequence[str],
    to_ids: Sequence[str],
    onset: FloatArray | None = None,
    superspreader_threshold: int | None = None,
) -> ChainReport:
    """Index the links, compute the chain table and fit k; note what was dropped."""
    links = index_links(
        np.asarray(ids, dtype=str), np.asarray(from_ids, dtype=str), np.asarray(to_ids, dtype=str)
    )
    n = len(ids)
    table = chain_table(n, links.src, links.dst)
    cycles = cycle_links(n, links.src, links.dst)
    warnings = _warnings(links, int(cycles.sum()))
    return ChainReport(
        ids=list(ids),
        links=links,
        table=table,
        fit=fit_negative_binomial(table.offspring),
        cycle_rows=[int(r) for r in links.rows[cycles]],
        onset=onset,
        superspreader_threshold=superspreader_threshold,
        warnings=warnings,
    )


def _warnings(links: LinkIndex, cycles: int) -> list[str]:
    out = []
    if len(links.missing_from) or len(links.missing_to):
        out.append(
            f"{len(links.missing_from)} links have a 'from' and {len(links.missing_to)} a 'to'"
            " that is not in the line list; they were left out"
        )
    if len(links.self_links):
        out.append(f"{len(links.self_links)} links go from a case to itself; left out")
    if len(links.duplicates):
        out.append(f"{len(links.duplicates)} links repeat an earlier link; counted once")
    if cycles:
        out.append(
            f"{cycles} links lie on a cycle (a case infected by its own descendant);"
            " cases no root reaches get generation -1"
        )
    return out
