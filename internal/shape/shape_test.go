// Package shape holds the tests of the project's shape (docs/ARCHITECTURE.md,
// the package map): how long a file may grow, how many names a package
// may export, which packages may reach database/sql. They read the source
// tree; a failure names the file or package and the limit.
package shape

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
)

const (
	// maxFileLines is the longest a non-test Go file may be.
	maxFileLines = 500
	// maxExported is the most top-level names a package may export
	// ("about 60", issue #26; the records package is 63: every kind,
	// unit and quality is a name).
	maxExported = 64
)

// root is the module's root, two levels up from this package.
func root(t *testing.T) string {
	t.Helper()
	r, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(r, "go.mod")); err != nil {
		t.Fatalf("no go.mod at %s: %v", r, err)
	}
	return r
}

// sources calls fn with every non-test Go file of the module, by its path
// from the root, skipping testdata and hidden folders.
func sources(t *testing.T, fn func(rel string, src []byte)) {
	t.Helper()
	r := root(t)
	err := filepath.WalkDir(r, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != r && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(r, p)
		fn(filepath.ToSlash(rel), src)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestNoSourceFileIsLongerThan500Lines(t *testing.T) {
	n := 0
	sources(t, func(rel string, src []byte) {
		n++
		if lines := strings.Count(string(src), "\n"); lines > maxFileLines {
			t.Errorf("%s: %d lines, over %d: split it by job", rel, lines, maxFileLines)
		}
	})
	if n < 50 {
		t.Fatalf("read %d source files: not the module's tree", n)
	}
}

func TestNoPackageExportsMoreThanAbout60Names(t *testing.T) {
	exported := map[string][]string{}
	fset := token.NewFileSet()
	sources(t, func(rel string, src []byte) {
		f, err := parser.ParseFile(fset, rel, src, parser.SkipObjectResolution)
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			return
		}
		dir := filepath.ToSlash(filepath.Dir(rel))
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil && d.Name.IsExported() {
					exported[dir] = append(exported[dir], d.Name.Name)
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						if s.Name.IsExported() {
							exported[dir] = append(exported[dir], s.Name.Name)
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							if n.IsExported() {
								exported[dir] = append(exported[dir], n.Name)
							}
						}
					}
				}
			}
		}
	})
	dirs := make([]string, 0, len(exported))
	for d := range exported {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	for _, d := range dirs {
		if n := len(exported[d]); n > maxExported {
			t.Errorf("%s exports %d names, over %d: split it by job or unexport what only it uses", d, n, maxExported)
		} else {
			t.Logf("%-28s %3d exported", d, n)
		}
	}
}

// deps lists the packages pkg imports, directly or not (go list -deps).
func deps(t *testing.T, pkg string) []string {
	t.Helper()
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goBin); err != nil {
		goBin = "go"
	}
	cmd := exec.Command(goBin, "list", "-deps", pkg)
	cmd.Dir = root(t)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
	}
	return strings.Fields(string(out))
}

// The records, the declaration and the calculation are pure: no
// database, no HTTP, no charts.
func TestTheFootprintPackagesReachNoDatabaseNoHTTPNoCharts(t *testing.T) {
	for _, pkg := range []string{"./footprint", "./footprint/declaration", "./footprint/ghg", "./footprint/weather", "./footprint/structure", "./footprint/planning"} {
		for _, d := range deps(t, pkg) {
			switch {
			case d == "database/sql", d == "net/http", strings.HasSuffix(d, "/charts"), strings.Contains(d, "/central"), strings.Contains(d, "go-echarts"):
				t.Errorf("%s imports %s", pkg, d)
			}
		}
	}
}

// The API and the pages reach no database: they speak to the service, the
// service to store.Store; only the wiring (central/server) opens a backend.
func TestTheAPIAndThePagesReachNoDatabase(t *testing.T) {
	for _, pkg := range []string{"./central/api", "./central/web", "./central"} {
		for _, d := range deps(t, pkg) {
			if d == "database/sql" || strings.HasSuffix(d, "/central/store/sqlite") || strings.HasSuffix(d, "/central/store/influx") {
				t.Errorf("%s imports %s", pkg, d)
			}
		}
	}
}
