package convex

import (
	"context"
	"strings"
	"testing"

	"github.com/clerkconvex/clerkconvex/internal/run"
)

// The messages are convex's own, as it prints them (colours included).
func TestKnownFailures(t *testing.T) {
	for _, tt := range []struct{ stderr, want string }{
		{"\x1b[31mYour Node version 20.19.1 is too old. Convex requires at least Node v22.0\x1b[39m\n\x1b[90mYou can use nvm (https://github.com/nvm-sh/nvm#installing-and-updating) to manage different versions of Node.\x1b[39m\n",
			"needs Node 22 or later and this machine runs Node 20.19.1: install Node 22 (e.g. nvm install 22)"},
		{"✖ No CONVEX_DEPLOYMENT set, run `npx convex dev` to configure a Convex project\n", "run npx convex dev once here"},
		{"✖ This command requires being logged in with a personal access token. Run \x1b[1mnpx convex login\x1b[22m and try again.\n", "not logged in: run npx convex login"},
		{"✖ In order to env set, add `convex` to your package.json dependencies.\n", "add it (npm install convex)"},
		{"✖ something else\n", ""},
	} {
		got := KnownFix(tt.stderr)
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("KnownFix(%q) = %q, want it to hold %q", tt.stderr, got, tt.want)
		}
		r := &fakeRunner{res: run.Result{ExitCode: 1, Stderr: []byte(tt.stderr)}, err: &run.ExitError{Name: "npx", Code: 1, Stderr: []byte(tt.stderr)}}
		err := SetEnv(context.Background(), r, t.TempDir(), "A", "b", Deployment{})
		if err == nil || (tt.want != "" && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("SetEnv error %v, want it to say %q", err, tt.want)
		}
	}
}
