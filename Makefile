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
# pytest with its closing line kept: exit code 5 ("no tests collected") is not a failure.
PYTEST := $(BIN)/python -m pytest -n 2 --dist loadfile
PYTEST_OK = rc=$$?; [ $$rc = 0 ] || [ $$rc = 5 ] || exit $$rc
# The date-sensitive suites, run again with the clock past the next year boundary.
FROZEN_DATE ?= 2027-01-05
FROZEN_SUITES := erp/accounting erp/inventory erp/approvals

.PHONY: run test test-pg test-frozen test-sqlite lint format venv debs-run debs-test postgres bench

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

# `make test` = lint, then the whole suite on PostgreSQL (when reachable), the date-sensitive
# suites with the clock at $(FROZEN_DATE), and the whole suite on SQLite last, so the last
# summary on screen is a pytest one. Each pass stops `make` when it fails. No --reuse-db:
# CI runs on the developers' machine, where a kept test database may hold a schema from an
# edited migration; creating it costs seconds.
test: $(STAMP) debs-test postgres
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@$(MAKE) --no-print-directory test-pg
	@$(MAKE) --no-print-directory test-frozen
	@$(MAKE) --no-print-directory test-sqlite

# The suite on PostgreSQL but two parts (tests marked sqlite_only are skipped with the reason);
# pytest creates test_<name>_gw0/_gw1 beside PG_URL's database. Left to the SQLite pass, to keep
# CI's two cores well under 30 minutes: browser tests (marked `browser`: Chromium would double
# their minutes) and tests/cross, the walk of every page and API through the test client, which
# reads through the same selectors the apps' own tests run here (their PostgreSQL race tests
# included). `make test-pg PG_MARK= PG_SKIP=` runs everything on PostgreSQL.
PG_MARK ?= not browser
PG_SKIP ?= --ignore=tests/cross
test-pg: $(STAMP) postgres
	@if command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; then \
	  echo "== PostgreSQL pass: the suite but browser tests and tests/cross (DATABASE_URL=$(PG_URL)) =="; \
	  DATABASE_URL=$(PG_URL) $(PYTEST) -q -m "$(PG_MARK)" $(PG_SKIP); $(PYTEST_OK); \
	else \
	  echo "!! PostgreSQL not reachable on 127.0.0.1:5432: PostgreSQL pass skipped"; \
	fi

# Accounting, inventory and approvals on SQLite with the clock at FROZEN_DATE (ticking): the
# fixtures make periods around "today", so this proves the suites outlive New Year.
test-frozen: $(STAMP)
	@echo "== Frozen clock pass: $(FROZEN_SUITES) at $(FROZEN_DATE) (SQLite) =="
	@ERP_TEST_FROZEN_DATE=$(FROZEN_DATE) env -u DATABASE_URL $(PYTEST) -q $(FROZEN_SUITES); \
	$(PYTEST_OK)

test-sqlite: $(STAMP)
	@echo "== SQLite pass: the whole suite =="
	@env -u DATABASE_URL $(PYTEST); $(PYTEST_OK)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Volume and timing runs (minutes; not part of `make test`). Figures go to benchmarks/results/.
bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py
