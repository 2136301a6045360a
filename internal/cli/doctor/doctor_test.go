package doctor

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/doctor"
	"github.com/clerkconvex/clerkconvex/internal/doctor/doctortest"
	"github.com/clerkconvex/clerkconvex/internal/httpx"
	"github.com/clerkconvex/clerkconvex/internal/iostreams"
	"github.com/clerkconvex/clerkconvex/internal/run"
)

// fakeRunner stands for npx: `convex env list --include-values [--prod]` answers from vars
// after delay.
type fakeRunner struct {
	delay time.Duration
	vars  map[string]string
	mu    sync.Mutex
	calls [][]string
}

func (r *fakeRunner) Run(ctx context.Context, c run.Cmd) (run.Result, error) {
	r.mu.Lock()
	r.calls = append(r.calls, append([]string{c.Name}, c.Args...))
	r.mu.Unlock()
	if r.delay > 0 {
		t := time.NewTimer(r.delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return run.Result{}, ctx.Err()
		}
	}
	if c.Name != "npx" || len(c.Args) < 4 || strings.Join(c.Args[:4], " ") != "convex env list --include-values" {
		return run.Result{ExitCode: 2}, &run.ExitError{Name: c.Name, Code: 2, Stderr: []byte("unexpected call")}
	}
	if len(c.Args) > 4 && c.Args[4] == "--prod" {
		return run.Result{ExitCode: 1}, &run.ExitError{Name: "npx", Code: 1, Stderr: []byte("no prod deployment")}
	}
	var out strings.Builder
	for k, v := range r.vars {
		out.WriteString(k + "=" + v + "\n")
	}
	return run.Result{Stdout: []byte(out.String())}, nil
}

type harness struct {
	env    *doctortest.Env
	dir    string
	f      *cmdutil.Factory
	out    *bytes.Buffer
	stdin  *bytes.Buffer
	runner *fakeRunner
}

func newHarness(tb testing.TB, latency time.Duration) *harness {
	tb.Helper()
	env, err := doctortest.Start(doctortest.Options{Latency: latency})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(env.Close)
	dir := tb.TempDir()
	if err := env.WriteProject(dir); err != nil {
		tb.Fatal(err)
	}
	if err := doctortest.WriteInstalledConvex(dir); err != nil {
		tb.Fatal(err)
	}
	if err := doctortest.GitAdd(dir); err != nil {
		tb.Fatal(err)
	}
	ios, stdin, out, _ := iostreams.Test()
	runner := &fakeRunner{delay: latency, vars: map[string]string{"CLERK_JWT_ISSUER_DOMAIN": env.IssuerURL()}}
	hc := httpx.NewClient(httpx.Options{})
	vars := map[string]string{"CLERK_API_URL": env.Clerk.URL}
	f := &cmdutil.Factory{
		IOStreams:  ios,
		Getenv:     func(k string) string { return vars[k] },
		HTTPClient: func() *http.Client { return hc },
		Clerk: func(base string, k clerk.SecretKey) (cmdutil.ClerkAPI, error) {
			return clerk.New(clerk.Config{BaseURL: base, SecretKey: k, HTTPClient: hc})
		},
		Runner: func() run.Runner { return runner },
	}
	return &harness{env: env, dir: dir, f: f, out: out, stdin: stdin, runner: runner}
}

func (h *harness) exec(args ...string) error {
	cmd := NewCmdDoctor(h.f, nil)
	cmd.SetArgs(append([]string{"-C", h.dir}, args...))
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	return cmd.ExecuteContext(context.Background())
}

func TestTextOutput(t *testing.T) {
	h := newHarness(t, 0)
	if err := h.exec(); err != nil {
		t.Fatalf("doctor: %v\n%s", err, h.out)
	}
	out := h.out.String()
	for _, want := range []string{
		"Project\n  pass project.package_json ",
		"\nConvex deployment\n  pass convex.env_var ",
		"the dev deployment's CLERK_JWT_ISSUER_DOMAIN is " + h.env.IssuerURL(),
		"\n27 passed, 0 warnings, 0 failed, 0 skipped: the Clerk → Convex chain looks right.\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, doctortest.SecretKey) || strings.Contains(out, "Fix:") {
		t.Errorf("unexpected output:\n%s", out)
	}
	if len(h.runner.calls) != 1 || strings.Join(h.runner.calls[0], " ") != "npx convex env list --include-values" {
		t.Errorf("npx calls: %v", h.runner.calls)
	}
}

