package doctor

import (
	"context"
	"fmt"
	"os"
	"path"
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
	major, known := 0, false
	if s.proj != nil {
		major, known = wiring.NextMajor(s.proj.Dir, s.proj.Deps)
	}
	// Next.js 16 reads proxy.ts (and still middleware.ts, calling the name deprecated) and
	// refuses to start with both; Next.js 15 and earlier read only middleware.ts.
	var mw, px, other string
	for _, rel := range wiring.MiddlewareFiles() {
		if _, err := os.Stat(filepath.Join(s.in.Dir, filepath.FromSlash(rel))); err != nil {
			continue
		}
		isProxy := strings.HasPrefix(path.Base(rel), "proxy.")
		switch {
		case !atLevel(rel):
			if other == "" {
				other = rel
			}
		case isProxy && px == "":
			px = rel
		case !isProxy && mw == "":
			mw = rel
		}
	}
	versionNote := "doctor could not tell which Next.js this app runs (none installed, and package.json's \"next\" gives no version)"
	if known {
		versionNote = fmt.Sprintf("this app runs Next.js %d", major)
	}
	rel := mw
	switch {
	case mw == "" && px == "" && other != "":
		want := base + strings.TrimPrefix(other, "src/")
		if known && major < 16 {
			want = strings.Replace(want, "proxy.", "middleware.", 1)
		}
		return warn(fmt.Sprintf("move %s to %s, beside the app's %sapp or %spages folder", other, want, base, base),
			"%s is ignored by Next.js (the app's routes are %s), so Clerk's middleware does not run", other, map[bool]string{true: "under src/", false: "at the root"}[base == "src/"])
	case mw == "" && px == "":
		name := "middleware.ts"
		if known && major >= 16 {
			name = "proxy.ts"
		}
		return warn(fmt.Sprintf("create %s with export default clerkMiddleware() from %s/server and the matcher Clerk documents (clerkconvex doctor --fix does)", base+name, clerkPkg),
			"no %s: Clerk's auth(), currentUser() and route protection fail without clerkMiddleware()", strings.Join([]string{"middleware.ts", "proxy.ts"}, " or "))
	case mw != "" && px != "" && known && major >= 16:
		return fail(fmt.Sprintf("move what %s does into %s (its default export clerkMiddleware(…)) and delete %s", mw, px, mw),
			"both %s and %s exist: Next.js %d refuses to start with both (\"Both middleware file … and proxy file … are detected\"), so nothing runs", mw, px, major)
	case mw != "" && px != "" && !known:
		return warn(fmt.Sprintf("keep one: %s on Next.js 16 and later (merge %s into it and delete it), %s on Next.js 15 and earlier", px, mw, mw),
			"both %s and %s exist, and %s: Next.js 16 refuses to start with both, Next.js 15 ignores %s", mw, px, versionNote, px)
	case mw == "" && known && major < 16:
		return fail(fmt.Sprintf("rename %s to %s (proxy.ts is Next.js 16's name for it)", px, strings.Replace(px, "proxy.", "middleware.", 1)),
			"%s is not read by Next.js %d, which reads only middleware.ts: clerkMiddleware() never runs, so auth() throws and route protection is off", px, major)
	case mw == "" && !known:
		return warn(fmt.Sprintf("on Next.js 15 or earlier rename %s to %s; on Next.js 16 it is right", px, strings.Replace(px, "proxy.", "middleware.", 1)),
			"%s is read only by Next.js 16 and later, and %s", px, versionNote)
	case px != "" && (mw == "" || major >= 16):
		rel = px
	}
	if path.Ext(rel) == ".mjs" && !s.pageExtensionsList("mjs") {
		// Next.js finds middleware and proxy by its pageExtensions: tsx, ts, jsx, js unless
		// next.config says otherwise.
		return warn(fmt.Sprintf("rename %s to %s (or add \"mjs\" to pageExtensions in next.config)", rel, strings.TrimSuffix(rel, ".mjs")+".js"),
			"%s is not read by Next.js, which looks for .tsx, .ts, .jsx and .js files (its pageExtensions), so Clerk's middleware does not run", rel)
	}
	src, _, err := fsutil.ReadFileIfExists(filepath.Join(s.in.Dir, filepath.FromSlash(rel)))
	if err != nil {
		return warn("", "could not read %s: %v", rel, err)
	}
	if code := stripComments(src); !strings.Contains(code, "clerkMiddleware") && !strings.Contains(code, "authMiddleware") {
		return warn(fmt.Sprintf("make %s's default export clerkMiddleware() from %s/server, keeping what it does inside its handler (a second middleware file would be ignored)", rel, clerkPkg),
			"%s does not run clerkMiddleware(): Clerk's auth(), currentUser() and route protection fail without it", rel)
	}
	if px != "" && rel == mw {
		return pass("%s runs Clerk's middleware (Next.js %d ignores %s)", rel, major, px)
	}
	if rel == mw && known && major >= 16 {
		return pass("%s runs Clerk's middleware (Next.js %d still reads middleware.ts but calls the name deprecated: rename it to proxy.ts)", rel, major)
	}
	return pass("%s runs Clerk's middleware", rel)
}

// pageExtensionsList says whether the app's next.config names ext in its pageExtensions.
func (s *state) pageExtensionsList(ext string) bool {
	for _, name := range []string{"next.config.js", "next.config.mjs", "next.config.ts", "next.config.cjs", "next.config.mts"} {
		src, ok, err := fsutil.ReadFileIfExists(filepath.Join(s.in.Dir, name))
		if err != nil || !ok {
			continue
		}
		code := stripComments(src)
		if i := strings.Index(code, "pageExtensions"); i >= 0 {
			end := strings.IndexByte(code[i:], ']')
			if end > 0 && (strings.Contains(code[i:i+end], `"`+ext+`"`) || strings.Contains(code[i:i+end], `'`+ext+`'`)) {
				return true
			}
		}
	}
	return false
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
