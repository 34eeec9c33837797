"""The demo: the bundled province, demo logins and a simulated outbreak in the database.

``load_outbreak`` writes a :class:`fireline.simulate.Outbreak` set-based (COPY on
PostgreSQL, executemany on SQLite); ``load_demo`` builds the whole demo once.
"""
