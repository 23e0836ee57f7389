# greenhelp — the two commands: `make demo` and `make test`.
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X github.com/greenhelp/greenhelp/internal/cli.Version=$(VERSION)
BIN     := bin

.PHONY: all build assets demo test fmt-check vet windows unit bench clean

all: build

build: assets
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/greenhelp ./cmd/greenhelp
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/greenhelp-agent ./cmd/greenhelp-agent

## demo: load the demo group through the agents and the API, then serve the dashboard.
demo: build
	$(BIN)/greenhelp demo

## test: the whole suite — formatting, vet, the Windows agent build, and every test with the race detector.
test: assets fmt-check vet windows unit

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

## unit: every test, with a real influxd on loopback started by the script.
unit:
	scripts/test.sh

## bench: the calculation benchmarks.
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./footprint/...

clean:
	rm -rf $(BIN)
