"""Jurisdiction trees for tests: the bundled province, or a small hand-made one."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.places.models import Jurisdiction, child_path


def add_jurisdiction(
    session: Session,
    code: str,
    parent: Jurisdiction | None = None,
    *,
    level: str = "county",
    population: int | None = 100_000,
) -> Jurisdiction:
    record = Jurisdiction(
        code=code,
        name_en=f"Place {code}",
        name_zh=f"地区{code}",
        level=level,
        parent_id=parent.id if parent else None,
        path=child_path(parent.path if parent else "/", code),
        depth=parent.depth + 1 if parent else 0,
        population=population,
        lat=30.0,
        lon=120.0,
        timezone="Asia/Shanghai",
    )
    session.add(record)
    session.flush()
    return record


def small_tree(session: Session) -> dict[str, Jurisdiction]:
    """A province P with cities C1, C2, each with two counties (C1A, C1B, C2A, C2B)."""
    tree = {"P": add_jurisdiction(session, "P", level="province", population=4_000_000)}
    for city in ("C1", "C2"):
        tree[city] = add_jurisdiction(session, city, tree["P"], level="city", population=2_000_000)
        for county in ("A", "B"):
            code = city + county
            tree[code] = add_jurisdiction(session, code, tree[city], population=1_000_000)
    return tree


def by_code(session: Session, code: str) -> Jurisdiction:
    return session.scalars(select(Jurisdiction).where(Jurisdiction.code == code)).one()
