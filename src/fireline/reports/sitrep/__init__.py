"""The daily situation report (通报): the figures of every mechanism for one jurisdiction
and day, as JSON, HTML and PDF, generated on demand and archived daily by the worker."""
