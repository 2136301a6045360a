package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/fakes/clerkapi"
	"github.com/clerkconvex/clerkconvex/internal/fakes/convexdeploy"
	"github.com/clerkconvex/clerkconvex/internal/testutil/nodeharness"
)

// End-to-end tests of `clerkconvex init` against the real clients a user has: the built
// clerkconvex drives the real `npx convex` 1.48.0 (test/node, resolved through the project's
// node_modules symlink — not the fake npx testscript.Main puts on PATH) against fake Convex
// deployments, and every file it generates is compiled by the real tsc against the real
// convex types. Only Clerk's API and Convex's servers are fakes. docs/testing.md describes
// the setup; these tests need `npm ci --prefix test/node` and fail without it.

// realEnv is a child environment in which `npx` is the real one.
type realEnv struct {
	bin  string // clerkconvex (a link to the test binary, named so testscript.Main runs the CLI)
	path string // PATH: bin's folder, then the test's PATH without testscript's folder (fake npx)
}

func newRealEnv(t testing.TB) realEnv {
	t.Helper()
	nodeharness.Dir(t) // fail early, with the install hint, when the harness is missing
	self, err := exec.LookPath("clerkconvex")
	if err != nil {
		t.Fatalf("testscript.Main did not put clerkconvex on PATH: %v", err)
	}
	fakeDir := filepath.Dir(self)
	var dirs []string
	for _, d := range filepath.SplitList(os.Getenv("PATH")) {
		if d != "" && d != fakeDir {
			dirs = append(dirs, d)
		}
	}
	binDir := filepath.Join(t.TempDir(), "bin")
	if err := os.Mkdir(binDir, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(binDir, "clerkconvex")
	if err := os.Symlink(self, bin); err != nil {
		t.Fatal(err)
	}
	path := strings.Join(append([]string{binDir}, dirs...), string(os.PathListSeparator))

	// The npx the CLI will find must be a real one, not testscript's fake.
	npx := lookPathIn("npx", path)
	if npx == "" {
		t.Fatalf("npx is not on PATH (%s): install Node.js ≥ 18 and npm, then run `npm ci --prefix test/node`", path)
	}
	if a, errA := os.Stat(npx); errA == nil {
		if b, errB := os.Stat(self); errB == nil && os.SameFile(a, b) {
			t.Fatalf("npx on the test PATH is the fake (%s)", npx)
		}
	}
	return realEnv{bin: bin, path: path}
}

func lookPathIn(name, path string) string {
	for _, d := range filepath.SplitList(path) {
		p := filepath.Join(d, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p
		}
	}
	return ""
}

// environ is the child's environment: the test's, minus everything that selects a Convex
// deployment or configures clerkconvex (the project's .env.local must decide, and dotenv
// never overrides a variable that is set, even to ""), plus extra.
func (e realEnv) environ(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(name, "CONVEX_"), strings.HasPrefix(name, "CLERK_"), strings.HasPrefix(name, "CLERKCONVEX_"),
			strings.HasPrefix(name, "VITE_"), strings.HasPrefix(name, "NEXT_PUBLIC_"),
			name == "PATH", name == "CI", name == "NO_COLOR", strings.HasPrefix(name, "FAKE_NPX_"),
			strings.HasPrefix(name, "npm_config_"):
			continue
		}
		env = append(env, kv)
	}
	env = append(env,
		"PATH="+e.path,
		// CI=1 keeps the convex CLI from trying to send Sentry reports (it can hang offline);
		// it also tells clerkconvex there is nobody to prompt.
		"CI=1",
		"NO_COLOR=1",
		"npm_config_update_notifier=false",
		"npm_config_loglevel=error",
	)
	return append(env, extra...)
}

type runResult struct {
	stdout, stderr string
	code           int
}

func (r runResult) String() string {
	return fmt.Sprintf("exit %d\n--- stdout\n%s--- stderr\n%s", r.code, r.stdout, r.stderr)
}

