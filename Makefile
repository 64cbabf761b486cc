# The two commands a newcomer needs: `make run` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

.PHONY: run test lint db browser-deps

$(STAMP): requirements.txt requirements-dev.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# Start the project-local PostgreSQL cluster unless DATABASE_URL names a database.
db: $(STAMP)
	@if [ -z "$$DATABASE_URL" ]; then $(PY) -m devtools.pgcluster start --dir .pg >/dev/null; fi

run: db
	DEBUG=1 $(PY) manage.py migrate --no-input
	DEBUG=1 $(PY) manage.py demo_content
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# What the browser tests (tests/browser) need besides the venv: axe-core from npm (pinned in
# package-lock.json) and Debian's Chromium, which Playwright launches; it never downloads a browser.
# As root a missing Chromium is installed; otherwise the tests fail under CI and skip elsewhere.
CHROMIUM := /usr/bin/chromium

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

browser-deps: node_modules/.package-lock.json
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update && DEBIAN_FRONTEND=noninteractive \
	      apt-get install -y --no-install-recommends chromium; \
	  else \
	    echo "$(CHROMIUM) is missing: as root, run apt-get install chromium (browser tests need it)"; \
	    if [ "$$CI" = true ]; then exit 1; fi; \
	  fi; \
	fi

test: lint browser-deps
	$(PY) -m pytest $(PYTEST_ARGS)
