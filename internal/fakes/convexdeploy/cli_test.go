package convexdeploy_test

import (
	"context"
	"encoding/json"
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

// These tests run the real convex CLI (test/node, `npm ci --prefix test/node`) against the
// fake, so the fake answers what the CLI really sends and the CLI accepts what it answers.

type cliResult struct {
	stdout, stderr string
	code           int
	took           time.Duration
}

// npxConvex runs `npx convex <args>` in dir with env added, the way internal/convex does.
func npxConvex(t *testing.T, dir string, env []string, stdin string, args ...string) cliResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := run.Cmd{Dir: dir, Name: "npx", Args: append([]string{"convex"}, args...), Env: env}
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	start := time.Now()
	res, err := run.ExecRunner{}.Run(ctx, cmd)
	took := time.Since(start)
	if ctx.Err() != nil {
		t.Fatalf("npx convex %s did not finish: %v\nstdout: %s\nstderr: %s", strings.Join(args, " "), err, res.Stdout, res.Stderr)
	}
	if _, isExit := err.(*run.ExitError); err != nil && !isExit {
		t.Fatalf("npx convex %s: %v", strings.Join(args, " "), err)
	}
	t.Logf("npx convex %s: exit %d in %v", strings.Join(args, " "), res.ExitCode, took.Round(time.Millisecond))
	return cliResult{stdout: string(res.Stdout), stderr: string(res.Stderr), code: res.ExitCode, took: took}
}

func (r cliResult) expect(t *testing.T, code int, stdout string, stderrHas ...string) {
	t.Helper()
	if r.code != code || r.stdout != stdout {
		t.Errorf("exit %d, stdout %q; want exit %d, stdout %q\nstderr: %s", r.code, r.stdout, code, stdout, r.stderr)
	}
	for _, s := range stderrHas {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("stderr does not contain %q:\n%s", s, r.stderr)
		}
	}
}

func TestRealCLIEnvCommands(t *testing.T) {
	dir := nodeharness.NewProject(t)
	d := convexdeploy.New(convexdeploy.Options{Env: map[string]string{"PRESET": "from the dashboard"}})
	defer d.Close()
	env := nodeharness.CLIEnv(d.URL, d.AdminKey)

	npxConvex(t, dir, env, "", "env", "set", "CLERK_JWT_ISSUER_DOMAIN", "https://happy-cat-12.clerk.accounts.dev").
		expect(t, 0, "", "✔ Successfully set CLERK_JWT_ISSUER_DOMAIN")
	npxConvex(t, dir, env, "", "env", "get", "CLERK_JWT_ISSUER_DOMAIN").
		expect(t, 0, "https://happy-cat-12.clerk.accounts.dev\n")
	// Not set: nothing on stdout, the message on stderr, and exit status 0.
	npxConvex(t, dir, env, "", "env", "get", "MISSING").
		expect(t, 0, "", `✖ Environment variable "MISSING" not found`)
	// With no value argument and stdin not a terminal, the value comes from stdin (one
	// trailing newline dropped).
	npxConvex(t, dir, env, "whsec_from stdin\n", "env", "set", "CLERK_WEBHOOK_SECRET").
		expect(t, 0, "", "✔ Successfully set CLERK_WEBHOOK_SECRET")
	npxConvex(t, dir, env, "", "env", "list", "--include-values").
		expect(t, 0, "CLERK_JWT_ISSUER_DOMAIN=https://happy-cat-12.clerk.accounts.dev\nCLERK_WEBHOOK_SECRET=whsec_from stdin\nPRESET=from the dashboard\n")
	npxConvex(t, dir, env, "", "env", "remove", "PRESET").
		expect(t, 0, "", "✔ Successfully unset PRESET")

	want := map[string]string{
		"CLERK_JWT_ISSUER_DOMAIN": "https://happy-cat-12.clerk.accounts.dev",
		"CLERK_WEBHOOK_SECRET":    "whsec_from stdin",
	}
	if got := d.Env(); !reflect.DeepEqual(got, want) {
		t.Errorf("deployment env = %v, want %v", got, want)
	}

	// The wire contract docs/testing.md describes.
	var posts []convexdeploy.Request
	var subscriptions []string
	for _, r := range d.Requests() {
		switch {
		case r.Method == "POST":
			posts = append(posts, r)
		case r.Method == "GET" && r.Path != "/api/1.48.0/sync":
			t.Errorf("unexpected request %s %s", r.Method, r.Path)
		case r.Method == "WS" && strings.Contains(string(r.Body), `"type":"ModifyQuerySet"`) && strings.Contains(string(r.Body), `"Add"`):
			var m struct {
				Modifications []struct {
					UDFPath string            `json:"udfPath"`
					Args    []json.RawMessage `json:"args"`
				} `json:"modifications"`
			}
			if err := json.Unmarshal(r.Body, &m); err != nil {
				t.Fatal(err)
			}
			for _, mod := range m.Modifications {
				subscriptions = append(subscriptions, mod.UDFPath+" "+string(mod.Args[0]))
			}
		case r.Method == "WS" && strings.Contains(string(r.Body), `"type":"Authenticate"`):
			if want := `{"type":"Authenticate","baseVersion":0,"tokenType":"Admin","value":"` + d.AdminKey + `"}`; string(r.Body) != want {
				t.Errorf("Authenticate = %s, want %s", r.Body, want)
			}
		}
	}
	wantBodies := []string{
		`{"changes":[{"name":"CLERK_JWT_ISSUER_DOMAIN","value":"https://happy-cat-12.clerk.accounts.dev"}]}`,
		`{"changes":[{"name":"CLERK_WEBHOOK_SECRET","value":"whsec_from stdin"}]}`,
		`{"changes":[{"name":"PRESET","value":null}]}`,
	}
	if len(posts) != len(wantBodies) {
		t.Fatalf("%d POSTs, want %d", len(posts), len(wantBodies))
	}
	for i, p := range posts {
		if p.Path != "/api/update_environment_variables" || string(p.Body) != wantBodies[i] {
			t.Errorf("POST %d: %s %s, want %s", i, p.Path, p.Body, wantBodies[i])
		}
		for h, v := range map[string]string{"Authorization": "Convex " + d.AdminKey, "Content-Type": "application/json", "Convex-Client": "npm-cli-1.48.0"} {
			if got := p.Header.Get(h); got != v {
				t.Errorf("POST %d: %s = %q, want %q", i, h, got, v)
			}
		}
	}
	wantSubs := []string{
		`_system/cli/queryEnvironmentVariables:get {"name":"CLERK_JWT_ISSUER_DOMAIN"}`,
		`_system/cli/queryEnvironmentVariables:get {"name":"MISSING"}`,
		`_system/cli/queryEnvironmentVariables:default {}`,
	}
	if !reflect.DeepEqual(subscriptions, wantSubs) {
		t.Errorf("subscriptions = %q, want %q", subscriptions, wantSubs)
	}
}