// run runs name (clerkconvex's path, or "npx") in dir with env.
func run(t *testing.T, dir string, env []string, name string, args ...string) runResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if name == "npx" {
		for _, kv := range env {
			if p, ok := strings.CutPrefix(kv, "PATH="); ok {
				name = lookPathIn("npx", p)
			}
		}
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir, cmd.Env = dir, env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%s %s did not finish in 90s\nstdout: %s\nstderr: %s", filepath.Base(name), strings.Join(args, " "), stdout.String(), stderr.String())
	}
	r := runResult{stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s %s: %v", name, clerk.RedactSecrets(strings.Join(args, " ")), err)
	}
	t.Logf("%s %s: exit %d in %v", filepath.Base(name), clerk.RedactSecrets(strings.Join(args, " ")), r.code, time.Since(start).Round(time.Millisecond))
	return r
}

// realProject is a temporary Convex project wired to the real CLI, with files.
func realProject(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := nodeharness.NewProject(t) // package.json depending on convex + node_modules link
	files["package.json"] = `{"name":"app","private":true,"dependencies":{"vite":"7.0.0","convex":"1.48.0","@clerk/clerk-react":"5.0.0"}}` + "\n"
	for rel, body := range files {
		writeFile(t, dir, rel, []byte(body), 0o600)
	}
	return dir
}

func newClerk(t *testing.T) *clerkapi.Server {
	t.Helper()
	s := clerkapi.New(clerkapi.Options{Instances: []clerkapi.Instance{
		{SecretKey: sk1, FrontendAPIURL: "https://" + host1},
		{SecretKey: skL, FrontendAPIURL: "https://" + hostL},
	}})
	t.Cleanup(s.Close)
	return s
}

// newDeployment is a fake Convex deployment, closed when the test ends.
func newDeployment(t *testing.T) *convexdeploy.Deployment {
	t.Helper()
	d := convexdeploy.New(convexdeploy.Options{})
	t.Cleanup(d.Close)
	return d
}

// selfHostedEnvLocal is the .env.local that points the convex CLI at d as a self-hosted
// deployment, with d's admin key.
func selfHostedEnvLocal(d *convexdeploy.Deployment) string {
	return "CONVEX_SELF_HOSTED_URL=" + d.URL + "\nCONVEX_SELF_HOSTED_ADMIN_KEY='" + d.AdminKey + "'\n"
}

// writeFile writes data to rel (slash-separated) under dir with perm, creating the folders.
func writeFile(t testing.TB, dir, rel string, data []byte, perm os.FileMode) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, perm); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, dir, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func wantFile(t *testing.T, dir, rel, want string) {
	t.Helper()
	if got := readFile(t, dir, rel); got != want {
		t.Errorf("%s:\n%s\nwant:\n%s", rel, got, want)
	}
}

func wantEnv(t *testing.T, what string, d *convexdeploy.Deployment, want map[string]string) {
	t.Helper()
	got := d.Env()
	if want == nil {
		want = map[string]string{}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s deployment env = %v, want %v", what, got, want)
	}
}

// wantStderr fails for each of subs that r's stderr does not contain.
func wantStderr(t *testing.T, r runResult, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("stderr does not contain %q\n%s", s, r)
		}
	}
}

// noSecret fails when a Clerk secret key appears in s.
func noSecret(t *testing.T, what, s string) {
	t.Helper()
	for _, k := range []string{sk1, skL} {
		if strings.Contains(s, k) {
			t.Errorf("%s holds a secret key:\n%s", what, s)
		}
	}
}

