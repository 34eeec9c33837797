"""Engine, sessions, the declarative base and Alembic migrations."""
