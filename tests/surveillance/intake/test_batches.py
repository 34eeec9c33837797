from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fireline.auth.scope import Actor, system_actor
from fireline.errors import Problem
from fireline.people.models import Person
from fireline.surveillance.intake import batches
from fireline.surveillance.intake.batches import ImportOptions
from fireline.surveillance.intake.mappings import save_mapping
from fireline.surveillance.models import Case, ClassificationChange, ImportBatch, ImportProblem
from fireline.surveillance.service import history, reclassify
from tests.auth.factories import make_user
from tests.places.factories import small_tree
from tests.surveillance.intake.factories import (
    EN_HEADER,
    GOOD_EN,
    GOOD_ZH,
    ZH_HEADER,
    csv_bytes,
    xlsx_bytes,
)
from tests.surveillance.profiles import acting

COVID = ImportOptions(disease="covid19", source="test")


def county(session: Session) -> Actor:
    tree = small_tree(session)
    return Actor(None, "county", "investigator", tree["C1"].id, tree["C1"].path)


def run(
    session: Session,
    actor: Actor,
    content: bytes,
    name: str = "cases.csv",
    options: ImportOptions = COVID,
    good_rows_only: bool = False,
) -> ImportBatch:
    return batches.import_file(
        session,
        acting(actor),
        filename=name,
        content=content,
        options=options,
        good_rows_only=good_rows_only,
    )


def problems(session: Session, batch_id: int) -> list[tuple[int, str, str, str, str]]:
    rows = session.execute(
        select(
            ImportProblem.line,
            ImportProblem.column,
            ImportProblem.value,
            ImportProblem.message,
            ImportProblem.severity,
        )
        .where(ImportProblem.batch_id == batch_id)
        .order_by(ImportProblem.line, ImportProblem.id)
    ).tuples()
    return list(rows)


def cases(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Case)) or 0)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_utf8_files(session: Session, encoding: str) -> None:
    batch = run(session, county(session), csv_bytes(EN_HEADER, GOOD_EN, encoding))
    assert (batch.status, batch.encoding, batch.cases_created) == ("committed", encoding, 2)
    case = session.scalars(select(Case).where(Case.external_id == "A1")).one()
    assert (case.classification, case.date_onset, case.import_batch_id) == (
        "confirmed",
        date(2024, 3, 1),
        batch.id,
    )
    changes = select(func.count()).where(ClassificationChange.case_id == case.id)
    assert session.scalar(changes) == 0  # the history is the changes; none yet
    created = [
        (h.id, h.from_classification, h.to_classification, h.reason) for h in history(session, case)
    ]
    assert created == [(None, None, "confirmed", f"imported in batch {batch.id}")]


def test_imported_case_history_names_the_importer(session: Session) -> None:
    tree = small_tree(session)
    session.commit()
    user = make_user(session, "importer", "investigator", "C1")
    actor = Actor(user.id, "importer", "investigator", tree["C1"].id, tree["C1"].path)
    batch = run(session, actor, csv_bytes(EN_HEADER, GOOD_EN))
    case = session.scalars(select(Case).where(Case.external_id == "A2")).one()
    assert (case.created_by, case.import_batch_id) == (user.id, batch.id)
    reclassify(session, acting(actor), case.id, to="confirmed", version=case.version, reason="PCR")
    lines = [
        (h.from_classification, h.to_classification, h.user_id) for h in history(session, case)
    ]
    assert lines == [(None, "suspected", user.id), ("suspected", "confirmed", user.id)]
    assert history(session, case)[0].at == case.created_at


def test_gb18030_with_chinese_headers(session: Session) -> None:
    batch = run(session, county(session), csv_bytes(ZH_HEADER, GOOD_ZH, "gb18030"))
    assert (batch.status, batch.encoding, batch.cases_created) == ("committed", "gb18030", 2)
    assert batch.mapping["date_onset"] == "发病日期"
    person = session.scalars(select(Person).where(Person.name == "张三")).one()
    assert (person.sex, person.birth_date) == ("male", date(1980, 1, 2))
    z2 = session.scalars(select(Case).where(Case.external_id == "Z2")).one()
    assert (z2.classification, z2.date_reporting, z2.date_onset) == (
        "suspected",
        date(2024, 3, 3),
        None,
    )


