package convex

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kballard/go-shellquote"

	"github.com/clerkconvex/clerkconvex/internal/fakes/convexdeploy"
	"github.com/clerkconvex/clerkconvex/internal/run"
	"github.com/clerkconvex/clerkconvex/internal/testutil/nodeharness"
)

// fakeRunner answers one call with a canned result and records what it was asked to run.
type fakeRunner struct {
	res   run.Result
	err   error
	calls []run.Cmd
	stdin []string
}

func (f *fakeRunner) Run(ctx context.Context, c run.Cmd) (run.Result, error) {
	f.calls = append(f.calls, c)
	if c.Stdin != nil {
		b, _ := io.ReadAll(c.Stdin)
		f.stdin = append(f.stdin, string(b))
	}
	return f.res, f.err
}

// exitWith is what run.ExecRunner returns for a program that exits non-zero.
func exitWith(code int, stdout, stderr string) (run.Result, error) {
	return run.Result{Stdout: []byte(stdout), Stderr: []byte(stderr), ExitCode: code},
		&run.ExitError{Name: "npx", Code: code, Stderr: []byte(strings.TrimSpace(stderr))}
}

const realBadKeyStderr = "✖ The provided deploy key was invalid for deployment 'clerkconvex-fake'. Double check that the environment this key was generated for matches the desired deployment.\n"

func TestSetEnv(t *testing.T) {
	const issuer = "https://happy-cat-12.clerk.accounts.dev"
	notFoundErr := fmt.Errorf("npx %w: install Node.js (which includes npx)", run.ErrNotFound)
	tests := []struct {
		name     string
		value    string
		prod     bool
		res      run.Result
		err      error
		wantArgs []string
		wantErr  []string // substrings of the error; nil means success
		notInErr []string
	}{
		{
			name:     "dev",
			value:    issuer,
			res:      run.Result{Stderr: []byte("✔ Successfully set CLERK_JWT_ISSUER_DOMAIN\n")},
			wantArgs: []string{"convex", "env", "set", "CLERK_JWT_ISSUER_DOMAIN", issuer},
		},
		{
			name:     "prod",
			value:    issuer,
			prod:     true,
			wantArgs: []string{"convex", "env", "set", "CLERK_JWT_ISSUER_DOMAIN", issuer, "--prod"},
		},
		{
			name:     "value starting with a dash goes as NAME=VALUE so it is not read as an option",
			value:    "-x=y",
			wantArgs: []string{"convex", "env", "set", "CLERK_JWT_ISSUER_DOMAIN=-x=y"},
		},
		{
			name:     "empty value",
			value:    "",
			wantArgs: []string{"convex", "env", "set", "CLERK_JWT_ISSUER_DOMAIN", ""},
		},
		{
			name:  "CLI failure: its message and the manual command",
			value: issuer,
			res: func() run.Result {
				r, _ := exitWith(1, "", "npm warn Unknown user config \"nodedir\".\n"+realBadKeyStderr+"Unexpected Error: Error: getaddrinfo ENOTFOUND o1192621.ingest.sentry.io\n")
				return r
			}(),
			err: func() error {
				_, e := exitWith(1, "", realBadKeyStderr)
				return e
			}(),
			wantArgs: []string{"convex", "env", "set", "CLERK_JWT_ISSUER_DOMAIN", issuer},
			wantErr: []string{
				"npx convex exited with status 1: The provided deploy key was invalid for deployment 'clerkconvex-fake'.",
				"to do it by hand, run: npx convex env set CLERK_JWT_ISSUER_DOMAIN " + issuer,
			},
			notInErr: []string{"npm warn", "\n"},
		},
		{
			name:  "a runner that reports only the exit code",
			value: issuer,
			res:   run.Result{ExitCode: 2, Stderr: []byte("error: too many arguments for 'set'.\n")},
			wantErr: []string{
				"npx convex exited with status 2: error: too many arguments for 'set'.",
			},
			wantArgs: []string{"convex", "env", "set", "CLERK_JWT_ISSUER_DOMAIN", issuer},
		},
		{
			name:     "npx missing",
			value:    issuer,
			res:      run.Result{ExitCode: -1},
			err:      notFoundErr,
			wantArgs: []string{"convex", "env", "set", "CLERK_JWT_ISSUER_DOMAIN", issuer},
			wantErr:  []string{"npx not found on PATH: install Node.js (which includes npx); then run: npx convex env set CLERK_JWT_ISSUER_DOMAIN " + issuer},
		},
		{
			name:  "a secret value stays out of the error",
			value: "sk_test_abcdefghijklmnop",
			res: func() run.Result {
				r, _ := exitWith(1, "", realBadKeyStderr)
				return r
			}(),
			err: func() error {
				_, e := exitWith(1, "", realBadKeyStderr)
				return e
			}(),
			wantArgs: []string{"convex", "env", "set", "CLERK_JWT_ISSUER_DOMAIN", "sk_test_abcdefghijklmnop"},
			wantErr:  []string{"run: npx convex env set CLERK_JWT_ISSUER_DOMAIN (it asks for the value)"},
			notInErr: []string{"sk_test_"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &fakeRunner{res: tt.res, err: tt.err}
			err := SetEnv(context.Background(), r, "/project", "CLERK_JWT_ISSUER_DOMAIN", tt.value, Deployment{Prod: tt.prod})
			if len(r.calls) != 1 {
				t.Fatalf("runner called %d times, want once", len(r.calls))
			}
			c := r.calls[0]
			if c.Name != "npx" || c.Dir != "/project" || !reflect.DeepEqual(c.Args, tt.wantArgs) || c.Stdin != nil {
				t.Errorf("ran %+v, want npx %q in /project without stdin", c, tt.wantArgs)
			}
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("SetEnv: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("SetEnv succeeded, want an error")
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q\n does not contain %q", err, want)
				}
			}
			for _, bad := range tt.notInErr {
				if strings.Contains(err.Error(), bad) {
					t.Errorf("error %q contains %q", err, bad)
				}
			}
		})
	}
}

