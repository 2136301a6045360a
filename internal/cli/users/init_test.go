package users

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/iostreams"
	"github.com/clerkconvex/clerkconvex/internal/prompt"
	"github.com/clerkconvex/clerkconvex/internal/run"
)

// A canary: a test fails when it shows up where it must not.
const testSecret = "whsec_Q0FOQVJZY2xlcmtjb252ZXh1c2Vyc3NlY3JldDE="

// fakeDeployment records every command and plays `npx convex env get/set` and the package
// managers' add, as the real ones behave (convex 1.48: env get of an unset variable prints
// nothing on stdout and exits 0; env set NAME reads the value from stdin).
type fakeDeployment struct {
	mu    sync.Mutex
	calls []run.Cmd
	stdin []string
	env   map[string]string
	fail  string // stderr of a failing env set
}

func (f *fakeDeployment) Run(ctx context.Context, c run.Cmd) (run.Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var in []byte
	if c.Stdin != nil {
		in, _ = io.ReadAll(c.Stdin)
	}
	f.calls = append(f.calls, c)
	f.stdin = append(f.stdin, string(in))
	if f.env == nil {
		f.env = map[string]string{}
	}
	args := strings.Join(c.Args, " ")
	switch {
	case c.Name == "npx" && strings.HasPrefix(args, "convex env get "):
		if v, ok := f.env[c.Args[3]]; ok {
			return run.Result{Stdout: []byte(v + "\n")}, nil
		}
		return run.Result{Stderr: []byte(fmt.Sprintf("✖ Environment variable %q not found\n", c.Args[3]))}, nil
	case c.Name == "npx" && strings.HasPrefix(args, "convex env set ") && (len(c.Args) == 4 || len(c.Args) == 5 && c.Args[4] == "--prod"):
		if f.fail != "" {
			return run.Result{Stderr: []byte(f.fail), ExitCode: 1}, &run.ExitError{Name: "npx", Code: 1}
		}
		f.env[c.Args[3]] = strings.TrimSuffix(string(in), "\n")
		return run.Result{Stderr: []byte("✔ Successfully set " + c.Args[3] + " (on dev deployment happy-cat-123)\n")}, nil
	case (c.Name == "npm" && args == "install svix") || (c.Name == "pnpm" && args == "add svix"):
		// As the package manager does: svix becomes a dependency.
		path := filepath.Join(c.Dir, "package.json")
		b, _ := os.ReadFile(path)
		var pj map[string]any
		_ = json.Unmarshal(b, &pj)
		deps, _ := pj["dependencies"].(map[string]any)
		deps["svix"] = "^2.5.0"
		b, _ = json.Marshal(pj)
		return run.Result{}, os.WriteFile(path, b, 0o644)
	}
	return run.Result{ExitCode: 2}, fmt.Errorf("fake: unexpected command %s", c)
}

func (f *fakeDeployment) commands() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.calls {
		out = append(out, c.String())
	}
	return out
}

type testEnv struct {
	dir      string
	opts     *Options
	out, err *bytes.Buffer
	in       *bytes.Buffer
	dep      *fakeDeployment
	env      map[string]string
}

