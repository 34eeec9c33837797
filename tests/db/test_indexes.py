"""Secondary indexes set aside for a bulk load into empty tables, built again after."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from fireline.db.indexes import deferred
from tests.places.factories import small_tree


def _indexes(session: Session, table: str) -> set[str]:
    rows = session.execute(
        text("SELECT indexname FROM pg_indexes WHERE tablename = :t"), {"t": table}
    )
    return {str(name) for (name,) in rows}


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
            assert set(aside) == {"ix_jurisdictions_parent_id", "ix_jurisdictions_path"}
            assert not set(aside) & _indexes(session, "jurisdictions")
        else:
            assert aside == []
    if connection.dialect.name == "postgresql":
        assert set(aside) <= _indexes(session, "jurisdictions")
