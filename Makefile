# Zicht: the two commands of the README, and their building blocks.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
export ZICHT_DATA_DIR ?= $(CURDIR)/var

.PHONY: demo demo-gemeente test test-postgres lint format-check install messages bench clean

## make demo: set up, load the Veilig Thuis region Midden-Brabant (Tilburg and eight gemeenten around it) with synthetic partner exports, serve http://127.0.0.1:8000
demo: $(VENV)/.installed messages
	ZICHT_DEMO=1 ZICHT_DEBUG=1 $(BIN)/zicht demo --regio
	ZICHT_DEMO=1 ZICHT_DEBUG=1 $(BIN)/zicht runserver 127.0.0.1:8000 --noreload

## make demo-gemeente: Tilburg (GM0855) alone, about half the time of the region
demo-gemeente: $(VENV)/.installed messages
	ZICHT_DEMO=1 ZICHT_DEBUG=1 $(BIN)/zicht demo
	ZICHT_DEMO=1 ZICHT_DEBUG=1 $(BIN)/zicht runserver 127.0.0.1:8000 --noreload

## make test: run every test (unit, integration, browser) on SQLite, or on DATABASE_URL when set
test: install
	$(BIN)/pytest $(PYTEST_ARGS)

## make lint: ruff's rules and format, and the layer contract (import-linter, see CONTRIBUTING.md "Layers")
lint: install
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/lint-imports

## make format-check: ruff's formatter, without changing files (also part of make lint)
format-check: install
	$(BIN)/ruff format --check src tests

## make test-postgres: the same suite on a throw-away PostgreSQL cluster on loopback
test-postgres: install
	scripts/with-postgres.sh $(BIN)/pytest $(PYTEST_ARGS)

install: $(VENV)/.installed $(if $(wildcard package.json),node_modules/.installed) messages

## make messages: compile the UI translations (src/zicht/locale/*/LC_MESSAGES/django.po -> .mo; GNU gettext's msgfmt)
messages: $(VENV)/.installed
	@if command -v msgfmt >/dev/null 2>&1; then \
	  cd src/zicht && env -u DJANGO_SETTINGS_MODULE $(abspath $(BIN))/django-admin compilemessages -v 0; \
	else \
	  echo "msgfmt (GNU gettext) ontbreekt: de Engelse vertaling wordt niet gebouwd, Zicht blijft Nederlands (apt-get install gettext)"; \
	fi

# Node tooling for the checks (Spectral for the NL API Design Rules, axe-core for WCAG 2.1 A/AA): exactly the versions in package-lock.json.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV) var node_modules
