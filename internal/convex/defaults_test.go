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

// The values go on stdin as a .env body, never in the arguments; the type is always named.
func TestSetDefaultsArgs(t *testing.T) {
	f := &fakeRunner{res: run.Result{Stderr: []byte("✔ Successfully set 2 environment variables from stdin (2 new) (in default env vars for preview deployments)\n")}}
	got, err := SetDefaults(context.Background(), f, "/p", "preview", map[string]string{"CLERK_WEBHOOK_SECRET": "whsec_secret", "A": "https://x"}, false)
	if err != nil || got != DefaultsSet {
		t.Fatal(got, err)
	}
	want := []string{"convex", "env", "default", "set", "--type", "preview"}
	if len(f.calls) != 1 || !reflect.DeepEqual(f.calls[0].Args, want) || f.calls[0].Dir != "/p" {
		t.Fatalf("calls = %+v, want npx %v in /p", f.calls, want)
	}
	if !reflect.DeepEqual(f.stdin, []string{"A='https://x'\nCLERK_WEBHOOK_SECRET='whsec_secret'\n"}) {
		t.Errorf("stdin = %q", f.stdin)
	}
	f.res, f.err = exitWith(1, "", "✖ error: environment variable CLERK_WEBHOOK_SECRET already exists with different value.\n")
	_, err = SetDefaults(context.Background(), f, "/p", "dev", map[string]string{"CLERK_WEBHOOK_SECRET": "whsec_secret"}, true)
	if !IsDefaultConflict(err) || strings.Contains(err.Error(), "whsec_secret") {
		t.Errorf("error = %v: want a conflict, never the value", err)
	}
	if got := f.calls[1].Args; got[len(got)-1] != "--force" {
		t.Errorf("force: args %v", got)
	}
	if !strings.Contains(err.Error(), "npx convex env default set CLERK_WEBHOOK_SECRET --type dev") {
		t.Errorf("error %v does not give the command to run by hand", err)
	}
	for _, bad := range []struct{ name, typ, value string }{{"1X", "dev", "v"}, {"X", "staging", "v"}, {"X", "", "v"}, {"X", "dev", "it's"}, {"X", "dev", "a\nb"}} {
		if _, err := SetDefaults(context.Background(), f, "/p", bad.typ, map[string]string{bad.name: bad.value}, false); err == nil {
			t.Errorf("SetDefaults(%q, %q=%q) accepted", bad.typ, bad.name, bad.value)
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
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()

	const issuer = "https://happy-cat-12.clerk.accounts.dev"
	vars := map[string]string{"CLERK_JWT_ISSUER_DOMAIN": issuer, "CLERK_WEBHOOK_SECRET": "whsec_Q0FOQVJZ+/=="}
	if got, err := SetDefaults(ctx, r, dir, "preview", vars, false); err != nil || got != DefaultsSet {
		t.Fatal(got, err)
	}
	// Again: nothing to change.
	if got, err := SetDefaults(ctx, r, dir, "preview", vars, false); err != nil || got != DefaultsUnchanged {
		t.Fatalf("rerun: %v, %v", got, err)
	}
	// Another value: refused without force, replaced with it.
	other := map[string]string{"CLERK_JWT_ISSUER_DOMAIN": "https://other-app-99.clerk.accounts.dev"}
	if _, err := SetDefaults(ctx, r, dir, "preview", other, false); !IsDefaultConflict(err) {
		t.Fatalf("conflict without force: %v", err)
	}
	if got := b.Defaults("preview"); !reflect.DeepEqual(got, vars) {
		t.Errorf("preview defaults after a refused change = %v", got)
	}
	if got, err := SetDefaults(ctx, r, dir, "preview", other, true); err != nil || got != DefaultsSet {
		t.Fatalf("force: %v, %v", got, err)
	}
	vars["CLERK_JWT_ISSUER_DOMAIN"] = other["CLERK_JWT_ISSUER_DOMAIN"]
	if got := b.Defaults("preview"); !reflect.DeepEqual(got, vars) {
		t.Errorf("preview defaults after force = %v", got)
	}
	got, err := ListDefaults(ctx, r, dir, "preview")
	if err != nil || !reflect.DeepEqual(got, vars) {
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
