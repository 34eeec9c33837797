"""``python -m fireline``: the same command as ``fireline`` (the demo starts its worker so)."""

from fireline.cli import main

main()
