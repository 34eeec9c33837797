"""Every table module, imported so that metadata and Alembic see the whole schema."""

from fireline.auth import models as auth_models
from fireline.care import models as care_models
from fireline.db.base import Base
from fireline.exports import models as export_models
from fireline.lab import models as testing_models
from fireline.people import models as people_models
from fireline.places import models as places_models
from fireline.quarantine import models as quarantine_models
from fireline.quarantine.positives import models as positive_models
from fireline.reports.sitrep import models as sitrep_models
from fireline.response import models as response_models
from fireline.snapshots import models as snapshot_models
from fireline.surveillance import models as surveillance_models
from fireline.surveillance.counts import models as count_models
from fireline.surveillance.signals import models as signal_models
from fireline.testing.pooling import models as pooling_models
from fireline.tracing import models as tracing_models
from fireline.tracing.venues import models as venue_models
from fireline.worker import models as worker_models
from fireline.zones import models as zone_models

__all__ = [
    "Base",
    "auth_models",
    "care_models",
    "count_models",
    "export_models",
    "people_models",
    "places_models",
    "pooling_models",
    "positive_models",
    "quarantine_models",
    "response_models",
    "signal_models",
    "sitrep_models",
    "snapshot_models",
    "surveillance_models",
    "testing_models",
    "tracing_models",
    "venue_models",
    "worker_models",
    "zone_models",
]
