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

# Swedish translations are compiled from locale/sv/LC_MESSAGES/django.po (needs gettext's msgfmt),
# only when the .po changed: no Django start for it on every make run.
MO := locale/sv/LC_MESSAGES/django.mo
$(MO): locale/sv/LC_MESSAGES/django.po
	msgfmt --check-format -o $@ $<

messages: $(STAMP) $(MO)

setup: $(STAMP) messages

# The demo on http://$(HOST):$(PORT) (make run PORT=8001 for another port). One process sets everything
# up, skipping what is there already (demo/management/commands/setup_demo.py), then serves with the
# scheduled jobs running in-process (core/dev_scheduler.py); links in e-mails use SITE_URL, the
# address served on.
HOST ?= 127.0.0.1
PORT ?= 8000
run: setup
	DEBUG=1 SITE_URL=http://$(HOST):$(PORT) $(PY) manage.py setup_demo --serve $(HOST):$(PORT)

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
