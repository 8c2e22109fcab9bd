# Cradle: `make run` sets everything up and serves http://127.0.0.1:8080; `make test` tests it.
SHELL := /bin/bash
DATA_DIR ?= $(abspath ../shared/data)
PORT ?= 8080
PGPORT ?= 55432
export DATA_DIR PORT PGPORT

DLL := src/Api/bin/Release/net10.0/Cradle.Api.dll
SOURCES := $(shell find src tests -name '*.cs' -o -name '*.csproj' -o -name '*.sql' | grep -v '/obj/\|/bin/') Directory.Build.props

.PHONY: run up down db deps build load test bench clean help

help:
	@echo "make run    install what is missing, start PostGIS, load the data if needed, serve http://127.0.0.1:$(PORT)"
	@echo "make up     the same in the background (returns when ready); make down stops it"
	@echo "make test   the test suite on the real data and a real PostGIS"
	@echo "make db | load | build | bench"

deps:
	@scripts/deps.sh

db: deps
	@scripts/db.sh start

build: $(DLL)

$(DLL): $(SOURCES)
	dotnet build Cradle.sln -c Release -nologo -v q -clp:NoSummary
	@touch $(DLL)

# A full reload, whatever the database holds.
load: db build
	dotnet $(DLL) load --data "$(DATA_DIR)"

run: db build
	dotnet $(DLL) load --data "$(DATA_DIR)" --if-changed
	dotnet $(DLL) serve

up: db build
	@scripts/up.sh

down:
	@scripts/down.sh

test: db build
	@scripts/test.sh

bench:
	@echo "no benchmarks yet"

clean:
	dotnet clean Cradle.sln -c Release -nologo -v q
