# QMS — two commands: `make run` and `make test`. Everything else is set up on the way.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
FLASK := $(BIN)/flask --app wsgi
QMS_HOST ?= 127.0.0.1
QMS_PORT ?= 5000
PO := $(wildcard qms/translations/*/LC_MESSAGES/messages.po qms/*/translations/*/LC_MESSAGES/messages.po)
MO := $(PO:.po=.mo)

.PHONY: run test test-postgres bench install translations extract-messages clean-db help

help:
	@echo "make run    — set up, migrate, load the demo company when empty, start the job worker, serve on http://127.0.0.1:5000"
	@echo "make test   — set up and run the whole test suite"
	@echo "make test-postgres — the whole test suite on a scratch PostgreSQL database (127.0.0.1, user postgres)"
	@echo "make bench  — seed a large dataset, print per-page server times, then a mixed load on gunicorn"
	@echo "             (only the load: make bench BENCH_ARGS=\"--load-only --scale 2\")"

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@ >/dev/null

translations: $(MO)

# The job worker (dossiers, payroll imports) runs in the background next to the web server and is stopped
# with it: Ctrl-C ends `flask run`, and the trap then stops the worker (SIGTERM; a job it was running is
# queued again for the next start).
run: install translations
	$(FLASK) db upgrade
	$(FLASK) qms demo --if-empty
	@$(FLASK) qms worker & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host $(QMS_HOST) --port $(QMS_PORT)

test: install translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# A scratch database per run, dropped afterwards whatever the outcome.
test-postgres: install translations
	@db=qms_test_$$$$_$$(date +%s); \
	createdb -h 127.0.0.1 -U postgres $$db || exit 1; \
	TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/$$db $(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; \
	dropdb -h 127.0.0.1 -U postgres --if-exists $$db; exit $$rc

bench: install translations
	$(BIN)/python -m tests.benchmarks.bench $(BENCH_ARGS)
	@case "$(BENCH_ARGS)" in *--load-only*) ;; *) $(BIN)/python -m tests.benchmarks.pso_functions ;; esac

# Core strings go to qms/translations; a package with its own translations/ folder keeps its strings there.
extract-messages: install
	@own="$$(for d in qms/*/translations; do [ -d "$$d" ] && basename "$$(dirname "$$d")"; done | tr '\n' ' ')"; \
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --ignore-dirs=".* ._ $$own" -o qms/translations/messages.pot --no-location --sort-output . && \
	$(BIN)/pybabel update -i qms/translations/messages.pot -d qms/translations --no-fuzzy-matching; \
	for d in qms/*/translations; do [ -d "$$d" ] || continue; pkg="$$(dirname "$$d")"; \
	  $(BIN)/pybabel extract -F babel-package.cfg -k _l -k lazy_gettext -o "$$d/messages.pot" --no-location --sort-output "$$pkg" || exit 1; \
	  if [ -f "$$d/nl/LC_MESSAGES/messages.po" ]; then $(BIN)/pybabel update -i "$$d/messages.pot" -d "$$d" --no-fuzzy-matching; \
	  else $(BIN)/pybabel init -i "$$d/messages.pot" -d "$$d" -l nl; fi; \
	done
