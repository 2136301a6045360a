package project

import (
	"os"
	"path/filepath"
	"testing"
)

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestInstallCommand(t *testing.T) {
	for _, tc := range []struct {
		lock, at           string // lock file, in "app" or "root" (the workspace above app)
		install, addConvex string
	}{
		{"", "", "npm install", "npm install convex"},
		{"package-lock.json", "app", "npm install", "npm install convex"},
		{"pnpm-lock.yaml", "app", "pnpm install", "pnpm add convex"},
		{"pnpm-lock.yaml", "root", "pnpm install", "pnpm add convex"},
		{"yarn.lock", "root", "yarn install", "yarn add convex"},
		{"bun.lock", "app", "bun install", "bun add convex"},
		{"bun.lockb", "root", "bun install", "bun add convex"},
	} {
		t.Run(tc.lock+" in "+tc.at, func(t *testing.T) {
			root := t.TempDir()
			app := filepath.Join(root, "apps", "web")
			writeFile(t, filepath.Join(app, "package.json"), "{}")
			switch tc.at {
			case "app":
				writeFile(t, filepath.Join(app, tc.lock), "")
			case "root":
				writeFile(t, filepath.Join(root, tc.lock), "")
			}
			if got := InstallCommand(app); got != tc.install {
				t.Errorf("InstallCommand = %q, want %q", got, tc.install)
			}
			if got := AddCommand(app, "convex"); got != tc.addConvex {
				t.Errorf("AddCommand = %q, want %q", got, tc.addConvex)
			}
		})
	}
	// The nearest lock file wins.
	root := t.TempDir()
	app := filepath.Join(root, "app")
	writeFile(t, filepath.Join(root, "yarn.lock"), "")
	writeFile(t, filepath.Join(app, "package-lock.json"), "")
	if got := AddCommand(app, "convex@latest", "@clerk/nextjs"); got != "npm install convex@latest @clerk/nextjs" {
		t.Errorf("nearest lock: AddCommand = %q", got)
	}
}

func TestInstalledVersion(t *testing.T) {
	for _, tc := range []struct {
		name    string
		files   map[string]string // relative to the workspace root; the app is apps/web
		version string
		ok      bool
	}{
		{"none", nil, "", false},
		{"in the app", map[string]string{"apps/web/node_modules/convex/package.json": `{"version":"1.48.0"}`}, "1.48.0", true},
		{"hoisted to the root", map[string]string{"node_modules/convex/package.json": `{"version":"1.33.0"}`}, "1.33.0", true},
		{"the app's wins", map[string]string{
			"node_modules/convex/package.json":          `{"version":"1.33.0"}`,
			"apps/web/node_modules/convex/package.json": `{"version":"1.48.0"}`}, "1.48.0", true},
		{"with a BOM", map[string]string{"apps/web/node_modules/convex/package.json": "\ufeff{\"version\":\"1.2.3\"}"}, "1.2.3", true},
		{"bad JSON", map[string]string{"apps/web/node_modules/convex/package.json": `{`}, "", false},
		{"no version", map[string]string{"apps/web/node_modules/convex/package.json": `{}`}, "", false},
		{"another package", map[string]string{"apps/web/node_modules/convex-helpers/package.json": `{"version":"1"}`}, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			app := filepath.Join(root, "apps", "web")
			writeFile(t, filepath.Join(app, "package.json"), "{}")
			for rel, body := range tc.files {
				writeFile(t, filepath.Join(root, filepath.FromSlash(rel)), body)
			}
			v, ok := InstalledVersion(app, "convex")
			if v != tc.version || ok != tc.ok {
				t.Errorf("InstalledVersion = %q, %v; want %q, %v", v, ok, tc.version, tc.ok)
			}
		})
	}
	// A scoped package.
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "node_modules", "@clerk", "nextjs", "package.json"), `{"version":"6.0.0"}`)
	if v, ok := InstalledVersion(root, "@clerk/nextjs"); v != "6.0.0" || !ok {
		t.Errorf("scoped: %q, %v", v, ok)
	}
}

// In an Expo app packages go through Expo's installer, which matches native modules to the SDK.
func TestAddCommandExpo(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"dependencies":{"expo":"~52.0.0"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "pnpm-lock.yaml"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if got := AddCommand(dir, "@clerk/clerk-expo", "expo-secure-store"); got != "npx expo install @clerk/clerk-expo expo-secure-store" {
		t.Errorf("AddCommand = %q", got)
	}
}

// InFolder: the command as typed in the current folder — unchanged there, else after a cd to
// the app's folder (relative, quoted for the shell when it needs it).
func TestInFolder(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"apps/web", "apps/my app", "apps/it's"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(root)
	for _, tc := range []struct{ dir, want string }{
		{".", "pnpm add x"},
		{root, "pnpm add x"},
		{"apps/web", "cd apps/web && pnpm add x"},
		{filepath.Join(root, "apps", "web"), "cd apps/web && pnpm add x"},
		{"apps/my app", "cd 'apps/my app' && pnpm add x"},
		{"apps/it's", `cd 'apps/it'\''s' && pnpm add x`},
	} {
		if got := InFolder(tc.dir, "pnpm add x"); got != tc.want {
			t.Errorf("InFolder(%q) = %q, want %q", tc.dir, got, tc.want)
		}
	}
	t.Chdir(filepath.Join(root, "apps", "web"))
	if got := InFolder(filepath.Join(root, "apps", "my app"), "npm install x"); got != "cd '../my app' && npm install x" {
		t.Errorf("from a sibling: %q", got)
	}
}
