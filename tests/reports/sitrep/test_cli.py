"""``fireline sitrep``: both formats written; bad input is one line and a non-zero exit."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from fireline.db.engine import make_engine, session_factory, transaction
from fireline.db.migrate import upgrade
from tests.cli_runner import run
from tests.reports.sitrep.factories import DAY, outbreak


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sitrep") / "sitrep.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with transaction(session_factory(engine)) as session:
        outbreak(session)
    engine.dispose()
    return path


def test_the_command_writes_html_and_pdf(database: Path, tmp_path: Path) -> None:
    html, pdf = tmp_path / "c1.html", tmp_path / "p.pdf"
    args = ["sitrep", "--jurisdiction", "C1", "--date", DAY.isoformat(), "--out", str(html)]
    done = run([*args, "--language", "en"], database)
    assert done.exit_code == 0, done.output
    assert "Daily situation report" in html.read_text() and "Place C1A" in html.read_text()
    args = ["sitrep", "-j", "P", "--date", DAY.isoformat(), "--out", str(pdf)]
    done = run(args, database)
    assert done.exit_code == 0, done.output
    text = "".join(p.extract_text() or "" for p in PdfReader(pdf).pages)
    assert "每日疫情通报" in text and "地区C1" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-j", "P", "--date", "2026-02-30", "--out", "x.pdf"], "not an ISO date"),
        (["-j", "NOPE", "--date", "2026-03-01", "--out", "x.pdf"], "no jurisdiction 'NOPE'"),
        (["-j", "P", "--out", "x.docx"], "must end in .pdf or .html"),
        (["-j", "P", "--out", "x.pdf", "--language", "fr"], "must be one of en, zh"),
        (["-j", "P", "--date", "2099-01-01", "--out", "x.pdf"], "has not begun"),
    ],
)
def test_bad_input_is_one_line(database: Path, args: list[str], message: str) -> None:
    done = run(["sitrep", *args], database)
    assert done.exit_code == 1
    lines = done.output.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and lines[0].startswith("error:")
