"""The round trip: export through the Bulk Data API, wrap the Patient, Specimen and
Observation files into the Bundle the importer reads (``fireline export fhir-bundle``),
import it into a fresh instance (a second database) with ``fireline testing
import-results``, and find the same lab results there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from fireline.db.engine import make_engine, session_factory, transaction
from fireline.db.migrate import upgrade
from fireline.lab.models import LabResult, Sample
from fireline.people.models import Person
from tests.cli_runner import run
from tests.exports.factories import world
from tests.exports.fhir.bulkclient import export
from tests.places.factories import small_tree


def results(session: Session) -> set[tuple[Any, ...]]:
    """Each current result as (test, result, collected, resulted, barcode, Ct values,
    the person's national ID): what must survive the trip."""
    rows = session.execute(
        select(
            LabResult.code,
            LabResult.outcome,
            Sample.collected_at,
            LabResult.resulted_at,
            Sample.barcode,
            LabResult.targets,
            Person.national_id,
        )
        .join(Sample, Sample.id == LabResult.sample_id)
        .join(Person, Person.id == Sample.person_id)
        .where(LabResult.current.is_(True))
    )
    return {(*r[:5], tuple(sorted((t["gene"], t["ct"]) for t in r[5])), r[6]) for r in rows}


def fresh_instance(path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with transaction(session_factory(engine)) as session:
        small_tree(session)
    return engine


def test_exported_results_import_into_a_fresh_instance(
    session: Session, client: TestClient, tmp_path: Path
) -> None:
    w = world(session, client)
    url = "/api/v1/fhir/$export?_type=Patient,Specimen,Observation"
    got = export(client, w["headers"]["boss"], url)
    files: list[str] = []
    for output in got["manifest"]["output"]:
        file = tmp_path / f"{output['type']}-{len(files)}.ndjson"
        file.write_text(client.get(output["url"], headers=w["headers"]["boss"]).text)
        files.append(str(file))
    bundle = tmp_path / "bundle.json"
    database = tmp_path / "second.db"
    engine = fresh_instance(database)
    wrapped = run(["export", "fhir-bundle", *files, "--out", str(bundle)], database)
    assert wrapped.exit_code == 0, wrapped.output
    loaded = run(["testing", "import-results", str(bundle), "--jurisdiction", "P"], database)
    assert loaded.exit_code == 0, loaded.output
    assert "3 new" in loaded.output
    with session_factory(engine)() as second:
        there = results(second)
    engine.dispose()
    here = results(session)
    assert len(here) == 3 and there == here
