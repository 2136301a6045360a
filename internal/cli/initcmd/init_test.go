package initcmd

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/fakes/clerkapi"
	"github.com/clerkconvex/clerkconvex/internal/httpx"
	"github.com/clerkconvex/clerkconvex/internal/iostreams"
	"github.com/clerkconvex/clerkconvex/internal/prompt"
	"github.com/clerkconvex/clerkconvex/internal/run"
)

const (
	host = "happy-cat-12.clerk.accounts.dev"
	sk   = "sk_test_UNITabcdefghijklmnopqrstuvwxyz0123"
)

// recRunner records commands instead of running them.
type recRunner struct {
	cmds []run.Cmd
	fail error
}

func (r *recRunner) Run(ctx context.Context, c run.Cmd) (run.Result, error) {
	r.cmds = append(r.cmds, c)
	if r.fail != nil {
		return run.Result{ExitCode: 1, Stderr: []byte(r.fail.Error())}, r.fail
	}
	return run.Result{}, nil
}

type harness struct {
	opts   *Options
	fake   *clerkapi.Server
	runner *recRunner
	stub   *prompt.Stub
	dir    string
	out    *strings.Builder
	errOut *strings.Builder
}

func newHarness(t testing.TB, tty bool, answers ...prompt.Answer) *harness {
	t.Helper()
	fake := clerkapi.New(clerkapi.Options{Instances: []clerkapi.Instance{{SecretKey: sk, FrontendAPIURL: "https://" + host}}})
	t.Cleanup(fake.Close)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"dependencies":{"vite":"7","convex":"1.48.0"}}`), 0o644)
	ios, _, out, errOut := iostreams.Test()
	ios.SetTTY(tty, tty, false)
	h := &harness{fake: fake, runner: &recRunner{}, stub: prompt.NewStub(answers...), dir: dir}
	env := map[string]string{"CLERK_API_URL": fake.URL}
	h.opts = &Options{
		IO:       ios,
		Getenv:   func(k string) string { return env[k] },
		Prompter: func() prompt.Prompter { return h.stub },
		Clerk: func(base string, key clerk.SecretKey) (cmdutil.ClerkAPI, error) {
			return clerk.New(clerk.Config{BaseURL: base, SecretKey: key, HTTPClient: httpx.NewClient(httpx.Options{})})
		},
		Runner:       func() run.Runner { return h.runner },
		ProjectFlags: cmdutil.ProjectFlags{Dir: dir, TemplateName: "convex", EnvFile: ".env.local"},
	}
	_ = out
	_ = errOut
	return h
}

// newInteractive is a harness on a terminal whose first two prompts are answered with the
// instance's secret and publishable keys, then answers.
func newInteractive(t *testing.T, answers ...prompt.Answer) *harness {
	t.Helper()
	keys := []prompt.Answer{
		{Match: "Clerk secret key", Value: sk},
		{Match: "Publishable key", Value: clerk.EncodePublishableKey(host, false)},
	}
	return newHarness(t, true, append(keys, answers...)...)
}

// runAllPrompts runs init, which must succeed and ask every prompt the stub answers.
func (h *harness) runAllPrompts(t *testing.T) {
	t.Helper()
	if err := runInit(context.Background(), h.opts); err != nil {
		t.Fatal(err)
	}
	if rest := h.stub.Remaining(); len(rest) > 0 {
		t.Fatalf("prompts not asked: %v", rest)
	}
}

func TestInteractiveTwoProviders(t *testing.T) {
	h := newInteractive(t,
		prompt.Answer{Match: "identity provider's Domain URL"}, // accept the default: the issuer
		prompt.Answer{Match: "application/client ID"},          // accept "convex"
		prompt.Answer{Match: "add another provider", Confirm: true},
		prompt.Answer{Match: "identity provider's Domain URL", Value: "https://auth.example.com/"},
		prompt.Answer{Match: "application/client ID", Value: "mobile"},
		prompt.Answer{Match: "add another provider", Confirm: false},
	)
	h.runAllPrompts(t)
	cfg, err := os.ReadFile(filepath.Join(h.dir, "convex", "auth.config.ts"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`domain: process.env.CLERK_JWT_ISSUER_DOMAIN!`, `applicationID: "convex"`, `domain: "https://auth.example.com"`, `applicationID: "mobile"`} {
		if !strings.Contains(string(cfg), want) {
			t.Errorf("auth.config.ts lacks %s:\n%s", want, cfg)
		}
	}
	if len(h.runner.cmds) != 1 || strings.Join(h.runner.cmds[0].Args, " ") != "convex env set CLERK_JWT_ISSUER_DOMAIN https://"+host {
		t.Fatalf("npx calls: %+v", h.runner.cmds)
	}
	for _, c := range h.runner.cmds {
		if strings.Contains(strings.Join(c.Args, " "), sk) || strings.Contains(strings.Join(c.Env, " "), sk) {
			t.Fatal("the secret key reached a child process's arguments or environment")
		}
	}
}

func TestCtrlCAtPromptChangesNothing(t *testing.T) {
	h := newInteractive(t,
		prompt.Answer{Match: "identity provider's Domain URL", Err: prompt.ErrInterrupted},
	)
	err := runInit(context.Background(), h.opts)
	if cmdutil.ExitCode(err) != cmdutil.ExitInterrupted {
		t.Fatalf("err %v: exit %d, want 130", err, cmdutil.ExitCode(err))
	}
	if h.fake.MutatingRequests() != 0 {
		t.Fatal("a mutating request was made")
	}
	entries, _ := os.ReadDir(h.dir)
	if len(entries) != 1 {
		t.Fatalf("files were created: %v", entries)
	}
	if len(h.runner.cmds) != 0 {
		t.Fatal("npx ran")
	}
}

func TestDeclinedTemplateUpdate(t *testing.T) {
	h := newInteractive(t,
		prompt.Answer{Match: "Domain URL"},
		prompt.Answer{Match: "application/client ID"},
		prompt.Answer{Match: "add another provider"},
		prompt.Answer{Match: `Update JWT template "convex"?`, Confirm: false},
	)
	if _, err := h.fake.AddTemplate(sk, clerkapi.Template{Name: "convex", Claims: []byte(`{"aud":"x"}`)}); err != nil {
		t.Fatal(err)
	}
	err := runInit(context.Background(), h.opts)
	if err == nil || !strings.Contains(err.Error(), `left JWT template "convex" as it is`) || cmdutil.ExitCode(err) != 1 {
		t.Fatalf("err %v", err)
	}
	if h.fake.MutatingRequests() != 0 {
		t.Fatal("template changed although the user said no")
	}
	if _, err := os.Stat(filepath.Join(h.dir, ".env.local")); !errors.Is(err, os.ErrNotExist) {
		t.Fatal(".env.local written although init stopped")
	}
}

func TestBadApplicationIDs(t *testing.T) {
	for _, app := range []string{"", "has space", `q"uote`, strings.Repeat("a", 129), "tab\tx"} {
		if err := checkAppID(app); err == nil || cmdutil.ExitCode(err) != 2 || !strings.Contains(err.Error(), "--application-id") {
			t.Errorf("checkAppID(%q) = %v", app, err)
		}
	}
	if err := checkAppID("convex"); err != nil {
		t.Fatal(err)
	}
}

