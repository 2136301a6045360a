package convexdeploy_test

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The real CLI's `env default` commands against the fake control plane: set with the value
// on stdin, per type, list and get read back what was set, remove unsets, and no deployment
// is contacted (defaults live on the control plane).
func TestRealCLIEnvDefault(t *testing.T) {
	t.Parallel()
	dev, prod, b, dir := newCloud(t)
	env := cloudEnv(b)
	r := npxStdin(t, dir, env, "https://happy-cat-12.clerk.accounts.dev\n", "env", "default", "set", "CLERK_JWT_ISSUER_DOMAIN", "--type", "preview")
	r.expect(t, 0, "", "Successfully set CLERK_JWT_ISSUER_DOMAIN (in default env vars for preview deployments)")
	npxStdin(t, dir, env, "whsec_abc", "env", "default", "set", "CLERK_WEBHOOK_SECRET", "--type", "dev").
		expect(t, 0, "", "(in default env vars for dev deployments)")

	if got, want := b.Defaults("preview"), map[string]string{"CLERK_JWT_ISSUER_DOMAIN": "https://happy-cat-12.clerk.accounts.dev"}; !reflect.DeepEqual(got, want) {
		t.Errorf("preview defaults = %v, want %v", got, want)
	}
	if got, want := b.Defaults("dev"), map[string]string{"CLERK_WEBHOOK_SECRET": "whsec_abc"}; !reflect.DeepEqual(got, want) {
		t.Errorf("dev defaults = %v, want %v", got, want)
	}
	npxIn(t, dir, env, "env", "default", "list", "--include-values", "--type", "preview").
		expect(t, 0, "CLERK_JWT_ISSUER_DOMAIN=https://happy-cat-12.clerk.accounts.dev\n")
	npxIn(t, dir, env, "env", "default", "list", "--include-values", "--type", "prod").
		expect(t, 0, "", "No environment variables set (in default env vars for prod deployments)")
	npxIn(t, dir, env, "env", "default", "get", "CLERK_WEBHOOK_SECRET", "--type", "dev").
		expect(t, 0, "whsec_abc\n")
	npxIn(t, dir, env, "env", "default", "get", "CLERK_WEBHOOK_SECRET", "--type", "preview").
		expect(t, 0, "", `Environment variable "CLERK_WEBHOOK_SECRET" not found (in default env vars for preview deployments)`)
	npxIn(t, dir, env, "env", "default", "remove", "CLERK_WEBHOOK_SECRET", "--type", "dev").
		expect(t, 0, "", "Successfully unset CLERK_WEBHOOK_SECRET")
	if got := b.Defaults("dev"); len(got) != 0 {
		t.Errorf("dev defaults after remove = %v", got)
	}
	if n := len(dev.Requests()) + len(prod.Requests()); n != 0 {
		t.Errorf("the deployments got %d requests; defaults live on the control plane", n)
	}
	var paths []string
	for _, r := range b.Requests() {
		if strings.HasPrefix(r.Path, "/v1/") {
			paths = append(paths, r.Method+" "+r.Path)
		}
	}
	if len(paths) == 0 || paths[0] != "POST /v1/projects/1/update_default_environment_variables" {
		t.Errorf("management API requests: %v", paths)
	}
}

// npxStdin is npxIn with stdin (not a terminal), as clerkconvex passes a value.
func npxStdin(t *testing.T, dir string, env []string, stdin string, args ...string) cliResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "npx", append([]string{"convex"}, args...)...)
	cmd.Dir, cmd.Env, cmd.Stdin = dir, env, strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("npx convex %s did not finish: %v\nstderr: %s", strings.Join(args, " "), err, stderr.String())
	}
	var ee *exec.ExitError
	code := 0
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("npx convex %s: %v", strings.Join(args, " "), err)
	}
	return cliResult{stdout: stdout.String(), stderr: stderr.String(), code: code}
}
