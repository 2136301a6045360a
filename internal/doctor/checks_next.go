package doctor

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/fsutil"
	"github.com/clerkconvex/clerkconvex/internal/project"
	"github.com/clerkconvex/clerkconvex/internal/wiring"
)

// nextChecks are listed only for a Next.js app: Clerk's middleware.
func (s *state) nextChecks() []check {
	if s.in.Dir == "" {
		return nil
	}
	p, err := project.Load(s.in.Dir)
	if err != nil || p.Framework.ID != project.Next.ID {
		return nil
	}
	return []check{{id: "client.next_middleware", section: SectionClient, needs: []string{"project.package_json"}, run: checkNextMiddleware}}
}

// checkNextMiddleware: a Next.js app runs Clerk's clerkMiddleware(), which Clerk's server
// helpers (auth(), currentUser(), route protection) need. Missing, it is a warning with a
// safe fix (the file Clerk documents); a middleware file without it needs a person.
func checkNextMiddleware(ctx context.Context, s *state) outcome {
	clerkPkg := "@clerk/nextjs"
	// Next.js reads the middleware beside app/ or pages/: in src/ when the app lives there, and
	// ignores one at the other level (either level when neither has the routes yet).
	rootApp, srcApp := s.isDir("app", "pages"), s.isDir("src/app", "src/pages")
	base := ""
	if srcApp && !rootApp {
		base = "src/"
	}
	atLevel := func(rel string) bool {
		return (!rootApp && !srcApp) || strings.HasPrefix(rel, "src/") == (base == "src/")
	}
	files := wiring.MiddlewareFiles()
	slices.SortStableFunc(files, func(a, b string) int { // the level Next.js reads first
		return map[bool]int{true: 0, false: 1}[atLevel(a)] - map[bool]int{true: 0, false: 1}[atLevel(b)]
	})
	for _, rel := range files {
		src, exists, err := fsutil.ReadFileIfExists(filepath.Join(s.in.Dir, filepath.FromSlash(rel)))
		if err != nil || !exists {
			continue
		}
		if !atLevel(rel) {
			want := base + strings.TrimPrefix(rel, "src/")
			return warn(fmt.Sprintf("move %s to %s, beside the app's %sapp or %spages folder", rel, want, base, base),
				"%s is ignored by Next.js (the app's routes are %s), so Clerk's middleware does not run", rel, map[bool]string{true: "under src/", false: "at the root"}[base == "src/"])
		}
		if code := stripComments(src); strings.Contains(code, "clerkMiddleware") || strings.Contains(code, "authMiddleware") {
			return pass("%s runs Clerk's middleware", rel)
		}
		return warn(fmt.Sprintf("make %s's default export clerkMiddleware() from %s/server, keeping what it does inside its handler (a second middleware file would be ignored)", rel, clerkPkg),
			"%s does not run clerkMiddleware(): Clerk's auth(), currentUser() and route protection fail without it", rel)
	}
	name := "middleware.ts"
	if s.proj != nil {
		if major, _ := wiring.NextMajor(s.proj.Dir, s.proj.Deps); major >= 16 {
			name = "proxy.ts"
		}
	}
	return warn(fmt.Sprintf("create %s with export default clerkMiddleware() from %s/server and the matcher Clerk documents (clerkconvex doctor --fix does)", name, clerkPkg),
		"no %s: Clerk's auth(), currentUser() and route protection fail without clerkMiddleware()", strings.Join([]string{"middleware.ts", "proxy.ts"}, " or "))
}

// middlewareExists: one of wiring.MiddlewareFiles exists (with or without Clerk's middleware).
func (s *state) middlewareExists() bool {
	for _, rel := range wiring.MiddlewareFiles() {
		if _, err := os.Lstat(filepath.Join(s.in.Dir, filepath.FromSlash(rel))); err == nil {
			return true
		}
	}
	return false
}

// insertChecks puts more after the check id (the section's last), keeping sections together.
func insertChecks(cs []check, id string, more ...check) []check {
	i := slices.IndexFunc(cs, func(c check) bool { return c.id == id })
	if i < 0 || len(more) == 0 {
		return append(cs, more...)
	}
	return slices.Insert(cs, i+1, more...)
}

// isDir: one of rels (slashes, relative to the app folder) is a folder.
func (s *state) isDir(rels ...string) bool {
	for _, rel := range rels {
		if fi, err := os.Stat(filepath.Join(s.in.Dir, filepath.FromSlash(rel))); err == nil && fi.IsDir() {
			return true
		}
	}
	return false
}
