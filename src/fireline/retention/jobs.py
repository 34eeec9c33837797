"""The retention purge as a job the scheduler calls: a dry run, then the purge.

Sara Alert runs its purge weekly; ``fireline worker`` runs this daily at the quarantine
completion time (``QuarantineSettings.completion_time``), so the day a contact becomes
due is the day their identifiers go.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session, sessionmaker

from fireline.context import Context
from fireline.db.engine import transaction
from fireline.retention.service import PurgeSummary, purge_closed_contacts

log = logging.getLogger(__name__)


def run_once(sessions: sessionmaker[Session], context: Context) -> PurgeSummary:
    """Count first (audited), then pseudonymise in its own transaction (audited), at the
    context's now under the retention rules of the deployment's profiles."""
    with transaction(sessions) as session:
        counted = purge_closed_contacts(session, context, dry_run=True)
    if not counted.eligible:
        return counted
    with transaction(sessions) as session:
        done = purge_closed_contacts(session, context, dry_run=False)
    # Counts only: the log never carries personal data.
    log.info("retention: %d contacts due, %d pseudonymised", counted.eligible, done.pseudonymised)
    return done
