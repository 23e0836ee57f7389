# greenhelp — the two commands: `make demo` and `make test`.
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X github.com/greenhelp/greenhelp/internal/cli.Version=$(VERSION)
BIN     := bin

.PHONY: all build assets demo test fmt-check vet windows unit fuzz-short fuzz bench clean

all: build

build: assets
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/greenhelp ./cmd/greenhelp
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/greenhelp-agent ./cmd/greenhelp-agent

## demo: load the demo group through the agents and the API, then serve the dashboard.
demo: build
	$(BIN)/greenhelp demo

## test: the whole suite — formatting, vet, the Windows agent build, and every test with the race detector.
test: assets fmt-check vet windows unit fuzz-short

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

## assets: ECharts from the npm registry, embedded by go build (never committed).
assets:
	scripts/assets.sh

## windows: the site agent must build for Windows site servers.
windows:
	GOOS=windows GOARCH=amd64 $(GO) build -o /dev/null ./cmd/greenhelp-agent
	GOOS=windows GOARCH=amd64 $(GO) vet ./internal/agentcli

## unit: every test, with a real influxd on loopback started by the script.
unit:
	scripts/test.sh

## fuzz-short / fuzz: every fuzz target (the activities CSV, the agent's CSV
## sources and config, the batch decoder and validator) from its committed
## seed corpus (testdata/fuzz): a few seconds each in `make test`, FUZZTIME
## each in `make fuzz`.
FUZZ_TARGETS := $(shell scripts/fuzz-targets.sh)
FUZZTIME ?= 2m
fuzz-short:
	@$(MAKE) --no-print-directory fuzz FUZZTIME=4s

fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; fn=$${t##*:}; \
	  echo "fuzz $$fn ($$pkg, $(FUZZTIME))"; \
	  run() { $(GO) test ./$$pkg -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZTIME) 2>&1; }; \
	  out=$$(run) || { \
	    case "$$out" in *"Failing input written"*|*panic*) false;; *"context deadline exceeded"*) true;; *) false;; esac \
	      && { echo "  Go's fuzzing coordinator missed its own deadline, no input failed (golang/go#75804): once more"; out=$$(run); } ; \
	  } || { echo "$$out" | tail -n 40; exit 1; }; \
	  echo "$$out" | tail -n 3; \
	done

## bench: the calculation benchmarks; the harness (scripts/bench.sh:
## the agent's year-long power log, 200 sites × 5 years through the API on
## SQLite and on a real influxd, each figure with its same-run reference,
## written to BENCHMARKS.md); then the long fault test (random SIGKILLs of
## the central and the agent under 200 simulated agents) and the 200-agent
## load figures.
bench: assets
	$(GO) test -run '^$$' -bench . -benchmem ./footprint/...
	scripts/bench.sh
	GREENHELP_FAULT_LONG=1 $(GO) test -count=1 -v -run 'TestNoRecordIsLostDuplicatedOrStaleUnderKills|TestTwoHundredAgentsPostingAtOnceSeeNo503' ./central 2>&1 | grep -E '^(---|ok|FAIL)|fault test:|load:'

clean:
	rm -rf $(BIN)
