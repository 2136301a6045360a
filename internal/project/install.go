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

// InstalledVersion is the version of pkg that Node resolves from dir: the "version" of
// node_modules/<pkg>/package.json in dir or the nearest folder above that has one (a
// workspace root hoists packages there). ok is false when none is found, or the one found
// cannot be read (a named pipe is not read) or has no version.
func InstalledVersion(dir, pkg string) (version string, ok bool) {
	for d := absDir(dir); ; {
		b, exists, err := fsutil.ReadFileIfExists(filepath.Join(d, "node_modules", filepath.FromSlash(pkg), "package.json"))
		if err != nil {
			return "", false
		}
		if exists {
			var v struct {
				Version string `json:"version"`
			}
			if json.Unmarshal(stripBOM(b), &v) != nil || v.Version == "" {
				return "", false
			}
			return v.Version, true
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", false
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