def test_xlsx(session: Session) -> None:
    batch = run(session, county(session), xlsx_bytes(ZH_HEADER, GOOD_ZH), "cases.xlsx")
    assert (batch.status, batch.encoding, batch.cases_created) == ("committed", None, 2)


def test_saved_mapping_for_other_headers(session: Session) -> None:
    actor = county(session)
    header = "Case No,Patient,Area,Reported,Onset"
    rows = ["Q1,Zhao Liu,C1A,2024-03-05,2024-03-01"]
    refused = run(session, actor, csv_bytes(header, rows))
    assert refused.status == "needs_mapping" and refused.cases_created == 0
    save_mapping(
        session,
        actor,
        name="county sheet",
        columns={
            "external_id": "Case No",
            "name": "Patient",
            "jurisdiction": "Area",
            "date_reporting": "Reported",
            "date_onset": "Onset",
        },
    )
    options = ImportOptions(disease="covid19", source="test", mapping_name="county sheet")
    batch = run(session, actor, csv_bytes(header, rows), options=options)
    assert batch.status == "committed" and batch.cases_created == 1


BAD_ROWS = [
    (
        "B1,Bad Date,,male,,,C1A,2024-02-30,2024-03-03,",
        2,
        "date_onset",
        "2024-02-30",
        "not a date (write it as YYYY-MM-DD)",
    ),
    ("B2,Nowhere,,male,,,XX9,,2024-03-03,", 3, "location", "XX9", "unknown jurisdiction code"),
    (
        "B3,Elsewhere,,male,,,C2A,,2024-03-03,",
        4,
        "location",
        "C2A",
        "this jurisdiction is outside your jurisdiction",
    ),
    (
        "B4,Late Onset,,male,,,C1A,2024-03-09,2024-03-03,",
        5,
        "date_onset",
        "2024-03-09",
        "the onset date is after the report date",
    ),
    ("B1,Twice,,male,,,C1A,,2024-03-03,", 6, "id", "B1", "this ID is also on line 2"),
    ("B6,,,male,,,C1A,,2024-03-03,", 7, "name", "", "a value is required"),
    (
        "B7,Odd Class,,male,,,C1A,,2024-03-03,cured",
        8,
        "classification",
        "cured",
        "unknown value; expected one of suspected, probable, confirmed, discarded",
    ),
]


@pytest.mark.parametrize(("row", "line", "column", "value", "message"), BAD_ROWS)
def test_each_bad_row_is_reported_and_nothing_is_stored(
    session: Session, row: str, line: int, column: str, value: str, message: str
) -> None:
    actor = county(session)
    padding = [f"G{i},Good Row,,female,,,C1A,,2024-03-03," for i in range(line - 2)]
    if message.startswith("this ID is also"):
        padding[0] = "B1,First,,male,,,C1A,,2024-03-03,"
    batch = run(session, actor, csv_bytes(EN_HEADER, [*padding, row]))
    assert batch.status == "refused" and batch.bad_rows == 1
    assert (line, column, value, message, "error") in problems(session, batch.id)
    assert cases(session) == 0
    assert session.scalar(select(func.count()).select_from(Person)) == 0


def test_wrong_encoding_line(session: Session) -> None:
    content = csv_bytes(EN_HEADER, GOOD_EN, "utf-8-sig") + "A3,王五,,,,,C1A,,2024-03-03,\n".encode(
        "gb18030"
    )
    batch = run(session, county(session), content)
    assert batch.status == "refused"
    assert problems(session, batch.id) == [(4, "", "", "the line is not valid UTF-8 text", "error")]


def test_good_rows_only(session: Session) -> None:
    rows = [*GOOD_EN, "B9,Nowhere,,male,,,XX9,,2024-03-03,"]
    batch = run(session, county(session), csv_bytes(EN_HEADER, rows), good_rows_only=True)
    assert (batch.status, batch.cases_created, batch.bad_rows) == ("committed", 2, 1)
    assert cases(session) == 2


