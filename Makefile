# One command to set up and serve the app, one to set up and run every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test setup browser-deps validate bench clean

run: $(STAMP)  ## set up (first time) and serve the app on http://localhost:8501
	$(BIN)/studyapp run

test: $(STAMP) browser-deps  ## set up (first time) and run all tests, browser tests included
	$(BIN)/python -m pytest

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install -e ".[test]"
	touch $(STAMP)

browser-deps:
	scripts/install-browser-deps

validate: $(STAMP)
	$(BIN)/studyapp validate

bench: $(STAMP)
	$(BIN)/studyapp bench

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache test-artifacts
