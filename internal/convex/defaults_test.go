package convex

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/clerkconvex/clerkconvex/internal/fakes/convexdeploy"
	"github.com/clerkconvex/clerkconvex/internal/run"
	"github.com/clerkconvex/clerkconvex/internal/testutil/nodeharness"
)

// The value goes on stdin, never in the arguments; the type is always named.
func TestSetDefaultArgs(t *testing.T) {
	f := &fakeRunner{}
	if err := SetDefault(context.Background(), f, "/p", "CLERK_WEBHOOK_SECRET", "whsec_secret", "preview"); err != nil {
		t.Fatal(err)
	}
	want := []string{"convex", "env", "default", "set", "CLERK_WEBHOOK_SECRET", "--type", "preview"}
	if len(f.calls) != 1 || !reflect.DeepEqual(f.calls[0].Args, want) || f.calls[0].Dir != "/p" {
		t.Fatalf("calls = %+v, want npx %v in /p", f.calls, want)
	}
	if !reflect.DeepEqual(f.stdin, []string{"whsec_secret"}) {
		t.Errorf("stdin = %q", f.stdin)
	}
	f.res, f.err = exitWith(1, "", "✖ Default environment variables are only available for cloud projects.\n")
	err := SetDefault(context.Background(), f, "/p", "CLERK_WEBHOOK_SECRET", "whsec_secret", "dev")
	if err == nil || !strings.Contains(err.Error(), "only available for cloud projects") || strings.Contains(err.Error(), "whsec_secret") {
		t.Errorf("error = %v: want the CLI's message, never the value", err)
	}
	if !strings.Contains(err.Error(), "npx convex env default set CLERK_WEBHOOK_SECRET --type dev") {
		t.Errorf("error %v does not give the command to run by hand", err)
	}
	for _, bad := range []struct{ name, typ string }{{"1X", "dev"}, {"X", "staging"}, {"X", ""}} {
		if err := SetDefault(context.Background(), f, "/p", bad.name, "v", bad.typ); err == nil {
			t.Errorf("SetDefault(%q, %q) accepted", bad.name, bad.typ)
		}
	}
}

func TestParseDefaultTypes(t *testing.T) {
	for in, want := range map[string][]string{
		"dev,preview":        {"dev", "preview"},
		" preview , dev,dev": {"preview", "dev"},
		"prod":               {"prod"},
	} {
		got, err := ParseDefaultTypes(in)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("ParseDefaultTypes(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", ",", "dev,staging", "development"} {
		if _, err := ParseDefaultTypes(in); err == nil {
			t.Errorf("ParseDefaultTypes(%q) accepted", in)
		}
	}
}

// SetDefault and ListDefaults drive the real convex CLI (test/node) in a cloud project against
// the fake control plane: what one sets per type the other reads back, and a type with none
// is an empty map, not an error.
func TestDefaultsWithRealCLI(t *testing.T) {
	t.Parallel()
	dev := convexdeploy.New(convexdeploy.Options{InstanceName: "happy-otter-123"})
	prod := convexdeploy.New(convexdeploy.Options{InstanceName: "clever-heron-456"})
	b := convexdeploy.NewBigBrain(convexdeploy.BigBrainOptions{Dev: dev, Prod: prod})
	t.Cleanup(func() { b.Close(); dev.Close(); prod.Close() })
	dir := nodeharness.NewProject(t)
	if err := os.WriteFile(filepath.Join(dir, ".env.local"), []byte(b.DotEnvLine()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// CONVEX_DEPLOYMENT is given outright too, so a deployment variable of the test's own
	// environment cannot win over .env.local's.
	r := cloudRunner{env: append(b.CLIEnv(), "CI=1", "CONVEX_DEPLOYMENT=dev:"+b.DevName, "CONVEX_DEPLOY_KEY=", "CONVEX_SELF_HOSTED_URL=", "CONVEX_SELF_HOSTED_ADMIN_KEY=")}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	const issuer = "https://happy-cat-12.clerk.accounts.dev"
	if err := SetDefault(ctx, r, dir, "CLERK_JWT_ISSUER_DOMAIN", issuer, "preview"); err != nil {
		t.Fatal(err)
	}
	if got := b.Defaults("preview"); !reflect.DeepEqual(got, map[string]string{"CLERK_JWT_ISSUER_DOMAIN": issuer}) {
		t.Errorf("preview defaults = %v", got)
	}
	got, err := ListDefaults(ctx, r, dir, "preview")
	if err != nil || !reflect.DeepEqual(got, map[string]string{"CLERK_JWT_ISSUER_DOMAIN": issuer}) {
		t.Errorf("ListDefaults(preview) = %v, %v", got, err)
	}
	got, err = ListDefaults(ctx, r, dir, "dev")
	if err != nil || len(got) != 0 {
		t.Errorf("ListDefaults(dev) = %v, %v; want none", got, err)
	}
}

// cloudRunner is run.ExecRunner with env added.
type cloudRunner struct{ env []string }

func (r cloudRunner) Run(ctx context.Context, c run.Cmd) (run.Result, error) {
	c.Env = append(c.Env, r.env...)
	return run.ExecRunner{}.Run(ctx, c)
}
