# Claimdesk: `make run` serves the desk, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test venv migrate seed bench bench-credibility bench-intake lint clean

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

run: seed
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo "Claimdesk: http://127.0.0.1:8000/desk/  (admin: http://127.0.0.1:8000/admin/)  Ctrl-C stops everything."
	$(BIN)/honcho start -f Procfile

test: venv
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: venv
	$(BIN)/python -m bench.run_all

bench-credibility: venv
	$(BIN)/python -m bench.liar

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench-intake: venv
	$(BIN)/python -m bench.intake

clean:
	rm -rf var/test var/bench
