# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install assets migrate demo lint format messages check clean

$(STAMP): requirements.txt requirements-dev.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	test -f .env || printf '# Local development settings (not committed); see README.\nDEBUG=true\n' > .env
	touch $(STAMP)

install: $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch node_modules/.package-lock.json

assets: node_modules/.package-lock.json

## Start the portal with demo data on the embedded defaults (SQLite, a file-system broker):
## web server, Celery worker and beat together; Ctrl-C stops them all.
run: install assets
	mkdir -p .data
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py seed_demo
	DEBUG=$${DEBUG:-true} PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile

## The whole test suite. Uses DATABASE_URL / CELERY_BROKER_URL when set (CI: PostgreSQL, Redis).
test: install assets
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=false SECRET_KEY=makemigrations-check $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Rebuild the translation catalogue after changing user-visible strings, then translate it.
messages: install
	DEBUG=true $(BIN)/python manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=node_modules --ignore=bench --ignore=staticfiles
	DEBUG=true $(BIN)/python manage.py compilemessages -l zh_Hans --ignore=.venv --ignore=node_modules

clean:
	rm -rf $(VENV) node_modules staticfiles
