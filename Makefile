# The two commands a newcomer needs: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

SERVICES_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/oj
SERVICES_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: setup run test test-services lint messages makemessages clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.installed-* && touch $@

# Swedish translations are compiled from locale/sv/LC_MESSAGES/django.po (needs gettext's msgfmt).
messages: $(STAMP)
	$(PY) manage.py compilemessages --locale sv --ignore '.venv' -v0

setup: $(STAMP) messages

run: setup
	DEBUG=1 $(PY) manage.py migrate --noinput -v0
	DEBUG=1 $(PY) manage.py load_units
	DEBUG=1 $(PY) manage.py load_questionnaire --all
	DEBUG=1 $(PY) manage.py load_indicators
	DEBUG=1 $(PY) manage.py create_demo_users
	DEBUG=1 $(PY) manage.py seed_demo
	DEBUG=1 $(PY) manage.py compute_indicators --all
	DEBUG=1 $(PY) manage.py publish_results --all-closed --confirm
	DEBUG=1 $(PY) manage.py export_results --store
	@echo "Open http://127.0.0.1:8000 (stop with Ctrl-C)"
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

# axe-core for the accessibility browser tests, pinned in package-lock.json (npm ci keeps the
# tarball's old mtime, hence the touch).
AXE := node_modules/axe-core/axe.min.js
$(AXE): package-lock.json
	npm ci --no-audit --no-fund
	touch $@

test: setup $(AXE)
	$(PY) -m pytest

test-services: setup $(AXE)
	DATABASE_URL=$(SERVICES_DATABASE_URL) REDIS_URL=$(SERVICES_REDIS_URL) $(PY) -m pytest

# ruff, and import-linter for the layers of the apps (pyproject.toml, [tool.importlinter]).
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache

makemessages: $(STAMP)
	$(PY) manage.py makemessages --locale sv --ignore '.venv' --ignore 'staticfiles' --no-obsolete

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles var node_modules
