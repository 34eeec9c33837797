"""Line-list files for the import tests, written in each encoding and format."""

from __future__ import annotations

import codecs
import io

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.auth.scope import Actor
from fireline.people.models import PersonMatch
from fireline.places.models import Jurisdiction
from fireline.surveillance.intake.batches import ImportOptions, import_file
from fireline.surveillance.models import Case
from tests.surveillance.profiles import acting

EN_HEADER = (
    "id,name,national_id,gender,birth_date,phone,location,date_onset,date_reporting,classification"
)
GOOD_EN = [
    "A1,Li Hua,11010519491231002X,female,1949-12-31,13800000001,C1A,2024-03-01,2024-03-03,confirmed",  # noqa: E501
    "A2,Wang Wei,,male,1990-04-01,13800000002,C1B,2024-03-02,2024-03-04,suspected",
]
ZH_HEADER = "编号,姓名,身份证号,性别,出生日期,电话,地区编码,发病日期,报告日期,分类"
GOOD_ZH = [
    "Z1,张三,,男,1980-01-02,13900000001,C1A,2024年3月1日,2024/3/2,确诊病例",
    "Z2,李四,,女,1985-05-06,13900000002,C1A,,20240303,疑似",
]


def csv_bytes(header: str, rows: list[str], encoding: str = "utf-8") -> bytes:
    text = "\n".join([header, *rows]) + "\n"
    if encoding == "utf-8-sig":
        return codecs.BOM_UTF8 + text.encode("utf-8")
    return text.encode(encoding)


def xlsx_bytes(header: str, rows: list[str]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(header.split(","))
    for row in rows:
        sheet.append([v or None for v in row.split(",")])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def import_lookalike(session: Session, place: Jurisdiction, name: str) -> dict[str, int]:
    """Import, as an investigator of ``place``, one case of a person named ``name`` born
    1980-05-17 with phone 13800000000 and no national ID: the look-alike of
    ``tests.people.factories.make_person``, so a match is proposed. Returns the ids of
    the batch, the case and the match (all in ``place``)."""
    actor = Actor(None, "importer", "investigator", place.id, place.path)
    row = f"L1,{name},,female,1980-05-17,13800000000,{place.code},2024-03-01,2024-03-02,suspected"
    batch = import_file(
        session,
        acting(actor),
        filename="lookalike.csv",
        content=csv_bytes(EN_HEADER, [row]),
        options=ImportOptions(disease="covid19", source="test"),
    )
    assert batch.status == "committed" and batch.matches_proposed >= 1, batch.status
    case = session.scalars(select(Case).where(Case.import_batch_id == batch.id)).one()
    match = session.scalars(
        select(PersonMatch.id)
        .where(PersonMatch.duplicate_id == case.person_id)
        .order_by(PersonMatch.id)
    ).first()
    assert match is not None
    return {"batch_id": batch.id, "case_id": case.id, "match_id": match}
