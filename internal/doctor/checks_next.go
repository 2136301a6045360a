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

// middlewareFiles are where Next.js looks for middleware (proxy from Next.js 16), in the
// project folder or src/: the files internal/wiring's Next.js planner looks for.
func middlewareFiles() []string {
	var out []string
	for _, base := range []string{"src/", ""} {
		for _, stem := range []string{"middleware", "proxy"} {
			for _, ext := range []string{".ts", ".js", ".mjs", ".tsx", ".jsx"} {
				out = append(out, base+stem+ext)
			}
		}
	}
	return out
}

// checkNextMiddleware: a Next.js app runs Clerk's clerkMiddleware(), which Clerk's server
// helpers (auth(), currentUser(), route protection) need. Missing, it is a warning with a
// safe fix (the file Clerk documents); a middleware file without it needs a person.
func checkNextMiddleware(ctx context.Context, s *state) outcome {
	clerkPkg := "@clerk/nextjs"
	for _, rel := range middlewareFiles() {
		src, exists, err := fsutil.ReadFileIfExists(filepath.Join(s.in.Dir, filepath.FromSlash(rel)))
		if err != nil || !exists {
			continue
		}
		if strings.Contains(string(src), "clerkMiddleware") || strings.Contains(string(src), "authMiddleware") {
			return pass("%s runs Clerk's middleware", rel)
		}
		return warn(fmt.Sprintf("make %s's default export clerkMiddleware() from %s/server, keeping what it does inside its handler (a second middleware file would be ignored)", rel, clerkPkg),
			"%s does not run clerkMiddleware(): Clerk's auth(), currentUser() and route protection fail without it", rel)
	}
	name := "middleware.ts"
	if s.proj != nil && nextMajor(s.proj) >= 16 {
		name = "proxy.ts"
	}
	return warn(fmt.Sprintf("create %s with export default clerkMiddleware() from %s/server and the matcher Clerk documents (clerkconvex doctor --fix does)", name, clerkPkg),
		"no %s: Clerk's auth(), currentUser() and route protection fail without clerkMiddleware()", strings.Join([]string{"middleware.ts", "proxy.ts"}, " or "))
}

// middlewareExists: one of middlewareFiles exists (with or without Clerk's middleware).
func (s *state) middlewareExists() bool {
	for _, rel := range middlewareFiles() {
		if _, err := os.Lstat(filepath.Join(s.in.Dir, filepath.FromSlash(rel))); err == nil {
			return true
		}
	}
	return false
}

// nextMajor is Next.js's major version, installed or declared (0 when unknown).
func nextMajor(p *project.Project) int {
	v, ok := project.InstalledVersion(p.Dir, "next")
	if !ok {
		v = strings.TrimLeft(p.Deps["next"], "^~>=v <")
	}
	n := 0
	for _, c := range v {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// insertChecks puts more after the check id (the section's last), keeping sections together.
func insertChecks(cs []check, id string, more ...check) []check {
	i := slices.IndexFunc(cs, func(c check) bool { return c.id == id })
	if i < 0 || len(more) == 0 {
		return append(cs, more...)
	}
	return slices.Insert(cs, i+1, more...)
}
