"""Daily case counts kept by the database, which the dashboards read instead of the cases."""
