package wiring

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clerkconvex/clerkconvex/internal/project"
)

// The middleware file follows the Next.js that is installed, else the one package.json
// declares: proxy.ts from 16 on, middleware.ts before and when the version is unknown.
func TestNextMiddlewareFollowsVersion(t *testing.T) {
	cases := []struct{ declared, installed, want string }{
		{"^16.0.1", "", "proxy.ts"},
		{"15.5.4", "", "middleware.ts"},
		{"latest", "16.1.0", "proxy.ts"},
		{"^16", "15.5.0", "middleware.ts"},
		{"canary", "", "middleware.ts"},
		{">=16.0.0", "", "proxy.ts"},
	}
	for _, c := range cases {
		dir := t.TempDir()
		if c.installed != "" {
			mkfile(t, filepath.Join(dir, "node_modules/next/package.json"), `{"version":"`+c.installed+`"}`)
		}
		mkfile(t, filepath.Join(dir, "package.json"), `{"dependencies":{"next":"`+c.declared+`","@clerk/nextjs":"6","convex":"1"}}`)
		mkfile(t, filepath.Join(dir, "tsconfig.json"), `{}`)
		proj, err := project.Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		plan, err := PlanFor(context.Background(), &Input{Dir: dir, Project: proj, ProviderWired: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(plan.Changes) != 1 || plan.Changes[0].Path != c.want {
			t.Errorf("declared %q, installed %q: %+v, want %s", c.declared, c.installed, plan.Changes, c.want)
		}
	}
}

// An existing middleware or proxy, in the project folder or src/, is never doubled; one
// without clerkMiddleware is left to the user with the snippet.
func TestNextMiddlewareNeverASecond(t *testing.T) {
	for _, file := range []string{"middleware.ts", "src/middleware.js", "proxy.ts", "src/proxy.ts"} {
		for _, body := range []string{"export { default } from \"./auth\";\n", "import { clerkMiddleware } from \"@clerk/nextjs/server\";\nexport default clerkMiddleware();\n"} {
			dir := t.TempDir()
			mkfile(t, filepath.Join(dir, "package.json"), `{"dependencies":{"next":"16.0.0","@clerk/nextjs":"6","convex":"1"}}`)
			mkfile(t, filepath.Join(dir, file), body)
			proj, _ := project.Load(dir)
			plan, err := PlanFor(context.Background(), &Input{Dir: dir, Project: proj, ProviderWired: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(plan.Changes) != 0 {
				t.Errorf("%s: a second middleware planned: %s", file, plan.Changes[0].Path)
			}
			wantManual := !Contains([]byte(body), "clerkMiddleware")
			if (len(plan.Manual) == 1) != wantManual || (wantManual && plan.Manual[0].Path != file) {
				t.Errorf("%s (%q): manual %+v", file, body, plan.Manual)
			}
		}
	}
}

// What Next.js reads depends on its version (read from Next.js 16.4's build): 15 and earlier
// read only middleware.ts, so a proxy.ts there is renamed by hand; 16 refuses to start with
// both, so they are merged by hand; 16 still reads a lone middleware.ts.
func TestNextMiddlewareProxyByVersion(t *testing.T) {
	clerk := "import { clerkMiddleware } from \"@clerk/nextjs/server\";\nexport default clerkMiddleware();\n"
	for _, c := range []struct {
		next       string
		files      []string
		manualPath string // "" when nothing is left to the user
		reason     string
	}{
		{"15.5.4", []string{"proxy.ts"}, "proxy.ts", "Next.js 15 reads only middleware.ts"},
		{"^14.2.0", []string{"src/proxy.ts", "src/app/layout.tsx"}, "src/proxy.ts", "Next.js 14 reads only middleware.ts"},
		{"16.0.0", []string{"proxy.ts", "middleware.ts"}, "middleware.ts", "Next.js 16 refuses to start with both middleware.ts and proxy.ts"},
		{"15.5.4", []string{"proxy.ts", "middleware.ts"}, "", ""},
		{"16.0.0", []string{"middleware.ts"}, "", ""},
		{"16.0.0", []string{"proxy.ts"}, "", ""},
		{"latest", []string{"proxy.ts"}, "", ""},
	} {
		dir := t.TempDir()
		mkfile(t, filepath.Join(dir, "package.json"), `{"dependencies":{"next":"`+c.next+`","@clerk/nextjs":"6","convex":"1"}}`)
		for _, f := range c.files {
			body := clerk
			if filepath.Base(f) == "layout.tsx" {
				body = "export default function L({ children }) { return <html><body>{children}</body></html>; }\n"
			}
			mkfile(t, filepath.Join(dir, f), body)
		}
		proj, _ := project.Load(dir)
		plan, err := PlanFor(context.Background(), &Input{Dir: dir, Project: proj, ProviderWired: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(plan.Changes) != 0 {
			t.Errorf("next %s %v: a change planned: %s", c.next, c.files, plan.Changes[0].Path)
		}
		switch {
		case c.manualPath == "" && len(plan.Manual) != 0:
			t.Errorf("next %s %v: manual %+v, want none", c.next, c.files, plan.Manual)
		case c.manualPath != "" && (len(plan.Manual) != 1 || plan.Manual[0].Path != c.manualPath || !strings.Contains(plan.Manual[0].Reason, c.reason)):
			t.Errorf("next %s %v: manual %+v, want %s (%s)", c.next, c.files, plan.Manual, c.manualPath, c.reason)
		}
	}
}

func mkfile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}
