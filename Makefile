# Berdaya: `make run` to use it, `make test` to test it. Needs Python 3.11, Node.js and npm.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
MO_FILES := $(patsubst %.po,%.mo,$(wildcard src/berdaya/locale/*/LC_MESSAGES/django.po))
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= berdaya.config.settings.local

.PHONY: run test install install-dev lint format lock messages clean

run: install ## Install, prepare the database with areas and the demo, and serve.
	@mkdir -p var
	$(BIN)/berdaya migrate --noinput -v 0
	$(BIN)/berdaya load-areas
	$(BIN)/berdaya demo --if-empty
	@# Compressed, cache-busted static files (WhiteNoise); BERDAYA_DEBUG=1 serves them raw.
	$(BIN)/berdaya collectstatic --noinput -v 0
	@echo ""
	@echo "  Berdaya: http://127.0.0.1:$(PORT)/"
	@echo "  Demo login: manajer / berdaya-demo   (also admin, pendamping.girisekar, pemantau)"
	@echo "  manajer and admin are asked for a code: add the demo key BERDAYADEMOTWOFACTORNOTFORREALUS"
	@echo "  to an authenticator app (README, 'Two commands')."
	@echo ""
	@# Background workers run imports: supervised (a worker that exits is restarted, a job
	@# it left is returned to the queue); they stop with the server.
	$(BIN)/berdaya worker --supervise & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/berdaya runserver 127.0.0.1:$(PORT)

test: install-dev ## Run the whole test suite (DATABASE_URL chooses SQLite or PostgreSQL).
	DJANGO_SETTINGS_MODULE=berdaya.config.settings.test $(BIN)/pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

install: $(VENV)/.installed-base node_modules/.installed $(MO_FILES) .env

install-dev: install $(VENV)/.installed-dev

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed-base: requirements/base.txt pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -r requirements/base.txt
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $@

$(VENV)/.installed-dev: requirements/dev.txt $(VENV)/.installed-base
	$(BIN)/pip install --quiet -r requirements/dev.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

messages: $(MO_FILES) ## Compile the translations (.po -> .mo).

# A file target, so two `make test` running side by side (CI) never rewrite a catalogue
# while the other reads it.
src/berdaya/locale/%/LC_MESSAGES/django.mo: src/berdaya/locale/%/LC_MESSAGES/django.po $(VENV)/.installed-base
	$(BIN)/pybabel compile --statistics -D django -d src/berdaya/locale -l $* 2>&1 | grep -v "^$$" || true

.env: | $(VENV)/.installed-base
	$(BIN)/python -m berdaya.config.envfile .env

lock: ## Re-resolve requirements/*.txt from pyproject.toml (needs network to PyPI).
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 -o requirements/base.txt
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements/dev.txt

clean:
	rm -rf $(VENV) node_modules var .pytest_cache
