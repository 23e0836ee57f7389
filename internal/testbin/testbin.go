// Package testbin builds the project's binaries once per test process, for
// tests that run them as real processes.
package testbin

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
)

var (
	mu    sync.Mutex
	built = map[string]string{}
)

// Build compiles the main package at pkg (a path relative to the calling
// test's package, e.g. "../cmd/greenhelp") into a temporary folder and
// returns the binary's path; later calls reuse it.
func Build(pkg string) (string, error) {
	mu.Lock()
	defer mu.Unlock()
	if bin, ok := built[pkg]; ok {
		return bin, nil
	}
	dir, err := os.MkdirTemp("", "greenhelp-bin")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, filepath.Base(pkg))
	if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s: %w: %s", pkg, err, out)
	}
	built[pkg] = bin
	return bin, nil
}
