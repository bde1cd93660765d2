# Claimdesk: `make run` serves the desk, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test venv migrate seed bench bench-credibility bench-intake lint clean messages

venv: $(STAMP)

# requirements.lock pins every package, transitive ones included.
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

migrate: venv
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed

# `PORT=8080 make run` serves there. honcho hands the web process PORT (the Procfile's runserver
# listens on it) and gives each other process type a PORT of its own (8100, 8200, ...), so public
# links are fixed here for all of them: PUBLIC_BASE_URL follows PORT unless it is set.
PORT ?= 8000
run: export PUBLIC_BASE_URL ?= http://127.0.0.1:$(PORT)
run: seed
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo "Claimdesk: http://127.0.0.1:$(PORT)/desk/  (admin: http://127.0.0.1:$(PORT)/admin/)  Ctrl-C stops everything."
	$(BIN)/honcho start -f Procfile -p $(PORT)

test: venv
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: venv
	$(BIN)/python -m bench.run_all

bench-credibility: venv
	$(BIN)/python -m bench.liar

# Translations (docs/languages.md): extract the marked strings into locale/*/django.po (needs GNU gettext's
# xgettext, a developer's tool only), then compile the .mo files with Babel; both are committed.
messages: venv
	$(BIN)/python manage.py makemessages -l uk -l ru --ignore=.venv --ignore=var --ignore=bench --ignore=tests --no-location
	$(BIN)/pybabel compile -d locale -D django --statistics

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench-intake: venv
	$(BIN)/python -m bench.intake

clean:
	rm -rf var/test var/bench
