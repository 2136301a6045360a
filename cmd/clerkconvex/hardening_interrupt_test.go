//go:build linux

package main

import (
	"strings"
	"testing"
	"time"

	"github.com/clerkconvex/clerkconvex/internal/dotenv"
	"github.com/clerkconvex/clerkconvex/internal/fakes/clerkapi"
)

// TestInterruptThenRerun presses Ctrl-C (SIGINT to the process group, as a terminal does) at
// each point where init waits on the outside world, checks the exit code, the message and
// that nothing is half-done (no temporary files, every file either as before or complete),
// then reruns the same command and checks the project ends exactly as an uninterrupted run
// leaves it.
func TestInterruptThenRerun(t *testing.T) {
	t.Parallel()
	const project = viteProject + `-- .env.local --
# my settings
CONVEX_DEPLOYMENT=dev:happy-cat-123 # team: me
-- convex/auth.config.ts --
export default {
  providers: [
    // our own tokens
    { domain: "https://auth.example.com", applicationID: "cli" },
  ],
};
`
	// The end state: what one uninterrupted run leaves.
	control := newHarness(t, project)
	if r := control.run(initArgs()...); r.code != 0 {
		t.Fatalf("control run: exit %d\n%s", r.code, r)
	}
	wantEnv, wantAuth := control.read(".env.local"), control.read("convex/auth.config.ts")

	for _, tc := range []struct {
		name string
		// arm sets the trap and returns the "ready to press Ctrl-C" test.
		arm func(h *harness) func() bool
		// filesWritten: the interrupted run had already written the files.
		filesWritten bool
		// rerunMutating: Clerk requests that may change something during the rerun.
		rerunMutating int
	}{
		{name: "while Clerk lists the domains", arm: func(h *harness) func() bool {
			h.clerk.InjectFault(clerkapi.Fault{Method: "GET", PathPrefix: "/v1/domains", Delay: time.Minute, Times: 1})
			return h.onClerkRequest("GET /v1/domains")
		}, rerunMutating: 1},
		{name: "while Clerk lists the templates", arm: func(h *harness) func() bool {
			h.clerk.InjectFault(clerkapi.Fault{Method: "GET", PathPrefix: "/v1/jwt_templates", Delay: time.Minute, Times: 1})
			return h.onClerkRequest("GET /v1/jwt_templates")
		}, rerunMutating: 1},
		{name: "while Clerk creates the template (not created)", arm: func(h *harness) func() bool {
			h.clerk.InjectFault(clerkapi.Fault{Method: "POST", PathPrefix: "/v1/jwt_templates", Delay: time.Minute, Times: 1})
			return h.onClerkRequest("POST /v1/jwt_templates")
		}, rerunMutating: 1},
		{name: "after Clerk created the template, before its answer", arm: func(h *harness) func() bool {
			h.mu.Lock()
			h.holdAfter = "POST /v1/jwt_templates"
			h.mu.Unlock()
			return h.onClerkRequest("POST /v1/jwt_templates")
		}, rerunMutating: 0},
		{name: "while npx convex env set runs", arm: func(h *harness) func() bool {
			return h.onNpxHang()
		}, filesWritten: true, rerunMutating: 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, project)
			before := treeState(t, h.dir)
			r := h.interruptWhen(tc.arm(h), initArgs()...)
			if r.code != 130 {
				t.Fatalf("exit %d, want 130\n%s", r.code, r)
			}
			if len(r.strays) > 0 {
				t.Errorf("npx (pid %v) was still running after the CLI exited", r.strays)
			}
			// Before anything changed it says so; once changes began, it says to run init again.
			if !strings.Contains(r.stderr, "interrupted: nothing was changed") &&
				!strings.Contains(r.stderr, "interrupted: stopped before the next step; run clerkconvex init again to finish") {
				t.Errorf("stderr does not say what happened and what to do\n%s", r)
			}
			h.assertNoCanary(r)

			// Nothing half-done.
			after := treeState(t, h.dir)
			for p := range after {
				if strings.Contains(p, ".tmp-") {
					t.Errorf("a temporary file was left behind: %s", p)
				}
			}
			if tc.filesWritten {
				if got := h.read(".env.local"); got != wantEnv {
					t.Errorf(".env.local is not complete:\n%s", got)
				}
				if got := h.read("convex/auth.config.ts"); got != wantAuth {
					t.Errorf("auth.config.ts is not complete:\n%s", got)
				}
			} else if diff := diffTrees(before, after, nil); len(diff) > 0 {
				t.Errorf("files changed before the interrupt point:\n  %s", strings.Join(diff, "\n  "))
			}

			// The rerun finishes the job.
			delete(h.env, "FAKE_NPX_HANG")
			h.clerk.ClearRequests()
			r = h.run(initArgs()...)
			if r.code != 0 {
				t.Fatalf("rerun: exit %d\n%s", r.code, r)
			}
			h.assertNoCanary(r)
			if got := h.clerk.MutatingRequests(); got != tc.rerunMutating {
				t.Errorf("rerun made %d mutating Clerk requests, want %d", got, tc.rerunMutating)
			}
			if tpls := h.clerk.Templates(sk1); len(tpls) != 1 || tpls[0].Name != "convex" || !strings.Contains(string(tpls[0].Claims), `"aud":"convex"`) {
				t.Errorf("want one template convex with aud convex, got %+v", tpls)
			}
			if got := h.read(".env.local"); got != wantEnv {
				t.Errorf(".env.local after the rerun:\n%s\nwant:\n%s", got, wantEnv)
			}
			if got := h.read("convex/auth.config.ts"); got != wantAuth {
				t.Errorf("auth.config.ts after the rerun:\n%s\nwant:\n%s", got, wantAuth)
			}
			if got := h.npxStore("dev")["CLERK_JWT_ISSUER_DOMAIN"]; got != "https://"+host1 {
				t.Errorf("Convex has CLERK_JWT_ISSUER_DOMAIN=%q", got)
			}
			env := dotenv.Parse([]byte(h.read(".env.local")))
			if v, _ := env.Get("CLERK_SECRET_KEY"); v != sk1 {
				t.Errorf("the env file does not hold the secret key")
			}
			if got, want := treeState(t, h.dir)[".env.local"], treeState(t, control.dir)[".env.local"]; got != want {
				t.Errorf(".env.local is %s, an uninterrupted run leaves %s", got, want)
			}
		})
	}
}