// newProject is a Vite app with convex, its .env.local naming the dev deployment, and files.
func newProject(t *testing.T, lock string, files map[string]string) *testEnv {
	t.Helper()
	dir := t.TempDir()
	write := func(rel, content string) {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("package.json", `{"name":"app","dependencies":{"convex":"^1.48.0","react":"^19.0.0","vite":"^7.0.0"}}`)
	write(".env.local", "CONVEX_DEPLOYMENT=dev:happy-cat-123\nVITE_CONVEX_URL=https://happy-cat-123.convex.cloud\n")
	if lock != "" {
		write(lock, "")
	}
	for rel, content := range files {
		write(rel, content)
	}
	ios, in, out, errOut := iostreams.Test()
	te := &testEnv{dir: dir, out: out, err: errOut, in: in, dep: &fakeDeployment{}, env: map[string]string{}}
	te.opts = &Options{
		IO:       ios,
		Getenv:   func(k string) string { return te.env[k] },
		Prompter: func() prompt.Prompter { t.Fatal("unexpected prompt"); return nil },
		Runner:   func() run.Runner { return te.dep },
		Dir:      dir,
		EnvFile:  ".env.local",
	}
	return te
}

func (te *testEnv) read(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(te.dir, rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// noSecret fails when the secret is in an output, a child's arguments, or a project file.
func (te *testEnv) noSecret(t *testing.T) {
	t.Helper()
	for name, s := range map[string]string{"stdout": te.out.String(), "stderr": te.err.String()} {
		if strings.Contains(s, testSecret) || strings.Contains(s, testSecret[6:20]) {
			t.Errorf("the secret is in %s:\n%s", name, s)
		}
	}
	for _, c := range te.dep.commands() {
		if strings.Contains(c, testSecret[6:20]) {
			t.Errorf("the secret is in a child's arguments: %s", c)
		}
	}
	_ = filepath.WalkDir(te.dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if b, _ := os.ReadFile(path); bytes.Contains(b, []byte(testSecret[6:20])) {
				t.Errorf("the secret is in %s", path)
			}
		}
		return nil
	})
}

func TestInitFreshProject(t *testing.T) {
	te := newProject(t, "package-lock.json", nil)
	te.env[SecretEnv] = testSecret
	te.opts.Yes = true
	if err := runInit(context.Background(), te.opts); err != nil {
		t.Fatalf("runInit: %v\nstderr:\n%s", err, te.err)
	}
	want := []string{
		"npm install svix",
		"npx convex env get " + SecretEnv,
		"npx convex env set " + SecretEnv,
	}
	if got := te.dep.commands(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("commands:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if te.dep.stdin[2] != testSecret || te.dep.env[SecretEnv] != testSecret {
		t.Errorf("the secret was not passed on stdin: %q", te.dep.stdin[2])
	}
	for _, f := range []string{"convex/schema.ts", "convex/users.ts", "convex/http.ts"} {
		if !strings.Contains(te.err.String(), f+" created") {
			t.Errorf("stderr does not say %s was created:\n%s", f, te.err)
		}
	}
	if !strings.Contains(te.read(t, "convex/http.ts"), `path: "/clerk-users-webhook"`) {
		t.Error("http.ts has no webhook route")
	}
	for _, w := range []string{
		"Endpoint URL: https://happy-cat-123.convex.site/clerk-users-webhook",
		"(from VITE_CONVEX_URL in .env.local (.convex.cloud → .convex.site))",
		"user.created, user.updated, user.deleted",
		"dashboard.clerk.com",
	} {
		if !strings.Contains(te.out.String(), w) {
			t.Errorf("stdout lacks %q:\n%s", w, te.out)
		}
	}
	te.noSecret(t)

	// A rerun changes nothing and sets nothing.
	te2 := *te
	te2.dep = &fakeDeployment{env: te.dep.env}
	te2.out.Reset()
	te2.err.Reset()
	te2.opts.Runner = func() run.Runner { return te2.dep }
	if err := runInit(context.Background(), te2.opts); err != nil {
		t.Fatal(err)
	}
	if got := te2.dep.commands(); len(got) != 1 || !strings.HasPrefix(got[0], "npx convex env get") {
		t.Errorf("rerun commands: %v, want only the env get", got)
	}
	if !strings.Contains(te2.err.String(), "already set to this secret (whsec_…") || strings.Contains(te2.err.String(), " updated") {
		t.Errorf("rerun stderr:\n%s", te2.err)
	}
	te2.noSecret(t)
}

func TestInitRefusesOtherUsersTable(t *testing.T) {
	schema := "import { defineSchema, defineTable } from \"convex/server\";\nimport { v } from \"convex/values\";\nexport default defineSchema({\n  users: defineTable({ email: v.string() }),\n});\n"
	te := newProject(t, "", map[string]string{"convex/schema.ts": schema})
	te.env[SecretEnv] = testSecret
	err := runInit(context.Background(), te.opts)
	if cmdutil.ExitCode(err) != 2 || !strings.Contains(err.Error(), "already has a users table (line 4) of another shape") || !strings.Contains(err.Error(), "nothing was changed") {
		t.Fatalf("err = %v (exit %d)", err, cmdutil.ExitCode(err))
	}
	if te.read(t, "convex/schema.ts") != schema {
		t.Error("schema.ts changed")
	}
	for _, f := range []string{"convex/users.ts", "convex/http.ts"} {
		if _, err := os.Stat(filepath.Join(te.dir, f)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s was written", f)
		}
	}
	if len(te.dep.commands()) != 0 {
		t.Errorf("commands ran: %v", te.dep.commands())
	}
}

func TestInitNoInputWithoutSecret(t *testing.T) {
	te := newProject(t, "", nil)
	err := runInit(context.Background(), te.opts)
	if cmdutil.ExitCode(err) != 2 || !strings.Contains(err.Error(), "set $CLERK_WEBHOOK_SECRET or pass --webhook-secret-stdin") ||
		!strings.Contains(err.Error(), "https://happy-cat-123.convex.site/clerk-users-webhook") {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(filepath.Join(te.dir, "convex")); !errors.Is(err, os.ErrNotExist) {
		t.Error("files were written")
	}
}

func TestInitBadSecretShape(t *testing.T) {
	te := newProject(t, "", nil)
	te.opts.SecretStdin = true
	te.in.WriteString("sk_test_notawebhooksecret\n")
	err := runInit(context.Background(), te.opts)
	if cmdutil.ExitCode(err) != 2 || !strings.Contains(err.Error(), "--webhook-secret-stdin: not a webhook signing secret: it must start with whsec_") || strings.Contains(err.Error(), "notawebhook") {
		t.Fatalf("err = %v", err)
	}
}

func TestInitDryRun(t *testing.T) {
	te := newProject(t, "pnpm-lock.yaml", nil)
	te.env[SecretEnv] = testSecret
	te.opts.DryRun = true
	if err := runInit(context.Background(), te.opts); err != nil {
		t.Fatal(err)
	}
	if len(te.dep.commands()) != 0 {
		t.Errorf("dry run ran %v", te.dep.commands())
	}
	if _, err := os.Stat(filepath.Join(te.dir, "convex")); !errors.Is(err, os.ErrNotExist) {
		t.Error("dry run wrote files")
	}
	for _, w := range []string{"--- /dev/null\n+++ b/convex/http.ts", "+  users: defineTable({", "Would run: pnpm add svix", "Would set CLERK_WEBHOOK_SECRET=whsec_…", "(from $CLERK_WEBHOOK_SECRET) on the dev deployment"} {
		if !strings.Contains(te.out.String(), w) {
			t.Errorf("stdout lacks %q:\n%s", w, te.out)
		}
	}
	te.noSecret(t)
}

func TestInitJSONAndProd(t *testing.T) {
	te := newProject(t, "", nil)
	te.opts.SecretStdin, te.opts.JSON, te.opts.Prod, te.opts.SkipInstall = true, true, true, true
	te.in.WriteString(testSecret + "\n")
	te.dep.fail = "✖ Failed to authenticate: deploy key was invalid\n"
	err := runInit(context.Background(), te.opts)
	if cmdutil.ExitCode(err) != 1 {
		t.Fatalf("err = %v", err)
	}
	var res InitResult
	dec := json.NewDecoder(te.out)
	if err := dec.Decode(&res); err != nil || dec.More() {
		t.Fatalf("stdout is not one JSON object (%v):\n%s", err, te.out)
	}
	if res.OK || res.Convex.Action != "failed" || res.Convex.Deployment != "prod" || res.Svix.Action != "skipped" || res.Svix.Command != "npm install svix" ||
		!strings.HasPrefix(res.Clerk.EndpointURL, "https://<your prod deployment>.convex.site/") || len(res.Files) != 3 || !strings.Contains(res.Error, "deploy key was invalid") {
		t.Errorf("result: %+v", res)
	}
	if got := te.dep.commands(); len(got) != 2 || got[1] != "npx convex env set CLERK_WEBHOOK_SECRET --prod" {
		t.Errorf("commands: %v", got)
	}
	te.noSecret(t)
}

func TestInitInteractive(t *testing.T) {
	te := newProject(t, "", nil)
	te.opts.IO.SetTTY(true, true, true)
	stub := prompt.NewStub(
		prompt.Answer{Match: "Run npm install svix?", Confirm: false},
		prompt.Answer{Match: "Signing Secret", Value: "whsec_short"},
		prompt.Answer{Match: "Signing Secret", Value: testSecret},
	)
	te.opts.Prompter = func() prompt.Prompter { return stub }
	if err := runInit(context.Background(), te.opts); err != nil {
		t.Fatalf("%v\n%s", err, te.err)
	}
	if r := stub.Remaining(); len(r) != 0 {
		t.Errorf("prompts not asked: %v", r)
	}
	if te.dep.env[SecretEnv] != testSecret {
		t.Error("the prompted secret was not set")
	}
	if !strings.Contains(te.err.String(), "install svix yourself before deploying: npm install svix") {
		t.Errorf("stderr:\n%s", te.err)
	}
	te.noSecret(t)
}

// In a workspace the files go into the package that holds the Convex functions, and npx and
// the install run there; the app's env file still gives the site URL.
func TestInitWorkspace(t *testing.T) {
	te := newProject(t, "package-lock.json", map[string]string{
		"apps/web/package.json":             `{"name":"web","dependencies":{"vite":"^7.0.0","react":"^19.0.0","backend":"*"}}`,
		"apps/web/.env.local":               "VITE_CONVEX_URL=https://happy-cat-123.convex.cloud\n",
		"packages/backend/package.json":     `{"name":"backend","dependencies":{"convex":"^1.48.0"}}`,
		"packages/backend/convex/schema.ts": "import { defineSchema } from \"convex/server\";\nexport default defineSchema({});\n",
	})
	root := te.dir
	if err := os.WriteFile(filepath.Join(root, "package.json"), []byte(`{"name":"mono","private":true,"workspaces":["apps/*","packages/*"]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	te.opts.Dir = filepath.Join(root, "apps", "web")
	te.env[SecretEnv] = testSecret
	te.opts.Yes = true
	if err := runInit(context.Background(), te.opts); err != nil {
		t.Fatalf("%v\n%s", err, te.err)
	}
	backend := filepath.Join(root, "packages", "backend")
	for _, c := range te.dep.calls {
		if c.Dir != backend {
			t.Errorf("%s ran in %s, want %s", c, c.Dir, backend)
		}
	}
	if !strings.Contains(te.read(t, "packages/backend/convex/schema.ts"), "users: defineTable") || !strings.Contains(te.read(t, "packages/backend/package.json"), "svix") {
		t.Error("the backend package was not set up")
	}
	if !strings.Contains(te.err.String(), "../../packages/backend/convex/http.ts created") || !strings.Contains(te.out.String(), "https://happy-cat-123.convex.site/clerk-users-webhook") {
		t.Errorf("stderr:\n%s\nstdout:\n%s", te.err, te.out)
	}
	if _, err := os.Stat(filepath.Join(root, "apps", "web", "convex")); !errors.Is(err, os.ErrNotExist) {
		t.Error("a convex folder was created in the app")
	}
}

// An http.ts that already routes the webhook the guides' way is left as it is, with a warning
// naming the line that breaks under svix 2.x.
func TestInitWarnsAboutVerifyResult(t *testing.T) {
	http := "import { httpRouter } from \"convex/server\";\nimport { Webhook } from \"svix\";\nconst http = httpRouter();\nfunction check(body: string, h: Record<string, string>) {\n  return new Webhook(process.env.CLERK_WEBHOOK_SECRET!).verify(body, h);\n}\nhttp.route({ path: \"/clerk-users-webhook\", method: \"POST\", handler: null as any });\nexport default http;\n"
	te := newProject(t, "", map[string]string{"convex/http.ts": http})
	te.env[SecretEnv] = testSecret
	te.opts.SkipInstall = true
	if err := runInit(context.Background(), te.opts); err != nil {
		t.Fatal(err)
	}
	if te.read(t, "convex/http.ts") != http {
		t.Error("http.ts changed")
	}
	if !strings.Contains(te.err.String(), "convex/http.ts:5 uses Webhook.verify's return value") {
		t.Errorf("stderr:\n%s", te.err)
	}
}
