"""Offspring distribution, dispersion k and super-spreaders of the chains in scope.

The figures are those of ``fireline analyze chains`` (fireline.analytics.chains_report),
from the same functions: offspring counts from ``chain_table``, k and its 95 % profile
likelihood interval from ``fit_negative_binomial``, and super-spreaders from
``superspreaders``: cases with more secondary cases than the 99th percentile of
Poisson(R), R being the mean offspring (Lloyd-Smith et al. 2005, "Superspreading and the
effect of individual variation on disease emergence", Nature 438:355-359,
doi:10.1038/nature04153). R from chains counts every case in the chains, including the
latest, whose infectees may not be known yet, so it reads low while a chain grows.
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np
from sqlalchemy.orm import Session

from fireline.analytics._types import IntArray
from fireline.analytics.offspring import fit_negative_binomial, superspreaders
from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.errors import NotFound
from fireline.tracing.clusters import Chains, day_of
from fireline.tracing.schemas import ChainStats, OffspringBar, Superspreader

# The page and the API list this many super-spreaders, most secondary cases first, and
# give the total: at 3,000 cases the demo has 186, and at 600,000 the list would be a
# line list; the first 20 are the ones a meeting asks about.
SUPERSPREADERS_LISTED: Final = 20


def _finite(value: float) -> float | None:
    return None if math.isinf(value) or math.isnan(value) else round(value, 4)


def _empty() -> ChainStats:
    none = ChainStats(
        cluster=None,
        cases=0,
        links=0,
        without_onset=0,
        r=0.0,
        variance=0.0,
        k=None,
        k_low=None,
        k_high=None,
        superspreader_threshold=0,
        distribution=[],
        superspreaders=[],
        superspreaders_total=0,
    )
    return none


def chain_stats(chains: Chains, cluster: int | None = None) -> ChainStats:
    """The figures of one cluster, or of every case in ``chains`` when ``cluster`` is None."""
    t = chains.table
    if cluster is None:
        members = np.arange(len(chains.ids), dtype=np.int64)
    else:
        members = np.flatnonzero(t.cluster == cluster)
        if not len(members):
            raise NotFound(f"cluster {cluster}")
    offspring = t.offspring[members]
    links = int(np.isin(chains.dst, members).sum()) if cluster is not None else len(chains.dst)
    without_onset = int(np.isnan(chains.onset[members]).sum())
    if not len(members):  # no case in scope (or of the disease asked for)
        return _empty()
    fit = fit_negative_binomial(offspring)
    hit, threshold = superspreaders(offspring)
    counts = np.bincount(offspring)
    return ChainStats(
        cluster=cluster,
        cases=len(members),
        links=links,
        without_onset=without_onset,
        r=round(fit.mean, 4),
        variance=round(fit.variance, 4),
        k=_finite(fit.k),
        k_low=_finite(fit.k_low),
        k_high=_finite(fit.k_high),
        superspreader_threshold=threshold,
        distribution=[
            OffspringBar(offspring=int(x), cases=int(n)) for x, n in enumerate(counts) if n
        ],
        superspreaders=_listed(chains, members[hit[:SUPERSPREADERS_LISTED]]),
        superspreaders_total=len(hit),
    )


def _listed(chains: Chains, cases: IntArray) -> list[Superspreader]:
    return [
        Superspreader(
            case_id=int(chains.ids[m]),
            offspring=int(chains.table.offspring[m]),
            classification=chains.classification[m],
            onset=day_of(chains.onset[m]),
        )
        for m in cases
    ]


def read_chain_stats(
    session: Session, actor: Actor, chains: Chains, cluster: int | None = None
) -> ChainStats:
    """:func:`chain_stats` for a reader: the cases listed as super-spreaders (their ids,
    classification and onset) are a read of case records, so it is audited."""
    stats = chain_stats(chains, cluster)
    if stats.superspreaders:
        audit.record(
            session,
            actor,
            "read",
            "case",
            [s.case_id for s in stats.superspreaders],
            jurisdiction_id=actor.jurisdiction_id,
            purpose="superspreaders",
            cluster=cluster,
        )
    return stats
