# The two commands a newcomer needs: `make run` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

.PHONY: run test lint db test-deps drill bench

$(STAMP): requirements.txt requirements-dev.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# Start the project-local PostgreSQL cluster unless DATABASE_URL names a database.
db: $(STAMP)
	@if [ -z "$$DATABASE_URL" ]; then $(PY) -m devtools.pgcluster start --dir .pg >/dev/null; fi

# The web server and, beside it, the task worker that sends emails; Ctrl-C stops both.
run: db
	DEBUG=1 $(PY) manage.py migrate --no-input
	DEBUG=1 $(PY) manage.py createcachetable
	DEBUG=1 $(PY) manage.py demo_content
	DEBUG=1 TASKS_LOG_LEVEL=INFO $(PY) manage.py procrastinate worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# What the tests need besides the venv, from Debian: Chromium, which the browser tests
# (tests/browser) launch through Playwright (it never downloads a browser), and redis-server,
# which the cache tests start on a free port; and axe-core from npm (pinned in
# package-lock.json). As root missing packages are installed; otherwise those tests fail under
# CI and skip elsewhere.
DEBIAN_PACKAGES := /usr/bin/chromium:chromium /usr/bin/redis-server:redis-server

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

test-deps: node_modules/.package-lock.json
	@missing=""; for entry in $(DEBIAN_PACKAGES); do \
	  [ -x "$${entry%%:*}" ] || missing="$$missing $${entry#*:}"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update && DEBIAN_FRONTEND=noninteractive \
	      apt-get install -y --no-install-recommends $$missing; \
	  else \
	    echo "Missing:$$missing. As root, run apt-get install$$missing (tests need them)"; \
	    if [ "$$CI" = true ]; then exit 1; fi; \
	  fi; \
	fi

test: lint test-deps
	$(PY) -m pytest $(PYTEST_ARGS)

# Reliability drill (not part of the tests): outages, stalls and junk input against gunicorn.
drill: $(STAMP)
	$(PY) -m devtools.drill

# Benchmark of issue #9 (not part of the tests; about four minutes): seeds a throwaway cluster,
# serves the site with gunicorn and drives it with wrk (Debian's package, installed as root
# when missing), beside django-comments-xtd in a venv of its own; writes bench/report.md and
# bench/results.json. E.g. make bench BENCH_ARGS="--seconds 3".
bench: $(STAMP)
	@if [ ! -x /usr/bin/wrk ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update && DEBIAN_FRONTEND=noninteractive \
	      apt-get install -y --no-install-recommends wrk; \
	  else \
	    echo "Missing: wrk. As root, run apt-get install wrk"; exit 1; \
	  fi; \
	fi
	$(PY) -m bench.run $(BENCH_ARGS)
