# Fireline: `make demo` and `make test` work on a fresh machine (Python 3.11+, Node.js/npm).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
VENDOR := src/fireline/web/static/vendor

.PHONY: demo test check install dev vendor serve bench clean

demo: install vendor                 ## set up, load the demo province, serve on :8000 with a worker
	$(BIN)/fireline demo

test: dev vendor                     ## set up and run the whole check (lint, types, tests)
	$(BIN)/python scripts/check.py

check: dev
	$(BIN)/python scripts/check.py

serve: install vendor
	$(BIN)/fireline serve

# Benchmarks: `make bench` lists them; `.venv/bin/python -m bench NAME --scale full` runs one.
$(VENV)/.bench-installed: pyproject.toml $(VENV)/.dev-installed
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@

bench: $(VENV)/.bench-installed
	$(BIN)/python -m bench --list

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps make a second run a no-op unless pyproject.toml or the lock changed.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
dev: $(VENV)/.dev-installed

$(VENDOR)/.built: package.json package-lock.json scripts/build_vendor.mjs
	npm ci --no-audit --no-fund --loglevel=error
	node scripts/build_vendor.mjs
	touch $@

vendor: $(VENDOR)/.built

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var .pytest_cache .mypy_cache .ruff_cache