func TestFailureIsExit1WithFixLines(t *testing.T) {
	h := newHarness(t, 0)
	delete(h.runner.vars, "CLERK_JWT_ISSUER_DOMAIN")
	h.f.IOStreams.SetTTY(false, true, true)
	err := h.exec("--secret-key", doctortest.SecretKey)
	if !errors.Is(err, cmdutil.ErrSilent) || cmdutil.ExitCode(err) != 1 {
		t.Fatalf("err = %v (exit %d), want the silent failure (exit 1)", err, cmdutil.ExitCode(err))
	}
	out := h.out.String()
	for _, want := range []string{
		"  ✗ convex.env_var ",
		"is not set on the Convex dev deployment",
		"Fix: npx convex env set CLERK_JWT_ISSUER_DOMAIN " + h.env.IssuerURL() + "\n",
		"  – convex.env_matches_file    waits on convex.env_var, which failed\n",
		// convex.auth_env does not call the unset issuer set: it leaves it to convex.env_var.
		"  – convex.auth_env            convex/auth.config.ts reads only CLERK_JWT_ISSUER_DOMAIN, which convex.env_var reports\n",
		"1 failed, 2 skipped: fix the ✗ items above",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, doctortest.SecretKey) {
		t.Error("the secret key is printed")
	}
}

func TestJSONShape(t *testing.T) {
	h := newHarness(t, 0)
	h.env.Clerk.ClearRequests()
	err := h.exec("--json", "--template-name", "missing")
	if cmdutil.ExitCode(err) != 1 {
		t.Fatalf("exit %d (%v)", cmdutil.ExitCode(err), err)
	}
	var raw struct {
		Version *int  `json:"version"`
		OK      *bool `json:"ok"`
		// Deployment is there only under --prod or --deployment.
		Deployment *string          `json:"deployment"`
		Checks     []map[string]any `json:"checks"`
	}
	dec := json.NewDecoder(bytes.NewReader(h.out.Bytes()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		t.Fatalf("not the JSON shape: %v\n%s", err, h.out)
	}
	if raw.Version == nil || *raw.Version != 1 || raw.OK == nil || *raw.OK {
		t.Fatalf("version/ok: %s", h.out)
	}
	var ids []string
	for _, c := range raw.Checks {
		var keys []string
		for k := range c {
			keys = append(keys, k)
		}
		if len(keys) != 5 || c["id"] == nil || c["section"] == nil || c["status"] == nil || c["message"] == nil || c["fix"] == nil {
			t.Errorf("check fields %v", keys)
		}
		ids = append(ids, c["id"].(string))
		if c["id"] == "clerk.template" && (c["status"] != "fail" || !strings.Contains(c["fix"].(string), "clerkconvex init")) {
			t.Errorf("clerk.template = %v", c)
		}
	}
	if !reflect.DeepEqual(ids, doctor.IDs(false)) {
		t.Errorf("ids %v", ids)
	}
}

func TestTokenFromStdin(t *testing.T) {
	h := newHarness(t, 0)
	h.stdin.WriteString(h.env.Issuer.Sign(h.env.Issuer.Claims("wrong-app", time.Minute)) + "\n")
	err := h.exec("--token", "-", "--json")
	if cmdutil.ExitCode(err) != 1 {
		t.Fatalf("exit %d", cmdutil.ExitCode(err))
	}
	if !strings.Contains(h.out.String(), `{"id":"token.aud","section":"token","status":"fail","message":"the token's aud is \"wrong-app\"`) {
		t.Errorf("output:\n%s", h.out)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--token", "-"}, "stdin was empty"},
		{[]string{"--token", " "}, "--token is empty"},
		{[]string{"--env-file", "../outside/.env"}, "--env-file ../outside/.env is outside the project folder "},
		{[]string{"--env-file", "sub/../../outside/.env"}, ": name a file inside it, such as .env.local"},
		{[]string{"--env-file", "/elsewhere/.env"}, "--env-file /elsewhere/.env is outside the project folder "},
		{[]string{"--clerk-api-url", "http://clerk.example.com"}, "--clerk-api-url"},
		{[]string{"--timeout", "0s"}, "--timeout 0s: it must be positive; pass a duration such as 30s"},
		{[]string{"--timeout", "-5s"}, "--timeout -5s: it must be positive"},
		{[]string{"--template-name", ""}, "--template-name is empty"},
		{[]string{"-C", "/nonexistent/folder"}, "no such folder"},
	} {
		h := newHarness(t, 0)
		err := h.exec(tc.args...)
		if cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v (exit %d), want usage error with %q", tc.args, err, cmdutil.ExitCode(err), tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "link") {
			t.Errorf("%v: %v: there is no link", tc.args, err)
		}
		if h.out.Len() != 0 {
			t.Errorf("%v printed a report", tc.args)
		}
	}
}

