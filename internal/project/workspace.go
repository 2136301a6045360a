package project

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// Layout is where a project's pieces are: the app that reads the Clerk keys, the package that
// holds the Convex functions (where convex.json lives and `npx convex` runs), and the workspace
// root around them. Paths are slash paths relative to the folder the FS was opened on.
type Layout struct {
	// Root is the workspace root, or the app folder when the app is not in a workspace. Files
	// are written inside it and nowhere else.
	Root string
	// Workspace is true when Root has a workspace file (package.json "workspaces",
	// pnpm-workspace.yaml, or turbo.json).
	Workspace bool
	// App is the app folder (-C).
	App string
	// Convex is the package folder that holds the Convex functions: App itself outside a
	// workspace, or when no package of the workspace holds them yet.
	Convex string
	// Packages are the workspace's package folders (Root first, then sorted), each holding a
	// package.json; just App outside a workspace.
	Packages []string
}

// ConvexIsApp tells whether the Convex functions live in the app's own package.
func (l Layout) ConvexIsApp() bool { return l.Convex == l.App }

// AmbiguousError is a workspace with several packages that hold Convex functions, none of them
// the app: the user has to pick one.
type AmbiguousError struct {
	App        string
	Candidates []string // package folders, as in Layout
	Flag       string   // the flag that picks one, e.g. --convex-dir
}

func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("%d workspace packages hold Convex functions (%s), and %s is not one of them: pass %s with the one this app uses, e.g. %s %s",
		len(e.Candidates), strings.Join(e.Candidates, ", "), e.App, e.Flag, e.Flag, e.Candidates[0])
}

// markers of a workspace root, besides package.json's "workspaces".
const (
	pnpmWorkspaceFile = "pnpm-workspace.yaml"
	turboFile         = "turbo.json"
)

// defaultWorkspaceGlobs are assumed when a root has turbo.json but names no packages.
var defaultWorkspaceGlobs = []string{"apps/*", "packages/*"}

// LocateFS finds the layout of the app in folder app (a slash path inside fsys, "." for its
// top). It walks up from app to the nearest workspace root (never above fsys's top), lists the
// workspace's packages, and picks the one holding the Convex functions: convexFlag when given
// (a package folder, or a functions folder inside one, relative to fsys's top), else the app
// when it holds them, else the only package that does. Several such packages and no flag give
// an *AmbiguousError naming flagName. It only reads fsys.
func LocateFS(fsys fs.FS, app, convexFlag, flagName string) (Layout, error) {
	app = path.Clean(app)
	l := Layout{Root: app, App: app, Convex: app, Packages: []string{app}}
	if root, globs, ok := findWorkspaceRoot(fsys, app); ok {
		l.Root, l.Workspace = root, true
		l.Packages = expandPackages(fsys, root, globs)
		if !slices.Contains(l.Packages, app) {
			// An app the globs miss still counts: it is where the user ran us.
			l.Packages = append(l.Packages, app)
		}
	}
	if convexFlag != "" {
		flag := path.Clean(convexFlag)
		if !within(l.Root, flag) {
			where := "the app's folder"
			if l.Workspace {
				where = "the workspace"
			}
			return l, &FlagValueError{Flag: flagName, Value: convexFlag,
				Problem: "is outside " + where + ": name the package inside it that holds convex/ (files are written only inside " + where + ")"}
		}
		dir, err := convexPackageFromFlag(fsys, flag)
		if err != nil {
			return l, &FlagValueError{Flag: flagName, Value: convexFlag, Problem: err.Error()}
		}
		l.Convex = dir
		return l, nil
	}
	if !l.Workspace || HoldsConvexFunctions(fsys, app) {
		return l, nil
	}
	var found []string
	for _, p := range l.Packages {
		if HoldsConvexFunctions(fsys, p) {
			found = append(found, p)
		}
	}
	switch len(found) {
	case 0:
		// No package holds functions yet: the app's own convex/ (as outside a workspace).
	case 1:
		l.Convex = found[0]
	default:
		return l, &AmbiguousError{App: displayDir(app), Candidates: displayDirs(found), Flag: flagName}
	}
	return l, nil
}

