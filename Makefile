# Hearth — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := run

VENV := .venv
PY := $(VENV)/bin/python
export UV_PYTHON_DOWNLOADS ?= never
export PYTHONDONTWRITEBYTECODE := 1

# The newest Python >= 3.12 on this machine.
PYTHON ?= $(shell for p in python3.13 python3.12 python3; do \
	  command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	  && { command -v $$p; break; }; done)
# uv when it works here, else the copy the bootstrap puts into the virtualenv.
UV := $(shell uv --version >/dev/null 2>&1 && echo uv || echo $(VENV)/bin/uv)

HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
JOBS ?= auto

.PHONY: run test lint format e2e bench install lock clean

$(PY):
	@test -n "$(PYTHON)" || { echo "Hearth needs Python 3.12 or newer (python3.12 on PATH)."; exit 1; }
	@if uv --version >/dev/null 2>&1; then \
	  uv venv -q --python "$(PYTHON)" $(VENV); \
	else \
	  echo "uv is missing: installing it into $(VENV)"; \
	  "$(PYTHON)" -m venv $(VENV) && $(PY) -m pip install -q --disable-pip-version-check uv; \
	fi

$(VENV)/.installed: $(PY) requirements.txt requirements-dev.txt
	$(UV) pip install -q --python $(PY) -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed

# The web and the worker run in their own process groups (set -m), so Ctrl-C reaches them once,
# through the trap, and both stop cleanly.
run: install
	@set -m; export DEBUG=$${DEBUG:-true}; \
	$(PY) manage.py migrate --noinput -v0 && \
	$(PY) manage.py setup_schedules && \
	$(PY) manage.py seed_demo && \
	echo && echo "  Hearth is running at http://$(HOST):$(PORT)  (Ctrl-C stops the web and the worker)" && echo && \
	trap 'trap - INT TERM EXIT; kill $$web $$worker 2>/dev/null; wait' INT TERM EXIT; \
	$(VENV)/bin/daphne -b $(HOST) -p $(PORT) config.asgi:application & web=$$!; \
	$(PY) manage.py qcluster & worker=$$!; \
	wait -n $$web $$worker

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: lint
	$(VENV)/bin/pytest -n $(JOBS) $(PYTEST_ARGS)

e2e: install
	$(VENV)/bin/pytest tests/e2e -p no:randomly -o addopts="-ra" $(PYTEST_ARGS)

bench: install
	$(VENV)/bin/pytest tests/bench -o addopts="-ra -s" $(PYTEST_ARGS)

lock: $(PY)
	$(UV) pip compile -q --no-header --no-annotate requirements.in -o requirements.txt
	$(UV) pip compile -q --no-header --no-annotate requirements-dev.in -o requirements-dev.txt

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
