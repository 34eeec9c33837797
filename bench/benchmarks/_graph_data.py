"""One cluster of N linked cases in a migrated SQLite file, for bench/benchmarks/graph.py."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine, insert, select

from fireline.auth.scope import Actor, system_actor
from fireline.auth.service import create_user
from fireline.db.engine import make_engine, session_factory, transaction
from fireline.db.migrate import upgrade
from fireline.jurisdictions.importer import bundled_divisions, import_jurisdictions
from fireline.people.models import Person
from fireline.places.models import Jurisdiction
from fireline.surveillance.models import Case
from fireline.tracing.models import TransmissionLink

COUNTY = "330102"
USERNAME, PASSWORD = "bench-investigator", "bench-graph-password"
R, K = 1.3, 0.5  # as bench/benchmarks/chains.py
SERIAL_MEAN, SERIAL_SD = 5.0, 2.5
CLASSES, SHARES = ["confirmed", "probable", "suspected"], [0.80, 0.12, 0.08]
UNKNOWN_ONSET = 0.03
FIRST_ONSET = date(2026, 1, 5)

IntArray = np.ndarray[Any, np.dtype[np.int64]]


def cluster_tree(n: int, seed: int = 5) -> tuple[IntArray, IntArray]:
    """Infector (-1 for the index case) and generation of n cases in generation order.

    Most single-root NB processes die out early (k = 0.5): they are redrawn from the
    same generator until one reaches n cases, so the result is still seeded."""
    rng = np.random.default_rng(seed)
    while True:
        parent = [np.array([-1], dtype=np.int64)]
        frontier, total = np.array([0], dtype=np.int64), 1
        while total < n and len(frontier):
            counts = rng.negative_binomial(K, K / (K + R), size=len(frontier))
            children_of = np.repeat(frontier, counts)[: n - total]
            parent.append(children_of)
            frontier = np.arange(total, total + len(children_of), dtype=np.int64)
            total += len(children_of)
        if total == n:
            break
    infector = np.concatenate(parent)
    generation = np.zeros(n, dtype=np.int64)
    for child in range(1, n):  # infectors come first: one pass suffices
        generation[child] = generation[infector[child]] + 1
    return infector, generation


def onsets(infector: IntArray, rng: np.random.Generator) -> list[date | None]:
    """Onset days after the infector's by a gamma serial interval; a few unknown."""
    shape = (SERIAL_MEAN / SERIAL_SD) ** 2
    gaps = np.maximum(np.rint(rng.gamma(shape, SERIAL_SD**2 / SERIAL_MEAN, len(infector))), 1)
    day = np.zeros(len(infector), dtype=np.int64)
    for case in range(1, len(infector)):
        day[case] = day[infector[case]] + int(gaps[case])
    unknown = rng.random(len(infector)) < UNKNOWN_ONSET
    return [
        None if u else FIRST_ONSET + timedelta(days=int(d))
        for d, u in zip(day, unknown, strict=True)
    ]


def _rows(n: int, place: int, seed: int = 7) -> tuple[list[dict[str, Any]], ...]:
    infector, _ = cluster_tree(n)
    rng = np.random.default_rng(seed)
    onset = onsets(infector, rng)
    classes = rng.choice(len(CLASSES), size=n, p=SHARES)
    now = datetime.now(UTC)
    people = [
        {
            "id": i + 1,
            "jurisdiction_id": place,
            "name": f"Case {i + 1}",
            "created_at": now,
            "updated_at": now,
        }
        for i in range(n)
    ]
    cases = [
        {
            "id": i + 1,
            "jurisdiction_id": place,
            "person_id": i + 1,
            "disease": "covid19",
            "source": "bench",
            "external_id": f"graph-{i + 1}",
            "classification": CLASSES[classes[i]],
            "date_onset": onset[i],
            "date_reporting": (onset[i] or FIRST_ONSET) + timedelta(days=2),
            "created_at": now,
            "updated_at": now,
        }
        for i in range(n)
    ]
    links = [
        {
            "jurisdiction_id": place,
            "infector_case_id": int(infector[i]) + 1,
            "infectee_case_id": i + 1,
            "certainty": "probable",
            "source": "import",
        }
        for i in range(1, n)
    ]
    return people, cases, links


def build(path: Path, n: int) -> tuple[Engine, Actor, int]:
    """The database, an actor of the county, and the number of links stored."""
    engine = make_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False})
    upgrade(engine)
    with transaction(session_factory(engine)) as session:
        import_jurisdictions(session, system_actor(), bundled_divisions())
        place = session.scalars(select(Jurisdiction).where(Jurisdiction.code == COUNTY)).one()
        create_user(
            session,
            system_actor(),
            username=USERNAME,
            password=PASSWORD,
            role="investigator",
            jurisdiction_code=COUNTY,
        )
        people, cases, links = _rows(n, place.id)
        for model, rows in ((Person, people), (Case, cases), (TransmissionLink, links)):
            session.execute(insert(model), rows)
        actor = Actor(None, "bench", "investigator", place.id, place.path)
    return engine, actor, len(links)
