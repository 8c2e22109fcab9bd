# Cradle: `make run` sets everything up and serves http://127.0.0.1:8080; `make test` tests it.
SHELL := /bin/bash
DATA_DIR ?= $(abspath ../shared/data)
PORT ?= 8080
PGPORT ?= 55432
export DATA_DIR PORT PGPORT
# Debian installs lighttpd and haproxy in /usr/sbin, which a normal user's PATH leaves out.
export PATH := $(PATH):/usr/sbin:/sbin
# The cluster's run directory, password file and API keys file (see scripts/env.sh).
RUN_DIR := $(shell bash -c '. scripts/env.sh && echo $$CRADLE_RUN_DIR')
export PGPASSFILE ?= $(RUN_DIR)/pgpass
export CRADLE_API_KEYS_FILE ?= $(RUN_DIR)/api-keys

# The app as run: published with ReadyToRun (precompiled), so a load or a server starts without
# waiting for the JIT (a cold LSOA ingest takes 1.2 s instead of 1.8 s). Tests use the IL build.
APP_DIR := build/cradle
DLL := $(APP_DIR)/Cradle.Api.dll
# The whole solution (app, tests, bench) as built by make; a build of one project by hand does not count.
SLN_STAMP := build/.solution-built
RID := linux-$(shell uname -m | sed -e s/x86_64/x64/ -e s/aarch64/arm64/)
export CRADLE_DLL := $(abspath $(DLL))
SOURCES := $(shell find src tests bench -name '*.cs' -o -name '*.csproj' -o -name '*.sql' -o -path '*/fixtures/*' -type f | grep -v '/obj/\|/bin/') Directory.Build.props

.PHONY: run up down db deps build load test test-fast bench chaos cluster cluster-down clean help data key api-types

help:
	@echo "make run    install what is missing, start PostGIS, load the data if needed, serve http://127.0.0.1:$(PORT)"
	@echo "make up     the same in the background (returns when ready); make down stops it"
	@echo "make test   the test suite on the real data and a real PostGIS"
	@echo "make test-fast  the fast tier alone: the API in process over a small snapshot, the model, the viewer's modules (no PostGIS, under a minute)"
	@echo "make key NAME=you   an API key for editing the team register"
	@echo "make cluster   a primary, a streaming standby, two API replicas and HAProxy on :8088; make cluster-down stops them"
	@echo "make db | load | build | bench | chaos"

deps:
	@scripts/deps.sh

data:
	@test -d "$(DATA_DIR)" || { echo "cradle: no data directory at $(DATA_DIR); set DATA_DIR (data/boundaries/manifest.json names each file and its official download)" >&2; exit 1; }

db: deps
	@scripts/db.sh start

WEB_DIST := src/Web/dist/index.html
WEB_SOURCES := $(shell find src/Web/src src/Web/public src/Web/scripts -type f) src/Web/index.html src/Web/package.json src/Web/package-lock.json src/Web/vite.config.ts src/Web/tsconfig.json

build: $(DLL) $(WEB_DIST)

# The viewer's packages, installed again only when package.json or its lock file changes (npm writes this file).
WEB_NODE := src/Web/node_modules/.package-lock.json
$(WEB_NODE): src/Web/package.json src/Web/package-lock.json
	cd src/Web && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.package-lock.json

# The viewer: TypeScript strict, bundled by Vite into src/Web/dist, which the API serves at /.
$(WEB_DIST): $(WEB_SOURCES) $(WEB_NODE)
	cd src/Web && npm run build --silent

$(SLN_STAMP): $(SOURCES)
	dotnet build Cradle.sln -c Release -nologo -v q -clp:NoSummary
	@mkdir -p build && touch $(SLN_STAMP)

# Without ReadyToRun if its compiler cannot be had for this machine (it comes from NuGet).
$(DLL): $(SLN_STAMP)
	dotnet publish src/Api/Cradle.Api.csproj -c Release -r $(RID) --self-contained false -p:PublishReadyToRun=true -o $(APP_DIR) -nologo -v q -clp:NoSummary \
	  || { echo "cradle: ReadyToRun publish failed; publishing without it (slower start-up)" >&2; \
	       dotnet publish src/Api/Cradle.Api.csproj -c Release -o $(APP_DIR) -nologo -v q -clp:NoSummary; }
	@touch $(DLL)

# A full reload, whatever the database holds.
load: data db build
	dotnet $(DLL) load --data "$(DATA_DIR)"

run: data db build
	dotnet $(DLL) load --data "$(DATA_DIR)" --if-changed
	dotnet $(DLL) serve

# Not `db`: up.sh starts PostGIS itself, to know whether `down` should stop it.
up: data deps build
	@scripts/up.sh

down:
	@scripts/down.sh

test: data db $(SLN_STAMP) $(WEB_DIST)
	@scripts/deps.sh gdal chromium poppler unzip qgis
	@scripts/api-types.sh check
	@scripts/test.sh

# The fast tier: no PostgreSQL, no data, no browser (the API in process over a hand-made snapshot with a fake
# clock, the model and register rules, the viewer's pure modules). make test runs it too, in the full gate.
test-fast: $(SLN_STAMP) $(WEB_NODE)
	@dotnet test tests/Cradle.Tests -c Release --no-build --nologo --filter "Tier=Fast"
	@cd src/Web && npm run --silent test:unit

# The viewer's API types, generated from the OpenAPI document (commit the result; make test checks it).
api-types: $(SLN_STAMP) $(WEB_NODE)
	@scripts/api-types.sh write

# An API key for register edits: make key NAME=you (prints the key once; keeps its hash).
key: build
	@dotnet $(DLL) keys add "$${NAME:-$$USER}"

# Benchmarks against peers (ogr2ogr, PostGIS itself, targets), side by side; wrk and GDAL from Debian.
# Lighthouse, pinned, for the viewer's bench lines: installed by make bench only (make test does not need it).
BENCH_NODE := bench/viewer/node_modules/.package-lock.json
$(BENCH_NODE): bench/viewer/package.json bench/viewer/package-lock.json
	cd bench/viewer && npm ci --no-audit --no-fund --loglevel=error

bench: data db build $(BENCH_NODE)
	@scripts/deps.sh gdal wrk mapserver chromium haproxy
	@dotnet $(DLL) load --data "$(DATA_DIR)" --if-changed >/dev/null
	dotnet bench/Cradle.Bench/bin/Release/net10.0/Cradle.Bench.dll

# The slow reliability runs: a reload under 32 connections of reads, and loads killed at random
# points (CHAOS_SECONDS, CHAOS_KILLS). Uses the `cradle` database, not the test one.
chaos: data db build
	@scripts/deps.sh haproxy
	@dotnet $(DLL) load --data "$(DATA_DIR)" --if-changed >/dev/null
	dotnet bench/Cradle.Bench/bin/Release/net10.0/Cradle.Bench.dll chaos

# Cradle on real engines (docs/scaling.md): a PostGIS primary, a streaming standby made with
# pg_basebackup, two API replicas (reads from the standby, writes to the primary) and HAProxy on
# http://127.0.0.1:8088, all project-local on loopback; `make cluster-down` stops them.
cluster: data deps build
	@scripts/deps.sh haproxy
	@scripts/cluster.sh up

cluster-down:
	@scripts/cluster.sh down

clean:
	dotnet clean Cradle.sln -c Release -nologo -v q
	rm -rf $(APP_DIR) $(SLN_STAMP)
