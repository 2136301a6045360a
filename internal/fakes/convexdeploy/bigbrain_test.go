package convexdeploy_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/clerkconvex/clerkconvex/internal/fakes/convexdeploy"
	"github.com/clerkconvex/clerkconvex/internal/testutil/nodeharness"
)

// cloudEnv is the environment for the real CLI in a cloud project run against a fake
// control plane: the test process's environment without any variable that selects a
// deployment (CONVEX_DEPLOYMENT must come from .env.local, and dotenv never overrides a
// variable that is set, even to ""), plus the control plane's variables and CI=1.
func cloudEnv(b *convexdeploy.BigBrain) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "CONVEX_") || name == "CI" {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, b.CLIEnv()...)
	return append(env, "CI=1", "npm_config_update_notifier=false", "npm_config_loglevel=error")
}

// npxIn runs `npx convex <args>` in dir with exactly env (not added to the current one).
func npxIn(t *testing.T, dir string, env []string, args ...string) cliResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "npx", append([]string{"convex"}, args...)...)
	cmd.Dir, cmd.Env = dir, env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
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
	return cliResult{stdout: stdout.String(), stderr: stderr.String(), code: code, took: time.Since(start)}
}

func newCloud(t *testing.T) (dev, prod *convexdeploy.Deployment, b *convexdeploy.BigBrain, dir string) {
	t.Helper()
	dev = convexdeploy.New(convexdeploy.Options{InstanceName: "happy-otter-123", AdminKey: "dev:happy-otter-123|devkey"})
	prod = convexdeploy.New(convexdeploy.Options{InstanceName: "clever-heron-456", AdminKey: "prod:clever-heron-456|prodkey"})
	b = convexdeploy.NewBigBrain(convexdeploy.BigBrainOptions{Dev: dev, Prod: prod})
	t.Cleanup(func() { b.Close(); dev.Close(); prod.Close() })
	dir = nodeharness.NewProject(t)
	if err := os.WriteFile(filepath.Join(dir, ".env.local"), []byte("# Deployment used by `npx convex dev`\n"+b.DotEnvLine()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return dev, prod, b, dir
}

// The real CLI in a cloud project (CONVEX_DEPLOYMENT=dev:<name> in .env.local, logged in)
// asks the control plane for credentials: the dev deployment's without --prod, the
// production deployment's with it. Each goes to its own deployment and nowhere else.
func TestRealCLIBigBrainProd(t *testing.T) {
	cases := []struct {
		name     string
		prod     bool
		wantPath []string // control-plane requests, in order
	}{
		{
			name: "without --prod: the dev deployment",
			wantPath: []string{
				"GET /api/deployment/happy-otter-123/team_and_project",
				`POST /api/deployment/authorize_within_current_project {"selectedDeploymentName":"happy-otter-123","projectSelection":{"kind":"deploymentName","deploymentName":"happy-otter-123","deploymentType":"dev"}}`,
			},
		},
		{
			name: "--prod: the production deployment",
			prod: true,
			wantPath: []string{
				"GET /api/deployment/happy-otter-123/team_and_project",
				`POST /api/deployment/authorize_prod {"deploymentName":"happy-otter-123"}`,
			},
		},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dev, prod, b, dir := newCloud(t)
			args := []string{"env", "set", "CLERK_JWT_ISSUER_DOMAIN", "https://clerk.example.com"}
			target, other, notice := dev, prod, "(on dev deployment happy-otter-123)"
			if tt.prod {
				args = append(args, "--prod")
				target, other, notice = prod, dev, "(on prod deployment clever-heron-456)"
			}
			npxIn(t, dir, cloudEnv(b), args...).expect(t, 0, "", "Successfully set CLERK_JWT_ISSUER_DOMAIN", notice)
			if got := target.Env(); !reflect.DeepEqual(got, map[string]string{"CLERK_JWT_ISSUER_DOMAIN": "https://clerk.example.com"}) {
				t.Errorf("target deployment env = %v", got)
			}
			if got := other.Env(); len(got) != 0 || len(other.Requests()) != 0 {
				t.Errorf("the other deployment was touched: env %v, %d requests", got, len(other.Requests()))
			}
			var got []string
			for _, r := range b.Requests() {
				line := r.Method + " " + r.Path
				if len(r.Body) > 0 {
					line += " " + string(r.Body)
				}
				got = append(got, line)
				if h := r.Header.Get("Authorization"); h != "Bearer "+b.AccessToken {
					t.Errorf("%s: Authorization %q", line, h)
				}
				if h := r.Header.Get("Convex-Client"); h != "npm-cli-1.48.0" {
					t.Errorf("%s: Convex-Client %q", line, h)
				}
			}
			if !reflect.DeepEqual(got, tt.wantPath) {
				t.Errorf("control-plane requests:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.wantPath, "\n"))
			}
			// env get goes to the same deployment's WebSocket with the key the control plane
			// handed out.
			getArgs := []string{"env", "get", "CLERK_JWT_ISSUER_DOMAIN"}
			if tt.prod {
				getArgs = append(getArgs, "--prod")
			}
			npxIn(t, dir, cloudEnv(b), getArgs...).expect(t, 0, "https://clerk.example.com\n")
		})
	}
}

// The control plane's refusals reach the user as the CLI's own messages, and no deployment
// is contacted.
func TestRealCLIBigBrainRefusals(t *testing.T) {
	tests := []struct {
		name      string
		env       []string // added to cloudEnv
		envLocal  string   // replaces .env.local when set
		stderrHas []string
		requests  int // control-plane requests: each refusal is final (no retry on a status)
	}{
		{
			name:      "wrong access token",
			env:       []string{"CONVEX_OVERRIDE_ACCESS_TOKEN=wrong"},
			stderrHas: []string{"401 Unauthorized: Unauthenticated: Could not verify the access token", "Authenticate with `npx convex dev`"},
			requests:  1,
		},
		{
			name:      "deployment of another project",
			envLocal:  "CONVEX_DEPLOYMENT=dev:nope-9\n",
			stderrHas: []string{"✖ You don't have access to the selected project. Run `npx convex dev` to select a different project."},
			requests:  1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dev, prod, b, dir := newCloud(t)
			if tt.envLocal != "" {
				if err := os.WriteFile(filepath.Join(dir, ".env.local"), []byte(tt.envLocal), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			npxIn(t, dir, append(cloudEnv(b), tt.env...), "env", "set", "A", "b", "--prod").expect(t, 1, "", tt.stderrHas...)
			if n := len(b.Requests()); n != tt.requests {
				t.Errorf("%d control-plane requests, want %d", n, tt.requests)
			}
			if len(dev.Requests())+len(prod.Requests()) != 0 {
				t.Error("a deployment was contacted")
			}
		})
	}
}

// The fake's routes, without the CLI.
func TestBigBrainRoutes(t *testing.T) {
	dev := convexdeploy.New(convexdeploy.Options{})
	prod := convexdeploy.New(convexdeploy.Options{})
	james := convexdeploy.New(convexdeploy.Options{})
	b := convexdeploy.NewBigBrain(convexdeploy.BigBrainOptions{Dev: dev, Prod: prod, AccessToken: "tok",
		Named: []convexdeploy.Named{{Name: "quiet-lynx-321", Reference: "dev/james", Type: "dev", Deployment: james}}})
	defer func() { b.Close(); dev.Close(); prod.Close(); james.Close() }()
	const proj = "/v1/teams/clerkconvex-team/projects/clerkconvex-project"
	tests := []struct {
		name, method, path, token, body string
		wantStatus                      int
		wantHas                         []string
	}{
		{"team and project", "GET", "/api/deployment/happy-otter-123/team_and_project", "tok", "", 200, []string{`"team":"clerkconvex-team"`, `"project":"clerkconvex-project"`}},
		{"team and project of prod", "GET", "/api/deployment/clever-heron-456/team_and_project", "tok", "", 200, []string{`"team":"clerkconvex-team"`}},
		{"unknown deployment", "GET", "/api/deployment/nope-1/team_and_project", "tok", "", 404, []string{`"code":"DeploymentNotFound"`}},
		{"dev credentials", "POST", "/api/deployment/provision_and_authorize", "tok", `{"teamSlug":"clerkconvex-team","projectSlug":"clerkconvex-project","deploymentType":"dev"}`, 200, []string{`"url":"` + dev.URL + `"`, `"adminKey":"` + dev.AdminKey + `"`, `"deploymentType":"dev"`}},
		{"prod credentials by slugs", "POST", "/api/deployment/provision_and_authorize", "tok", `{"teamSlug":"clerkconvex-team","projectSlug":"clerkconvex-project","deploymentType":"prod"}`, 200, []string{`"url":"` + prod.URL + `"`, `"deploymentName":"clever-heron-456"`}},
		{"other project", "POST", "/api/deployment/provision_and_authorize", "tok", `{"teamSlug":"x","projectSlug":"y","deploymentType":"dev"}`, 404, []string{`"code":"ProjectNotFound"`}},
		{"bad deployment type", "POST", "/api/deployment/provision_and_authorize", "tok", `{"teamSlug":"clerkconvex-team","projectSlug":"clerkconvex-project","deploymentType":"preview"}`, 400, []string{`"code":"BadJsonBody"`}},
		{"dev by name", "POST", "/api/deployment/authorize_within_current_project", "tok", `{"selectedDeploymentName":"happy-otter-123","projectSelection":{}}`, 200, []string{`"url":"` + dev.URL + `"`, `"deploymentType":"dev"`}},
		{"prod by name", "POST", "/api/deployment/authorize_within_current_project", "tok", `{"selectedDeploymentName":"clever-heron-456"}`, 200, []string{`"url":"` + prod.URL + `"`, `"deploymentType":"prod"`}},
		{"unknown by name", "POST", "/api/deployment/authorize_within_current_project", "tok", `{"selectedDeploymentName":"nope-1"}`, 404, []string{`"code":"DeploymentNotFound"`}},
		{"authorize prod", "POST", "/api/deployment/authorize_prod", "tok", `{"deploymentName":"happy-otter-123"}`, 200, []string{`"url":"` + prod.URL + `"`, `"adminKey":"` + prod.AdminKey + `"`, `"deploymentType":"prod"`}},
		{"authorize prod, unknown", "POST", "/api/deployment/authorize_prod", "tok", `{"deploymentName":"nope-1"}`, 404, []string{`"code":"DeploymentNotFound"`}},
		{"named: team and project", "GET", "/api/deployment/quiet-lynx-321/team_and_project", "tok", "", 200, []string{`"project":"clerkconvex-project"`}},
		{"named: by name", "POST", "/api/deployment/authorize_within_current_project", "tok", `{"selectedDeploymentName":"quiet-lynx-321"}`, 200, []string{`"url":"` + james.URL + `"`, `"adminKey":"` + james.AdminKey + `"`, `"reference":"dev/james"`, `"isDefault":false`}},
		{"named: by reference", "GET", proj + "/deployment?reference=dev%2Fjames", "tok", "", 200, []string{`"name":"quiet-lynx-321"`, `"deploymentType":"dev"`}},
		{"default dev by query", "GET", proj + "/deployment?defaultDev=true", "tok", "", 200, []string{`"name":"happy-otter-123"`}},
		{"unknown reference", "GET", proj + "/deployment?reference=staging", "tok", "", 404, []string{`"code":"DeploymentNotFound"`}},
		{"reference in another project", "GET", "/v1/teams/clerkconvex-team/projects/other/deployment?reference=dev%2Fjames", "tok", "", 404, []string{`"code":"ProjectNotFound"`}},
		{"project", "GET", proj, "tok", "", 200, []string{`"slug":"clerkconvex-project"`}},
		{"reference without a login", "GET", proj + "/deployment?reference=dev%2Fjames", "", "", 401, []string{`"code":"Unauthenticated"`}},
		{"wrong token", "GET", "/api/deployment/happy-otter-123/team_and_project", "nope", "", 401, []string{`"code":"Unauthenticated"`}},
		{"no token", "POST", "/api/deployment/authorize_prod", "", `{"deploymentName":"happy-otter-123"}`, 401, nil},
		{"other route", "GET", "/api/teams", "tok", "", 404, []string{`"code":"NotFound"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, b.URL+tt.path, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if tt.token != "" {
				req.Header.Set("Authorization", "Bearer "+tt.token)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status %d, want %d: %s", resp.StatusCode, tt.wantStatus, body)
			}
			if !json.Valid(body) {
				t.Errorf("body is not JSON: %s", body)
			}
			for _, s := range tt.wantHas {
				if !strings.Contains(string(body), s) {
					t.Errorf("body %s does not contain %s", body, s)
				}
			}
		})
	}
	if n := len(b.Requests()); n != len(tests) {
		t.Errorf("%d requests recorded, want %d", n, len(tests))
	}
	if got, want := b.DotEnvLine(), "CONVEX_DEPLOYMENT=dev:happy-otter-123 # team: clerkconvex-team, project: clerkconvex-project"; got != want {
		t.Errorf("DotEnvLine = %q, want %q", got, want)
	}
}