func TestSetEnvErrorTypes(t *testing.T) {
	res, exitErr := exitWith(1, "", realBadKeyStderr)
	err := SetEnv(context.Background(), &fakeRunner{res: res, err: exitErr}, ".", "A", "b", Deployment{})
	var ce *CLIError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %T %v, want *CLIError", err, err)
	}
	if ce.ExitCode != 1 || ce.Stderr != strings.TrimSpace(realBadKeyStderr) || ce.Command != "npx convex env set A" || ce.Manual != "npx convex env set A b" {
		t.Errorf("CLIError = %+v", ce)
	}

	err = SetEnv(context.Background(), &fakeRunner{err: fmt.Errorf("npx %w", run.ErrNotFound)}, ".", "A", "b", Deployment{})
	if !errors.Is(err, run.ErrNotFound) {
		t.Errorf("err = %v, want it to wrap run.ErrNotFound", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = SetEnv(ctx, &fakeRunner{res: run.Result{ExitCode: -1}, err: fmt.Errorf("npx: %w", context.Canceled)}, ".", "A", "b", Deployment{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestEnvInvalidName(t *testing.T) {
	for _, name := range []string{"", "1ABC", "A-B", "A=B", "--prod", "A B", "É"} {
		r := &fakeRunner{}
		if err := SetEnv(context.Background(), r, ".", name, "v", Deployment{}); err == nil || !strings.Contains(err.Error(), "invalid Convex environment variable name") {
			t.Errorf("SetEnv(%q) = %v, want an invalid-name error", name, err)
		}
		if _, _, err := GetEnv(context.Background(), r, ".", name, Deployment{}); err == nil {
			t.Errorf("GetEnv(%q) succeeded", name)
		}
		if len(r.calls) != 0 {
			t.Errorf("name %q: runner called: %+v", name, r.calls)
		}
	}
}

func TestGetEnv(t *testing.T) {
	const notFound = "✖ Environment variable \"CLERK_JWT_ISSUER_DOMAIN\" not found\n"
	tests := []struct {
		name      string
		prod      bool
		res       run.Result
		err       error
		wantArgs  []string
		wantValue string
		wantFound bool
		wantErr   string
	}{
		{
			name:      "found",
			res:       run.Result{Stdout: []byte("https://happy-cat-12.clerk.accounts.dev\n")},
			wantValue: "https://happy-cat-12.clerk.accounts.dev",
			wantFound: true,
		},
		{
			name:      "prod",
			prod:      true,
			res:       run.Result{Stdout: []byte("v\n")},
			wantArgs:  []string{"convex", "env", "get", "CLERK_JWT_ISSUER_DOMAIN", "--prod"},
			wantValue: "v",
			wantFound: true,
		},
		{
			name:      "set to the empty string",
			res:       run.Result{Stdout: []byte("\n")},
			wantValue: "",
			wantFound: true,
		},
		{
			name:      "multi-line value and trailing newline kept",
			res:       run.Result{Stdout: []byte("line 1\nline 2\n\n")},
			wantValue: "line 1\nline 2\n",
			wantFound: true,
		},
		{
			name:      "not set: convex 1.48 exits 0",
			res:       run.Result{Stderr: []byte(notFound)},
			wantFound: false,
		},
		{
			name: "not set, colored and after npm noise",
			res:  run.Result{Stderr: []byte("npm warn Unknown user config \"nodedir\".\n\x1b[31m✖\x1b[39m Environment variable \"CLERK_JWT_ISSUER_DOMAIN\" not found\n")},
		},
		{
			name: "not set, with a non-zero exit",
			res: func() run.Result {
				r, _ := exitWith(1, "", notFound)
				return r
			}(),
			err: func() error {
				_, e := exitWith(1, "", notFound)
				return e
			}(),
		},
		{
			name:      "connection log lines before the value are not part of it",
			res:       run.Result{Stdout: []byte("Attempting reconnect in 1339ms\nWebSocket reconnected at t=2s after disconnect due to closed with code 1006\nvalue\n")},
			wantValue: "value",
			wantFound: true,
		},
		{
			name:      "another variable's not-found message does not count",
			res:       run.Result{Stdout: []byte("v\n"), Stderr: []byte("✖ Environment variable \"OTHER\" not found\n")},
			wantValue: "v",
			wantFound: true,
		},
		{
			name: "rejected key",
			res: func() run.Result {
				r, _ := exitWith(1, "Attempting reconnect in 1264ms\n", "Failed to authenticate: \"The provided deploy key was invalid for deployment 'x'.\", check your server auth config\n/work/node_modules/convex/dist/cli.bundle.cjs:122508\n          throw err;\n          ^\n\nError: [CONVEX Q(_system/cli/queryEnvironmentVariables:get)] Unauthorized\n    at OptimisticQueryResults.queryResult (cli.bundle.cjs:112864:13)\n\nNode.js v20.20.2\n")
				return r
			}(),
			err: func() error {
				_, e := exitWith(1, "", "Failed to authenticate")
				return e
			}(),
			wantErr: "npx convex exited with status 1: Failed to authenticate: \"The provided deploy key was invalid for deployment 'x'.\", check your server auth config (npx convex env get CLERK_JWT_ISSUER_DOMAIN)",
		},
		{
			name:    "exit 0 with neither a value nor the not-found message",
			res:     run.Result{Stderr: []byte("something odd\n")},
			wantErr: `printed no value and did not say the variable is unset (stderr: "something odd")`,
		},
		{
			name:    "npx missing",
			res:     run.Result{ExitCode: -1},
			err:     fmt.Errorf("npx %w: install Node.js (which includes npx)", run.ErrNotFound),
			wantErr: "npx not found on PATH: install Node.js (which includes npx)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &fakeRunner{res: tt.res, err: tt.err}
			value, found, err := GetEnv(context.Background(), r, "/project", "CLERK_JWT_ISSUER_DOMAIN", Deployment{Prod: tt.prod})
			wantArgs := tt.wantArgs
			if wantArgs == nil {
				wantArgs = []string{"convex", "env", "get", "CLERK_JWT_ISSUER_DOMAIN"}
			}
			if len(r.calls) != 1 || r.calls[0].Name != "npx" || r.calls[0].Dir != "/project" || !reflect.DeepEqual(r.calls[0].Args, wantArgs) {
				t.Errorf("ran %+v, want one npx %q in /project", r.calls, wantArgs)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "\n") {
					t.Errorf("error is not one line: %q", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("GetEnv: %v", err)
			}
			if value != tt.wantValue || found != tt.wantFound {
				t.Errorf("GetEnv = %q, %v; want %q, %v", value, found, tt.wantValue, tt.wantFound)
			}
		})
	}
}

func TestManualCommand(t *testing.T) {
	tests := []struct {
		name, value string
		prod        bool
		want        string
	}{
		{"CLERK_JWT_ISSUER_DOMAIN", "https://happy-cat-12.clerk.accounts.dev", false, "npx convex env set CLERK_JWT_ISSUER_DOMAIN https://happy-cat-12.clerk.accounts.dev"},
		{"CLERK_JWT_ISSUER_DOMAIN", "https://clerk.example.com", true, "npx convex env set CLERK_JWT_ISSUER_DOMAIN https://clerk.example.com --prod"},
		{"A", "", false, "npx convex env set A ''"},
		{"A", "it's a b", false, `npx convex env set A 'it'\''s a b'`},
		{"A", "$HOME `x` \"q\"", false, "npx convex env set A '$HOME `x` \"q\"'"},
		{"A", "-v", false, "npx convex env set A=-v"},
		{"A", "two\nlines", false, "npx convex env set A 'two\nlines'"},
	}
	for _, tt := range tests {
		if got := ManualCommand(tt.name, tt.value, Deployment{Prod: tt.prod}); got != tt.want {
			t.Errorf("ManualCommand(%q, %q, %v) = %s, want %s", tt.name, tt.value, tt.prod, got, tt.want)
		}
	}
}

// FuzzManualCommand: a POSIX shell splits the manual command back into exactly the
// arguments SetEnv passes to npx.
func FuzzManualCommand(f *testing.F) {
	for _, v := range []string{"https://happy-cat-12.clerk.accounts.dev", "", "it's", "-x", "a b\tc\nd", "$(rm -rf /)", "\\", "'\"'", "=", "--prod"} {
		f.Add(v, false)
		f.Add(v, true)
	}
	f.Fuzz(func(t *testing.T, value string, prod bool) {
		if strings.ContainsRune(value, 0) {
			return // not representable in a process argument
		}
		cmd := ManualCommand("NAME", value, Deployment{Prod: prod})
		words, err := shellquote.Split(cmd)
		if err != nil {
			t.Fatalf("ManualCommand(%q) = %s: does not parse: %v", value, cmd, err)
		}
		want := append([]string{"npx"}, envArgs(Deployment{Prod: prod}, "set", setArgs("NAME", value)...)...)
		if !reflect.DeepEqual(words, want) {
			t.Fatalf("ManualCommand(%q) = %s splits into %q, want %q", value, cmd, words, want)
		}
	})
}

func TestCLIMessage(t *testing.T) {
	tests := []struct {
		name, stderr, want string
	}{
		{"failure mark wins", "npm warn x\nsome preamble\n\x1b[31m✖\x1b[39m  Error: No CONVEX_DEPLOYMENT set\n", "Error: No CONVEX_DEPLOYMENT set"},
		{"first useful line", "\n  Failed to authenticate: \"bad key\"\n/path/cli.bundle.cjs:1\n  throw err;\n  ^\nError: stack\n    at x (y:1:2)\nNode.js v20.20.2\n", "Failed to authenticate: \"bad key\""},
		{"npm error kept", "npm error could not determine executable to run\n", "npm error could not determine executable to run"},
		{"nothing useful", "npm warn a\n\n   at x\n", ""},
		{"long line cut on a rune boundary", "✖ " + strings.Repeat("é", 400), strings.Repeat("é", 250) + "…"},
		// The deployment's or npm's text is echoed in errors: escape sequences other than
		// colours (a window title, a hyperlink), a bare CR and a bidi override are shown
		// escaped, never sent to the terminal.
		{"escapes, CR and bidi made inert", "✖ Error\x1b]0;pwned\x07: bad\r✓ all good \u202eexe\n", `Error\x1b]0;pwned\x07: bad\r✓ all good \u202eexe`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CLIMessage(tt.stderr); got != tt.want {
				t.Errorf("CLIMessage = %q, want %q", got, tt.want)
			}
		})
	}
}

// envRunner is run.ExecRunner with extra environment variables, standing for a user whose
// shell selects the deployment.
type envRunner struct{ env []string }

func (r envRunner) Run(ctx context.Context, c run.Cmd) (run.Result, error) {
	c.Env = append(append([]string{}, c.Env...), r.env...)
	return run.ExecRunner{}.Run(ctx, c)
}

// recordArgs keeps the arguments of every command.
type recordArgs struct {
	r    run.Runner
	args *[]string
}

func (r recordArgs) Run(ctx context.Context, c run.Cmd) (run.Result, error) {
	*r.args = append(*r.args, c.String())
	return r.r.Run(ctx, c)
}

// SetEnv and GetEnv drive the real convex CLI (test/node) against a fake self-hosted
// deployment: what SetEnv writes, GetEnv reads back, and the CLI's own failures come back
// as one-line errors.
func TestEnvWithRealCLI(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	t.Cleanup(cancel) // the parallel subtests run after this function returns

	t.Run("round trips", func(t *testing.T) {
		t.Parallel()
		dir := nodeharness.NewProject(t)
		d := convexdeploy.New(convexdeploy.Options{})
		defer d.Close()
		r := envRunner{nodeharness.CLIEnv(d.URL, d.AdminKey)}
		for _, tt := range []struct{ name, value string }{
			{"CLERK_JWT_ISSUER_DOMAIN", "https://happy-cat-12.clerk.accounts.dev"},
			{"DASHED", "-starts with a dash=and has an equals sign"},
			{"EMPTY", ""},
			{"MULTILINE", "line 1\nline 2\n"},
			{"QUOTES", `it's "quoted" $HOME`},
		} {
			start := time.Now()
			if err := SetEnv(ctx, r, dir, tt.name, tt.value, Deployment{}); err != nil {
				t.Fatalf("SetEnv(%s): %v", tt.name, err)
			}
			t.Logf("SetEnv(%s) took %v", tt.name, time.Since(start).Round(time.Millisecond))
			if got, ok := d.Env()[tt.name]; !ok || got != tt.value {
				t.Errorf("deployment has %s = %q (%v), want %q", tt.name, got, ok, tt.value)
			}
		}
		for _, name := range []string{"CLERK_JWT_ISSUER_DOMAIN", "EMPTY", "MULTILINE"} {
			start := time.Now()
			value, found, err := GetEnv(ctx, r, dir, name, Deployment{})
			t.Logf("GetEnv(%s) took %v", name, time.Since(start).Round(time.Millisecond))
			if err != nil || !found || value != d.Env()[name] {
				t.Errorf("GetEnv(%s) = %q, %v, %v; want %q, true, nil", name, value, found, err, d.Env()[name])
			}
		}
		value, found, err := GetEnv(ctx, r, dir, "NOT_SET", Deployment{})
		if err != nil || found || value != "" {
			t.Errorf("GetEnv(NOT_SET) = %q, %v, %v; want not found", value, found, err)
		}
	})

	t.Run("value on stdin", func(t *testing.T) {
		t.Parallel()
		dir := nodeharness.NewProject(t)
		d := convexdeploy.New(convexdeploy.Options{})
		defer d.Close()
		const secret = "whsec_c3RkaW4gc2VjcmV0IGZvciB0aGUgcmVhbCBDTEk="
		var seen []string
		r := recordArgs{envRunner{nodeharness.CLIEnv(d.URL, d.AdminKey)}, &seen}
		if _, err := SetEnvStdin(ctx, r, dir, "CLERK_WEBHOOK_SECRET", secret, Deployment{}); err != nil {
			t.Fatalf("SetEnvStdin: %v", err)
		}
		if got := d.Env()["CLERK_WEBHOOK_SECRET"]; got != secret {
			t.Errorf("deployment has %q, want the value sent on stdin", got)
		}
		if strings.Contains(strings.Join(seen, " "), "whsec_") {
			t.Errorf("the value was in the arguments: %v", seen)
		}
	})

	t.Run("wrong admin key", func(t *testing.T) {
		t.Parallel()
		dir := nodeharness.NewProject(t)
		d := convexdeploy.New(convexdeploy.Options{})
		defer d.Close()
		r := envRunner{nodeharness.CLIEnv(d.URL, "clerkconvex-fake|not-the-key")}
		const msg = "The provided deploy key was invalid for deployment 'clerkconvex-fake'."
		err := SetEnv(ctx, r, dir, "CLERK_JWT_ISSUER_DOMAIN", "https://x.clerk.accounts.dev", Deployment{})
		for _, want := range []string{"npx convex exited with status 1: " + msg, "run: npx convex env set CLERK_JWT_ISSUER_DOMAIN https://x.clerk.accounts.dev"} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("SetEnv error = %v, want it to contain %q", err, want)
			}
		}
		_, _, err = GetEnv(ctx, r, dir, "CLERK_JWT_ISSUER_DOMAIN", Deployment{})
		if err == nil || !strings.Contains(err.Error(), `Failed to authenticate: "`+msg) || strings.Contains(err.Error(), "\n") {
			t.Errorf("GetEnv error = %v, want the CLI's authentication failure on one line", err)
		}
		if len(d.Env()) != 0 {
			t.Errorf("deployment changed: %v", d.Env())
		}
	})

	t.Run("failing deployment", func(t *testing.T) {
		t.Parallel()
		dir := nodeharness.NewProject(t)
		d := convexdeploy.New(convexdeploy.Options{FailUpdates: true})
		defer d.Close()
		err := SetEnv(ctx, envRunner{nodeharness.CLIEnv(d.URL, d.AdminKey)}, dir, "A", "b", Deployment{})
		var ce *CLIError
		if !errors.As(err, &ce) || ce.ExitCode != 1 || !strings.Contains(err.Error(), "500 Internal Server Error") {
			t.Errorf("SetEnv error = %v, want a CLIError naming the 500", err)
		}
	})

	t.Run("npx missing", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir())
		err := SetEnv(ctx, run.ExecRunner{}, t.TempDir(), "A", "b", Deployment{})
		if err == nil || !strings.Contains(err.Error(), "npx not found on PATH: install Node.js (which includes npx); then run: npx convex env set A b") {
			t.Errorf("SetEnv error = %v", err)
		}
	})
}

