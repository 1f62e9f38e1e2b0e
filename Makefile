# Two commands matter: `make run` (the app with a demo county at http://127.0.0.1:8000/)
# and `make test` (what CI runs: lint, format, migrations check, the whole test suite).
# Both create .venv and install requirements-dev.txt on first use. DATABASE_URL from the
# environment is honoured (default: SQLite file db.sqlite3).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
# The stamp holds a checksum of the requirement files: pip runs again only when they change.
STAMP := $(VENV)/.requirements.sha256

.PHONY: run test messages bench venv translations lint

venv:
	@if [ ! -x "$(PY)" ]; then \
		echo "Creating $(VENV) with $(PYTHON)"; \
		$(PYTHON) -m venv $(VENV); \
	fi
	@sum="$$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)"; \
	if [ "$$(cat $(STAMP) 2>/dev/null)" != "$$sum" ]; then \
		$(PY) -m pip install --disable-pip-version-check --quiet -r requirements-dev.txt && \
		echo "$$sum" > $(STAMP); \
	fi

# .mo files are not committed (see .gitignore): compile them from locale/*/LC_MESSAGES/django.po,
# only when a .po is newer than its .mo (nothing to do on an unchanged catalog).
MO := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

translations: venv $(MO)

$(MO): %.mo: %.po | venv
	$(PY) manage.py compilemessages --ignore=$(VENV) --verbosity 0

run: translations
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo --if-empty
	$(PY) manage.py runserver 127.0.0.1:8000

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: translations lint
	$(PY) manage.py makemigrations --check --dry-run
	$(BIN)/pytest

messages: venv
	$(PY) manage.py makemessages -l en --ignore=$(VENV) --ignore=staticfiles

bench: translations
	$(PY) manage.py migrate --noinput
	$(PY) manage.py benchmark --scale county --import-rows 100000
