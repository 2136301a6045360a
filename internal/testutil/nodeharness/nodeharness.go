// Package nodeharness gives Go tests the real Node tools pinned in test/node: the `convex`
// npm CLI, `tsc`, and the type definitions a Convex project compiles against.
//
// Install them once per checkout with
//
//	npm ci --prefix test/node
//
// (needs Node.js ≥ 18 and npm). A test that needs them and finds them missing fails with
// that instruction; it never skips, so a green run means the real tools ran.
package nodeharness

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// modulePath identifies this repository's go.mod when walking up from a test's directory.
const modulePath = "github.com/clerkconvex/clerkconvex"

const installHint = "run `npm ci --prefix test/node` (needs Node.js ≥ 18 and npm)"

// Dir returns the absolute path of test/node, after checking that its node_modules holds the
// versions package.json pins.
func Dir(t testing.TB) string {
	t.Helper()
	dir, err := harnessDir()
	if err != nil {
		t.Fatalf("nodeharness: %v", err)
	}
	if err := checkInstalled(dir); err != nil {
		t.Fatalf("nodeharness: %v: %s", err, installHint)
	}
	return dir
}

// UsersDir returns the absolute path of test/users (the users-sync harness: svix 2.x as
// "svix", 1.x as "svix1", convex-test, vitest), after checking that its node_modules holds the
// versions its package.json pins.
func UsersDir(t testing.TB) string {
	t.Helper()
	dir, err := harnessDir()
	if err != nil {
		t.Fatalf("nodeharness: %v", err)
	}
	dir = filepath.Join(filepath.Dir(dir), "users")
	if err := checkInstalled(dir); err != nil {
		t.Fatalf("nodeharness: %v: run `npm ci --prefix test/users` (needs Node.js ≥ 20.19 and npm)", err)
	}
	return dir
}

// WiringDir returns the absolute path of test/wiring (the packages client wiring is
// type-checked against), after checking that its node_modules holds the versions its
// package.json pins.
func WiringDir(t testing.TB) string {
	t.Helper()
	dir, err := harnessDir()
	if err != nil {
		t.Fatalf("nodeharness: %v", err)
	}
	dir = filepath.Join(filepath.Dir(dir), "wiring")
	if err := checkInstalled(dir); err != nil {
		t.Fatalf("nodeharness: %v: run `npm ci --prefix test/wiring` (needs Node.js ≥ 20.9 and npm)", err)
	}
	return dir
}

// Bin returns test/node/node_modules/.bin/<name> (for example "convex" or "tsc").
func Bin(t testing.TB, name string) string {
	t.Helper()
	dir := Dir(t)
	p := filepath.Join(dir, "node_modules", ".bin", name)
	if runtime.GOOS == "windows" {
		p += ".cmd"
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("nodeharness: %s is not installed (%v): %s", name, err, installHint)
	}
	return p
}

// NodeModules returns test/node/node_modules.
func NodeModules(t testing.TB) string {
	t.Helper()
	return filepath.Join(Dir(t), "node_modules")
}

// harnessDir finds test/node from the module root, found by walking up from the working
// directory (a test's working directory is its package folder) to this module's go.mod.
func harnessDir() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("finding the module root: %w", err)
	}
	for dir := wd; ; {
		if isModuleRoot(dir) {
			return filepath.Join(dir, "test", "node"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod for %s above %s", modulePath, wd)
		}
		dir = parent
	}
}

func isModuleRoot(dir string) bool {
	b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return false
	}
	return bytesHasModuleLine(b)
}

func bytesHasModuleLine(gomod []byte) bool {
	for _, line := range strings.Split(string(gomod), "\n") {
		if strings.TrimSpace(line) == "module "+modulePath {
			return true
		}
	}
	return false
}

// checkInstalled compares each dependency pinned in dir/package.json with the version in
// dir/node_modules/<dep>/package.json, so a stale install fails as clearly as a missing one.
func checkInstalled(dir string) error {
	var pkg struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err != nil {
		return fmt.Errorf("reading the harness package.json: %w", err)
	}
	if err := json.Unmarshal(b, &pkg); err != nil {
		return fmt.Errorf("parsing %s: %w", filepath.Join(dir, "package.json"), err)
	}
	if len(pkg.Dependencies) == 0 {
		return errors.New("the harness package.json lists no dependencies")
	}
	for name, want := range pkg.Dependencies {
		p := filepath.Join(dir, "node_modules", filepath.FromSlash(name), "package.json")
		b, err := os.ReadFile(p)
		if err != nil {
			return fmt.Errorf("%s is not installed in %s", name, filepath.Join(dir, "node_modules"))
		}
		var installed struct {
			Version string `json:"version"`
		}
		if err := json.Unmarshal(b, &installed); err != nil {
			return fmt.Errorf("parsing %s: %w", p, err)
		}
		if i := strings.LastIndex(want, "@"); strings.HasPrefix(want, "npm:") && i > 0 {
			want = want[i+1:] // an alias, "npm:svix@1.99.1"
		}
		if installed.Version != want {
			return fmt.Errorf("%s %s is installed but %s pins %s", name, installed.Version, filepath.Join(dir, "package.json"), want)
		}
	}
	return nil
}
