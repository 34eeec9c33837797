from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fireline.auth.scope import system_actor
from fireline.jurisdictions.importer import (
    JurisdictionImportError,
    bundled_divisions,
    import_jurisdictions,
)
from fireline.places.models import Jurisdiction

HEADER = "code,name_zh,name_en,level,parent_code,population_2020,lat,lon\n"


def _count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Jurisdiction)) or 0)


def test_bundled_province_loads_with_its_tree(session: Session) -> None:
    report = import_jurisdictions(session, system_actor(), bundled_divisions())
    assert report.created == 102
    by_level = select(Jurisdiction.level, func.count()).group_by(Jurisdiction.level)
    levels = dict(session.execute(by_level).tuples().all())
    assert levels == {"province": 1, "city": 11, "county": 90}
    shangcheng = session.scalars(select(Jurisdiction).where(Jurisdiction.code == "330102")).one()
    assert shangcheng.path == "/330000/330100/330102/" and shangcheng.name_zh == "上城区"
    again = import_jurisdictions(session, system_actor(), bundled_divisions())
    assert again.created == 0 and again.updated == 102 and _count(session) == 102


def test_children_before_parents_in_file_is_fine(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "j.csv"
    path.write_text(HEADER + "A1,甲一,A One,county,A,10,,\nA,甲,A,city,,20,1.5,2.5\n")
    import_jurisdictions(session, system_actor(), path)
    assert _count(session) == 2


def test_gb18030_file(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "j.csv"
    path.write_bytes((HEADER + "A,甲市,A,city,,20,,\n").encode("gb18030"))
    import_jurisdictions(session, system_actor(), path)
    assert session.scalars(select(Jurisdiction.name_zh)).one() == "甲市"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("A,甲,A,city,,20,,\nB,乙,B,county,ZZ,5,,\n", "line 3: unknown parent code ZZ"),
        ("A,甲,A,city,,many,,\n", "line 2: population, lat and lon must be numbers"),
        ("A,甲,A,city,,1,,\nA,甲,A,city,,1,,\n", "line 3: code A appears twice"),
    ],
)
def test_bad_rows_are_reported_and_nothing_is_stored(
    session: Session, tmp_path: Path, body: str, message: str
) -> None:
    path = tmp_path / "j.csv"
    path.write_text(HEADER + body)
    with pytest.raises(JurisdictionImportError) as error:
        import_jurisdictions(session, system_actor(), path)
    assert str(error.value).startswith(message)
    assert _count(session) == 0


def test_missing_columns(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "j.csv"
    path.write_text("code,name\nA,x\n")
    with pytest.raises(JurisdictionImportError, match="missing columns: name_zh, name_en"):
        import_jurisdictions(session, system_actor(), path)
