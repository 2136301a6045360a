package users

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/clerkconvex/clerkconvex/internal/run"
)

// hangingSet is the fake deployment whose `npx convex env set` never answers.
type hangingSet struct{ *fakeDeployment }

func (h hangingSet) Run(ctx context.Context, c run.Cmd) (run.Result, error) {
	if c.Name == "npx" && strings.HasPrefix(strings.Join(c.Args, " "), "convex env set ") {
		<-ctx.Done()
		return run.Result{ExitCode: -1}, ctx.Err()
	}
	return h.fakeDeployment.Run(ctx, c)
}

// users init's npx convex env calls have CLERKCONVEX_NPX_TIMEOUT's limit (issue 8 item 15),
// and the error says which step and how to allow longer, without the secret.
func TestInitNpxTimeout(t *testing.T) {
	te := newProject(t, "package-lock.json", nil)
	te.env[SecretEnv] = testSecret
	te.opts.Yes = true
	te.opts.NpxTimeout = 200 * time.Millisecond
	te.opts.Runner = func() run.Runner { return hangingSet{te.dep} }
	err := runInit(context.Background(), te.opts)
	if err == nil {
		t.Fatal("runInit succeeded although npx convex env set never answered")
	}
	for _, w := range []string{"setting " + SecretEnv + " on the Convex dev deployment", "stopped after 200ms, its time limit; allow it longer with CLERKCONVEX_NPX_TIMEOUT"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q lacks %q", err, w)
		}
	}
	te.noSecret(t)
}