// What npm 11.19.1 printed for `npx --no convex env set …` (and with npm_config_yes=false) in
// a folder with a package.json depending on convex 1.48.0 and no node_modules.
const realNpxCanceledStderr = `npm warn Unknown user config "nodedir". This will stop working in the next major version of npm. See ` + "`npm help npmrc`" + ` for supported config options.
npm error npx canceled due to missing packages and no YES option: ["convex@1.48.0"]
npm error A complete log of this run can be found in: /root/.npm/_logs/2026-11-23T17_28_52_836Z-debug-0.log
`

// What it printed for plain `npx convex env set …` there when the registry is unreachable
// (npx first fetches the package's manifest to install it).
const realNpxOfflineStderr = `npm error code ECONNREFUSED
npm error syscall connect
npm error errno ECONNREFUSED
npm error FetchError: request to http://127.0.0.1:9/convex failed, reason: connect ECONNREFUSED 127.0.0.1:9
npm error     at ClientRequest.<anonymous> (/usr/lib/node_modules/npm/node_modules/minipass-fetch/lib/index.js:130:14)
npm error   code: 'ECONNREFUSED',
npm error
npm error If you are behind a proxy, please make sure that the 'proxy' config is set properly.  See: 'npm help config'
npm error A complete log of this run can be found in: /root/.npm/_logs/2026-11-23T17_28_54_129Z-debug-0.log
`

