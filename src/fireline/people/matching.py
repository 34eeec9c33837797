"""Is this new person somebody we already hold? Proposals for a human, never a silent merge.

The same national ID is the same person: intake reuses the record when it is in the
acting user's subtree (``people.service.find_or_create``). Outside it, intake makes a
new person and the pair is proposed here with the reason "same national ID" (score 1),
for a user who covers both sides. Without that certainty, candidates are *blocked*
in SQL (same national ID, same birth date, or same phone: the classic blocking keys
of record linkage, Christen 2012, "Data Matching", ch. 4; each key has an index on
``persons``) so that only a few pairs are *scored* in Python:

    score = 0.5 * name similarity + 0.25 * same birth date + 0.25 * same phone
            - 0.25 if both sexes are known and differ

Name similarity is ``difflib.SequenceMatcher.ratio`` (2*matches / total length,
Ratcliff-Obershelp) on names folded to lower case without blanks, dots or the
middle dot of transliterated names; it works on Chinese characters as on Latin
letters. Pairs scoring at least ``THRESHOLD`` become ``person_matches`` rows with
their reasons. Two persons with different national IDs are never proposed.

A proposal belongs to the lowest jurisdiction covering both persons (their common
ancestor), and the merge queue shows it only to users whose subtree holds both
(``people.service``). The counts returned here are of proposals the acting user can
see, so that no answer tells a county user that a person exists outside its subtree
(OWASP API Security Top 10 2023, API1 "Broken Object Level Authorization").
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Column, Table, select, text, update
from sqlalchemy.orm import Session

from fireline.auth.scope import Actor
from fireline.db.base import Base
from fireline.people.models import Person, PersonMatch
from fireline.places.models import Jurisdiction

THRESHOLD = 0.6
NAME_WEIGHT, BIRTH_WEIGHT, PHONE_WEIGHT, SEX_PENALTY = 0.5, 0.25, 0.25, 0.25
_FOLD = re.compile(r"[\s.\-·•・]+")
# Candidate pairs fetched per query; a block this large means a key is degenerate
# (thousands of records on 1900-01-01), which a reviewer cannot use anyway.
MAX_PAIRS = 200_000
SAME_ID = "same national ID"
# Ids per IN (...) list: under SQLite's default limit of 32,766 bound parameters
# (sqlite.org/limits.html, SQLITE_MAX_VARIABLE_NUMBER).
CHUNK = 10_000


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str
    birth_date: date | None
    phone: str | None
    sex: str | None
    national_id: str | None
    jurisdiction_id: int


def fold_name(name: str) -> str:
    return _FOLD.sub("", name).casefold()


def name_similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, fold_name(a), fold_name(b)).ratio()


def score(a: Candidate, b: Candidate) -> tuple[float, list[str]]:
    """The match score of two persons in [0, 1] and the reasons for it."""
    if a.national_id and b.national_id:
        if a.national_id != b.national_id:
            return 0.0, ["different national IDs"]
        return 1.0, [SAME_ID]
    similarity = name_similarity(a.name, b.name)
    total = NAME_WEIGHT * similarity
    reasons = [f"name similarity {similarity:.2f}"]
    if a.birth_date is not None and a.birth_date == b.birth_date:
        total += BIRTH_WEIGHT
        reasons.append("same birth date")
    if a.phone and a.phone == b.phone:
        total += PHONE_WEIGHT
        reasons.append("same phone")
    if a.sex in ("male", "female") and b.sex in ("male", "female") and a.sex != b.sex:
        total -= SEX_PENALTY
        reasons.append("different sex")
    return round(max(total, 0.0), 3), reasons


def propose_for_new(session: Session, actor: Actor, stage: str) -> int:
    """Propose matches for the persons whose ids are in the temporary table ``stage``;
    returns how many of the new proposals ``actor`` may see."""
    return _propose(session, actor, f"SELECT id FROM {stage}")


def propose_for(session: Session, actor: Actor, person_ids: list[int]) -> int:
    """Propose matches for a few persons (a form, an API call); the count ``actor`` sees."""
    if not person_ids:
        return 0
    return _propose(session, actor, ", ".join(str(int(i)) for i in person_ids))


def _blocking_sql(ids_sql: str) -> str:
    """Pairs sharing a blocking key: the same national ID, or the same birth date or
    phone where at least one side has no national ID.

    One branch per key and side rather than one OR, so that each is an index lookup
    (``ix_persons_national_id``, ``ix_persons_birth_date``, ``ix_persons_phone``) per
    new person, never a scan of ``persons``.
    """
    alive = "p.id <> n.id AND p.merged_into_id IS NULL"
    new = f"n.id IN ({ids_sql})"
    branches = [
        f"SELECT n.id, p.id FROM persons n JOIN persons p ON p.national_id = n.national_id "
        f"AND {alive} WHERE {new} AND n.national_id IS NOT NULL"
    ]
    for key in ("birth_date", "phone"):
        join = f"FROM persons n JOIN persons p ON p.{key} = n.{key} AND {alive}"
        branches.append(f"SELECT n.id, p.id {join} WHERE {new} AND n.national_id IS NULL")
        # COALESCE, not IS NULL: otherwise SQLite starts from every person without an ID
        # (ix_persons_national_id) and probes each against the whole list of new ids,
        # which is quadratic (18 s for 20,000 rows); this way it starts from the new ids.
        branches.append(
            f"SELECT n.id, p.id {join} AND COALESCE(p.national_id, '') = '' "
            f"WHERE {new} AND n.national_id IS NOT NULL"
        )
    return " UNION ".join(branches) + f" LIMIT {MAX_PAIRS}"


def _propose(session: Session, actor: Actor, ids_sql: str) -> int:
    pairs = {
        (min(a, b), max(a, b)) for a, b in session.execute(text(_blocking_sql(ids_sql))).tuples()
    }
    if not pairs:
        return 0
    people = _candidates(session, {i for pair in pairs for i in pair})
    places = Places(session)
    visible = places.subtree(actor)
    added = 0
    for keep_id, duplicate_id in sorted(pairs - _seen(session, pairs)):
        keep, duplicate = people[keep_id], people[duplicate_id]
        value, reasons = score(keep, duplicate)
        if value < THRESHOLD:
            continue
        session.add(
            PersonMatch(
                person_id=keep_id,
                duplicate_id=duplicate_id,
                score=value,
                reasons=reasons,
                status="proposed",
                jurisdiction_id=places.common(keep.jurisdiction_id, duplicate.jurisdiction_id),
            )
        )
        added += keep.jurisdiction_id in visible and duplicate.jurisdiction_id in visible
    session.flush()
    return added


def _seen(session: Session, pairs: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """The pairs proposed before (whatever was decided), so none is proposed twice."""
    duplicates = sorted({b for _, b in pairs})
    seen: set[tuple[int, int]] = set()
    for start in range(0, len(duplicates), CHUNK):
        statement = select(PersonMatch.person_id, PersonMatch.duplicate_id).where(
            PersonMatch.duplicate_id.in_(duplicates[start : start + CHUNK])
        )
        seen.update(session.execute(statement).tuples())
    return seen


class Places:
    """Jurisdiction paths, read once per proposal run (a province holds about 100)."""

    def __init__(self, session: Session) -> None:
        rows = session.execute(select(Jurisdiction.id, Jurisdiction.path)).tuples()
        self.path: dict[int, str] = {ident: path for ident, path in rows}
        self.by_path = {path: ident for ident, path in self.path.items()}

    def subtree(self, actor: Actor) -> set[int]:
        return {i for i, path in self.path.items() if actor.covers_path(path)}

    def common(self, a: int, b: int) -> int:
        """The lowest jurisdiction whose subtree holds both ``a`` and ``b``."""
        left, right = self.path[a].strip("/").split("/"), self.path[b].strip("/").split("/")
        shared: list[str] = []
        for x, y in zip(left, right, strict=False):
            if x != y:
                break
            shared.append(x)
        # Two different top-level places have no common ancestor row: keep the older
        # person's, which only the whole-tree administrator covers together with the other.
        return self.by_path.get("/" + "".join(f"{s}/" for s in shared), a) if shared else a


def _candidates(session: Session, ids: set[int]) -> dict[int, Candidate]:
    found: dict[int, Candidate] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        rows = session.execute(
            select(
                Person.id,
                Person.name,
                Person.birth_date,
                Person.phone,
                Person.sex,
                Person.national_id,
                Person.jurisdiction_id,
            ).where(Person.id.in_(chunk))
        ).tuples()
        for row in rows:
            found[row[0]] = Candidate(*row)
    return found


# Merging. Which tables hold a person is read from the schema (every foreign key to
# ``persons.id``), so a table added later (admissions...) moves with the rest
# without this module knowing it.
# Tables whose person column records the merge itself, not a record to move.
NOT_MOVED = {
    ("persons", "merged_into_id"),
    ("person_matches", "person_id"),
    ("person_matches", "duplicate_id"),
}
FILLED = ("national_id", "sex", "birth_date", "phone", "address", "language")


def person_columns() -> list[tuple[Table, Column[int]]]:
    """Every (table, column) with a foreign key to ``persons.id``, among the tables
    registered (the app, the commands and the worker register all: ``fireline.tables``)."""

    found: list[tuple[Table, Column[int]]] = []
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == "persons" and (table.name, fk.parent.name) not in NOT_MOVED:
                found.append((table, fk.parent))
    return found


def move_records(session: Session, duplicate_id: int, keep_id: int) -> dict[str, int]:
    """Point every record of ``duplicate_id`` at ``keep_id``; versioned rows get a new
    version, so a form still open on one of them gets 409 rather than a lost update."""
    moved: dict[str, int] = {}
    for table, column in person_columns():
        values: dict[str, object] = {column.name: keep_id}
        if "version" in table.c:
            values["version"] = table.c.version + 1
        result = session.execute(update(table).where(column == duplicate_id).values(values))
        count = int(getattr(result, "rowcount", 0) or 0)
        if count:
            moved[f"{table.name}.{column.name}"] = count
    session.expire_all()
    return moved


def fill_blanks(keep: Person, duplicate: Person) -> None:
    """What the kept record lacks and the duplicate knows (a phone, a national ID)."""
    for name in FILLED:
        if getattr(keep, name) is None and getattr(duplicate, name) is not None:
            setattr(keep, name, getattr(duplicate, name))


# The fields a merge decides one by one (issue 14: "keep the older record" must not drop
# an address typed a minute earlier into the newer one).
CHOSEN = ("name", "national_id", "sex", "birth_date", "phone", "address")


def _empty(value: object) -> bool:
    return value is None or value == ""


def newer_first(a: Person, b: Person) -> tuple[Person, Person]:
    """The more recently written record first (then the later made)."""
    return (a, b) if (a.updated_at, a.id) >= (b.updated_at, b.id) else (b, a)


def default_choices(a: Person, b: Person) -> dict[str, int]:
    """For each field the two records differ on, the record whose value a merge keeps by
    default: the newer non-empty value."""
    newer, older = newer_first(a, b)
    return {
        name: (older if _empty(getattr(newer, name)) else newer).id
        for name in CHOSEN
        if getattr(a, name) != getattr(b, name)
    }


def apply_choices(keep: Person, other: Person, chosen: dict[str, int]) -> list[str]:
    """Give the kept record the chosen value of each differing field (the default where
    none was chosen), then fill its remaining blanks; the fields changed."""
    choices = {**default_choices(keep, other), **chosen}
    changed = []
    for name, source_id in choices.items():
        if name in CHOSEN and source_id == other.id and getattr(keep, name) != getattr(other, name):
            setattr(keep, name, getattr(other, name))
            changed.append(name)
    fill_blanks(keep, other)
    return changed
