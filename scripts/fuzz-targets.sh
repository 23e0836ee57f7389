#!/usr/bin/env bash
# Prints every fuzz target of the module as package:Function (a test
# file's `func FuzzX(f *testing.F)`), sorted: make fuzz and fuzz-short run
# them all, so a new target is never left out of `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
grep -rn --include='*_test.go' --exclude-dir=node_modules --exclude-dir=.git --exclude-dir=testdata '^func Fuzz[A-Za-z0-9_]*(' . |
  sed -E 's|^\./||; s|^(.*)/[^/]*_test\.go:[0-9]+:func (Fuzz[A-Za-z0-9_]*)\(.*|\1:\2|; s|^[^/:]*_test\.go:[0-9]+:func (Fuzz[A-Za-z0-9_]*)\(.*|.:\1|' |
  sort -u
