"""``fireline tracing import-links``: infector → infectee links from a file, with a report.

The ends name cases by their external ID from one source (as loaded by the case
import). Every problem is reported by line: an end that is not a case in scope, a
self-link, a repeated link, a second infector, a link that closes a cycle; with the
line list (``--linelist``) also links that contradict its ``generation`` column and
rows whose onset is not after infection (warnings: the cases are already loaded).
A file with errors stores nothing unless ``good_rows_only`` (docs/architecture.md, "Errors").
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from fireline.analytics.chains import cycle_links
from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.errors import Problem
from fireline.surveillance.models import Case
from fireline.tracing.models import TransmissionLink


@dataclass(frozen=True)
class LinkProblem:
    file: str  # links | linelist
    line: int  # line in that file (header = 1)
    kind: str
    message: str
    severity: str = "error"


@dataclass
class LinkImport:
    rows: int = 0
    loaded: int = 0
    committed: bool = False
    problems: list[LinkProblem] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(p.severity == "error" for p in self.problems)


def read_rows(text: str) -> list[dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    return [{k.strip(): (v or "").strip() for k, v in r.items() if k} for r in rows]


def _ends(rows: list[dict[str, str]]) -> tuple[list[str], list[str]]:
    head = rows[0] if rows else {}
    a = next((c for c in ("from", "infector") if c in head), None)
    b = next((c for c in ("to", "case_id", "infectee") if c in head), None)
    if a is None or b is None:
        raise Problem(422, "the links file needs columns from,to (or infector,case_id)")
    return [r[a] for r in rows], [r[b] for r in rows]


def _pairs(
    session: Session,
    actor: Actor,
    source: str,
    report: LinkImport,
    froms: list[str],
    tos: list[str],
) -> list[tuple[int, int, int, int]]:
    """(line, infector id, infectee id, jurisdiction) of rows whose ends are cases."""
    known = {
        e: (i, j)
        for e, i, j in session.execute(
            actor.restrict(
                select(Case.external_id, Case.id, Case.jurisdiction_id).where(
                    Case.source == source
                ),
                Case,
            )
        )
    }
    out: list[tuple[int, int, int, int]] = []
    seen: set[tuple[str, str]] = set()
    infector_of: dict[str, str] = {}
    for n, (a, b) in enumerate(zip(froms, tos, strict=True), start=2):
        bad = [
            f"{w} {v!r} is not a case from {source}"
            for w, v in (("from", a), ("to", b))
            if v not in known
        ]
        kind = (
            "missing_end"
            if bad
            else "self_link"
            if a == b
            else "duplicate"
            if (a, b) in seen
            else "second_infector"
            if b in infector_of
            else ""
        )
        if kind:
            message = (
                "; ".join(bad)
                or {
                    "self_link": f"{a} cannot infect itself",
                    "duplicate": f"{a} → {b} is repeated",
                    "second_infector": f"{b} already has infector {infector_of.get(b)}",
                }[kind]
            )
            report.problems.append(LinkProblem("links", n, kind, message))
            continue
        seen.add((a, b))
        infector_of[b] = a
        out.append((n, known[a][0], known[b][0], known[b][1]))
    return out


def _cycles(
    session: Session, report: LinkImport, pairs: list[tuple[int, int, int, int]]
) -> set[int]:
    """Lines whose link lies on a cycle, together with the links already stored."""
    stored = session.execute(
        select(TransmissionLink.infector_case_id, TransmissionLink.infectee_case_id)
    ).all()
    src = np.array([p[1] for p in pairs] + [s[0] for s in stored], dtype=np.int64)
    dst = np.array([p[2] for p in pairs] + [s[1] for s in stored], dtype=np.int64)
    if not len(src):
        return set()
    ids, inverse = np.unique(np.concatenate([src, dst]), return_inverse=True)
    on_cycle = cycle_links(len(ids), inverse[: len(src)], inverse[len(src) :])
    lines = {pairs[i][0] for i in np.flatnonzero(on_cycle[: len(pairs)])}
    for line in sorted(lines):
        report.problems.append(
            LinkProblem("links", line, "cycle", "the link closes a cycle of infections")
        )
    stored_infectees = {s[1] for s in stored}
    for p in pairs:
        if p[2] in stored_infectees and p[0] not in lines:
            lines.add(p[0])
            report.problems.append(
                LinkProblem(
                    "links", p[0], "second_infector", "the infectee already has a stored infector"
                )
            )
    return lines


def check_linelist(
    rows: list[dict[str, str]], froms: list[str], tos: list[str], report: LinkImport
) -> None:
    """Onset not after infection, and links that contradict the ``generation`` column."""
    id_col = next((c for c in ("id", "case_id", "case_ID") if rows and c in rows[0]), None)
    if id_col is None:
        raise Problem(422, "the line list needs an id (or case_id) column")
    for n, r in enumerate(rows, start=2):
        infected, onset = r.get("date_of_infection", ""), r.get("date_of_onset", "")
        if infected and onset and onset <= infected:
            report.problems.append(
                LinkProblem(
                    "linelist",
                    n,
                    "onset_before_infection",
                    f"{r[id_col]}: onset {onset} is not after infection {infected}",
                    "warning",
                )
            )
    if not rows or "generation" not in rows[0]:
        return
    gen = {r[id_col]: r["generation"] for r in rows}
    for n, (a, b) in enumerate(zip(froms, tos, strict=True), start=2):
        ga, gb = gen.get(a), gen.get(b)
        if ga and gb and ga.isdigit() and gb.isdigit() and int(gb) != int(ga) + 1:
            report.problems.append(
                LinkProblem(
                    "links",
                    n,
                    "generation",
                    f"{a} (generation {ga}) → {b} (generation {gb}) contradicts the line list",
                )
            )


def import_links(
    session: Session,
    actor: Actor,
    *,
    links_text: str,
    source: str,
    linelist_text: str | None = None,
    good_rows_only: bool = False,
) -> LinkImport:
    """Validate every row, then store all links, the good ones (on request), or none."""
    actor.require("cases:write")
    rows = read_rows(links_text)
    froms, tos = _ends(rows)
    report = LinkImport(rows=len(rows))
    pairs = _pairs(session, actor, source, report, froms, tos)
    if linelist_text is not None:
        check_linelist(read_rows(linelist_text), froms, tos, report)
    refused = _cycles(session, report, pairs)
    refused |= {p.line for p in report.problems if p.file == "links" and p.severity == "error"}
    if report.errors and not good_rows_only:
        return report
    good = [p for p in pairs if p[0] not in refused]
    if good:
        session.execute(
            insert(TransmissionLink),
            [
                {
                    "infector_case_id": a,
                    "infectee_case_id": b,
                    "jurisdiction_id": j,
                    "certainty": "probable",
                    "source": "import",
                }
                for _, a, b, j in good
            ],
        )
    report.loaded, report.committed = len(good), True
    audit.record(
        session,
        actor,
        "import",
        "transmission_link",
        [],
        source=source,
        rows=report.rows,
        loaded=report.loaded,
        errors=report.errors,
    )
    return report
