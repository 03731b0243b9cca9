# Quick start: `make run` (ERP with a demo company on http://127.0.0.1:8000) and `make test`.
SHELL := /bin/bash
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
ERP := $(BIN)/erp
STAMP := $(VENV)/.installed
DEBS_RUN := fonts-noto-cjk
DEBS_TEST := fonts-noto-cjk chromium poppler-utils gettext
PG_URL ?= postgres://postgres@127.0.0.1:5432/erp

.PHONY: run test lint format venv debs-run debs-test postgres bench

$(STAMP): pyproject.toml
	@command -v $(PY) >/dev/null || { echo "Python 3.11 is required (python3.11 not found)"; exit 1; }
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

# Install Debian packages only when missing (root on these machines; sudo elsewhere).
debs-run:
	@missing=$$(for p in $(DEBS_RUN); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

debs-test:
	@missing=$$(for p in $(DEBS_TEST); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# Start the local PostgreSQL when it is installed but stopped; harmless when absent.
postgres:
	@if command -v pg_lsclusters >/dev/null && ! pg_isready -q -h 127.0.0.1 -p 5432; then \
	  for v in $$(ls /etc/postgresql 2>/dev/null); do pg_ctlcluster --skip-systemctl-redirect $$v main start || true; done; \
	fi; true

# Listens on ERP_BIND (default 127.0.0.1:8000): `ERP_BIND=127.0.0.1:8123 make run`.
run: $(STAMP) debs-run
	$(ERP) setup
	$(ERP) run-all

# PostgreSQL pass first (row-lock tests only), then the whole suite on SQLite, so the last
# summary on screen is the full suite. Exit code 5 = "no tests selected" is not a failure.
test: $(STAMP) debs-test postgres
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@if command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; then \
	  echo "== PostgreSQL pass: pytest -m postgres (DATABASE_URL=$(PG_URL)) =="; \
	  DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest -m postgres -n 2 -q; rc=$$?; \
	  [ $$rc = 0 ] || [ $$rc = 5 ] || exit $$rc; \
	else \
	  echo "!! PostgreSQL not reachable: postgres tests skipped"; \
	fi
	@echo "== SQLite pass: the whole suite =="
	env -u DATABASE_URL $(BIN)/python -m pytest -n 2 --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Volume and timing runs (minutes; not part of `make test`). Figures go to benchmarks/results/.
bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py
