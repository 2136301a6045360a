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
		got, err := SetEnvTarget(context.Background(), stderrRunner{stderr}, ".", "X", "v", Deployment{})
		if err != nil || got != want {
			t.Errorf("stderr %q: got %+v %v, want %+v", stderr, got, err, want)
		}
	}
}

// auth.config and `npx convex env set` accept the same variable names.
func TestOneVariableNameRule(t *testing.T) {
	for name, ok := range map[string]bool{"CLERK_JWT_ISSUER_DOMAIN": true, "a1_b": true, "_X": false, "1X": false, "X-Y": false} {
		err := Provider{DomainEnv: name, ApplicationID: "convex"}.Validate()
		if (err == nil) != ok || (checkEnvName(name) == nil) != ok {
			t.Errorf("%q: Validate %v, checkEnvName %v, want ok=%v", name, err, checkEnvName(name), ok)
		}
	}
}
