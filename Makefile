# Two commands a fresh clone needs: `make run` and `make test`.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test install lint bench clean serve-prod messages translations

$(BIN)/suitability: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[server,postgres,dev]'
	touch $@

install: $(BIN)/suitability

run: install
	$(BIN)/suitability serve --host $(HOST) --port $(PORT)

# Production: gunicorn, several workers, settings from SUITABILITY_* (README: "Running several app servers").
serve-prod: install
	$(BIN)/suitability serve --production

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy src/suitability

# `make bench QUICK=1`: a first look in well under a minute (fewer, shorter runs); progress goes to stderr.
bench: install
	$(BIN)/python benchmarks/screening.py $(if $(QUICK),--quick)

# The catalogue (README "Languages"): `make messages` after changing a page's words, translate the new entries
# of web/translations/<lang>/LC_MESSAGES/messages.po, then `make translations`.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _l -c TRANSLATORS: -o web/translations/messages.pot .
	$(BIN)/pybabel update -i web/translations/messages.pot -d web/translations -w 118

translations: install
	$(BIN)/pybabel compile -d web/translations

clean:
	rm -rf $(VENV) build dist *.egg-info
