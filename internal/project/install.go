package project

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/fsutil"
)

// lockFiles name each package manager's lock file, in the order they are looked for.
var lockFiles = []struct{ file, pm string }{
	{"package-lock.json", "npm"},
	{"pnpm-lock.yaml", "pnpm"},
	{"yarn.lock", "yarn"},
	{"bun.lock", "bun"},
	{"bun.lockb", "bun"},
}

// PackageManager is the package manager (npm, pnpm, yarn or bun) whose lock file is in dir or
// the nearest folder above holding one (a workspace root); npm when there is none.
func PackageManager(dir string) string {
	for d := absDir(dir); ; {
		for _, l := range lockFiles {
			if _, err := os.Stat(filepath.Join(d, l.file)); err == nil {
				return l.pm
			}
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "npm"
		}
		d = parent
	}
}

// InstallCommand is how to install the project's dependencies in dir: "npm install",
// "pnpm install", "yarn install" or "bun install", after PackageManager.
func InstallCommand(dir string) string { return PackageManager(dir) + " install" }

// AddCommand is how to add packages to the project in dir: "npm install convex", or
// "pnpm add convex", "yarn add convex", "bun add convex", after PackageManager. In an Expo app
// it is "npx expo install convex": Expo's installer picks the versions of native modules (such
// as expo-secure-store, which Clerk's token cache needs) that match the app's SDK, and adds
// the rest with the app's package manager.
func AddCommand(dir string, pkgs ...string) string {
	if p, err := Load(dir); err == nil && p.Has("expo") {
		return strings.Join(append([]string{"npx expo install"}, pkgs...), " ")
	}
	pm := PackageManager(dir)
	verb := " add"
	if pm == "npm" {
		verb = " install"
	}
	return strings.Join(append([]string{pm + verb}, pkgs...), " ")
}

// InFolder is cmd as it must be typed in the current folder to run in dir: prefixed with
// "cd <dir> && " when dir is another folder. A package manager adds to the package of the
// folder it runs in: run at a workspace root, pnpm refuses (ERR_PNPM_ADDING_TO_ROOT) and the
// others add the package to the root, where the app does not declare it.
func InFolder(dir, cmd string) string {
	abs := absDir(dir)
	where := abs
	if cwd, err := os.Getwd(); err == nil {
		if same(cwd, abs) {
			return cmd
		}
		if rel, err := filepath.Rel(cwd, abs); err == nil && len(rel) < len(abs) {
			where = rel
		}
	}
	return "cd " + shellWord(filepath.ToSlash(where)) + " && " + cmd
}

// same says whether a and b name one folder (through symbolic links too).
func same(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	ra, errA := filepath.EvalSymlinks(a)
	rb, errB := filepath.EvalSymlinks(b)
	return errA == nil && errB == nil && ra == rb
}

// shellWord quotes s for a POSIX shell unless it is made of characters that need none.
func shellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/@+-") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// InstalledVersion is the version of pkg that Node resolves from dir: the "version" of
// node_modules/<pkg>/package.json in dir or the nearest folder above that has one (a
// workspace root hoists packages there). ok is false when none is found, or the one found
// cannot be read (a named pipe is not read) or has no version.
func InstalledVersion(dir, pkg string) (version string, ok bool) {
	m, _, ok := installedManifest(dir, pkg)
	return m.Version, ok && m.Version != ""
}

// InstalledNodeEngine is the "engines.node" range of the pkg Node resolves from dir (see
// InstalledVersion), with its version and the package.json it came from; ok is false when
// no installed pkg is found or it declares no Node range.
func InstalledNodeEngine(dir, pkg string) (rng, version, path string, ok bool) {
	m, path, ok := installedManifest(dir, pkg)
	if !ok || strings.TrimSpace(m.Engines.Node) == "" {
		return "", "", "", false
	}
	return strings.TrimSpace(m.Engines.Node), m.Version, path, true
}

type installedPackage struct {
	Version string `json:"version"`
	Engines struct {
		Node string `json:"node"`
	} `json:"engines"`
}

func installedManifest(dir, pkg string) (m installedPackage, path string, ok bool) {
	for d := absDir(dir); ; {
		path = filepath.Join(d, "node_modules", filepath.FromSlash(pkg), "package.json")
		b, exists, err := fsutil.ReadFileIfExists(path)
		if err != nil {
			return m, "", false
		}
		if exists {
			if json.Unmarshal(stripBOM(b), &m) != nil {
				return m, "", false
			}
			return m, path, true
		}
		parent := filepath.Dir(d)
		if parent == d {
			return m, "", false
		}
		d = parent
	}
}

func absDir(dir string) string {
	if dir == "" {
		dir = "."
	}
	if abs, err := filepath.Abs(dir); err == nil {
		return abs
	}
	return dir
}

// stripBOM drops a UTF-8 byte order mark, which npm accepts at the start of package.json.
func stripBOM(b []byte) []byte {
	if len(b) >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf {
		return b[3:]
	}
	return b
}
