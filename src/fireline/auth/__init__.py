"""Users, roles, sessions and tokens, the jurisdiction scope and the audit log."""
