"""The daily case counts: what the dashboards read instead of the cases
(docs/architecture.md, "Dashboards read counts, not cases").

One row per (place, disease, report day, onset day, classification, origin) with the
number of cases sharing them. Database triggers on ``cases`` keep it in the
transaction of every write, whichever path writes (ORM, bulk import, COPY, a
migration's UPDATE): :mod:`fireline.surveillance.counts.triggers`.

Why both days in one row: the epicurve and growth read cases by report day, Rt by
onset day, the onset-to-report delay and the nowcast's reporting triangle by the pair.
A row per pair serves all of them from one table; a wave's cases share few pairs (a
simulated 100,000-case wave over 75 counties: 13,000 rows), so a province's 90 days are
read in a few thousand rows rather than the subtree's cases.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from fireline.db.base import Base


class CaseDailyCount(Base):
    """How many cases of one disease, classification and origin a jurisdiction has
    with one report day and one onset day.

    ``day_onset`` is the onset date where known and the report date otherwise (the day
    Rt counts a case on, trends/service.py); ``onset_known`` tells the two apart, since
    the delay and the nowcast use known onsets only. Neither is NULL: a NULL in a key
    would make every case without onset a row of its own (NULLs are distinct in unique
    keys on both backends). A count never rests at 0: the triggers delete such rows.
    """

    __tablename__ = "case_daily_counts"

    # The primary key, led by the jurisdiction and disease, is the index every reading
    # uses (a subtree and one disease, over a report-day range); it also serves the
    # upserts of the triggers. jurisdiction_id leads, as on every place-bound table
    # (Citus distribution key, docs/architecture.md "Storage and scale").
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"), primary_key=True)
    disease: Mapped[str] = mapped_column(String(32), primary_key=True)
    date_reporting: Mapped[date] = mapped_column(Date, primary_key=True)
    day_onset: Mapped[date] = mapped_column(Date, primary_key=True)
    onset_known: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    classification: Mapped[str] = mapped_column(String(16), primary_key=True)
    imported: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    case_count: Mapped[int] = mapped_column(Integer, nullable=False)
