"""The sweep job and ``fireline responses``; bad playbooks are refused at load, with file:line."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, sessionmaker

from fireline.db.engine import make_engine, session_factory, transaction
from fireline.db.migrate import upgrade
from fireline.diseases import ProfileError, load_profile_file
from fireline.response.jobs import run_once
from fireline.response.models import Response
from fireline.settings import Settings
from tests.cli_runner import run
from tests.places.factories import small_tree
from tests.response.factories import T0, add_case, settings

DATA = Path(__file__).parents[1] / "diseases" / "data"


def test_the_job_sweeps_in_its_own_transaction(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        tree = small_tree(session)
        add_case(session, tree["C1A"])
        session.commit()
    summary = run_once(sessions, T0, Settings(), settings())
    assert (summary.responses, summary.tasks) == (1, 8)
    assert run_once(sessions, T0 + timedelta(hours=3), Settings(), settings()).escalations == 2


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "cli.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with transaction(session_factory(engine)) as session:
        tree = small_tree(session)
        add_case(session, tree["C1A"])
        add_case(session, tree["C2B"])
    engine.dispose()
    return path


def test_cli_sweep_board_and_league(database: Path, tmp_path: Path) -> None:
    result = run(["responses", "sweep", "--now", "2026-03-02T11:00:00+00:00"], database)
    assert result.exit_code == 0, result.output
    assert "2 responses opened" in result.output and "16 tasks created" in result.output
    board = run(["responses", "board", "C1", "--now", "2026-03-02T11:00:00+00:00"], database)
    assert board.exit_code == 0 and "isolate_case" in board.output and "red: 2" in board.output
    out = tmp_path / "league.xlsx"
    league = run(
        ["responses", "league", "P", "--end", "2026-03-07", "--output", str(out)], database
    )
    assert league.exit_code == 0, league.output
    assert out.read_bytes()[:2] == b"PK"
    engine = make_engine(f"sqlite:///{database}")
    with session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(Response)) == 2
    engine.dispose()


def test_cli_errors_are_one_line(database: Path) -> None:
    bad = run(["responses", "sweep", "--now", "yesterday"], database)
    assert bad.exit_code == 1 and "not an ISO 8601 instant" in bad.output
    missing = run(["responses", "league", "P", "--output", "x.pdf"], database)
    assert missing.exit_code == 1 and ".csv or .xlsx" in missing.output


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("bad_task_type.yaml", "unknown type"),
        ("dependency_cycle.yaml", "dependency cycle"),
        ("negative_deadline.yaml", "negative deadline"),
    ],
)
def test_bad_playbooks_are_refused_with_file_and_line(name: str, message: str) -> None:
    with pytest.raises(ProfileError) as caught:
        load_profile_file(DATA / name)
    assert caught.value.line is not None and message in str(caught.value)
    assert str(caught.value).startswith(f"{DATA / name}:{caught.value.line}: ")


def test_the_job_commits_each_step_of_the_sweep(tmp_path: Path) -> None:
    """Opening, completing and escalating each commit, so the job holds SQLite's write
    lock one step at a time; the sweep was one transaction before."""
    engine = make_engine(f"sqlite:///{tmp_path}/fireline.db")
    upgrade(engine)
    commits: list[int] = []
    event.listen(engine, "commit", lambda _connection: commits.append(1))
    run_once(session_factory(engine), T0, Settings(), settings())
    engine.dispose()
    assert len(commits) == 3
