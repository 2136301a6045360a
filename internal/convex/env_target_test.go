package convex

import (
	"context"
	"testing"

	"github.com/clerkconvex/clerkconvex/internal/run"
)

type stderrRunner struct{ stderr string }

func (s stderrRunner) Run(ctx context.Context, c run.Cmd) (run.Result, error) {
	return run.Result{Stderr: []byte(s.stderr)}, nil
}

func TestSetEnvTarget(t *testing.T) {
	for stderr, want := range map[string]Target{
		"\x1b[32m✔\x1b[39m Successfully set \x1b[1mX\x1b[22m (on \x1b[1mprod\x1b[22m deployment \x1b[1mhappy-cat-123\x1b[22m)\n": {Type: "prod", Name: "happy-cat-123", Message: "Successfully set X (on prod deployment happy-cat-123)"},
		"✔ Successfully set X\n": {Message: "Successfully set X"},
		"":                       {},
	} {
		got, err := SetEnvTarget(context.Background(), stderrRunner{stderr}, ".", "X", "v", false)
		if err != nil || got != want {
			t.Errorf("stderr %q: got %+v %v, want %+v", stderr, got, err, want)
		}
	}
}
