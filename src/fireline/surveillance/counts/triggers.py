"""The triggers that keep ``case_daily_counts`` equal to a GROUP BY of ``cases``.

Triggers rather than service code, so that no write path can forget them: ORM inserts
and edits, the bulk import (COPY or ``executemany``), the demo loader's COPY, a
merge's or a migration's UPDATE, a DELETE. The count changes in the transaction of the
write, so a dashboard shows an import as soon as it commits.

PostgreSQL: statement-level triggers with transition tables (PostgreSQL docs, CREATE
TRIGGER, ``REFERENCING NEW TABLE``): a COPY of 600,000 cases costs one grouped upsert,
not 600,000. The grouped rows are upserted in key order, so two imports that touch the
same counts lock them in the same order and wait rather than deadlock. Transition
tables allow one event per trigger and no ``UPDATE OF`` column list, so there are three
triggers, and the UPDATE one nets old against new and writes only what moved (an edit
of the outcome writes nothing).

SQLite: row-level triggers, one upsert per case (``INSERT ... ON CONFLICT DO UPDATE``,
sqlite.org/lang_upsert.html); its UPDATE trigger fires only when a counted column
changes.

A batch migration that rebuilds ``cases`` on SQLite (copy, drop, rename) drops its
triggers with the old table: such a migration must call :func:`create` again.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import Connection, text

TABLE: Final = "case_daily_counts"
KEYS: Final = (
    "jurisdiction_id",
    "disease",
    "date_reporting",
    "day_onset",
    "onset_known",
    "classification",
    "imported",
)
# The cases' columns that the counts key on; a change of any other column (outcome,
# person, version) leaves the counts alone.
SOURCE_COLUMNS: Final = (
    "jurisdiction_id",
    "disease",
    "date_reporting",
    "date_onset",
    "classification",
    "imported",
)
EVENTS: Final = ("insert", "update", "delete")


def _key_of(row: str = "") -> list[str]:
    """The key of the counts as expressions over one cases row (``row`` is a prefix
    such as ``NEW.``), in the order of :data:`KEYS`."""
    return [
        f"{row}jurisdiction_id",
        f"{row}disease",
        f"{row}date_reporting",
        f"coalesce({row}date_onset, {row}date_reporting)",
        f"{row}date_onset IS NOT NULL",
        f"{row}classification",
        f"{row}imported",
    ]


_KEYS = ", ".join(KEYS)
_CASE_KEY = ", ".join(f"{expr} AS {key}" for expr, key in zip(_key_of(), KEYS, strict=True))


def _pg_upsert(rows: str) -> str:
    """Add the signed counts of ``rows`` (a SELECT of keys and ``n``), grouped."""
    return (
        f"INSERT INTO {TABLE} AS t ({_KEYS}, case_count) "
        f"SELECT {_KEYS}, sum(n) FROM ({rows}) AS d GROUP BY {_KEYS} "
        f"HAVING sum(n) <> 0 ORDER BY {_KEYS} "
        f"ON CONFLICT ({_KEYS}) DO UPDATE SET case_count = t.case_count + excluded.case_count;"
    )


_PG_PRUNE = (
    f"DELETE FROM {TABLE} WHERE case_count = 0 "
    f"AND ({_KEYS}) IN (SELECT {', '.join(_key_of())} FROM old_rows);"
)
_PG_BODY = {
    "insert": _pg_upsert(f"SELECT {_CASE_KEY}, 1 AS n FROM new_rows"),
    "delete": _pg_upsert(f"SELECT {_CASE_KEY}, -1 AS n FROM old_rows") + _PG_PRUNE,
    "update": _pg_upsert(
        f"SELECT {_CASE_KEY}, 1 AS n FROM new_rows "
        f"UNION ALL SELECT {_CASE_KEY}, -1 AS n FROM old_rows"
    )
    + _PG_PRUNE,
}
_PG_REFERENCING = {
    "insert": "NEW TABLE AS new_rows",
    "delete": "OLD TABLE AS old_rows",
    "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
}


def _postgresql() -> list[str]:
    statements = []
    for event in EVENTS:
        name = f"{TABLE}_{event}"
        statements += [
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {_PG_BODY[event]} RETURN NULL; END $$",
            f"CREATE TRIGGER {name} AFTER {event.upper()} ON cases "
            f"REFERENCING {_PG_REFERENCING[event]} FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
        ]
    return [
        *statements,
        f"CREATE FUNCTION {TABLE}_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN DELETE FROM {TABLE}; RETURN NULL; END $$",
        f"CREATE TRIGGER {TABLE}_truncate AFTER TRUNCATE ON cases "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_truncate()",
    ]


def _sqlite_add(row: str) -> str:
    return (
        f"INSERT INTO {TABLE} ({_KEYS}, case_count) VALUES ({', '.join(_key_of(row))}, 1) "
        f"ON CONFLICT ({_KEYS}) DO UPDATE SET case_count = case_count + 1;"
    )


def _sqlite_remove(row: str) -> str:
    match = " AND ".join(f"{key} = ({expr})" for key, expr in zip(KEYS, _key_of(row), strict=True))
    return (
        f"UPDATE {TABLE} SET case_count = case_count - 1 WHERE {match}; "
        f"DELETE FROM {TABLE} WHERE {match} AND case_count = 0;"
    )


def _sqlite() -> list[str]:
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in SOURCE_COLUMNS)
    return [
        f"CREATE TRIGGER {TABLE}_insert AFTER INSERT ON cases BEGIN {_sqlite_add('NEW.')} END",
        f"CREATE TRIGGER {TABLE}_delete AFTER DELETE ON cases BEGIN {_sqlite_remove('OLD.')} END",
        f"CREATE TRIGGER {TABLE}_update AFTER UPDATE OF {', '.join(SOURCE_COLUMNS)} ON cases "
        f"WHEN {changed} BEGIN {_sqlite_remove('OLD.')} {_sqlite_add('NEW.')} END",
    ]


def _is_postgres(connection: Connection) -> bool:
    return connection.dialect.name == "postgresql"


def create(connection: Connection) -> None:
    """Create the triggers on ``cases`` (the table must exist)."""
    for statement in _postgresql() if _is_postgres(connection) else _sqlite():
        connection.execute(text(statement))


def drop(connection: Connection) -> None:
    names = [f"{TABLE}_{event}" for event in (*EVENTS, "truncate")]
    for name in names:
        if _is_postgres(connection):
            connection.execute(text(f"DROP TRIGGER IF EXISTS {name} ON cases"))
            connection.execute(text(f"DROP FUNCTION IF EXISTS {name}()"))
        else:
            connection.execute(text(f"DROP TRIGGER IF EXISTS {name}"))


def rebuild(connection: Connection) -> None:
    """Recount every row from the cases (the migration's backfill; a repair if the
    triggers were ever missing). On PostgreSQL writers of ``cases`` wait until the
    transaction ends, so none slips between the count and the commit."""
    if _is_postgres(connection):
        connection.execute(text("LOCK TABLE cases IN SHARE ROW EXCLUSIVE MODE"))
    connection.execute(text(f"DELETE FROM {TABLE}"))
    connection.execute(
        text(
            f"INSERT INTO {TABLE} ({_KEYS}, case_count) "
            f"SELECT {', '.join(_key_of())}, count(*) FROM cases "
            f"GROUP BY {', '.join(_key_of())}"
        )
    )