// wantConvexTemplate checks that Clerk now has exactly one JWT template, "convex", aud "convex".
func wantConvexTemplate(t *testing.T, c *clerkapi.Server, sk string) {
	t.Helper()
	ts := c.Templates(sk)
	if len(ts) != 1 || ts[0].Name != "convex" {
		t.Fatalf("Clerk templates = %+v, want one named convex", ts)
	}
	var claims map[string]any
	if err := json.Unmarshal(ts[0].Claims, &claims); err != nil || claims["aud"] != "convex" {
		t.Errorf("template claims %s: aud is not \"convex\" (%v)", ts[0].Claims, err)
	}
}

// The provider init writes for Clerk in a .ts file.
const clerkProviderTS = `    {
      domain: process.env.CLERK_JWT_ISSUER_DOMAIN!,
      applicationID: "convex",
    },
`

// A provider of the user's own, in the auth.config files the merge tests start from.
const cliProvider = `    {
      type: "customJwt",
      applicationID: "cli",
      issuer: "https://auth.example.com",
      jwks: "https://auth.example.com/.well-known/jwks.json",
      algorithm: "RS256",
    },
`

// The auth.config.ts init creates in a fresh project.
const freshAuthConfigTS = `import type { AuthConfig } from "convex/server";

export default {
  providers: [
` + clerkProviderTS + `  ],
} satisfies AuthConfig;
`

// A self-hosted project (the deployment in .env.local, as for `npx convex dev` with a
// self-hosted backend) in a fresh folder: init sets the variable through the real CLI, which
// then reads it back; the new auth.config.ts compiles.
func TestRealCLIInit(t *testing.T) {
	t.Parallel()
	e := newRealEnv(t)
	c := newClerk(t)
	d := newDeployment(t)
	envLocal := "# self-hosted backend\n" + selfHostedEnvLocal(d)
	dir := realProject(t, map[string]string{".env.local": envLocal})
	env := e.environ("CLERK_API_URL=" + c.URL)
	pk := clerk.EncodePublishableKey(host1, false)

	r := run(t, dir, env, e.bin, "init", "--no-input", "--secret-key", sk1, "--publishable-key", pk)
	if r.code != 0 {
		t.Fatalf("init:\n%s", r)
	}
	if !strings.Contains(r.stdout, "Convex dev deployment: CLERK_JWT_ISSUER_DOMAIN=https://"+host1+"\n") {
		t.Errorf("init does not report the variable as set:\n%s", r)
	}
	noSecret(t, "init's output", r.stdout+r.stderr)
	wantEnv(t, "the", d, map[string]string{"CLERK_JWT_ISSUER_DOMAIN": "https://" + host1})
	wantConvexTemplate(t, c, sk1)
	wantFile(t, dir, ".env.local", envLocal+
		"VITE_CLERK_PUBLISHABLE_KEY="+pk+"\n"+
		"CLERK_SECRET_KEY="+sk1+"\n"+
		"CLERK_JWT_ISSUER_DOMAIN=https://"+host1+"\n")
	wantFile(t, dir, "convex/auth.config.ts", freshAuthConfigTS)

	// What the user would check by hand.
	g := run(t, dir, env, "npx", "convex", "env", "get", "CLERK_JWT_ISSUER_DOMAIN")
	if g.code != 0 || g.stdout != "https://"+host1+"\n" {
		t.Errorf("npx convex env get CLERK_JWT_ISSUER_DOMAIN:\n%s", g)
	}
	nodeharness.TypeCheck(t, dir, "convex/auth.config.ts")
}

