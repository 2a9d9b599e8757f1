# Jangteo: `make run` starts everything on 127.0.0.1:8000; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PIP := $(BIN)/python -m pip
PYTEST_ARGS ?=

.PHONY: run test bench lint messages lock install install-dev clean-var

run: install
	@bin/system-packages run || echo "warning: system packages missing; Korean PDFs may render slowly or without Korean glyphs"
	@mkdir -p var
	$(MANAGE) migrate --noinput -v0
	$(MANAGE) load_demo_data
	$(MANAGE) ensure_admin
	@echo "장터 Jangteo: http://127.0.0.1:8000/admin/  (Ctrl-C stops web + worker)"
	PATH="$(CURDIR)/$(BIN):$$PATH" exec $(BIN)/honcho start -f Procfile

test: install-dev
	@bin/system-packages test || echo "warning: system packages missing; the browser and PDF tests will fail"
	@mkdir -p var
	$(BIN)/pytest $(PYTEST_ARGS)

bench: install-dev
	@mkdir -p var
	$(BIN)/python -m bench $(BENCH_ARGS)

lint: install-dev
	$(BIN)/ruff check .

install: $(VENV)/.installed-app
install-dev: $(VENV)/.installed-dev

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python 3.11 not found (install python3.11 with venv and pip)"; exit 1; }
	$(PYTHON) -m venv $(VENV) || { echo "could not create $(VENV): on Debian install python3-venv"; exit 1; }

# The lock file pins every package so two installs a week apart get the same versions.
$(VENV)/.installed-app: $(BIN)/python pyproject.toml requirements.lock
	$(PIP) install -q --disable-pip-version-check -c requirements.lock -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-app
	$(PIP) install -q --disable-pip-version-check -c requirements.lock -e '.[dev]'
	@touch $@

# Regenerate requirements.lock from pyproject.toml in a throw-away environment.
lock:
	rm -rf var/lock-venv && $(PYTHON) -m venv var/lock-venv
	var/lock-venv/bin/python -m pip install -q -e '.[dev]'
	var/lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^jangteo' > requirements.lock
	rm -rf var/lock-venv

# Korean UI strings: extract, then compile (the .mo files are committed).
messages: install
	$(MANAGE) makemessages -l ko -l en --ignore='.venv/*' --ignore='var/*' --ignore='static_collected/*' --no-obsolete
	cd locale/ko/LC_MESSAGES && msgfmt -c -o django.mo django.po
	cd locale/en/LC_MESSAGES && msgfmt -c -o django.mo django.po

clean-var:
	rm -rf var
