package initcmd

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/fakes/clerkapi"
	"github.com/clerkconvex/clerkconvex/internal/prompt"
)

// recStep records its runs and returns the errors it is given, one per run.
type recStep struct {
	name string
	log  *[]string
	errs []error
}

func (r *recStep) String() string { return r.name }
func (r *recStep) Plan(ctx context.Context, s *planState) error {
	*r.log = append(*r.log, r.name)
	if len(r.errs) == 0 {
		return nil
	}
	err := r.errs[0]
	r.errs = r.errs[1:]
	return err
}

func TestRunStepsInOrderAndRedo(t *testing.T) {
	var log []string
	a := &recStep{name: "a", log: &log}
	b := &recStep{name: "b", log: &log}
	c := &recStep{name: "c", log: &log, errs: []error{&redo{step: "b"}, nil}}
	if err := runSteps(context.Background(), &planState{}, []planStep{a, b, c}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(log, ","); got != "a,b,c,b,c" {
		t.Fatalf("steps ran %s, want a,b,c,b,c", got)
	}
}

func TestRunStepsStopsAtError(t *testing.T) {
	var log []string
	boom := errors.New("boom")
	steps := []planStep{&recStep{name: "a", log: &log, errs: []error{boom}}, &recStep{name: "b", log: &log}}
	if err := runSteps(context.Background(), &planState{}, steps); !errors.Is(err, boom) {
		t.Fatalf("err %v", err)
	}
	if strings.Join(log, ",") != "a" {
		t.Fatalf("ran %v after an error", log)
	}
}

func TestRunStepsRedoIsBounded(t *testing.T) {
	var log []string
	loop := &recStep{name: "a", log: &log}
	for i := 0; i < 100; i++ {
		loop.errs = append(loop.errs, &redo{step: "a"})
	}
	err := runSteps(context.Background(), &planState{}, []planStep{loop})
	if err == nil || !strings.Contains(err.Error(), "gave up") {
		t.Fatalf("err %v", err)
	}
	// A redo of a step that is not before it is a programming error, reported as such.
	var log2 []string
	bad := &recStep{name: "x", log: &log2, errs: []error{&redo{step: "later"}}}
	if err := runSteps(context.Background(), &planState{}, []planStep{bad, &recStep{name: "later", log: &log2}}); err == nil || !strings.Contains(err.Error(), "unknown step") {
		t.Fatalf("err %v", err)
	}
}

func TestPlanStepsOrder(t *testing.T) {
	var names []string
	for _, st := range planSteps() {
		names = append(names, st.String())
	}
	want := "project,env target,secret key,publishable key,instance,providers,template,env file,gitignore,auth.config,client wiring,write targets,defaults"
	if got := strings.Join(names, ","); got != want {
		t.Fatalf("steps %s, want %s", got, want)
	}
}

// stateAfter runs the plan steps up to and including the named one on h's options.
func (h *harness) stateAfter(t *testing.T, last string) (*planState, error) {
	t.Helper()
	s := &planState{opts: h.opts, io: h.opts.IO, canPrompt: h.opts.IO.CanPrompt(), p: &plan{dir: h.dir, tmplName: "convex", prod: h.opts.Prod}}
	steps := planSteps()
	i := indexOfStep(steps, last)
	if i < 0 {
		t.Fatalf("no step %q", last)
	}
	return s, runSteps(context.Background(), s, steps[:i+1])
}

func (h *harness) stderr() string { return h.opts.IO.ErrOut.(*bytes.Buffer).String() }

func pk() string { return clerk.EncodePublishableKey(host, false) }

func TestProjectStepChecksClaimsFirst(t *testing.T) {
	h := newHarness(t, false)
	os.Remove(filepath.Join(h.dir, "package.json"))
	h.opts.Claims = `{"iss":"x"}`
	_, err := h.stateAfter(t, "project")
	if err == nil || !strings.Contains(err.Error(), "--claims") || cmdutil.ExitCode(err) != 2 {
		t.Fatalf("err %v: want the --claims error before package.json's", err)
	}
}

func TestProjectStepReadsEnvFile(t *testing.T) {
	h := newHarness(t, false)
	os.WriteFile(filepath.Join(h.dir, ".env.local"), []byte("A=1\nnot a line\n"), 0o600)
	s, err := h.stateAfter(t, "project")
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := s.env.Get("A"); v != "1" || !s.envExists || s.envRel != ".env.local" {
		t.Fatalf("env %q exists %v rel %q", v, s.envExists, s.envRel)
	}
	if !strings.Contains(h.stderr(), "not KEY=value") {
		t.Fatalf("no warning about the malformed line:\n%s", h.stderr())
	}
}

func TestKeysStepSources(t *testing.T) {
	h := newHarness(t, false)
	os.WriteFile(filepath.Join(h.dir, ".env.local"), []byte("CLERK_SECRET_KEY=sk_test_FILEabcdefghijklmnopqrstuvwxyz0123\nVITE_CLERK_PUBLISHABLE_KEY="+pk()+"\n"), 0o600)
	h.opts.SecretKey = sk
	s, err := h.stateAfter(t, "publishable key")
	if err != nil {
		t.Fatal(err)
	}
	if s.p.secret.Reveal() != sk || s.secretFrom != "--secret-key" {
		t.Fatalf("secret from %s, want the flag over the file", s.secretFrom)
	}
	if s.p.pub.Raw != pk() || s.pubFrom != "VITE_CLERK_PUBLISHABLE_KEY in .env.local" {
		t.Fatalf("publishable key from %q", s.pubFrom)
	}
}

func TestKeysStepTwoKinds(t *testing.T) {
	h := newHarness(t, false)
	h.opts.SecretKey, h.opts.PublishableKey = sk, clerk.EncodePublishableKey(host, true)
	_, err := h.stateAfter(t, "publishable key")
	if err == nil || cmdutil.ExitCode(err) != 2 || !strings.Contains(err.Error(), "--publishable-key") || !strings.Contains(err.Error(), "--secret-key") {
		t.Fatalf("err %v", err)
	}
}

func TestKeysStepMissingWithoutTerminal(t *testing.T) {
	h := newHarness(t, false)
	_, err := h.stateAfter(t, "publishable key")
	if err == nil || cmdutil.ExitCode(err) != 2 || !strings.Contains(err.Error(), "--secret-key") {
		t.Fatalf("err %v", err)
	}
}

func TestInstanceStep(t *testing.T) {
	h := newHarness(t, false)
	h.opts.SecretKey, h.opts.PublishableKey = sk, pk()
	s, err := h.stateAfter(t, "instance")
	if err != nil {
		t.Fatal(err)
	}
	if s.p.issuer != "https://"+host || s.p.clerk == nil {
		t.Fatalf("issuer %q", s.p.issuer)
	}
	if !strings.Contains(h.stderr(), "Issuer: https://"+host) {
		t.Fatalf("stderr:\n%s", h.stderr())
	}

	h = newHarness(t, false)
	h.opts.SecretKey, h.opts.PublishableKey = sk, clerk.EncodePublishableKey("other-dog-3.clerk.accounts.dev", false)
	if _, err := h.stateAfter(t, "instance"); err == nil || cmdutil.ExitCode(err) != 2 || !strings.Contains(err.Error(), "the secret key belongs to https://"+host) {
		t.Fatalf("wrong-instance publishable key: err %v", err)
	}

	h = newHarness(t, false)
	h.opts.SecretKey, h.opts.PublishableKey = "sk_test_REVOKEDabcdefghijklmnopqrstuvwx", pk()
	if _, err := h.stateAfter(t, "instance"); err == nil || cmdutil.ExitCode(err) != 4 {
		t.Fatalf("rejected key: err %v, want exit 4", err)
	}
}

func TestProvidersStepKeepsAuthConfigVariable(t *testing.T) {
	h := newHarness(t, false)
	h.opts.SecretKey, h.opts.PublishableKey = sk, pk()
	os.MkdirAll(filepath.Join(h.dir, "convex"), 0o755)
	os.WriteFile(filepath.Join(h.dir, "convex", "auth.config.ts"), []byte("export default {\n  providers: [\n    { domain: process.env.CLERK_ISSUER_URL, applicationID: \"web\" },\n  ],\n};\n"), 0o644)
	s, err := h.stateAfter(t, "providers")
	if err != nil {
		t.Fatal(err)
	}
	if s.p.issuerVar != "CLERK_ISSUER_URL" || s.p.appID != "web" || len(s.p.providers) != 1 {
		t.Fatalf("issuer var %q app %q providers %+v", s.p.issuerVar, s.p.appID, s.p.providers)
	}
}

func TestTemplateStep(t *testing.T) {
	h := newHarness(t, false)
	h.opts.SecretKey, h.opts.PublishableKey = sk, pk()
	s, err := h.stateAfter(t, "template")
	if err != nil {
		t.Fatal(err)
	}
	if s.p.tmpl.Action != clerk.Created {
		t.Fatalf("action %s", s.p.tmpl.Action)
	}

	// An existing template with another aud: no terminal and no --yes is an error naming --yes.
	h = newHarness(t, false)
	h.opts.SecretKey, h.opts.PublishableKey = sk, pk()
	if _, err := h.fake.AddTemplate(sk, clerkapi.Template{Name: "convex", Claims: []byte(`{"aud":"x"}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.stateAfter(t, "template"); err == nil || cmdutil.ExitCode(err) != 2 || !strings.Contains(err.Error(), "--yes") {
		t.Fatalf("err %v", err)
	}
	h.opts.Yes = true
	if s, err = h.stateAfter(t, "template"); err != nil || s.p.tmpl.Action != clerk.Updated {
		t.Fatalf("--yes: err %v action %s", err, s.p.tmpl.Action)
	}
	if h.fake.MutatingRequests() != 0 {
		t.Fatal("planning changed the template")
	}
}

func TestEnvFileStepKeepsOtherLines(t *testing.T) {
	h := newHarness(t, false)
	h.opts.SecretKey, h.opts.PublishableKey = sk, pk()
	os.WriteFile(filepath.Join(h.dir, ".env.local"), []byte("# mine\nOTHER=1\n"), 0o644)
	s, err := h.stateAfter(t, "env file")
	if err != nil {
		t.Fatal(err)
	}
	got := string(s.p.envFile.New)
	for _, want := range []string{"# mine\nOTHER=1\n", "VITE_CLERK_PUBLISHABLE_KEY=" + pk(), "CLERK_SECRET_KEY=" + sk, "CLERK_JWT_ISSUER_DOMAIN=https://" + host} {
		if !strings.Contains(got, want) {
			t.Errorf("planned env file lacks %q:\n%s", want, got)
		}
	}
	if !strings.Contains(h.stderr(), "readable by other users (mode 0644)") {
		t.Errorf("no warning about mode 0644:\n%s", h.stderr())
	}
	if b, _ := os.ReadFile(filepath.Join(h.dir, ".env.local")); string(b) != "# mine\nOTHER=1\n" {
		t.Fatal("planning wrote the env file")
	}
}

func TestEnvFileStepProdOtherInstance(t *testing.T) {
	h := newHarness(t, true, prompt.Answer{Match: "Replace them with these production keys?", Confirm: false})
	h.opts.SecretKey, h.opts.PublishableKey, h.opts.Prod = sk, pk(), true
	h.opts.ProviderURLs = []string{"https://" + host} // no provider questions
	os.WriteFile(filepath.Join(h.dir, ".env.local"), []byte("VITE_CLERK_PUBLISHABLE_KEY="+clerk.EncodePublishableKey("dev-ant-1.clerk.accounts.dev", false)+"\n"), 0o600)
	_, err := h.stateAfter(t, "env file")
	if err == nil || cmdutil.ExitCode(err) != 1 || !strings.Contains(err.Error(), "--env-file .env.production") {
		t.Fatalf("err %v", err)
	}
}

func TestAuthConfigStep(t *testing.T) {
	h := newHarness(t, false)
	h.opts.SecretKey, h.opts.PublishableKey = sk, pk()
	s, err := h.stateAfter(t, "auth.config")
	if err != nil {
		t.Fatal(err)
	}
	f := s.p.authFile
	if f.Exists || f.Rel != "convex/auth.config.ts" || !strings.Contains(string(f.New), "process.env.CLERK_JWT_ISSUER_DOMAIN") {
		t.Fatalf("auth file plan %+v\n%s", f, f.New)
	}

	// Merged into a file the user has, keeping what is there.
	h = newHarness(t, false)
	h.opts.SecretKey, h.opts.PublishableKey = sk, pk()
	h.opts.ProviderURLs = []string{"https://" + host, "https://auth.example.com"}
	h.opts.ApplicationIDs = []string{"convex", "mobile"}
	os.MkdirAll(filepath.Join(h.dir, "convex"), 0o755)
	mine := "// keep me\nexport default {\n  providers: [],\n};\n"
	os.WriteFile(filepath.Join(h.dir, "convex", "auth.config.ts"), []byte(mine), 0o644)
	if s, err = h.stateAfter(t, "auth.config"); err != nil {
		t.Fatal(err)
	}
	got := string(s.p.authFile.New)
	for _, want := range []string{"// keep me", "CLERK_JWT_ISSUER_DOMAIN", `"https://auth.example.com"`, `"mobile"`} {
		if !strings.Contains(got, want) {
			t.Errorf("merged auth.config lacks %q:\n%s", want, got)
		}
	}
}

func gitIn(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func TestGitignoreStep(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("this test needs git:", err)
	}
	t.Setenv("GIT_CONFIG_GLOBAL", os.DevNull)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")

	// Not ignored: --yes plans the line; without it (no terminal) a warning names the fix.
	h := newHarness(t, false)
	h.opts.SecretKey, h.opts.PublishableKey = sk, pk()
	gitIn(t, h.dir, "init", "-q")
	s, err := h.stateAfter(t, "gitignore")
	if err != nil || s.p.gitignore != "" || !strings.Contains(h.stderr(), "add /.env.local to .gitignore (or rerun with --yes)") {
		t.Fatalf("err %v gitignore %q stderr:\n%s", err, s.p.gitignore, h.stderr())
	}
	h.opts.Yes = true
	if s, err = h.stateAfter(t, "gitignore"); err != nil || s.p.gitignore != ".env.local" {
		t.Fatalf("--yes: err %v gitignore %q", err, s.p.gitignore)
	}

	// Tracked: ignoring it would not help; it is refused (exit 2) at the env target step, before
	// any key is asked for or sent, with the advice to untrack it.
	for _, tty := range []bool{false, true} {
		h = newHarness(t, tty)
		if !tty {
			h.opts.SecretKey, h.opts.PublishableKey = sk, pk()
		}
		os.WriteFile(filepath.Join(h.dir, ".env.local"), []byte("A=1\n"), 0o600)
		gitIn(t, h.dir, "init", "-q")
		gitIn(t, h.dir, "add", ".env.local")
		var fe *cmdutil.FlagError
		if _, err = h.stateAfter(t, "env target"); !errors.As(err, &fe) || !strings.Contains(err.Error(), "git rm --cached .env.local") {
			t.Fatalf("tracked (terminal %v): err %v, want a usage error saying git rm --cached .env.local", tty, err)
		}
	}
}
