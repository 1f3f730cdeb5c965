# Pairing: `make run` to try it, `make test` to check it. `make help` lists the rest.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# axe-core for the browser tests' accessibility crawl (tests/browser/test_accessibility.py).
AXE := tools/axe/node_modules/axe-core/axe.min.js

.DEFAULT_GOAL := help
.PHONY: help run test lint format bench lighthouse mutate messages lock audit clean echarts backup restore \
	backup-drill compose-check topology-check bench-topology

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.lock
	$(PY) -m pip install -q --no-deps -e .
	$(PY) -m pip check
	touch $(STAMP)

run: $(STAMP) ## Start the app on SQLite with demo data and inline jobs: http://127.0.0.1:8000
	DEBUG=1 $(PY) manage.py migrate --noinput -v0
	DEBUG=1 $(PY) manage.py seed_demo --if-empty
	DEBUG=1 SMS_FILE_PATH=var/sms.log $(PY) manage.py demo_logins
	@echo "短信（企业登录验证码等）写入 var/sms.log：另开终端 tail -f var/sms.log"
	DEBUG=1 SMS_FILE_PATH=var/sms.log $(PY) manage.py runserver_embedded 127.0.0.1:8000

$(AXE): tools/axe/package.json tools/axe/package-lock.json
	@if command -v npm >/dev/null; then cd tools/axe && npm ci --no-audit --no-fund --silent \
		&& touch node_modules/axe-core/axe.min.js; \
	else echo "npm is missing (apt-get install npm): the accessibility crawl cannot run"; fi

test: $(STAMP) $(AXE) ## Run checks and the whole test suite
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	DJANGO_SETTINGS_MODULE=pairing.settings_test $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=pairing.settings_test $(PY) manage.py makemigrations --check --dry-run -v0
	$(PY) -m pytest -q

lint: $(STAMP) ## ruff check
	$(PY) -m ruff check .

format: $(STAMP) ## ruff format and fix
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

# The benchmarks measure as deployed: PostgreSQL and Redis (this machine's, unless set).
bench: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/pairing
bench: export REDIS_URL ?= redis://127.0.0.1:6379/14
bench: $(STAMP) ## Run the benchmarks (the topology check's latencies too); figures go to .bench/results.json
	cd tools/lighthouse && npm ci --no-audit --no-fund --silent
	$(PY) -m tests.benchmarks.run
	TOPOLOGY_BENCH=1 $(PY) deploy/topology_check.py

lighthouse: $(STAMP) ## Lighthouse (mobile) on the main pages as deployed; fails below 90 (75 for performance)
	cd tools/lighthouse && npm ci --no-audit --no-fund --silent
	$(PY) -m tests.benchmarks.lighthouse --check

mutate: $(STAMP) ## Mutation testing of the core rule modules (about an hour); scores to .bench/results.json
	$(PY) -m pip install -q -e ".[mutation]"
	rm -rf mutants
	env -u DATABASE_URL -u REDIS_URL $(VENV)/bin/mutmut run --max-children 2
	rm -f mutants/mutation-tests-*.sqlite3*  # copies left by runs stopped at their time limit
	$(PY) -m tests.mutation.score

messages: $(STAMP) ## Collect new strings into the English catalogue (fill them in), then compile
	DEBUG=1 $(PY) manage.py makemessages -l en --no-wrap --ignore=.venv --ignore=tests --ignore=.venv-lock
	DEBUG=1 $(PY) manage.py compilemessages -l en -l zh_Hans --ignore=.venv --ignore=.venv-lock

echarts: ## Rebuild the vendored ECharts with only the chart types the dashboard draws (npm, esbuild)
	cd tools/echarts && npm ci --no-audit --no-fund && node build.mjs

lock: ## Re-resolve pyproject.toml's dependencies into requirements.lock
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install -q --upgrade pip && .venv-lock/bin/pip install -q ".[dev]"
	{ head -2 requirements.lock; .venv-lock/bin/pip freeze --exclude-editable | grep -v '^pairing'; } > requirements.lock.new
	mv requirements.lock.new requirements.lock && rm -rf .venv-lock

audit: ## Check the locked dependencies for known vulnerabilities (needs PyPI's or OSV's API)
	$(PY) -m pip install -q pip-audit
	$(PY) -m pip_audit --strict -r requirements.lock

backup: $(STAMP) ## PostgreSQL only: a dated, compressed pg_dump and a tar of media/ into backups/
	$(PY) deploy/backup.py backup

restore: $(STAMP) ## Restore FILE=backups/x.dump into a NEW database (its name is printed)
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/<name>.dump"; exit 2; }
	$(PY) deploy/backup.py restore "$(FILE)"

backup-drill: $(STAMP) ## Back up, restore into a new database, compare row counts and the audit chain
	$(PY) deploy/backup.py drill

compose-check: ## Build the Docker images (base from Debian's packages), run the stack, log in, take it down
	deploy/compose/check.sh

topology-check: $(STAMP) ## nginx, 2 gunicorns, 2 workers, 2 schedulers, a PostgreSQL replica under load and faults
	$(PY) deploy/topology_check.py

bench-topology: $(STAMP) ## make topology-check, recording topology_<page>_p95_ms in .bench/results.json
	TOPOLOGY_BENCH=1 $(PY) deploy/topology_check.py

clean: ## Remove the virtual environment and local database
	rm -rf $(VENV) db.sqlite3* staticfiles