// A deployment that rejects the admin key: init still writes its files (correctly), reports
// the CLI's own error and the command to run by hand, and exits 1. Once the key is fixed, a
// rerun sets the variable and changes nothing else.
func TestRealCLIInitWrongAdminKey(t *testing.T) {
	t.Parallel()
	e := newRealEnv(t)
	c := newClerk(t)
	d := newDeployment(t)
	envLocal := "CONVEX_SELF_HOSTED_URL=" + d.URL + "\nCONVEX_SELF_HOSTED_ADMIN_KEY=clerkconvex-fake|0123wrong\n"
	dir := realProject(t, map[string]string{".env.local": envLocal})
	env := e.environ("CLERK_API_URL=" + c.URL)
	pk := clerk.EncodePublishableKey(host1, false)

	r := run(t, dir, env, e.bin, "init", "--no-input", "--secret-key", sk1, "--publishable-key", pk)
	if r.code != 1 {
		t.Fatalf("init with a rejected admin key: want exit 1\n%s", r)
	}
	manual := "npx convex env set CLERK_JWT_ISSUER_DOMAIN https://" + host1
	wantStderr(t, r,
		"Convex variable CLERK_JWT_ISSUER_DOMAIN not set on the dev deployment",
		// the real CLI's message for the deployment's 403 BadDeployKey
		"The provided deploy key was invalid for deployment 'clerkconvex-fake'",
		manual,
	)
	if !strings.Contains(r.stdout, "CLERK_JWT_ISSUER_DOMAIN NOT set; run: "+manual+"\n") {
		t.Errorf("stdout does not give the manual command:\n%s", r)
	}
	noSecret(t, "init's output", r.stdout+r.stderr)
	wantEnv(t, "the", d, nil)
	wantConvexTemplate(t, c, sk1)
	wantEnvLocal := envLocal +
		"VITE_CLERK_PUBLISHABLE_KEY=" + pk + "\n" +
		"CLERK_SECRET_KEY=" + sk1 + "\n" +
		"CLERK_JWT_ISSUER_DOMAIN=https://" + host1 + "\n"
	wantFile(t, dir, ".env.local", wantEnvLocal)
	wantFile(t, dir, "convex/auth.config.ts", freshAuthConfigTS)
	nodeharness.TypeCheck(t, dir, "convex/auth.config.ts")

	// Fix the key (first line of .env.local kept, second replaced) and rerun.
	fixed := strings.Replace(wantEnvLocal, "clerkconvex-fake|0123wrong", "'"+d.AdminKey+"'", 1)
	if err := os.WriteFile(filepath.Join(dir, ".env.local"), []byte(fixed), 0o600); err != nil {
		t.Fatal(err)
	}
	r = run(t, dir, env, e.bin, "init", "--no-input")
	if r.code != 0 || !strings.Contains(r.stdout, "Nothing to change in Clerk or in your files.") {
		t.Fatalf("rerun after fixing the key:\n%s", r)
	}
	wantEnv(t, "the", d, map[string]string{"CLERK_JWT_ISSUER_DOMAIN": "https://" + host1})
	wantFile(t, dir, ".env.local", fixed)
	wantFile(t, dir, "convex/auth.config.ts", freshAuthConfigTS)
}

// cloudProject is a Convex cloud project as `npx convex dev` leaves it: CONVEX_DEPLOYMENT in
// .env.local, the user logged in. The fake control plane hands out the two fake deployments'
// credentials, so the CLI's own deployment selection (dev, or prod with --prod) is exercised.
func cloudProject(t *testing.T, e realEnv, c *clerkapi.Server, files map[string]string) (dir string, env []string, dev, prod *convexdeploy.Deployment) {
	t.Helper()
	dir, env, dev, prod, _ = cloudProjectBB(t, e, c, files)
	return dir, env, dev, prod
}

// cloudProjectBB is cloudProject that also returns the fake control plane (project defaults),
// which knows the project's named deployments too (--deployment).
func cloudProjectBB(t *testing.T, e realEnv, c *clerkapi.Server, files map[string]string, named ...convexdeploy.Named) (dir string, env []string, dev, prod *convexdeploy.Deployment, bb *convexdeploy.BigBrain) {
	t.Helper()
	dev = convexdeploy.New(convexdeploy.Options{InstanceName: "happy-otter-123"})
	prod = convexdeploy.New(convexdeploy.Options{InstanceName: "clever-heron-456"})
	bb = convexdeploy.NewBigBrain(convexdeploy.BigBrainOptions{Dev: dev, Prod: prod, Named: named})
	t.Cleanup(func() { bb.Close(); dev.Close(); prod.Close() })
	files[".env.local"] = "# Deployment used by `npx convex dev`\n" + bb.DotEnvLine() + "\n"
	dir = realProject(t, files)
	return dir, e.environ(append(bb.CLIEnv(), "CLERK_API_URL="+c.URL)...), dev, prod, bb
}

