"""Scoped counting for the mechanism landing pages: each figure is one SQL statement.

Every statement is limited by the acting user narrowed to the chosen jurisdiction
(``actor.within(page.here).restrict``): the chosen subtree, which lies inside the
user's. Deprecated: pages query nothing (docs/architecture.md, "Layers"); each
mechanism's service now owns its figures, and this module goes with its last caller.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select, true
from sqlalchemy.orm import aliased

from fireline.places.models import Jurisdiction
from fireline.web.deps import Page


def scoped(page: Page, statement: Select[Any], model: Any) -> Select[Any]:
    assert page.actor is not None
    return page.actor.within(page.here).restrict(statement, model)


def count(page: Page, model: Any, *conditions: ColumnElement[bool]) -> int:
    assert page.session is not None
    statement = select(func.count()).select_from(model).where(*conditions)
    return int(page.session.scalar(scoped(page, statement, model)) or 0)


def grouped(
    page: Page, model: Any, columns: tuple[Any, ...], *conditions: ColumnElement[bool]
) -> dict[Any, int]:
    """``{value: count}`` over the chosen subtree; the key is a tuple for several columns."""
    assert page.session is not None
    statement = select(*columns, func.count()).select_from(model).where(*conditions)
    rows = page.session.execute(scoped(page, statement, model).group_by(*columns)).all()
    if len(columns) == 1:
        return {row[0]: int(row[-1]) for row in rows}
    return {tuple(row[:-1]): int(row[-1]) for row in rows}


def by_child(
    page: Page, model: Any, *conditions: ColumnElement[bool]
) -> list[tuple[Jurisdiction, int]]:
    """Each child of the chosen jurisdiction with the count of records in its subtree."""
    assert page.session is not None and page.actor is not None
    child, under = aliased(Jurisdiction), aliased(Jurisdiction)
    counts = (
        select(child.id, func.count(model.id).label("n"))
        .join(under, (under.path >= child.path) & (under.path < child.path + "~"))
        .join(model, (model.jurisdiction_id == under.id) & and_(true(), *conditions))
        .where(child.parent_id == page.here.id)
        .group_by(child.id)
        .subquery()
    )
    statement = (
        select(Jurisdiction, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.id == Jurisdiction.id)
        .where(Jurisdiction.parent_id == page.here.id)
        .order_by(Jurisdiction.code)
    )
    rows = page.session.execute(scoped(page, statement, Jurisdiction)).all()
    return [(j, int(n)) for j, n in rows]