def test_second_import_is_a_no_op(session: Session) -> None:
    actor = county(session)
    run(session, actor, csv_bytes(EN_HEADER, GOOD_EN))
    again = run(session, actor, csv_bytes(EN_HEADER, GOOD_EN))
    assert (again.status, again.cases_created, again.duplicate_rows) == ("committed", 0, 2)
    assert cases(session) == 2
    first = session.scalar(select(Case.id).where(Case.external_id == "A1"))
    assert (2, "id", "A1", f"imported before as case {first}; skipped", "skipped") in problems(
        session, again.id
    )


def test_a_case_id_another_county_imported_is_new_here_and_theirs_is_untouched(
    session: Session,
) -> None:
    """(source, external_id) is a key per jurisdiction, looked up in the importer's subtree:
    C1A's rows do not skip, name or change C1B's case; the city above both skips it."""
    tree = small_tree(session)
    side_a, side_b = (
        Actor(None, code, "investigator", tree[code].id, tree[code].path) for code in ("C1A", "C1B")
    )
    row = "A1,Li Hua,,female,1949-12-31,,{},2024-03-01,2024-03-03,confirmed"
    run(session, side_b, csv_bytes(EN_HEADER, [row.format("C1B")]))
    theirs = session.execute(select(Case.id, Case.version, Case.person_id)).one()
    ours = run(session, side_a, csv_bytes(EN_HEADER, [row.format("C1A")]))
    assert (ours.status, ours.cases_created, ours.duplicate_rows) == ("committed", 1, 0)
    assert problems(session, ours.id) == []
    assert (
        session.execute(
            select(Case.id, Case.version, Case.person_id).where(Case.id == theirs.id)
        ).one()
        == theirs
    )
    city = Actor(None, "city", "investigator", tree["C1"].id, tree["C1"].path)
    again = run(session, city, csv_bytes(EN_HEADER, [row.format("C1B")]))
    assert (again.cases_created, again.duplicate_rows) == (0, 1)


def test_same_national_id_reuses_person_in_file_and_database(session: Session) -> None:
    actor = county(session)
    run(session, actor, csv_bytes(EN_HEADER, GOOD_EN))
    rows = [
        "N1,Li Hua,11010519491231002x,female,,,C1A,,2024-03-05,",
        "N2,Li Hua,11010519491231002X,female,,,C1A,,2024-03-06,",
    ]
    batch = run(session, actor, csv_bytes(EN_HEADER, rows))
    assert (batch.persons_created, batch.persons_reused, batch.cases_created) == (0, 2, 2)
    owner = session.scalars(select(Case.person_id).where(Case.external_id.in_(["A1", "N1", "N2"])))
    assert len(set(owner)) == 1


def test_similar_person_in_file_is_proposed(session: Session) -> None:
    actor = county(session)
    rows = [
        "S1,Wang Wei,,male,1990-04-01,13800000002,C1A,,2024-03-05,",
        "S2,Wang  Wei,,male,1990-04-01,,C1B,,2024-03-06,",
    ]
    batch = run(session, actor, csv_bytes(EN_HEADER, rows))
    assert batch.persons_created == 2 and batch.matches_proposed == 1


def test_two_steps_validate_then_commit(session: Session) -> None:
    actor = county(session)
    rows = [*GOOD_EN, "B9,Nowhere,,male,,,XX9,,2024-03-03,"]
    batch = batches.start_import(
        session, acting(actor), filename="x.csv", content=csv_bytes(EN_HEADER, rows), options=COVID
    )
    assert (batch.status, batch.total_rows, batch.bad_rows) == ("validated", 3, 1)
    assert cases(session) == 0
    with pytest.raises(Problem) as refused:
        batches.commit_import(session, acting(actor), batch.id)
    assert refused.value.status == 422
    done = batches.commit_import(session, acting(actor), batch.id, good_rows_only=True)
    assert done.status == "committed" and cases(session) == 2
    assert "line,column,value,message,severity\n4,location,XX9," in batches.report_csv(
        session, actor, batch.id
    )


def test_cli_actor_default_is_admin(session: Session) -> None:
    small_tree(session)
    batch = run(
        session, system_actor(), csv_bytes(EN_HEADER, [*GOOD_EN, "C3,X,,,,,C2A,,2024-03-03,"])
    )
    assert batch.cases_created == 3
