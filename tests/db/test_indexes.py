"""Secondary indexes set aside for a bulk load into empty tables, built again after."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fireline.db.indexes import deferred
from tests.places.factories import small_tree


def _indexes(session: Session, table: str) -> set[str]:
    rows = session.execute(
        text("SELECT indexname FROM pg_indexes WHERE tablename = :t"), {"t": table}
    )
    return {str(name) for (name,) in rows}


def _keys(session: Session, table: str) -> set[str]:
    found = text(
        "SELECT conname FROM pg_constraint WHERE contype = 'f' AND conrelid = CAST(:t AS regclass)"
    )
    return {str(name) for (name,) in session.execute(found, {"t": table})}


def test_the_plain_indexes_of_an_empty_table_are_rebuilt_after_the_load(session: Session) -> None:
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        with deferred(connection, ["persons"]) as aside:
            assert aside == []  # SQLite keeps its indexes: nothing to gain there
        return
    before = _indexes(session, "persons")
    with deferred(connection, ["persons", "cases"]) as aside:
        during = _indexes(session, "persons")
        assert "ix_persons_national_id" in aside and "ix_persons_national_id" not in during
        assert "pk_persons" in during  # the key the foreign keys check stays
    assert _indexes(session, "persons") == before


def test_a_table_with_rows_keeps_its_indexes_unless_told(session: Session) -> None:
    small_tree(session)
    connection = session.connection()
    with deferred(connection, ["jurisdictions"]) as aside:
        assert aside == []
    with deferred(connection, ["jurisdictions"], only_empty=False) as aside:
        if connection.dialect.name == "postgresql":
            assert set(aside) == {
                "ix_jurisdictions_parent_id",
                "ix_jurisdictions_path",
                "fk_jurisdictions_parent_id_jurisdictions",
            }
            assert not set(aside) & _indexes(session, "jurisdictions")
            assert _keys(session, "jurisdictions") == set()
        else:
            assert aside == []
    if connection.dialect.name == "postgresql":
        assert set(aside) - _keys(session, "jurisdictions") <= _indexes(session, "jurisdictions")
        assert _keys(session, "jurisdictions") == {"fk_jurisdictions_parent_id_jurisdictions"}


def test_a_row_that_breaks_a_key_set_aside_fails_the_load(session: Session) -> None:
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return  # SQLite sets nothing aside: its keys are checked row by row as ever
    small_tree(session)
    nested = session.begin_nested()
    with pytest.raises(IntegrityError), deferred(connection, ["persons"]):
        session.execute(
            text(
                "INSERT INTO persons (name, jurisdiction_id, created_at, updated_at, version)"
                " VALUES ('Nobody', 999999, now(), now(), 1)"
            )
        )
    nested.rollback()
