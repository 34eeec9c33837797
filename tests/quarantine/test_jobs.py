"""The daily completion run of ``fireline serve``: one pass closes finished clean orders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from fireline.quarantine.jobs import local_today, run_once
from fireline.quarantine.models import QuarantineOrder
from tests.places.factories import small_tree
from tests.quarantine.factories import T0, quarantine


def test_run_once_completes_in_the_root_time_zone(
    session: Session, sessions: sessionmaker[Session]
) -> None:
    tree = small_tree(session)
    order = quarantine(session, tree["C1A"], last=T0.date(), today=T0.date())
    order.last_report_at = T0
    session.commit()
    evening = datetime.combine(order.end_date, datetime.min.time(), UTC) + timedelta(hours=17)
    assert local_today(session, evening) == order.end_date + timedelta(days=1)  # 01:00 CST
    assert run_once(sessions, evening) == 1
    session.expire_all()
    assert session.get_one(QuarantineOrder, order.id).status == "completed"
    assert run_once(sessions, evening) == 0