// A project without node_modules/convex: npx fails before the Convex CLI runs, and the error
// says to install it (with the project's package manager) instead of npm's message alone.
func TestEnvNotInstalled(t *testing.T) {
	const npmHint = "run npm install (or npm install convex), then run the command again"
	tests := []struct {
		name    string
		files   []string // created under the temp root; the project is root/app
		stderr  string
		get     bool
		want    []string // substrings of the error
		notIn   []string
		wantNot bool // errors.Is(err, ErrNotInstalled)
	}{
		{
			name:    "npx canceled",
			stderr:  realNpxCanceledStderr,
			want:    []string{"convex is not installed in {dir}: " + npmHint + ` (npx: npm error npx canceled due to missing packages and no YES option: ["convex@1.48.0"]); to do it by hand, run: npx convex env set A b`},
			wantNot: true,
		},
		{
			name:    "npx canceled although a node_modules/convex is there: npx knows best",
			files:   []string{"app/node_modules/convex/package.json"},
			stderr:  realNpxCanceledStderr,
			want:    []string{"convex is not installed in {dir}: " + npmHint},
			wantNot: true,
		},
		{
			name:    "npm could not download it",
			stderr:  realNpxOfflineStderr,
			want:    []string{"convex is not installed in {dir}: " + npmHint + " (npx: npm error code ECONNREFUSED); to do it by hand"},
			wantNot: true,
		},
		{
			name:   "npm failed with convex installed",
			files:  []string{"app/node_modules/convex/package.json"},
			stderr: realNpxOfflineStderr,
			want:   []string{"npx convex exited with status 1: npm error code ECONNREFUSED; to do it by hand, run: npx convex env set A b"},
			notIn:  []string{"not installed"},
		},
		{
			name:   "npm failed with convex installed in a workspace root above",
			files:  []string{"node_modules/convex/package.json"},
			stderr: realNpxOfflineStderr,
			want:   []string{"npx convex exited with status 1: npm error code ECONNREFUSED"},
			notIn:  []string{"not installed"},
		},
		{
			name:   "the Convex CLI itself failed (npx downloaded it)",
			stderr: "npm warn exec The following package was not found and will be installed: convex@1.48.0\n" + realBadKeyStderr,
			want:   []string{"npx convex exited with status 1: The provided deploy key was invalid"},
			notIn:  []string{"not installed"},
		},
		{
			name:    "pnpm project",
			files:   []string{"app/pnpm-lock.yaml"},
			stderr:  realNpxCanceledStderr,
			want:    []string{"convex is not installed in {dir}: run pnpm install (or pnpm add convex), then run the command again"},
			wantNot: true,
		},
		{
			name:    "yarn workspace: the lock file is above",
			files:   []string{"yarn.lock"},
			stderr:  realNpxCanceledStderr,
			want:    []string{"run yarn install (or yarn add convex)"},
			wantNot: true,
		},
		{
			name:    "bun project",
			files:   []string{"app/bun.lock"},
			stderr:  realNpxCanceledStderr,
			want:    []string{"run bun install (or bun add convex)"},
			wantNot: true,
		},
		{
			name:    "env get",
			get:     true,
			stderr:  realNpxCanceledStderr,
			want:    []string{"convex is not installed in {dir}: " + npmHint + ` (npx: npm error npx canceled due to missing packages and no YES option: ["convex@1.48.0"]) (npx convex env get A)`},
			wantNot: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			dir := filepath.Join(root, "app")
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			for _, f := range tt.files {
				p := filepath.Join(root, filepath.FromSlash(f))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte("{}\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			res, exitErr := exitWith(1, "", tt.stderr)
			r := &fakeRunner{res: res, err: exitErr}
			var err error
			if tt.get {
				_, _, err = GetEnv(context.Background(), r, dir, "A", Deployment{})
			} else {
				err = SetEnv(context.Background(), r, dir, "A", "b", Deployment{})
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				w = strings.ReplaceAll(w, "{dir}", dir)
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error = %v\nwant it to contain %q", err, w)
				}
			}
			for _, n := range tt.notIn {
				if strings.Contains(err.Error(), n) {
					t.Errorf("error = %v\nwant no %q", err, n)
				}
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
			if got := errors.Is(err, ErrNotInstalled); got != tt.wantNot {
				t.Errorf("errors.Is(err, ErrNotInstalled) = %v, want %v", got, tt.wantNot)
			}
			var ce *CLIError
			if !errors.As(err, &ce) || ce.ExitCode != 1 {
				t.Errorf("err = %T %v, want a *CLIError with exit code 1", err, err)
			}
		})
	}
}

// The real npx (from PATH, as SetEnv runs it) in a project whose convex is not installed:
// it tries to download convex, from a registry that refuses the connection here (so nothing
// leaves the machine), and SetEnv says to install it. A relative dir is reported absolute.
func TestEnvNotInstalledRealNpx(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "app")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	pkg := `{"name": "app", "private": true, "dependencies": {"convex": "1.48.0"}}` + "\n"
	if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(pkg), 0o644); err != nil {
		t.Fatal(err)
	}
	r := envRunner{[]string{
		"npm_config_registry=http://127.0.0.1:9/",              // the discard port: connection refused
		"npm_config_cache=" + filepath.Join(root, "npm-cache"), // no convex from an earlier npx run
		"npm_config_fetch_retries=0",
		"npm_config_update_notifier=false",
		"CI=1",
	}}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	t.Chdir(root)
	err := SetEnv(ctx, r, "app", "CLERK_JWT_ISSUER_DOMAIN", "https://x.clerk.accounts.dev", Deployment{})
	want := "convex is not installed in " + dir + ": run npm install (or npm install convex), then run the command again (npx: npm error code ECONNREFUSED); to do it by hand, run: npx convex env set CLERK_JWT_ISSUER_DOMAIN https://x.clerk.accounts.dev"
	if err == nil || err.Error() != want {
		t.Fatalf("SetEnv error =\n%v\nwant\n%s", err, want)
	}
	if !errors.Is(err, ErrNotInstalled) {
		t.Errorf("errors.Is(err, ErrNotInstalled) = false")
	}
}
