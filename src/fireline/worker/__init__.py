"""``fireline worker``: the scheduled jobs, out of the web process, each run once per slot."""
