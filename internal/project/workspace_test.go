package project

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func file(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }

// turbo is the shape of a Turborepo starter: yarn workspaces, two apps, the Convex functions in
// packages/backend.
func turbo() fstest.MapFS {
	return fstest.MapFS{
		"package.json":                              file(`{"private":true,"workspaces":["apps/*","packages/*"],"devDependencies":{"turbo":"2"}}`),
		"turbo.json":                                file(`{}`),
		"apps/web/package.json":                     file(`{"dependencies":{"next":"15","@packages/backend":"*"}}`),
		"apps/native/package.json":                  file(`{"dependencies":{"expo":"52"}}`),
		"packages/backend/package.json":             file(`{"dependencies":{"convex":"^1.29.3"}}`),
		"packages/backend/convex/schema.ts":         file(`export default {}`),
		"packages/backend/convex/_generated/api.js": file(``),
	}
}

func with(base fstest.MapFS, extra map[string]string) fstest.MapFS {
	for k, v := range extra {
		if v == "-" {
			delete(base, k)
			continue
		}
		base[k] = file(v)
	}
	return base
}

func TestLocateFS(t *testing.T) {
	tests := []struct {
		name      string
		fs        fstest.MapFS
		app, flag string
		root      string
		convex    string
		workspace bool
		pkgs      []string // when set, the expected Packages
		err       string   // a substring of the error
		ambiguous []string // the AmbiguousError's candidates
	}{
		{name: "single app, no workspace", fs: fstest.MapFS{"package.json": file(`{}`)}, app: ".", root: ".", convex: "."},
		{name: "single app with a fresh convex folder", fs: fstest.MapFS{"package.json": file(`{}`), "convex/auth.config.ts": file(``)}, app: ".", root: ".", convex: "."},
		{name: "turbo: app in apps/web, functions in packages/backend", fs: turbo(), app: "apps/web", root: ".", convex: "packages/backend", workspace: true,
			pkgs: []string{".", "apps/native", "apps/web", "packages/backend"}},
		{name: "turbo: run from the root", fs: turbo(), app: ".", root: ".", convex: "packages/backend", workspace: true},
		{name: "stray convex/auth.config.ts in the app does not count", fs: with(turbo(), map[string]string{"apps/web/convex/auth.config.ts": "export default {}"}),
			app: "apps/web", root: ".", convex: "packages/backend", workspace: true},
		{name: "the app's own functions win", fs: with(turbo(), map[string]string{"apps/web/convex/_generated/server.js": ""}),
			app: "apps/web", root: ".", convex: "apps/web", workspace: true},
		{name: "pnpm-workspace.yaml block list", fs: fstest.MapFS{
			"package.json":             file(`{"name":"root"}`),
			"pnpm-workspace.yaml":      file("# comment\npackages:\n  - 'apps/*'\n  - \"backend\" # the api\nonlyBuiltDependencies:\n  - esbuild\n"),
			"apps/site/package.json":   file(`{}`),
			"backend/package.json":     file(`{}`),
			"backend/convex/schema.ts": file(``),
			"esbuild/package.json":     file(`{}`),
			"esbuild/convex/schema.ts": file(``),
		}, app: "apps/site", root: ".", convex: "backend", workspace: true, pkgs: []string{".", "apps/site", "backend"}},
		{name: "pnpm-workspace.yaml flow list", fs: fstest.MapFS{
			"pnpm-workspace.yaml":              file("packages: [apps/*, 'packages/*']\n"),
			"apps/a/package.json":              file(`{}`),
			"packages/db/package.json":         file(`{}`),
			"packages/db/convex/_generated/x":  file(``),
			"packages/db/node_modules/x/a.txt": file(``),
		}, app: "apps/a", root: ".", convex: "packages/db", workspace: true},
		{name: "turbo.json alone: apps/* and packages/*", fs: fstest.MapFS{
			"package.json":                 file(`{}`),
			"turbo.json":                   file(`{}`),
			"apps/web/package.json":        file(`{}`),
			"packages/be/package.json":     file(`{}`),
			"packages/be/convex/schema.js": file(``),
		}, app: "apps/web", root: ".", convex: "packages/be", workspace: true},
		{name: "workspaces as an object", fs: fstest.MapFS{
			"package.json":               file(`{"workspaces":{"packages":["svc/*"],"nohoist":["**/expo"]}}`),
			"svc/app/package.json":       file(`{}`),
			"svc/api/package.json":       file(`{}`),
			"svc/api/convex/schema.ts":   file(``),
			"other/api/package.json":     file(`{}`),
			"other/api/convex/schema.ts": file(``),
		}, app: "svc/app", root: ".", convex: "svc/api", workspace: true},
		{name: "convex.json functions elsewhere", fs: fstest.MapFS{
			"package.json":                 file(`{"workspaces":["apps/*","packages/*"]}`),
			"apps/web/package.json":        file(`{}`),
			"packages/api/package.json":    file(`{}`),
			"packages/api/convex.json":     file(`{"functions": "src/convex/"}`),
			"packages/api/src/convex/x.ts": file(``),
		}, app: "apps/web", root: ".", convex: "packages/api", workspace: true},
		{name: "negated glob and ** glob", fs: fstest.MapFS{
			"package.json":                       file(`{"workspaces":["apps/**","!apps/legacy"]}`),
			"apps/web/package.json":              file(`{}`),
			"apps/group/api/package.json":        file(`{}`),
			"apps/group/api/convex/schema.ts":    file(``),
			"apps/legacy/package.json":           file(`{}`),
			"apps/legacy/convex/_generated/a.js": file(``),
		}, app: "apps/web", root: ".", convex: "apps/group/api", workspace: true, pkgs: []string{".", "apps/group/api", "apps/web"}},
		{name: "no package holds functions yet: the app", fs: with(turbo(), map[string]string{"packages/backend/convex/schema.ts": "-", "packages/backend/convex/_generated/api.js": "-"}),
			app: "apps/web", root: ".", convex: "apps/web", workspace: true},
		{name: "two candidates: ambiguous", fs: with(turbo(), map[string]string{"packages/other/package.json": "{}", "packages/other/convex/schema.ts": ""}),
			app: "apps/web", err: "2 workspace packages hold Convex functions", ambiguous: []string{"packages/backend", "packages/other"}},
		{name: "the flag picks one", fs: with(turbo(), map[string]string{"packages/other/package.json": "{}", "packages/other/convex/schema.ts": ""}),
			app: "apps/web", flag: "packages/other", root: ".", convex: "packages/other", workspace: true},
		{name: "the flag may name the functions folder", fs: turbo(), app: "apps/web", flag: "packages/backend/convex/", root: ".", convex: "packages/backend", workspace: true},
		{name: "the flag outside the workspace", fs: fstest.MapFS{
			"ws/package.json":            file(`{"workspaces":["apps/*"]}`),
			"ws/apps/a/package.json":     file(`{}`),
			"elsewhere/package.json":     file(`{}`),
			"elsewhere/convex/schema.ts": file(``),
		}, app: "ws/apps/a", flag: "elsewhere", err: "--convex-dir elsewhere is outside the workspace"},
		{name: "the flag outside a single app", fs: fstest.MapFS{
			"app/package.json": file(`{}`),
			"be/package.json":  file(`{}`),
		}, app: "app", flag: "be", err: "--convex-dir be is outside the app's folder"},
		{name: "the flag names no folder", fs: turbo(), app: "apps/web", flag: "packages/nope", err: "--convex-dir packages/nope is no folder"},
		{name: "the flag names a folder that is no package", fs: with(turbo(), map[string]string{"docs/readme.md": ""}), app: "apps/web", flag: "docs", err: "--convex-dir docs has no package.json or convex.json"},
		{name: "a workspace above the git root is not ours", fs: fstest.MapFS{
			"outer/package.json":           file(`{"workspaces":["*"]}`),
			"outer/inner/.git/HEAD":        file(``),
			"outer/inner/package.json":     file(`{}`),
			"outer/other/package.json":     file(`{}`),
			"outer/other/convex/schema.ts": file(``),
		}, app: "outer/inner", root: "outer/inner", convex: "outer/inner"},
		{name: "the nearest workspace root wins", fs: fstest.MapFS{
			"package.json":                          file(`{"workspaces":["projects/*"]}`),
			"projects/mono/package.json":            file(`{"workspaces":["apps/*"]}`),
			"projects/mono/apps/a/package.json":     file(`{}`),
			"projects/mono/apps/b/package.json":     file(`{}`),
			"projects/mono/apps/b/convex/schema.ts": file(``),
		}, app: "projects/mono/apps/a", root: "projects/mono", convex: "projects/mono/apps/b", workspace: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := LocateFS(tt.fs, tt.app, tt.flag, "--convex-dir")
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				var amb *AmbiguousError
				if tt.ambiguous != nil {
					if !errors.As(err, &amb) || !slices.Equal(amb.Candidates, tt.ambiguous) {
						t.Fatalf("err = %#v, want candidates %v", err, tt.ambiguous)
					}
					if !strings.Contains(err.Error(), "pass --convex-dir") {
						t.Fatalf("err = %v, does not name the flag", err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if l.Root != tt.root || l.Convex != tt.convex || l.Workspace != tt.workspace || l.App != tt.app {
				t.Fatalf("got root=%q convex=%q workspace=%v app=%q; want root=%q convex=%q workspace=%v", l.Root, l.Convex, l.Workspace, l.App, tt.root, tt.convex, tt.workspace)
			}
			if tt.pkgs != nil && !slices.Equal(l.Packages, tt.pkgs) {
				t.Fatalf("packages = %v, want %v", l.Packages, tt.pkgs)
			}
		})
	}
}

func TestHoldsConvexFunctions(t *testing.T) {
	fsys := fstest.MapFS{
		"gen/convex/_generated/api.d.ts": file(``),
		"schema/convex/schema.ts":        file(``),
		"stray/convex/auth.config.ts":    file(``),
		"cfg/convex.json":                file(`{"functions":"lib/fns"}`),
		"cfg/lib/fns/a.ts":               file(``),
		"cfgmissing/convex.json":         file(`{"functions":"nope/"}`),
		"badjson/convex.json":            file(`{`),
		"badjson/convex/schema.ts":       file(``),
	}
	for dir, want := range map[string]bool{"gen": true, "schema": true, "stray": false, "cfg": true, "cfgmissing": false, "badjson": true, "none": false} {
		if got := HoldsConvexFunctions(fsys, dir); got != want {
			t.Errorf("HoldsConvexFunctions(%s) = %v, want %v", dir, got, want)
		}
	}
}

func TestPnpmPackages(t *testing.T) {
	got := pnpmPackages("packages:\r\n  - apps/*\r\n  - '!apps/old'\r\ncatalog:\r\n  react: ^19\r\n")
	if !slices.Equal(got, []string{"apps/*", "!apps/old"}) {
		t.Fatalf("got %q", got)
	}
}

// Locate works on the disk, names ambiguous candidates relative to the current folder, and
// gives the flag back as typed.
func TestLocateDisk(t *testing.T) {
	root := t.TempDir()
	write := func(rel, data string) {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(".git/HEAD", "")
	write("package.json", `{"workspaces":["apps/*","packages/*"]}`)
	write("apps/web/package.json", `{}`)
	write("packages/a/package.json", `{}`)
	write("packages/a/convex/schema.ts", ``)
	app := filepath.Join(root, "apps", "web")
	l, err := Locate(app, "", "--convex-dir", app)
	if err != nil {
		t.Fatal(err)
	}
	if l.Root != root || l.Convex != filepath.Join(root, "packages", "a") || l.App != app {
		t.Fatalf("got %+v", l)
	}
	write("packages/b/package.json", `{}`)
	write("packages/b/convex/_generated/api.js", ``)
	_, err = Locate(app, "", "--convex-dir", app)
	var amb *AmbiguousError
	if !errors.As(err, &amb) || !slices.Equal(amb.Candidates, []string{"../../packages/a", "../../packages/b"}) || amb.App != "the current folder" {
		t.Fatalf("err = %#v", err)
	}
	l, err = Locate(app, "../../packages/b", "--convex-dir", app)
	if err != nil || l.Convex != filepath.Join(root, "packages", "b") {
		t.Fatalf("got %+v, %v", l, err)
	}
	_, err = Locate(app, "../../nope", "--convex-dir", app)
	if err == nil || !strings.HasPrefix(err.Error(), "--convex-dir ../../nope is no folder") {
		t.Fatalf("err = %v", err)
	}
}

func TestLayoutApps(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, data string) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("package.json", `{"workspaces":["apps/*","packages/*"],"devDependencies":{"turbo":"2"}}`)
	write("apps/web/package.json", `{"dependencies":{"next":"15"}}`)
	write("apps/docs/package.json", `{"dependencies":{"react":"19"}}`)
	write("apps/clerky/package.json", `{"dependencies":{"@clerk/clerk-react":"5"}}`)
	write("packages/backend/package.json", `{"dependencies":{"convex":"1"}}`)
	write("packages/backend/convex/schema.ts", ``)
	l, err := Locate(dir, "", "--convex-dir", dir)
	if err != nil {
		t.Fatal(err)
	}
	got := l.Apps(Load)
	want := []string{filepath.Join(dir, "apps", "clerky"), filepath.Join(dir, "apps", "web")}
	if !slices.Equal(got, want) {
		t.Fatalf("Apps = %v, want %v", got, want)
	}
	root, _ := Load(dir)
	if root.IsApp() {
		t.Fatal("the turbo root is no app")
	}
	single, _ := LocateFS(fstest.MapFS{"package.json": file(`{"dependencies":{"next":"15"}}`)}, ".", "", "--convex-dir")
	if apps := single.Apps(Load); apps != nil {
		t.Fatalf("outside a workspace: %v", apps)
	}
}
