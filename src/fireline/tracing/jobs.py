"""A job of ``fireline worker``: link contacts who became cases to their infector.

Cases arrive from many doors (the case form, bulk import, lab results, a contact
turned suspected case); rather than each door calling tracing (which would make
surveillance depend on tracing), one set-based pass links them all every minute.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session, sessionmaker

from fireline.db.engine import transaction
from fireline.tracing.links import link_contacts_who_became_cases

log = logging.getLogger(__name__)

EVERY_SECONDS = 60


def run_once(sessions: sessionmaker[Session]) -> int:
    with transaction(sessions) as session:
        linked = link_contacts_who_became_cases(session)
    if linked:
        log.info("tracing: %d contacts who became cases linked to their infector", linked)
    return linked
