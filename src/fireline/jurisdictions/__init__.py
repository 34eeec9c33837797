"""The jurisdiction tree as users work with it: listing it within their scope, the
API and the command that import it. The tables themselves are :mod:`fireline.places`."""
