# Two commands matter: `make run` and `make test`. Everything else is what they need.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000
FLASK := $(VENV)/bin/flask --app equity_tool
# Debian packages the test suite drives for real: a browser, a database server, PDF tools,
# and LibreOffice (Writer, no GUI) to turn .docx exports into PDF.
SYSTEM_PACKAGES := chromium fonts-dejavu-core postgresql poppler-utils libreoffice-writer-nogui
# The Nu Html Checker, which the browser tests run over every page they are served: a jar
# from npm, run by Java (both come with this kind of machine; Java is installed if missing).
VNU_JAR := .tools/node_modules/vnu-jar/build/dist/vnu.jar
VNU_VERSION := 26.9.27

.PHONY: run test install system-deps lint lock bench clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The mail worker runs beside the server and is stopped when the server stops (Ctrl-C, or
# an error); it sends the follow-up reminders too, so it runs without SMTP_HOST (in-app only).
# The demo turns the public register on (/public) unless PUBLIC_REGISTER says otherwise, and
# the links in its emails lead to this server unless APP_URL says otherwise.
run: install
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty --url http://$(HOST):$(PORT)
	export APP_URL=$${APP_URL:-http://$(HOST):$(PORT)}; \
	$(FLASK) notifications worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	PUBLIC_REGISTER=$${PUBLIC_REGISTER:-1} $(FLASK) run --host $(HOST) --port $(PORT)

# Installs only what is missing, so a second run costs nothing.
system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages: $$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

$(VNU_JAR):
	@command -v java >/dev/null || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends default-jre-headless >/dev/null; }
	npm install --no-save --silent --prefix .tools vnu-jar@$(VNU_VERSION)

# pytest runs one worker per core (pytest-xdist); each starts its own PostgreSQL cluster
# and browser, so the tests share nothing but the files they only read.
test: install system-deps $(VNU_JAR)
	$(VENV)/bin/ruff check equity_tool tests bench scripts
	$(VENV)/bin/lint-imports
	$(VENV)/bin/pytest -n auto

lint: install
	$(VENV)/bin/ruff check equity_tool tests bench scripts
	$(VENV)/bin/lint-imports

# Rewrites the lock from what the venv holds; run after changing pyproject.toml.
lock:
	$(PY) -m pip freeze --exclude-editable | grep -v '^equity-tool' > constraints.txt

bench: install
	$(PY) bench/questionnaire.py
	$(PY) bench/export.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .tools
