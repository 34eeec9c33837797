"""What every use case is handed: who acts where, the one clock, the deployment's
disease profiles and settings (docs/architecture.md, "One request context").

Pages, API routes, commands and worker jobs all build it with :meth:`Context.build`,
so none of them reads the wall clock or the shipped profiles on its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from fireline.auth.scope import Actor, system_actor
from fireline.clock import Clock, FrozenClock, SystemClock
from fireline.diseases.loader import load_profiles
from fireline.diseases.schemas import DiseaseProfile
from fireline.places.models import Jurisdiction
from fireline.settings import Settings

DEFAULT_ZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class Context:
    """One request's (or command's, or job's) view of the world."""

    actor: Actor
    clock: Clock
    settings: Settings
    profiles: Mapping[str, DiseaseProfile]

    @classmethod
    def build(cls, actor: Actor, settings: Settings, clock: Clock) -> Context:
        """The context for ``actor``, with the profiles as the deployment configures them
        (``FIRELINE_DISEASE_DIR``; the loader caches them per folder)."""
        return cls(
            actor=actor,
            clock=clock,
            settings=settings,
            profiles=load_profiles(settings.disease_dir),
        )

    @classmethod
    def for_system(cls, settings: Settings, clock: Clock) -> Context:
        """The context of a command or a worker job: the whole tree, as the system."""
        return cls.build(system_actor(), settings, clock)

    @classmethod
    def for_command(cls, settings: Settings, now: datetime | None = None) -> Context:
        """A command's context: the system's, on the system clock, or frozen at the
        instant its ``--now`` option names (to replay a day)."""
        clock: Clock = FrozenClock(now) if now is not None else SystemClock()
        return cls.for_system(settings, clock)

    def now(self) -> datetime:
        return self.clock.now()

    def today(self, place: Jurisdiction | None = None) -> date:
        """Today in ``place``'s time zone (docs/architecture.md, "Time")."""
        zone = place.timezone if place is not None else DEFAULT_ZONE
        return self.clock.now().astimezone(ZoneInfo(zone)).date()

    def within(self, place: Jurisdiction) -> Context:
        """This context with the actor narrowed to ``place`` (see :meth:`Actor.within`)."""
        return replace(self, actor=self.actor.within(place))

    def within_code(self, session: Session, code: str | None) -> Context:
        """Narrowed to the jurisdiction with ``code`` in scope (404 if none), or unchanged."""
        return replace(self, actor=self.actor.within_code(session, code))

    def profile(self, disease: str) -> DiseaseProfile | None:
        return self.profiles.get(disease)
