"""My work: what each user has to do today, gathered from the mechanisms by role."""