// Apps are the workspace's packages (not the root) that are apps: a known framework, or a
// Clerk package of one. Outside a workspace, none.
func (l Layout) Apps(load func(dir string) (*Project, error)) []string {
	var out []string
	for _, d := range l.Packages {
		if !l.Workspace || d == l.Root {
			continue
		}
		if p, err := load(d); err == nil && p.IsApp() {
			out = append(out, d)
		}
	}
	return out
}

// HoldsConvexFunctions tells whether package folder dir holds Convex functions that `npx convex`
// has seen: convex.json names a "functions" folder that exists, or the functions folder (convex/
// or convex.json's) has _generated/ or a schema file. A convex/ folder holding only an
// auth.config is not enough: that is what a stray init leaves behind.
func HoldsConvexFunctions(fsys fs.FS, dir string) bool {
	fn := "convex"
	if b, err := fs.ReadFile(fsys, path.Join(dir, "convex.json")); err == nil {
		var cfg struct {
			Functions string `json:"functions"`
		}
		if json.Unmarshal(stripBOM(b), &cfg) == nil && strings.TrimSpace(cfg.Functions) != "" {
			fn = path.Clean(strings.TrimSpace(cfg.Functions))
			if isDir(fsys, path.Join(dir, fn)) {
				return true
			}
		}
	}
	f := path.Join(dir, fn)
	if isDir(fsys, path.Join(f, "_generated")) {
		return true
	}
	for _, s := range []string{"schema.ts", "schema.js"} {
		if isFile(fsys, path.Join(f, s)) {
			return true
		}
	}
	return false
}

// convexPackageFromFlag is the package folder --convex-dir names: the folder itself when it has
// package.json or convex.json; the parent when the flag names the functions folder (it holds
// _generated/ or a schema) inside a package.
func convexPackageFromFlag(fsys fs.FS, dir string) (string, error) {
	if !isDir(fsys, dir) {
		return "", errors.New("is no folder: name the package folder that holds convex/ (where convex.json or its package.json is)")
	}
	if isFile(fsys, path.Join(dir, "package.json")) || isFile(fsys, path.Join(dir, "convex.json")) {
		return dir, nil
	}
	parent := path.Dir(dir)
	if (isDir(fsys, path.Join(dir, "_generated")) || isFile(fsys, path.Join(dir, "schema.ts")) || isFile(fsys, path.Join(dir, "schema.js"))) &&
		(isFile(fsys, path.Join(parent, "package.json")) || isFile(fsys, path.Join(parent, "convex.json"))) {
		return parent, nil
	}
	return "", errors.New("has no package.json or convex.json: name the package folder that holds convex/")
}

// FlagValueError is a bad --convex-dir: the flag, its value as typed, and what is wrong.
type FlagValueError struct{ Flag, Value, Problem string }

func (e *FlagValueError) Error() string { return e.Flag + " " + e.Value + " " + e.Problem }

// findWorkspaceRoot walks up from app (inclusive) to the nearest folder that is a workspace
// root, and returns it with its package globs.
func findWorkspaceRoot(fsys fs.FS, app string) (root string, globs []string, ok bool) {
	for d := app; ; d = path.Dir(d) {
		if globs, ok := workspaceGlobs(fsys, d); ok {
			return d, globs, true
		}
		// A workspace never spans repositories: stop at the git root.
		if _, err := fs.Stat(fsys, path.Join(d, ".git")); err == nil || d == "." || d == "/" {
			return "", nil, false
		}
	}
}

// workspaceGlobs reads dir's workspace files: package.json "workspaces" (an array, or an object
// with "packages"), pnpm-workspace.yaml's packages list, or turbo.json (the usual apps/* and
// packages/* when nothing else lists them). ok is false when dir is no workspace root.
func workspaceGlobs(fsys fs.FS, dir string) (globs []string, ok bool) {
	if b, err := fs.ReadFile(fsys, path.Join(dir, "package.json")); err == nil {
		var pj struct {
			Workspaces json.RawMessage `json:"workspaces"`
		}
		if json.Unmarshal(stripBOM(b), &pj) == nil && len(pj.Workspaces) > 0 {
			var list []string
			var obj struct {
				Packages []string `json:"packages"`
			}
			if json.Unmarshal(pj.Workspaces, &list) == nil {
				globs, ok = append(globs, list...), true
			} else if json.Unmarshal(pj.Workspaces, &obj) == nil {
				globs, ok = append(globs, obj.Packages...), true
			}
		}
	}
	if b, err := fs.ReadFile(fsys, path.Join(dir, pnpmWorkspaceFile)); err == nil {
		globs, ok = append(globs, pnpmPackages(string(b))...), true
	}
	if isFile(fsys, path.Join(dir, turboFile)) {
		ok = true
	}
	if ok && len(globs) == 0 {
		globs = defaultWorkspaceGlobs
	}
	return globs, ok
}

