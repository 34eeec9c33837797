"""``fireline export linelist`` and ``fireline export dhis2`` on a database file."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow.parquet as pq

from fireline.db.engine import make_engine, session_factory, transaction
from fireline.db.migrate import upgrade
from tests.cli_runner import run
from tests.exports.factories import IDENTIFIERS, add_case
from tests.places.factories import small_tree


def test_linelist_and_dhis2_commands(tmp_path: Path) -> None:
    database = tmp_path / "cli.db"
    engine = make_engine(f"sqlite:///{database}")
    upgrade(engine)
    with transaction(session_factory(engine)) as session:
        tree = small_tree(session)
        add_case(session, tree["C1A"], *IDENTIFIERS[:2])
        add_case(session, tree["C2A"], "Li Si", "330102198005170022", "probable")
    engine.dispose()
    out = tmp_path / "list.csv"
    args = ["export", "linelist", "--key", "cdc", "--weeks", "--out", str(out)]
    made = run(args, database)
    assert made.exit_code == 0, made.output
    assert "2 cases written" in made.output
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0][5] == "reported_week" and {r[5] for r in rows[1:]} == {"2026-W49"}
    assert "Zhang" not in out.read_text(encoding="utf-8-sig")
    again = tmp_path / "list.parquet"
    run([*args[:-2], "--format", "parquet", "--jurisdiction", "C1", "--out", str(again)], database)
    table = pq.read_table(again)
    # The same key on the same instance: the same pseudonym as in the CSV.
    assert table.num_rows == 1 and table.column("case")[0].as_py() in {r[0] for r in rows}
    refused = run([*args[:-2], "--format", "docx", "--out", str(out)], database)
    assert refused.exit_code == 1 and "choose one of csv" in refused.output

    sent = run(["export", "dhis2", "--week", "2026W49", "--jurisdiction", "P"], database)
    assert sent.exit_code == 0, sent.output
    document = json.loads(sent.stdout)
    assert document["period"] == "2026W49" and document["dataSet"] == "PHdsWeekly1"
    # The shipped mapping names the bundled province's codes, not the test tree's.
    assert document["dataValues"] == [] and "not in the mapping" in sent.stderr
    bad = run(["export", "dhis2", "--week", "W49", "--jurisdiction", "P"], database)
    assert bad.exit_code == 1 and "ISO week" in bad.output