// An existing auth.config.ts with a customJwt provider: init merges the Clerk provider in,
// and the result still compiles against convex's AuthConfig. The variable goes to the dev
// deployment of a cloud project, not to production.
func TestRealCLIInitMergedAuthConfig(t *testing.T) {
	t.Parallel()
	e := newRealEnv(t)
	c := newClerk(t)
	existing := `import type { AuthConfig } from "convex/server";

// Our own tokens for the CLI.
export default {
  providers: [
` + cliProvider + `  ],
} satisfies AuthConfig;
`
	dir, env, dev, prod := cloudProject(t, e, c, map[string]string{"convex/auth.config.ts": existing})
	pk := clerk.EncodePublishableKey(host1, false)
	r := run(t, dir, env, e.bin, "init", "--no-input", "--secret-key", sk1, "--publishable-key", pk)
	// The deployment named is the one the CLI reports it changed.
	if r.code != 0 || !strings.Contains(r.stdout, "Convex dev deployment happy-otter-123: CLERK_JWT_ISSUER_DOMAIN=https://"+host1+"\n") {
		t.Fatalf("init:\n%s", r)
	}
	wantEnv(t, "dev", dev, map[string]string{"CLERK_JWT_ISSUER_DOMAIN": "https://" + host1})
	wantEnv(t, "prod", prod, nil)
	if n := len(prod.Requests()); n != 0 {
		t.Errorf("the production deployment got %d requests", n)
	}
	wantFile(t, dir, "convex/auth.config.ts", `import type { AuthConfig } from "convex/server";

// Our own tokens for the CLI.
export default {
  providers: [
`+cliProvider+clerkProviderTS+`  ],
} satisfies AuthConfig;
`)
	if got := readFile(t, dir, ".env.local"); !strings.HasPrefix(got, "# Deployment used by `npx convex dev`\nCONVEX_DEPLOYMENT=dev:happy-otter-123 # team: clerkconvex-team, project: clerkconvex-project\n") {
		t.Errorf(".env.local lost its CONVEX_DEPLOYMENT line:\n%s", got)
	}
	nodeharness.TypeCheck(t, dir, "convex/auth.config.ts")
}

// --prod with live keys in a cloud project: the real CLI resolves the production deployment
// through the control plane; the variable lands there and nowhere else.
func TestRealCLIInitProd(t *testing.T) {
	t.Parallel()
	e := newRealEnv(t)
	c := newClerk(t)
	dir, env, dev, prod := cloudProject(t, e, c, map[string]string{})
	pk := clerk.EncodePublishableKey(hostL, true)
	r := run(t, dir, env, e.bin, "init", "--no-input", "--prod", "--secret-key", skL, "--publishable-key", pk)
	if r.code != 0 || !strings.Contains(r.stdout, "Convex prod deployment clever-heron-456: CLERK_JWT_ISSUER_DOMAIN=https://"+hostL+"\n") {
		t.Fatalf("init --prod:\n%s", r)
	}
	noSecret(t, "init's output", r.stdout+r.stderr)
	wantEnv(t, "prod", prod, map[string]string{"CLERK_JWT_ISSUER_DOMAIN": "https://" + hostL})
	wantEnv(t, "dev", dev, nil)
	if n := len(dev.Requests()); n != 0 {
		t.Errorf("the dev deployment got %d requests", n)
	}
	wantConvexTemplate(t, c, skL)
	g := run(t, dir, env, "npx", "convex", "env", "get", "CLERK_JWT_ISSUER_DOMAIN", "--prod")
	if g.code != 0 || g.stdout != "https://"+hostL+"\n" {
		t.Errorf("npx convex env get CLERK_JWT_ISSUER_DOMAIN --prod:\n%s", g)
	}
	wantFile(t, dir, "convex/auth.config.ts", freshAuthConfigTS)
	nodeharness.TypeCheck(t, dir, "convex/auth.config.ts")
}

