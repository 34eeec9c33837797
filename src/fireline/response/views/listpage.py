"""The responses under the chosen jurisdiction, newest first, with their open and overdue
task counts: the way to every response, open or closed."""

from __future__ import annotations

from typing import Final

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy import func, select

from fireline.response.lights import utc
from fireline.response.models import Response as ResponseRecord
from fireline.response.models import ResponseTask
from fireline.response.views import common
from fireline.web import landing
from fireline.web.deps import PageContext

router = APIRouter()
PER_PAGE: Final = 50
STATUSES: Final = ("open", "closed")


@router.get("/response/list")
def responses_page(page: PageContext) -> Response:
    common.actor_of(page).require("records:read")
    session = common.session_of(page)
    query = page.request.query_params
    status = query.get("status") if query.get("status") in (*STATUSES, "all") else "open"
    number = max(1, common.form_int(query.get("page")) or 1)
    base = select(ResponseRecord)
    if status != "all":
        base = base.where(ResponseRecord.status == status)
    base = landing.scoped(page, base, ResponseRecord)
    total = int(session.scalar(base.with_only_columns(func.count())) or 0)
    is_open = ResponseTask.status == "open"
    late = is_open & (ResponseTask.due_at <= utc(common.now(page)))
    # Correlated counts: one indexed look-up per shown response, not a scan of every task.
    mine = ResponseTask.response_id == ResponseRecord.id
    open_tasks = select(func.count()).where(mine, is_open).scalar_subquery()
    late_tasks = select(func.count()).where(mine, late).scalar_subquery()
    statement = (
        base.add_columns(open_tasks, late_tasks)
        .order_by(ResponseRecord.opened_at.desc(), ResponseRecord.id.desc())
        .limit(PER_PAGE)
        .offset((number - 1) * PER_PAGE)
    )
    rows = session.execute(statement).tuples().all()
    return page.render(
        "response/list.html",
        **common.shared(page, "responses"),
        rows=rows,
        status=status,
        total=total,
        number=number,
        pages=max(1, -(-total // PER_PAGE)),
        places=common.places(session, {r.jurisdiction_id for r, _, _ in rows}),
        disease_names=common.disease_names(page),
    )