// pnpmPackages reads the "packages:" list of a pnpm-workspace.yaml: the block sequence under
// it ("  - 'apps/*'"), or a flow sequence on its line (packages: [a, b]).
func pnpmPackages(src string) []string {
	var out []string
	in := false
	unquote := func(s string) string {
		s = strings.TrimSpace(s)
		if i := strings.Index(s, " #"); i >= 0 {
			s = strings.TrimSpace(s[:i])
		}
		return strings.Trim(s, `"'`)
	}
	for _, line := range strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		top := !strings.HasPrefix(line, " ") && !strings.HasPrefix(line, "\t") && !strings.HasPrefix(line, "-")
		if top {
			in = false
			if rest, found := strings.CutPrefix(trimmed, "packages:"); found {
				rest = strings.TrimSpace(rest)
				if strings.HasPrefix(rest, "[") {
					for _, item := range strings.Split(strings.Trim(rest, "[]"), ",") {
						if v := unquote(item); v != "" {
							out = append(out, v)
						}
					}
					continue
				}
				in = true
			}
			continue
		}
		if in {
			if item, found := strings.CutPrefix(trimmed, "-"); found {
				if v := unquote(item); v != "" {
					out = append(out, v)
				}
			}
		}
	}
	return out
}

// expandPackages lists the workspace packages globs name under root: folders holding a
// package.json, root first, then sorted. "!" globs exclude; "**" matches up to three levels;
// node_modules is never entered.
func expandPackages(fsys fs.FS, root string, globs []string) []string {
	set := map[string]bool{}
	var excluded []string
	for _, g := range globs {
		g = strings.TrimSpace(g)
		if neg, found := strings.CutPrefix(g, "!"); found {
			excluded = append(excluded, path.Join(root, strings.TrimPrefix(neg, "./")))
			continue
		}
		if g == "" {
			continue
		}
		for _, m := range globDirs(fsys, path.Join(root, strings.TrimPrefix(g, "./"))) {
			if isFile(fsys, path.Join(m, "package.json")) && !strings.Contains("/"+m+"/", "/node_modules/") {
				set[m] = true
			}
		}
	}
	var out []string
	for d := range set {
		skip := d == root
		for _, ex := range excluded {
			if ok, _ := path.Match(ex, d); ok {
				skip = true
			}
		}
		if !skip {
			out = append(out, d)
		}
	}
	slices.Sort(out)
	return append([]string{root}, out...)
}

// globDirs expands a slash glob into folders; "**" stands for zero to three folder levels.
func globDirs(fsys fs.FS, pattern string) []string {
	before, after, found := strings.Cut(pattern, "**")
	if !found {
		ms, _ := fs.Glob(fsys, pattern)
		return ms
	}
	var out []string
	prefix := strings.TrimSuffix(before, "/")
	rest := strings.TrimPrefix(after, "/")
	stars := ""
	for depth := 0; depth <= 3; depth++ {
		p := path.Join(prefix, stars, rest)
		if ms, _ := fs.Glob(fsys, p); ms != nil {
			out = append(out, ms...)
		}
		stars = path.Join(stars, "*")
	}
	return out
}

func within(root, dir string) bool {
	return root == "." || dir == root || strings.HasPrefix(dir, root+"/")
}

func isDir(fsys fs.FS, name string) bool {
	st, err := fs.Stat(fsys, name)
	return err == nil && st.IsDir()
}

func isFile(fsys fs.FS, name string) bool {
	st, err := fs.Stat(fsys, name)
	return err == nil && st.Mode().IsRegular()
}

func displayDir(d string) string {
	if d == "." {
		return "the current folder"
	}
	return d
}

func displayDirs(ds []string) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = displayDir(d)
	}
	return out
}
