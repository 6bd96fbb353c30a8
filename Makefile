# Byline: `make run` to try it, `make test` to test it. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?= -n 2
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15

.PHONY: help install run serve test test-postgres browser-test browser-deps deploy-check scale-test clients lint format migrate demo lock bench bench-procfile backup restore backup-check clean

help:
	@echo "make run            set up (venv, pinned install, migrate, demo content), then serve on 127.0.0.1:8000 with the task worker beside it"
	@echo "make test           run the test suite on SQLite"
	@echo "make test-postgres  run the test suite on PostgreSQL + Redis ($(PG_URL))"
	@echo "make browser-test   the editors' day in headless Chromium (installs Debian's chromium where missing)"
	@echo "make deploy-check   the Procfile under production settings on PostgreSQL + Redis (CI's deploy proof)"
	@echo "make scale-test     two web processes and two workers on one machine: limits, views, ETags and tasks hold across them"
	@echo "make clients        typed clients (OpenAPI, GraphQL, Relay) generated, compiled and run against a server"
	@echo "make lint           ruff, mypy and the migrations check"
	@echo "make backup         the database and media files into var/backups/byline-<time>.tar.gz"
	@echo "make restore FILE=… put a backup back (a non-empty database only with YES=1); stop Byline first"
	@echo "make backup-check   back up a populated database, restore it into a fresh one, compare (SQLite and PostgreSQL)"
	@echo "make lock           re-pin requirements/*.txt from requirements/*.in"
	@echo "make bench          in-process and wrk figures at 1k and 100k articles, SQLite and PostgreSQL + Redis (README: Benchmarks)"
	@echo "make bench-procfile the same through the Procfile's web line under production settings (needs DATABASE_URL, REDIS_URL)"

$(STAMP): requirements/base.txt requirements/dev.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Byline needs Python 3.11"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		-r requirements/base.txt -r requirements/dev.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py create_local_logins

run: demo serve

# The development server and the task worker (Procfile.dev), stopped together by Ctrl-C.
serve: install
	@echo "Byline on http://127.0.0.1:8000/admin/ (logins in README.md)"
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/honcho -f Procfile.dev start

# pytest exits 5 when it collected nothing; that is a failure here, never a pass.
define run_pytest
	$(1) $(BIN)/pytest $(PYTEST_ARGS) $(2); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$rc
endef

test: install
	@$(call run_pytest,)

test-postgres: install
	$(BIN)/python .ci/check_services.py "$(PG_URL)" "$(REDIS_TEST_URL)"
	@$(call run_pytest,DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL))

# Debian's Chromium, driven by Playwright for Python (never `playwright install`, which downloads
# a browser). apt-get needs root: run `sudo apt-get install chromium` yourself otherwise.
CHROMIUM_INSTALL := command -v chromium >/dev/null || (apt-get install -y -qq chromium || \
	(apt-get update -qq && apt-get install -y -qq chromium))

browser-deps:
	@$(CHROMIUM_INSTALL)

# Screenshots and page-load times land in var/browser/.
browser-test: install browser-deps
	rm -rf var/browser
	@$(call run_pytest,,-m browser tests/browser)

# Creates and drops its own database on that server; fills (flushes) that Redis database.
DEPLOY_CHECK_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/postgres
DEPLOY_CHECK_REDIS_URL ?= redis://127.0.0.1:6379/14

deploy-check: install
	DEPLOY_CHECK_POSTGRES_URL=$(DEPLOY_CHECK_POSTGRES_URL) DEPLOY_CHECK_REDIS_URL=$(DEPLOY_CHECK_REDIS_URL) \
		$(BIN)/python .ci/deploy_check.py

# Creates and drops its own database on that server; flushes that Redis database. About a minute.
SCALE_TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/postgres
SCALE_TEST_REDIS_URL ?= redis://127.0.0.1:6379/13

scale-test: install
	SCALE_TEST_POSTGRES_URL=$(SCALE_TEST_POSTGRES_URL) SCALE_TEST_REDIS_URL=$(SCALE_TEST_REDIS_URL) \
		$(BIN)/python .ci/scale_test.py

# The typed-client check (clients/check/main.ts): npm packages from the lockfile, reinstalled when
# package.json or the lockfile changes; a throwaway SQLite database and server of its own.
CLIENTS_STAMP := clients/node_modules/.installed

$(CLIENTS_STAMP): clients/package.json clients/package-lock.json
	cd clients && npm ci --no-audit --no-fund --loglevel=error
	touch $(CLIENTS_STAMP)

# node --import tsx rather than the tsx command: that wrapper SIGKILLs a busy child on SIGTERM,
# before the check can stop its server.
clients: install $(CLIENTS_STAMP)
	cd clients && node --import tsx check/main.ts

# The database of DATABASE_URL (default: var/db.sqlite3) and MEDIA_ROOT; see README "Backups".
backup: install
	$(BIN)/python manage.py backup

restore: install
	@test -n "$(FILE)" || (echo "make restore FILE=var/backups/byline-....tar.gz [YES=1]" >&2; exit 1)
	$(BIN)/python manage.py restore "$(FILE)" $(if $(YES),--yes)

# Creates and drops its own databases on that server (and a SQLite file in a temporary folder).
BACKUP_CHECK_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/postgres

backup-check: install
	BACKUP_CHECK_POSTGRES_URL=$(BACKUP_CHECK_POSTGRES_URL) $(BIN)/python .ci/backup_check.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	DJANGO_SETTINGS_MODULE=config.settings.test DATABASE_URL=sqlite://:memory: \
		$(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

lock: install
	cd requirements && ../$(BIN)/pip-compile -q --strip-extras --no-emit-index-url \
		--no-emit-find-links -o base.txt base.in
	cd requirements && ../$(BIN)/pip-compile -q --strip-extras --no-emit-index-url \
		--no-emit-find-links -o dev.txt dev.in

WRK := command -v wrk >/dev/null || (apt-get install -y -qq wrk || (apt-get update -qq && apt-get install -y -qq wrk))

bench: install
	@$(WRK)
	$(BIN)/python bench/run.py

# Fills the PostgreSQL database of DATABASE_URL (bench dataset) and uses the Redis of REDIS_URL.
bench-procfile: install
	@$(WRK)
	BENCH_SERVER=procfile $(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
