# Two entry points for a fresh machine with Python 3.11 and pip:
#   make run   installs the app, migrates a SQLite database, seeds demo data, queues the
#              reminders due today (they wait in the outbox: no mail server), serves it
#   make test  installs the app with its test extras and the system packages the suite needs
#              (.ci/system-packages, as root with apt-get; otherwise it lists them), then runs
#              the whole suite in parallel (pytest-xdist). SHARING_TEST_DATE=YYYY-MM-DD runs it
#              with the clock moved to that day (Debian's faketime), as CI does.
#   make lint  ruff, and lint-imports for the package layers
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 5000
PYTEST_ARGS ?= -n auto
# The day the suite believes it is: noon UTC of SHARING_TEST_DATE, or the real clock.
TEST_CLOCK := $(if $(SHARING_TEST_DATE),faketime -f "@$(SHARING_TEST_DATE) 12:00:00",)

.PHONY: run test install install-test lint format clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

install: $(PY)
	$(PY) -m pip install --quiet -e .

install-test: $(PY)
	$(PY) -m pip install --quiet -e ".[test]"

run: install
	SHARING_ENV=development $(PY) -m flask --app app db upgrade
	SHARING_ENV=development $(PY) -m flask --app app demo seed
	SHARING_ENV=development SHARING_BASE_URL=http://$(HOST):$(PORT) $(PY) -m flask --app app reminders send
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	SHARING_ENV=development SHARING_BASE_URL=http://$(HOST):$(PORT) $(PY) -m flask --app app run --host $(HOST) --port $(PORT)

test: install-test
	@bash .ci/system-packages
	@status=0; $(TEST_CLOCK) $(PY) -m pytest $(PYTEST_ARGS) || status=$$?; \
	bash .ci/system-packages --report; exit $$status

# ruff, then the import contracts of pyproject.toml (the layers of docs/ARCHITECTURE.md)
lint: install-test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports

format: install-test
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache .import_linter_cache *.egg-info