// An env file that is a link out of the project is refused as a link.
func TestEnvFileLinkOutside(t *testing.T) {
	h := newHarness(t, 0)
	if err := os.Symlink(filepath.Join(t.TempDir(), "x.env"), filepath.Join(h.dir, "out.env")); err != nil {
		t.Fatal(err)
	}
	err := h.exec("--env-file", "out.env")
	if cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), "the link leads outside the project folder") {
		t.Fatalf("err = %v (exit %d)", err, cmdutil.ExitCode(err))
	}
}

// The help says where each key is looked for, in the order doctor looks.
func TestKeyFlagsHelpTheOrder(t *testing.T) {
	fl := NewCmdDoctor(&cmdutil.Factory{}, nil).Flags()
	for name, want := range map[string]string{
		"publishable-key": "(default: the framework's variable in the environment, then in the env file)",
		"secret-key":      "(default: $CLERK_SECRET_KEY, then the env file)",
		"timeout":         "time limit of each check",
	} {
		if got := fl.Lookup(name).Usage; !strings.Contains(got, want) {
			t.Errorf("--%s: %q, want %q", name, got, want)
		}
	}
}

// On a terminal: ✓ ! ✗ – in colour and section titles in bold; with NO_COLOR the same symbols
// without a colour sequence; off a terminal, words.
func TestWriteTextSymbolsAndColour(t *testing.T) {
	rep := &doctor.Report{Checks: []doctor.Result{
		{ID: "a.pass", Section: doctor.SectionProject, Status: doctor.Pass, Message: "fine"},
		{ID: "a.warn", Section: doctor.SectionProject, Status: doctor.Warn, Message: "hmm", Fix: "do this"},
		{ID: "b.fail", Section: doctor.SectionEnv, Status: doctor.Fail, Message: "broken", Fix: "do that"},
		{ID: "b.skip", Section: doctor.SectionEnv, Status: doctor.Skip, Message: "waits"},
	}}
	for _, tc := range []struct {
		name      string
		env       map[string]string // what iostreams.System reads; CLICOLOR_FORCE stands for a colour terminal
		stdoutTTY bool
		want      []string
		not       []string
	}{
		{name: "colour terminal", env: map[string]string{"CLICOLOR_FORCE": "1"}, stdoutTTY: true,
			want: []string{"\x1b[1mProject\x1b[0m\n", "  \x1b[32m✓\x1b[0m a.pass  fine\n", "  \x1b[33m!\x1b[0m a.warn  hmm\n",
				"hmm\n            Fix: do this\n", "  \x1b[31m✗\x1b[0m b.fail  broken\n", "  \x1b[90m–\x1b[0m b.skip  waits\n",
				"fix the ✗ items above"}},
		{name: "NO_COLOR", env: map[string]string{"CLICOLOR_FORCE": "1", "NO_COLOR": "1"}, stdoutTTY: true,
			want: []string{"Project\n", "  ✓ a.pass  fine\n", "  ! a.warn  hmm\n", "  ✗ b.fail  broken\n", "  – b.skip  waits\n"},
			not:  []string{"\x1b"}},
		{name: "not a terminal", env: map[string]string{"CLICOLOR_FORCE": "1"},
			want: []string{"  pass a.pass  fine\n", "  warn a.warn  hmm\n", "hmm\n               Fix: do this\n", "  FAIL b.fail  broken\n", "  skip b.skip  waits\n", "fix the FAIL items above"},
			not:  []string{"\x1b", "✓", "✗"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ios := iostreams.System(func(k string) string { return tc.env[k] })
			ios.SetTTY(false, tc.stdoutTTY, true)
			var out bytes.Buffer
			ios.Out = &out
			if err := WriteText(ios, rep); err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%q", w, out.String())
				}
			}
			for _, n := range tc.not {
				if strings.Contains(out.String(), n) {
					t.Errorf("output has %q:\n%q", n, out.String())
				}
			}
		})
	}
}

