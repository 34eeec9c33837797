"""The jurisdiction tree within the actor's scope."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select, true
from sqlalchemy.orm import Session, aliased

from fireline.auth.scope import Actor
from fireline.listing import ListQuery, ListSpec, search_filter_sort_paginate
from fireline.places.models import Jurisdiction


def list_jurisdictions(
    session: Session, actor: Actor, *, level: str | None = None, parent_code: str | None = None
) -> Select[tuple[Jurisdiction]]:
    """A statement over the jurisdictions in scope, in tree order."""
    statement = actor.restrict(select(Jurisdiction), Jurisdiction).order_by(Jurisdiction.path)
    if level:
        statement = statement.where(Jurisdiction.level == level)
    if parent_code:
        parent = actor.jurisdiction(session, parent_code)
        statement = statement.where(Jurisdiction.parent_id == parent.id)
    return statement


JURISDICTIONS = ListSpec(
    sorts={
        "tree": (Jurisdiction.path,),
        "code": (Jurisdiction.code,),
        "name": (Jurisdiction.name_en, Jurisdiction.code),
        "population": (Jurisdiction.population, Jurisdiction.code),
    },
    default_sort="tree",
    filters={"level": lambda text: Jurisdiction.level == text},
    search=lambda text: [
        Jurisdiction.code.startswith(text, autoescape=True),
        Jurisdiction.name_en.icontains(text, autoescape=True),
        Jurisdiction.name_zh.contains(text, autoescape=True),
    ],
)


def jurisdiction_list(
    session: Session, actor: Actor, query: ListQuery, *, parent_code: str | None = None
) -> tuple[list[Jurisdiction], int]:
    """A page of the jurisdictions in scope (below ``parent_code`` if given), in tree
    order unless sorted; ``q`` matches a code prefix or a name."""
    if not query.sort:
        query = replace(query, sort="tree", descending=False)
    statement = actor.restrict(select(Jurisdiction), Jurisdiction)
    if parent_code:
        parent = actor.jurisdiction(session, parent_code)
        statement = statement.where(Jurisdiction.parent_id == parent.id)
    rows, total = search_filter_sort_paginate(session, statement, JURISDICTIONS, query)
    return rows, total


def children(session: Session, actor: Actor, code: str) -> list[Jurisdiction]:
    parent = actor.jurisdiction(session, code)
    statement = select(Jurisdiction).where(Jurisdiction.parent_id == parent.id)
    return list(
        session.scalars(actor.restrict(statement.order_by(Jurisdiction.code), Jurisdiction))
    )


def counts_by_child(
    session: Session,
    actor: Actor,
    parent_id: int | None,
    model: Any,
    *conditions: ColumnElement[bool],
    total: Any = None,
) -> list[tuple[Jurisdiction, int]]:
    """Each child of ``parent_id`` in ``actor``'s scope, by code, with the rows of ``model``
    (matching ``conditions``) in the child's subtree: one grouped statement, joining
    every place under each child by its materialised path range. ``total``: a column of
    ``model`` to sum instead of counting rows (a table of counts)."""
    child, under = aliased(Jurisdiction), aliased(Jurisdiction)
    measure = func.count(model.id) if total is None else func.sum(total)
    counts = (
        select(child.id, measure.label("n"))
        .join(under, (under.path >= child.path) & (under.path < child.path + "~"))
        .join(model, (model.jurisdiction_id == under.id) & and_(true(), *conditions))
        .where(child.parent_id == parent_id)
        .group_by(child.id)
        .subquery()
    )
    statement = (
        select(Jurisdiction, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.id == Jurisdiction.id)
        .where(Jurisdiction.parent_id == parent_id)
        .order_by(Jurisdiction.code)
    )
    return [(j, int(n)) for j, n in session.execute(actor.restrict(statement, Jurisdiction))]


def tree_names(session: Session, actor: Actor, language: str) -> list[tuple[str, int, str]]:
    """(code, depth, name) of every jurisdiction in scope, in tree order: the page
    header's switcher, on every page, so plain columns rather than whole records."""
    statement = list_jurisdictions(session, actor).with_only_columns(
        Jurisdiction.code,
        Jurisdiction.depth,
        Jurisdiction.name_zh if language == "zh" else Jurisdiction.name_en,
    )
    return [(code, depth, name) for code, depth, name in session.execute(statement)]
