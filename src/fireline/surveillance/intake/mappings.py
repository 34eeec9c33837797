"""Saved column mappings: named, kept in the saving user's jurisdiction, reused by name."""

from __future__ import annotations

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.errors import NotFound, Problem
from fireline.places.models import Jurisdiction
from fireline.surveillance.intake.columns import TARGET_NAMES
from fireline.surveillance.models import ColumnMapping


def home_jurisdiction_id(session: Session, actor: Actor) -> int:
    """The actor's home jurisdiction; for the system actor (CLI, jobs), the tree's root."""
    if actor.jurisdiction_id:
        return actor.jurisdiction_id
    root = session.scalar(select(Jurisdiction.id).order_by(Jurisdiction.depth, Jurisdiction.id))
    if root is None:
        raise Problem(422, "there are no jurisdictions yet; import them first")
    return int(root)


def list_mappings(session: Session, actor: Actor) -> list[ColumnMapping]:
    actor.require("cases:read")
    statement = actor.restrict(select(ColumnMapping), ColumnMapping)
    return list(session.scalars(statement.order_by(ColumnMapping.name, ColumnMapping.id)))


def find_mapping(session: Session, actor: Actor, name: str) -> ColumnMapping:
    """The mapping of that name in scope, the actor's own jurisdiction's first."""
    actor.require("cases:read")
    own_first = case((ColumnMapping.jurisdiction_id == actor.jurisdiction_id, 0), else_=1)
    statement = actor.restrict(select(ColumnMapping), ColumnMapping).where(
        ColumnMapping.name == name
    )
    found = session.scalars(statement.order_by(own_first, ColumnMapping.id)).first()
    if found is None:
        raise NotFound(f"column mapping {name!r}")
    return found


def save_mapping(
    session: Session, actor: Actor, *, name: str, columns: dict[str, str]
) -> ColumnMapping:
    """Create, or replace, the mapping of that name in the actor's home jurisdiction."""
    actor.require("cases:write")
    unknown = sorted(set(columns) - set(TARGET_NAMES))
    if unknown:
        raise Problem(
            422, f"unknown case fields {', '.join(unknown)}; known: {', '.join(TARGET_NAMES)}"
        )
    home = home_jurisdiction_id(session, actor)
    mapping = session.scalars(
        select(ColumnMapping).where(
            ColumnMapping.jurisdiction_id == home, ColumnMapping.name == name
        )
    ).first()
    if mapping is None:
        mapping = ColumnMapping(name=name, jurisdiction_id=home, created_by=actor.user_id)
        session.add(mapping)
    mapping.columns = dict(columns)
    session.flush()
    audit.record(
        session, actor, "save", "case_column_mapping", [mapping.id], jurisdiction_id=home, name=name
    )
    return mapping


def delete_mapping(session: Session, actor: Actor, mapping_id: int) -> None:
    actor.require("cases:write")
    mapping: ColumnMapping = actor.get(
        session, ColumnMapping, mapping_id, f"column mapping {mapping_id}"
    )
    audit.record(
        session,
        actor,
        "delete",
        "case_column_mapping",
        [mapping.id],
        jurisdiction_id=mapping.jurisdiction_id,
        name=mapping.name,
    )
    session.delete(mapping)
    session.flush()
