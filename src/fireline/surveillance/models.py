"""Cases, their classification history, and the bookkeeping of bulk case imports."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column

from fireline.db.base import (
    Base,
    BigId,
    InJurisdiction,
    Timestamped,
    UTCDateTime,
    Versioned,
    utcnow,
)

CLASSIFICATIONS = ("suspected", "probable", "confirmed", "discarded")


class Case(InJurisdiction, Versioned, Timestamped, Base):
    """A case of a disease in a person, reported to a jurisdiction."""

    __tablename__ = "cases"
    # Every index is paid for by every imported row (bulk import writes millions), so
    # cases carry five, each serving a query that runs often:
    # - the primary key;
    # - (source, external_id, jurisdiction_id), unique: a repeated import or API report
    #   is refused, and intake's staging join finds the rows imported before; both look
    #   in the actor's subtree only, and the key is per jurisdiction, so another
    #   county's case with the same id is neither revealed nor touched (OWASP API
    #   Security Top 10 2023, API1 "Broken Object Level Authorization");
    # - person_id: a person's cases, moving records on a merge, the league table's joins;
    # - (disease, date_reporting): daily signals (signals/series.py) and "diseases with
    #   cases since" read one disease over a report-date range in every jurisdiction;
    #   classification and jurisdiction are filtered and grouped from the heap;
    # - (jurisdiction_id, date_reporting): the case list and the scope (a jurisdiction
    #   subtree, newest report first); it also serves every plain jurisdiction_id
    #   lookup, so the mixin's single-column index is dropped. Trends and dashboards read
    #   case_daily_counts instead (surveillance/counts), kept by triggers on this table;
    # - (date_reporting, id): the case list's default order over a wide subtree (a city,
    #   the province): walked from the newest report, a page stops after 51 rows and a
    #   keyset page seeks into it (fireline.keyset), where the subtree index must sort
    #   every case in scope.
    # Not indexed: classification (4 values: never selective), date_onset (read only
    # with a subtree or a report-date range), import_batch_id, created_by.
    __table_args__ = (
        UniqueConstraint(
            "source", "external_id", "jurisdiction_id", name="uq_cases_source_jurisdiction"
        ),
        Index("ix_cases_disease_date_reporting", "disease", "date_reporting"),
        Index("ix_cases_jurisdiction_id_date_reporting", "jurisdiction_id", "date_reporting"),
        Index("ix_cases_date_reporting_id", "date_reporting", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"), nullable=False)
    person_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("persons.id"), index=True, nullable=False
    )
    disease: Mapped[str] = mapped_column(String(32), nullable=False)
    source: Mapped[str] = mapped_column(String(64), nullable=False, default="manual")
    external_id: Mapped[str | None] = mapped_column(String(100))
    # The initial classification is the case's own; classification_changes holds the
    # moves after it (the history synthesises "created as X by Y at T" from the case).
    classification: Mapped[str] = mapped_column(String(16), nullable=False)
    date_onset: Mapped[date | None] = mapped_column(Date)
    date_reporting: Mapped[date] = mapped_column(Date, nullable=False)
    date_confirmation: Mapped[date | None] = mapped_column(Date)
    imported: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    outcome: Mapped[str | None] = mapped_column(String(16))
    date_outcome: Mapped[date | None] = mapped_column(Date)
    # The import that created the case, if any: who loaded it, when, from which file.
    # Not indexed, to keep bulk loads cheap; a batch's cases are found by range scan
    # only in rare audits.
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("case_import_batches.id"))
    # Who entered the case (the API user, or the importing user); not indexed.
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ClassificationChange(Base):
    """Who moved a case from one classification to another, and when."""

    __tablename__ = "classification_changes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True, nullable=False)
    from_classification: Mapped[str | None] = mapped_column(String(16))
    to_classification: Mapped[str] = mapped_column(String(16), nullable=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reason: Mapped[str | None] = mapped_column(String(500))


class ColumnMapping(InJurisdiction, Timestamped, Base):
    """A named, reusable mapping from a file's headers to case fields.

    Epidemiologists receive the same line list layout every day; a mapping saved in
    their jurisdiction is offered to everyone working there.
    """

    __tablename__ = "case_column_mappings"
    __table_args__ = (UniqueConstraint("jurisdiction_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    columns: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False, default=dict)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ImportBatch(InJurisdiction, Timestamped, Base):
    """One file brought in: validated first (with its report), then committed or not.

    ``jurisdiction_id`` is the importing user's home jurisdiction, so the batch and
    its report are visible in the same subtree as the user who made it.
    """

    __tablename__ = "case_import_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(String(300), nullable=False)
    source: Mapped[str] = mapped_column(String(64), nullable=False)
    disease: Mapped[str] = mapped_column(String(32), nullable=False)
    default_classification: Mapped[str] = mapped_column(String(16), nullable=False)
    # validated | refused | committed | discarded
    status: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    encoding: Mapped[str | None] = mapped_column(String(16))
    headers: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    mapping: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False, default=dict)
    total_rows: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    bad_rows: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    duplicate_rows: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    cases_created: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    persons_created: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    persons_reused: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    matches_proposed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    committed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The uploaded file, kept between the validate and commit steps of the wizard;
    # cleared once the batch is committed or discarded. Deferred: never loaded by lists.
    content: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))


class ImportProblem(Base):
    """One line of an import report: a refused row (error) or a skipped duplicate."""

    __tablename__ = "case_import_problems"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("case_import_batches.id"), index=True, nullable=False
    )
    line: Mapped[int] = mapped_column(Integer, nullable=False)
    column: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    value: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    message: Mapped[str] = mapped_column(String(500), nullable=False)
    severity: Mapped[str] = mapped_column(String(8), nullable=False, default="error")