func TestProviderFlagsMustPair(t *testing.T) {
	f := &cmdutil.Factory{IOStreams: func() *iostreams.IOStreams { s, _, _, _ := iostreams.Test(); return s }(), Getenv: func(string) string { return "" }}
	called := false
	cmd := NewCmdInit(f, func(ctx context.Context, o *Options) error { called = true; return nil })
	cmd.SetArgs([]string{"--identity-provider-url", "https://a.example.com", "--identity-provider-url", "https://b.example.com", "--application-id", "x"})
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.Execute()
	if err == nil || called || cmdutil.ExitCode(err) != 2 || !strings.Contains(err.Error(), "repeat them in pairs") {
		t.Fatalf("err %v called %v", err, called)
	}
}

func TestWrongAnswerIsAskedAgain(t *testing.T) {
	h := newInteractive(t,
		prompt.Answer{Match: "Domain URL", Value: "https://wrong.example.com"},
		prompt.Answer{Match: "Domain URL", Value: "auth example"},
		prompt.Answer{Match: "Domain URL"}, // the default: the issuer
		prompt.Answer{Match: "application/client ID", Value: "has space"},
		prompt.Answer{Match: "application/client ID", Value: "convex"},
		prompt.Answer{Match: "add another provider", Confirm: true},
		prompt.Answer{Match: "Domain URL", Value: "https://" + host},
		prompt.Answer{Match: "Domain URL", Value: "https://auth.example.com"},
		prompt.Answer{Match: "application/client ID", Value: "mobile"},
		prompt.Answer{Match: "add another provider", Confirm: true},
		prompt.Answer{Match: "Domain URL (leave empty to stop adding)", Value: ""},
	)
	h.runAllPrompts(t)
	errOut := h.opts.IO.ErrOut.(*bytes.Buffer).String()
	for _, want := range []string{
		"the Domain URL https://wrong.example.com is not this Clerk instance's issuer, so Convex would reject its tokens; use https://" + host,
		`the Domain URL "auth example" is not a URL`,
		`the application ID "has space" has spaces`,
		"is the Clerk issuer, which is already the first provider",
		"try again",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if strings.Contains(errOut, "--identity-provider-url") || strings.Contains(errOut, "--application-id") {
		t.Errorf("a prompt answer is blamed on a flag:\n%s", errOut)
	}
}

func TestMistypedKeyIsAskedAgain(t *testing.T) {
	h := newHarness(t, true,
		prompt.Answer{Match: "Clerk secret key", Value: "sk_test_short"},
		prompt.Answer{Match: "Clerk secret key", Value: "pk_test_oops"},
		prompt.Answer{Match: "Clerk secret key", Value: sk},
		prompt.Answer{Match: "Publishable key", Value: "pk_test_!!!"},
		prompt.Answer{Match: "Publishable key", Value: clerk.EncodePublishableKey(host, false)},
		prompt.Answer{Match: "Domain URL"},
		prompt.Answer{Match: "application/client ID"},
		prompt.Answer{Match: "add another provider"},
	)
	h.runAllPrompts(t)
	errOut := h.opts.IO.ErrOut.(*bytes.Buffer).String()
	for _, want := range []string{"the Clerk secret key is too short", "the Clerk secret key starts with pk_", "the Clerk publishable key is not valid", "try again"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if strings.Contains(errOut, "sk_test_short") {
		t.Error("a typed secret is echoed")
	}
}