// --prod with a self-hosted deployment: the real CLI refuses (a self-hosted backend has no
// production deployment to select); init passes its message on with the manual command.
func TestRealCLIInitProdSelfHosted(t *testing.T) {
	t.Parallel()
	e := newRealEnv(t)
	c := newClerk(t)
	d := newDeployment(t)
	dir := realProject(t, map[string]string{".env.local": selfHostedEnvLocal(d)})
	r := run(t, dir, e.environ("CLERK_API_URL="+c.URL), e.bin, "init", "--no-input", "--prod", "--secret-key", skL, "--publishable-key", clerk.EncodePublishableKey(hostL, true))
	if r.code != 1 {
		t.Fatalf("want exit 1:\n%s", r)
	}
	wantStderr(t, r,
		"The `--prod`, `--preview-name`, and `--deployment-name` flags cannot be used with a self-hosted deployment.",
		"npx convex env set CLERK_JWT_ISSUER_DOMAIN https://"+hostL+" --prod",
	)
	wantEnv(t, "the", d, nil)
	if n := len(d.Requests()); n != 0 {
		t.Errorf("the deployment got %d requests", n)
	}
}

// An existing auth.config.js: init merges the Clerk provider in JavaScript (no `!`, no
// `satisfies`), and the result passes tsc with checkJs. A control shows the same check
// rejects a JavaScript type error, so it is really checking.
func TestRealCLIInitMergedAuthConfigJS(t *testing.T) {
	t.Parallel()
	t.Run("check is live", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		nodeharness.LinkNodeModules(t, dir)
		src := "export default { providers: [{ domain: process.env.CLERK_JWT_ISSUER_DOMAIN.trim(), applicationID: \"convex\" }] };\n"
		if err := os.WriteFile(filepath.Join(dir, "auth.config.js"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		err := nodeharness.CheckTypesJS(t, dir, "auth.config.js")
		if err == nil || !strings.Contains(err.Error(), "TS18048") { // 'X' is possibly 'undefined'
			t.Fatalf("checkJs accepted a possibly-undefined dereference: %v", err)
		}
	})

	e := newRealEnv(t)
	c := newClerk(t)
	d := newDeployment(t)
	existing := `// Our own tokens for the CLI.
export default {
  providers: [
` + cliProvider + `  ],
};
`
	dir := realProject(t, map[string]string{
		".env.local":            selfHostedEnvLocal(d),
		"convex/auth.config.js": existing,
	})
	r := run(t, dir, e.environ("CLERK_API_URL="+c.URL), e.bin, "init", "--no-input", "--secret-key", sk1, "--publishable-key", clerk.EncodePublishableKey(host1, false))
	if r.code != 0 || !strings.Contains(r.stdout, "convex/auth.config.js updated") {
		t.Fatalf("init:\n%s", r)
	}
	wantEnv(t, "the", d, map[string]string{"CLERK_JWT_ISSUER_DOMAIN": "https://" + host1})
	if _, err := os.Stat(filepath.Join(dir, "convex", "auth.config.ts")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("init created auth.config.ts next to auth.config.js (%v)", err)
	}
	wantFile(t, dir, "convex/auth.config.js", `// Our own tokens for the CLI.
export default {
  providers: [
`+cliProvider+`    {
      domain: process.env.CLERK_JWT_ISSUER_DOMAIN,
      applicationID: "convex",
    },
  ],
};
`)
	if err := nodeharness.CheckTypesJS(t, dir, "convex/auth.config.js"); err != nil {
		t.Error(err)
	}
}