// The deployment can also come from the project's .env.local, as `npx convex` writes it for
// self-hosted backends.
func TestRealCLIDeploymentFromEnvLocal(t *testing.T) {
	for _, k := range []string{"CONVEX_SELF_HOSTED_URL", "CONVEX_SELF_HOSTED_ADMIN_KEY"} {
		if v, ok := os.LookupEnv(k); ok {
			t.Setenv(k, v) // restored after the test
			os.Unsetenv(k)
		}
	}
	dir := nodeharness.NewProject(t)
	d := convexdeploy.New(convexdeploy.Options{})
	defer d.Close()
	envLocal := "# Deployment used by `npx convex dev`\nCONVEX_SELF_HOSTED_URL=" + d.URL + "\nCONVEX_SELF_HOSTED_ADMIN_KEY='" + d.AdminKey + "'\n"
	if err := os.WriteFile(filepath.Join(dir, ".env.local"), []byte(envLocal), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"CONVEX_DEPLOYMENT=", "CONVEX_DEPLOY_KEY=", "CI=1", "npm_config_update_notifier=false", "npm_config_loglevel=error"}
	npxConvex(t, dir, env, "", "env", "set", "A", "from .env.local").expect(t, 0, "")
	if got := d.Env()["A"]; got != "from .env.local" {
		t.Errorf("A = %q", got)
	}
}

func TestRealCLIFailures(t *testing.T) {
	const badKeyMessage = "The provided deploy key was invalid for deployment 'clerkconvex-fake'. Double check that the environment this key was generated for matches the desired deployment."
	tests := []struct {
		name      string
		opts      convexdeploy.Options
		key       string // "" means the deployment's own key
		args      []string
		stderrHas []string
	}{
		{
			name:      "set with a wrong key",
			key:       "clerkconvex-fake|wrong",
			args:      []string{"env", "set", "A", "b"},
			stderrHas: []string{"✖ " + badKeyMessage},
		},
		{
			name:      "get with a wrong key",
			key:       "clerkconvex-fake|wrong",
			args:      []string{"env", "get", "A"},
			stderrHas: []string{`Failed to authenticate: "` + badKeyMessage + `", check your server auth config`},
		},
		{
			name:      "list with a rotated key",
			opts:      convexdeploy.Options{RejectAllKeys: true},
			args:      []string{"env", "list"},
			stderrHas: []string{`Failed to authenticate: "` + badKeyMessage + `"`},
		},
		{
			name:      "deployment failing updates",
			opts:      convexdeploy.Options{FailUpdates: true},
			args:      []string{"env", "set", "A", "b"},
			stderrHas: []string{"/api/update_environment_variables 500 Internal Server Error: InternalServerError: Your request couldn't be completed. Try again later."},
		},
		{
			name:      "--prod is refused for a self-hosted deployment",
			args:      []string{"env", "set", "A", "b", "--prod"},
			stderrHas: []string{"✖ The `--prod`, `--preview-name`, and `--deployment-name` flags cannot be used with a self-hosted deployment."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := nodeharness.NewProject(t)
			tt.opts.Env = map[string]string{"A": "unchanged"}
			d := convexdeploy.New(tt.opts)
			defer d.Close()
			key := tt.key
			if key == "" {
				key = d.AdminKey
			}
			r := npxConvex(t, dir, nodeharness.CLIEnv(d.URL, key), "", tt.args...)
			if r.code != 1 {
				t.Errorf("exit %d, want 1\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
			}
			for _, s := range tt.stderrHas {
				if !strings.Contains(r.stderr, s) {
					t.Errorf("stderr does not contain %q:\n%s", s, r.stderr)
				}
			}
			if got := d.Env()["A"]; got != "unchanged" {
				t.Errorf("A = %q after a failed call", got)
			}
		})
	}
}

// Without package.json depending on convex, the CLI refuses before any request.
func TestRealCLINeedsConvexDependency(t *testing.T) {
	dir := nodeharness.NewProject(t)
	if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"dependencies": {}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	d := convexdeploy.New(convexdeploy.Options{})
	defer d.Close()
	npxConvex(t, dir, nodeharness.CLIEnv(d.URL, d.AdminKey), "", "env", "set", "A", "b").
		expect(t, 1, "", "In order to env set, add `convex` to your package.json dependencies.")
	if n := len(d.Requests()); n != 0 {
		t.Errorf("%d requests, want none", n)
	}
}
