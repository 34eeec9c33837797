"""``fireline venues``: import a log (bad lines on stderr), propose, export, the bulk job."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.db.engine import make_engine, session_factory, transaction
from fireline.db.migrate import upgrade
from fireline.tracing.venues.models import ProposedContact
from tests.cli_runner import run
from tests.tracing.venues.factories import DAY_START, random_check_ins, venue_world


@pytest.fixture
def database(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    path = tmp_path / "fireline.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with transaction(session_factory(engine)) as session:
        world = venue_world(session)
        ids = {"case": world["case"].id, "person": world["Long"].id}
    engine.dispose()
    return path, ids


def test_import_reports_bad_lines_and_stores_nothing(
    database: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    path, ids = database
    log = tmp_path / "log.csv"
    log.write_text(
        f"person_id,venue_code,checked_in_at\n{ids['person']},V-C1A,2026-11-05 09:30\n"
        f"{ids['person']},NOPE,2026-11-05 09:30\n"
    )
    result = run(["venues", "import", str(log)], path)
    assert result.exit_code == 1
    assert "line 3: venue 'NOPE' is not known" in result.output
    log.write_text(f"person_id,venue_code,checked_in_at\n{ids['person']},V-C1A,2026-11-05 09:30\n")
    result = run(["venues", "import", str(log)], path)
    assert result.exit_code == 0 and "1 check-ins imported" in result.output


def test_propose_and_export(database: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    path, ids = database
    result = run(["venues", "propose", "--case", str(ids["case"]), "--min-overlap", "10"], path)
    assert result.exit_code == 0, result.output
    assert "2 new proposals (duckdb)" in result.output
    assert run(["venues", "propose"], path).exit_code == 1
    target = tmp_path / "out.parquet"
    assert run(["venues", "export", str(target)], path).exit_code == 0
    assert pq.read_table(target).num_rows == 5


def test_propose_as_at_a_given_instant(database: tuple[Path, dict[str, int]]) -> None:
    path, ids = database
    case = ["venues", "propose", "--case", str(ids["case"])]
    bad = run([*case, "--now", "yesterday"], path)
    assert bad.exit_code == 1 and "--now 'yesterday' is not an ISO 8601 instant" in bad.output
    assert run([*case, "--now", "2026-11-10T09:00:00+08:00"], path).exit_code == 0
    engine = make_engine(f"sqlite:///{path}")
    with session_factory(engine)() as session:
        stamps = set(session.scalars(select(ProposedContact.created_at)))
    engine.dispose()
    assert stamps == {datetime(2026, 11, 10, 1, 0, tzinfo=UTC)}


def test_find_prints_sorted_csv(tmp_path: Path, session: Session) -> None:
    files = random_check_ins(tmp_path, 2000, persons=300, venues=10)
    index = tmp_path / "index.csv"
    start = DAY_START.isoformat()
    index.write_text(
        f"case_id,person_id,window_start,window_end\n1,7,{start},"
        f"{DAY_START.replace(hour=23).isoformat()}\n"
    )
    result = run(["venues", "find", "--index", str(index), *map(str, files)], tmp_path / "x.db")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("case_id,person_id,venue_id") and len(lines) > 1