// BenchmarkDoctorLatency runs doctor with 200 ms of latency on every fake endpoint (Clerk's
// API, the issuer, and npx) and reports the whole run's time over the slowest single check.
func BenchmarkDoctorLatency(b *testing.B) {
	const latency = 200 * time.Millisecond
	h := newHarness(b, latency)
	opts := &Options{
		IO: h.f.IOStreams, Getenv: h.f.Getenv, Clerk: h.f.Clerk, HTTPClient: h.f.HTTPClient, Runner: h.f.Runner,
		ProjectFlags: cmdutil.ProjectFlags{Dir: h.dir, EnvFile: ".env.local", TemplateName: "convex"},
		Timeout:      30 * time.Second,
	}
	benchDoctor(b, h, opts)
}

// benchDoctor runs doctor with opts until b is done, failing on any check that does not pass,
// and reports the whole run as a multiple of its slowest check, and its mean time.
func benchDoctor(b *testing.B, h *harness, opts *Options) {
	b.Helper()
	opts.Token = h.env.Issuer.Sign(h.env.Issuer.Claims("convex", time.Hour))
	var total, slowest time.Duration
	n := 0
	for b.Loop() {
		in, err := inputs(opts)
		if err != nil {
			b.Fatal(err)
		}
		rep, err := doctor.Run(context.Background(), in)
		if err != nil {
			b.Fatal(err)
		}
		if !rep.OK() || rep.Count()[doctor.Pass] != len(rep.Checks) {
			var sb strings.Builder
			_ = WriteJSON(&sb, rep)
			b.Fatalf("not healthy:\n%s", sb.String())
		}
		total += rep.Elapsed
		slowest += rep.Slowest().Duration
		n++
	}
	b.ReportMetric(float64(total)/float64(slowest), "x-slowest-check")
	b.ReportMetric(float64(total.Milliseconds())/float64(n), "ms-total")
}

// Ctrl-C (a cancelled context) is an InterruptedError that says what to do, so the root
// command prints it as is, and it is ErrInterrupted (exit code 130).
func TestInterruptedSaysRunAgain(t *testing.T) {
	h := newHarness(t, 0)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	cmd := NewCmdDoctor(h.f, nil)
	cmd.SetArgs([]string{"-C", h.dir, "--offline"})
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.ExecuteContext(ctx)
	var ie *cmdutil.InterruptedError
	if !errors.As(err, &ie) || !errors.Is(err, cmdutil.ErrInterrupted) || cmdutil.ExitCode(err) != cmdutil.ExitInterrupted {
		t.Fatalf("err = %#v, want a *cmdutil.InterruptedError (exit %d)", err, cmdutil.ExitInterrupted)
	}
	if want := "interrupted: the checks were stopped; run clerkconvex doctor again"; err.Error() != want {
		t.Fatalf("err = %q, want %q", err, want)
	}
	if h.out.Len() != 0 {
		t.Fatalf("an interrupted run printed a report:\n%s", h.out)
	}
}
