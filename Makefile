# Fireline: `make demo` and `make test` work on a fresh machine (Python 3.11+, Node.js/npm).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
VENDOR := src/fireline/web/static/vendor

.PHONY: demo test check coverage install dev vendor serve bench lock clean

demo: install vendor                 ## set up, load the demo province, serve on :8000 with a worker
	$(BIN)/fireline demo

test: dev vendor                     ## set up and run the whole check (lint, types, tests)
	$(BIN)/python scripts/check.py

check: dev
	$(BIN)/python scripts/check.py

coverage: dev vendor                 ## the whole check, with line and branch coverage (slower)
	$(BIN)/python scripts/check.py --coverage

serve: install vendor
	$(BIN)/fireline serve

# Benchmarks: `make bench` lists them; `.venv/bin/python -m bench NAME --scale full` runs one.
# The dev lock holds the bench extra too.
bench: $(VENV)/.dev-installed
	$(BIN)/python -m bench --list

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installs come from the lock (requirements/*.lock: every package pinned, made by
# `make lock` from pyproject.toml's ranges); stamps make a second run a no-op unless
# the lock changed.
$(VENV)/.installed: requirements/app.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements/app.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.dev-installed: requirements/dev.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements/dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(VENV)/.installed $@

# Pin every package again, from pyproject.toml's ranges (uv's resolver; any platform).
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet "uv>=0.5,<1"
	$(BIN)/python -m uv pip compile pyproject.toml --universal --python-version 3.11 \
		--quiet -o requirements/app.lock
	$(BIN)/python -m uv pip compile pyproject.toml --universal --python-version 3.11 \
		--extra dev --extra bench --quiet -o requirements/dev.lock

install: $(VENV)/.installed
dev: $(VENV)/.dev-installed

$(VENDOR)/.built: package.json package-lock.json scripts/build_vendor.mjs
	npm ci --no-audit --no-fund --loglevel=error
	node scripts/build_vendor.mjs
	touch $@

vendor: $(VENDOR)/.built

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var .pytest_cache .mypy_cache .ruff_cache
