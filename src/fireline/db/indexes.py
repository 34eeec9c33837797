"""Secondary indexes set aside while a bulk load fills empty tables, then built once.

PostgreSQL's advice for populating a database: "If you are loading a freshly created
table, the fastest method is to create the table, bulk load the table's data using
COPY, then create any indexes needed" (PostgreSQL 15 manual, 14.4 "Populating a
Database"). A COPY of 10 M persons into a table with btree indexes on random keys
(national id, phone) updates those indexes row by row through a small buffer cache:
it ran for over 15 minutes on 2 cores where the same rows and a build of each index
afterwards take a fraction of that (issue #17, the wave benchmark).

Foreign keys of the loaded tables are set aside too and added back after the load
(the same manual section: "Remove Foreign Key Constraints"): added back, each is
checked once for the whole table by one join, where a COPY checks each row against
the referenced table's key (20 M probes of a 10 M-row key for the wave's contacts).
Only indexes that are neither the primary key nor behind a constraint are set aside:
the keys the foreign keys check stay in place. Tables that already hold rows keep
their indexes and keys (a load into a live database must not leave it unchecked).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Final

from sqlalchemy import Connection, text

# Index builds sort in memory up to this much per build (the server's default is 64 MB).
BUILD_MEMORY: Final = "512MB"


def _set_aside(connection: Connection, table: str) -> list[tuple[str, str]]:
    """The (name, definition) of ``table``'s plain secondary indexes."""
    rows = connection.execute(
        text(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x"
            " JOIN pg_class i ON i.oid = x.indexrelid"
            " JOIN pg_class t ON t.oid = x.indrelid"
            " WHERE t.relname = :t AND t.relnamespace = 'public'::regnamespace"
            " AND NOT x.indisprimary"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)"
            " ORDER BY i.relname"
        ),
        {"t": table},
    )
    return [(str(name), str(definition)) for name, definition in rows]


def _foreign_keys(connection: Connection, table: str) -> list[tuple[str, str]]:
    """The (name, definition) of the foreign keys ``table`` holds."""
    rows = connection.execute(
        text(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE contype = 'f' AND conrelid = CAST(:t AS regclass) ORDER BY conname"
        ),
        {"t": table},
    )
    return [(str(name), str(definition)) for name, definition in rows]


def _is_empty(connection: Connection, table: str) -> bool:
    return bool(connection.execute(text(f"SELECT NOT EXISTS (SELECT 1 FROM {table})")).scalar())


@contextmanager
def deferred(
    connection: Connection, tables: Iterable[str], *, only_empty: bool = True
) -> Iterator[list[str]]:
    """Drop the plain secondary indexes and the foreign keys of the empty ``tables``
    (PostgreSQL only), let the caller load them, then build the indexes and add the keys
    back (each checked once) in the same transaction: a failed load rolls back with
    them intact, and rows that break a key fail the load. Yields what was set aside.
    ``only_empty=False`` sets them aside on tables with rows too: for a database no one
    reads during the load (a benchmark's own)."""
    if connection.dialect.name != "postgresql":
        yield []
        return
    aside: list[tuple[str, str]] = []
    keys: list[tuple[str, str, str]] = []
    for table in tables:
        if not only_empty or _is_empty(connection, table):
            aside.extend(_set_aside(connection, table))
            keys.extend((table, *key) for key in _foreign_keys(connection, table))
    for name, _definition in aside:
        connection.execute(text(f'DROP INDEX "{name}"'))
    for table, name, _definition in keys:
        connection.execute(text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
    yield [name for name, _definition in aside] + [name for _table, name, _ in keys]
    connection.execute(text(f"SET LOCAL maintenance_work_mem = '{BUILD_MEMORY}'"))
    for _name, definition in aside:
        connection.execute(text(definition))
    for table, name, definition in keys:
        connection.execute(text(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'))
