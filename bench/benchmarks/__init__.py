"""One module per benchmark (see bench/registry.py)."""
