from __future__ import annotations

from pathlib import Path

from fireline.jurisdictions.importer import bundled_divisions
from tests.cli_runner import run


def _ready(tmp_path: Path) -> Path:
    database = tmp_path / "f.db"
    run(["db", "upgrade"], database)
    run(["jurisdictions", "import", str(bundled_divisions())], database)
    return database


def test_create_list_and_reset_password(tmp_path: Path) -> None:
    database = _ready(tmp_path)
    created = run(
        ["users", "create", "lin", "--role", "investigator", "--jurisdiction", "330102"],
        database,
        input="a-good-password\na-good-password\n",
    )
    assert created.exit_code == 0, created.output
    assert "lin" in run(["users", "list"], database).output
    reset = run(["users", "set-password", "lin"], database, input="another-pass\nanother-pass\n")
    assert reset.exit_code == 0, reset.output


def test_unknown_user_and_short_password_fail(tmp_path: Path) -> None:
    database = _ready(tmp_path)
    missing = run(
        ["users", "set-password", "ghost"], database, input="another-pass\nanother-pass\n"
    )
    assert missing.exit_code == 1 and "no user named 'ghost'" in missing.output
