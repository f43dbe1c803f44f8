# socorg — the two commands of the README: `make run` and `make test`. Everything else is set up by them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
DEMO_SCALE ?= province

# DEBUG is off when unset (socorg/settings.py: production mode, which refuses the embedded demo keys). The targets
# that run the platform on this machine ask for development mode explicitly; a DEBUG given on the command line or in
# the environment wins for the tests and the worker, never for `make run` (the development server is for development).
run: export DEBUG := 1
test lint migrations-check pytest messages worker: export DEBUG ?= 1

.PHONY: run test install lint migrations-check pytest messages demo-national worker clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when the dependency pins change.
$(VENV)/.installed: $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/pip install --quiet -c requirements.lock -e ".[dev]"
	touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/socorg migrate --no-input
	$(BIN)/socorg bootstrap --demo-scale $(DEMO_SCALE)
	$(BIN)/socorg runserver 127.0.0.1:$(PORT)

test: install lint migrations-check pytest

lint:
	$(BIN)/ruff check .

migrations-check:
	$(BIN)/socorg makemigrations --check --dry-run

pytest:
	$(BIN)/pytest $(PYTEST_ARGS)

# Each app keeps its own catalog (socorg/<app>/locale); socorg/locale holds the shared templates' strings only.
APPS_WITH_CATALOGS := $(patsubst socorg/%/locale,%,$(wildcard socorg/*/locale))
messages: install
	for app in $(APPS_WITH_CATALOGS); do (cd socorg/$$app && ../../$(BIN)/socorg makemessages -l zh_Hans --no-obsolete) || exit 1; done
	cd socorg && ../$(BIN)/socorg makemessages -l zh_Hans --no-obsolete $(foreach app,$(APPS_WITH_CATALOGS),--ignore '$(app)/*')
	cd socorg && ../$(BIN)/socorg compilemessages

worker: install
	$(BIN)/celery -A socorg worker -B --loglevel=INFO

clean:
	rm -rf $(VENV) var
