# Two entry points for a fresh machine with Python 3.11 and pip:
#   make run   installs the app and the system packages its PDFs need (LibreOffice, the fonts
#              the agreement templates name, unoserver's bridge: .ci/system-packages --run),
#              migrates a SQLite database, seeds demo data, queues the reminders due today
#              (they wait in the outbox: no mail server), serves it
#   make test  installs the app with its test extras and the system packages the suite needs
#              (.ci/system-packages, as root with apt-get; otherwise it lists them), then runs
#              the whole suite in parallel (pytest-xdist). SHARING_TEST_DATE=YYYY-MM-DD runs it
#              with the clock moved to that day (Debian's faketime), as CI does.
#   make lint  ruff, and lint-imports for the package layers
# Agreement PDFs come from a warm LibreOffice kept by unoserver, which must run under a Python
# that can `import uno` (Debian's python3-uno, for /usr/bin/python3): it gets its own
# environment, .venv-uno, made with --system-site-packages. `make run` starts it in the
# background when python3-uno and LibreOffice are installed (and stops it on exit); the app
# falls back to a one-off LibreOffice per PDF without it. `make test` builds it for the tests.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 5000
UNO_PYTHON ?= /usr/bin/python3
UNO_VENV   ?= .venv-uno
UNOSERVER  := $(UNO_VENV)/bin/unoserver
UNO_PORT   ?= 2003
UNO_LIBREOFFICE_PORT ?= 2002
UNO_READY  := $(UNO_PYTHON) -c 'import uno' 2>/dev/null && command -v soffice >/dev/null
PYTEST_ARGS ?= -n auto
# The day the suite believes it is: noon UTC of SHARING_TEST_DATE, or the real clock.
TEST_CLOCK := $(if $(SHARING_TEST_DATE),faketime -f "@$(SHARING_TEST_DATE) 12:00:00",)

.PHONY: run test install install-test uno lint format clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

install: $(PY)
	$(PY) -m pip install --quiet -e .

install-test: $(PY)
	$(PY) -m pip install --quiet -e ".[test]"

$(UNOSERVER):
	$(UNO_PYTHON) -m venv --system-site-packages $(UNO_VENV)
	$(UNO_VENV)/bin/python -m pip install --quiet "unoserver>=3.7,<4"

# The unoserver environment, when this machine can run it.
uno:
	@if $(UNO_READY); then $(MAKE) --no-print-directory $(UNOSERVER); \
	else echo "unoserver: python3-uno or LibreOffice is missing; PDFs use a one-off LibreOffice"; fi

run: install
	@bash .ci/system-packages --run
	SHARING_ENV=development $(PY) -m flask --app app db upgrade
	SHARING_ENV=development $(PY) -m flask --app app demo seed
	SHARING_ENV=development SHARING_BASE_URL=http://$(HOST):$(PORT) $(PY) -m flask --app app reminders send
	@$(MAKE) --no-print-directory uno
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	@uno_pid=; \
	if [ -x $(UNOSERVER) ] && $(UNO_READY); then \
	  $(UNOSERVER) --port $(UNO_PORT) --uno-port $(UNO_LIBREOFFICE_PORT) --conversion-timeout 60 \
	    2>>instance/unoserver.log & uno_pid=$$!; \
	  export SHARING_PDF_UNOSERVER=127.0.0.1:$(UNO_PORT); \
	  echo "unoserver: pid $$uno_pid on 127.0.0.1:$(UNO_PORT), log in instance/unoserver.log"; \
	fi; \
	trap 'if [ -n "$$uno_pid" ]; then kill $$uno_pid 2>/dev/null; wait $$uno_pid; fi' EXIT; \
	SHARING_ENV=development SHARING_BASE_URL=http://$(HOST):$(PORT) $(PY) -m flask --app app run --host $(HOST) --port $(PORT)

test: install-test
	@bash .ci/system-packages
	@$(MAKE) --no-print-directory uno
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
	rm -rf $(VENV) $(UNO_VENV) instance .pytest_cache .ruff_cache .import_linter_cache *.egg-info
