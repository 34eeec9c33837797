"""``fireline zones list``: computed lift dates and what is missing, one line a zone."""

from __future__ import annotations

from pathlib import Path

import pytest

from fireline.db.engine import make_engine, session_factory, transaction
from fireline.db.migrate import upgrade
from tests.cli_runner import run, run_process
from tests.places.factories import small_tree
from tests.zones.factories import COMPOUND, DAY, days, draw, resident


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "cli.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with transaction(session_factory(engine)) as session:
        tree = small_tree(session)
        resident(session, tree["C1A"], COMPOUND + "3幢101室", case_on=DAY - days(1))
        draw(session, tree["C1A"], name="Wensan 88")
        draw(session, tree["C2A"], level="precaution", name="Far away")
    engine.dispose()
    return path


def test_zones_list_shows_the_last_case_and_what_is_missing(database: Path) -> None:
    done = run_process(["zones", "list", "--jurisdiction", "C1A"], f"sqlite:///{database}")
    assert done.returncode == 0, done.stderr
    assert "Wensan 88" in done.stdout and "Far away" not in done.stdout
    assert str(DAY - days(1)) in done.stdout and "screening_round from" in done.stdout
    everywhere = run(["zones", "list"], database)
    assert everywhere.exit_code == 0 and "Far" in everywhere.output


def test_zones_list_refuses_an_unknown_jurisdiction_in_one_line(database: Path) -> None:
    done = run_process(["zones", "list", "--jurisdiction", "XX"], f"sqlite:///{database}")
    assert done.returncode == 1 and done.stderr.count("\n") == 1 and "XX" in done.stderr
