# Nyttig: `make run` for a local demo, `make test` for the whole check.
# Every docker-compose service starts through the targets here (serve, worker, beat).

SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.13 python3.12 $$HOME/.pyenv/versions/3.13*/bin/python3.13 \
	$$HOME/.pyenv/versions/3.12*/bin/python3.12 /usr/local/bin/python3; do \
	if $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	echo $$p; break; fi; done)
VENV ?= .venv
BIN := $(VENV)/bin
# `make install` adds the dev extra (pytest, Playwright, ruff, mypy…); the production image
# runs `make install INSTALL_EXTRAS=` and gets the run-time dependencies only.
INSTALL_EXTRAS ?= dev
STAMP := $(VENV)/.installed-$(or $(INSTALL_EXTRAS),runtime)
HOST ?= 127.0.0.1
PORT ?= 8000
WEB_CONCURRENCY ?= 3

.PHONY: install run migrate seed serve worker beat test lint typecheck pytest audit messages lock bench clean

$(STAMP): pyproject.toml constraints.txt
	@test -n "$(PYTHON)" || { echo "Fant ikke Python 3.12 eller nyere (python3.13/python3.12)."; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.$(if $(INSTALL_EXTRAS),[$(INSTALL_EXTRAS)])'
	@touch $@

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

# Local demo: SQLite and in-process tasks unless DATABASE_URL / REDIS_URL are set.
run: seed
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production web process (docker compose "web"): migrations, static files, gunicorn.
# gunicorn believes X-Forwarded-Proto only from FORWARDED_ALLOW_IPS (its own environment
# variable; default 127.0.0.1): set it to the reverse proxy's address.
# No gunicorn access log: portal.logs writes one JSON line per request, with its id.
serve: migrate
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/gunicorn portal.wsgi:application --bind $(HOST):$(PORT) \
		--workers $(WEB_CONCURRENCY)

worker: install
	$(BIN)/celery --app portal worker --loglevel INFO --concurrency $${CELERY_CONCURRENCY:-2}

beat: install
	$(BIN)/celery --app portal beat --loglevel INFO --schedule $${CELERY_BEAT_SCHEDULE_FILE:-/tmp/celerybeat-schedule}

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy portal ideas portfolio maturity tests

pytest: install
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint typecheck pytest

# Known vulnerabilities in every installed package, from PyPI's advisory data (pip-audit).
# A finding fails; data that cannot be had is said plainly, and fails with AUDIT_REQUIRED=1.
audit: install
	$(BIN)/python .ci/audit.py

# Bokmål is the source language: the nb catalogue mirrors every msgid (msgen) and is the base
# a Nynorsk (nn) translation starts from.
messages: install
	rm -f locale/nb/LC_MESSAGES/django.po  # rebuilt whole: msgmerge's fuzzy guesses are wrong here
	$(BIN)/python manage.py makemessages --locale nb --ignore '.venv/*' --ignore 'tests/*' \
		--ignore 'bench/*' --no-obsolete --no-location
	msgen --no-wrap -o locale/nb/LC_MESSAGES/django.po locale/nb/LC_MESSAGES/django.po
	sed -i -e '0,/^#, fuzzy$$/{/^#, fuzzy$$/d}' -e 's/^"Language: \\n"/"Language: nb\\n"/' locale/nb/LC_MESSAGES/django.po
	$(BIN)/python manage.py compilemessages --locale nb --ignore '.venv/*'

lock: install
	$(BIN)/python -m pip freeze --exclude-editable | grep -vi '^nyttig' > constraints.txt

# `make bench`: every page and action against its floor (bench/README.md); BENCH_ARGS="ideas
# --runs 30" and the like run one benchmark.
BENCH_ARGS ?= all
bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache .ruff_cache
