"""Investigation and source tracing: contacts, transmission links, venue exposures."""
