# The project's verbs. `make` sets up and validates; `make test` is what CI runs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
READY  := $(VENV)/.ready

.PHONY: all setup validate summary test lint docs charts site release bench clean

## all: set up .venv, validate the package and print its summary
all: validate summary

## setup: create .venv with the pinned dependencies and rcmc installed in editable mode
setup: $(READY)

$(READY): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(READY)

## validate: check every table against its schema and the dataset rules
validate: $(READY)
	$(BIN)/rcmc validate

## summary: rows per table, years covered, rows by confidence and kind
summary: $(READY)
	$(BIN)/rcmc summary

## docs: regenerate docs/codebook.md and .html from the schemas and data
docs: $(READY)
	$(BIN)/rcmc docs

## charts: redraw the charts shown in the README (docs/charts/*.svg)
charts: $(READY)
	$(BIN)/rcmc chart exercises-per-year --out docs/charts/exercises-per-year.svg
	$(BIN)/rcmc chart equipment-delivered --out docs/charts/equipment-delivered.svg
	$(BIN)/rcmc chart contacts-per-year --out docs/charts/contacts-per-year.svg

## site: build the static website into site/ (open site/index.html, no server needed)
site: $(READY)
	$(BIN)/rcmc site --out site

## release: bump the version from the data diff, write the CHANGELOG entry, build dist/
release: $(READY)
	$(BIN)/rcmc release

## bench: time validation against the polars read floor and frictionless (writes bench/results.json)
bench: $(READY)
	$(BIN)/python scripts/bench.py

## lint: ruff over the code
lint: $(READY)
	$(BIN)/ruff check src tests scripts

## test: lint, then the whole pytest suite
test: lint
	$(BIN)/pytest

## lock: re-pin every dependency from pyproject.toml (run after changing dependencies)
lock:
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/pip install --quiet --disable-pip-version-check hatchling==1.33.0 editables==0.6 -e '.[dev]'
	.lockenv/bin/pip freeze --exclude-editable --exclude russia-china-military-cooperation > requirements.lock
	rm -rf .lockenv

## clean: remove the virtual environment and caches
clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache dist build
