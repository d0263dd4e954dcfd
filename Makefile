# Safeguarding Hub. `make run` sets everything up and serves the demo; `make test` runs
# every test on PostgreSQL, and on SQLite the tests whose behaviour differs between the two
# (marked each_database). Both install what they need first.
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/postgres
# pytest-xdist workers: one per core. Tests sharing a module-scoped fixture stay on one
# worker (loadgroup, see tests/conftest.py); the 25 slowest tests are listed at the end.
TEST_WORKERS ?= auto
PYTEST := $(VENV)/bin/pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --dist loadgroup --durations=25

.PHONY: run test install frontend lint typecheck test-sqlite test-postgres demo-clean bench

# What the service needs to run, then what its tests and benchmarks need besides: `make run`
# installs only the first, so a fresh clone serves the demo sooner.
$(VENV)/.installed-run: pyproject.toml constraints.txt
	@test -x $(PY) || $$(scripts/find-python) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -c constraints.txt -e .
	@touch $@

$(VENV)/.installed: $(VENV)/.installed-run
	$(PIP) install --quiet -c constraints.txt -e ".[dev]"
	# The DfE's CIN census rules, for the returns tests. Its metadata asks for pandas 1,
	# which would take the service's pandas 2 away; it runs on pandas 2, so it goes in alone.
	$(PIP) install --quiet --no-deps csc-validator-be-cin==0.1.13
	@touch $@

install: $(VENV)/.installed frontend

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

safeguarding/web/static/build/app.css: frontend/node_modules/.installed frontend/app.scss
	cd frontend && npm run --silent build

frontend: safeguarding/web/static/build/app.css

run: $(VENV)/.installed-run frontend
	$(VENV)/bin/safeguarding setup
	$(VENV)/bin/safeguarding serve

lint: install
	$(VENV)/bin/ruff check safeguarding tests
	$(VENV)/bin/ruff format --check safeguarding

typecheck: install
	$(VENV)/bin/mypy safeguarding

# SQLite: only the tests marked each_database. The browser, fault, fuzzing and other slow
# suites run once, in the PostgreSQL pass, unless marked.
test-sqlite: install
	scripts/ensure-system-packages
	env -u DATABASE_URL $(PYTEST) -m each_database

# PostgreSQL: every test.
test-postgres: install
	scripts/ensure-system-packages
	scripts/ensure-postgres
	DATABASE_URL=$(POSTGRES_URL) $(PYTEST)

test: lint typecheck test-sqlite test-postgres

bench: install
	$(VENV)/bin/python -m bench
