package convex

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/clerkconvex/clerkconvex/internal/project"
	"github.com/clerkconvex/clerkconvex/internal/run"
	"github.com/clerkconvex/clerkconvex/internal/safetext"
)

// Deployment environment variables go through the real Convex CLI, `npx convex env`, run
// in the project folder so that it finds the project's deployment the way the user's own
// commands do (CONVEX_DEPLOYMENT in .env.local, CONVEX_DEPLOY_KEY, or a self-hosted
// CONVEX_SELF_HOSTED_URL + CONVEX_SELF_HOSTED_ADMIN_KEY). What the CLI does on the wire and
// prints is described in docs/testing.md; the facts this file relies on (convex 1.48):
//
//   - `env set NAME VALUE` exits 0 after one POST /api/update_environment_variables.
//   - `env get NAME` prints the value and a newline on stdout and exits 0; for a variable
//     that is not set it prints nothing on stdout, `✖ Environment variable "NAME" not found`
//     on stderr, and still exits 0.
//   - Failures exit 1 with the reason on stderr, usually on a line starting with "✖".
//   - `--prod` selects the production deployment; the CLI refuses it for self-hosted ones.

// envNameRE is the form Convex accepts for deployment variable names.
var envNameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`) })

func checkEnvName(name string) error {
	if !envNameRE().MatchString(name) {
		return fmt.Errorf("invalid Convex environment variable name %q: use a letter followed by letters, digits and underscores", name)
	}
	return nil
}

// envArgs builds `convex env <verb> ...` arguments for npx, the deployment's options last.
func envArgs(dep Deployment, verb string, rest ...string) []string {
	args := append([]string{"convex", "env", verb}, rest...)
	return append(args, dep.Args()...)
}

// setArgs are the arguments after "convex env set". A value starting with "-" would be read
// as an option, so it goes as NAME=VALUE, a form the CLI splits at the first "=".
func setArgs(name, value string) []string {
	if strings.HasPrefix(value, "-") {
		return []string{name + "=" + value}
	}
	return []string{name, value}
}

// ManualCommand is the exact command a person can run instead of SetEnv, shell-quoted
// (POSIX shells): `npx convex env set NAME VALUE [--prod | --deployment REF]`.
func ManualCommand(name, value string, dep Deployment) string {
	parts := []string{"npx"}
	for _, a := range envArgs(dep, "set", setArgs(name, value)...) {
		parts = append(parts, shellQuote(a))
	}
	return strings.Join(parts, " ")
}

func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@%+,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// secretPrefixes mark values that must not be echoed in an error, even inside the manual
// command: Clerk secret keys and Svix webhook signing secrets.
var secretPrefixes = []string{"sk_test_", "sk_live_", "whsec_"}

func looksSecret(value string) bool {
	for _, p := range secretPrefixes {
		if strings.HasPrefix(value, p) {
			return true
		}
	}
	return false
}

// ErrNotInstalled is what a CLIError wraps when npx failed because the project has no
// convex package installed (errors.Is(err, ErrNotInstalled)).
var ErrNotInstalled = errors.New("convex is not installed")

// CLIError is a `npx convex env` call that ran but failed.
type CLIError struct {
	// Command is the command line without the value, e.g. "npx convex env set NAME --prod".
	Command string
	// ExitCode is the CLI's exit status.
	ExitCode int
	// Stderr is everything the CLI wrote on stderr, trimmed.
	Stderr string
	// Manual is what to run by hand instead ("" when there is nothing to suggest).
	Manual string
	// NotInstalledIn is the project folder when the failure is npx's own, because convex is
	// not installed there ("npx canceled due to missing packages…", or npm failing to
	// download it); "" otherwise.
	NotInstalledIn string
	// Install is how to install it there, e.g. "npm install (or npm install convex)"; set
	// with NotInstalledIn.
	Install string
}

// Error is one line: "npx convex exited with status N: <the CLI's message>", then the
// manual command, or the command that failed when there is nothing to run by hand. When
// convex is not installed it says so and how to install it instead of the status.
func (e *CLIError) Error() string {
	var msg string
	if e.NotInstalledIn != "" {
		msg = fmt.Sprintf("convex is not installed in %s: run %s, then run the command again", e.NotInstalledIn, e.Install)
		if m := CLIMessage(e.Stderr); m != "" {
			msg += " (npx: " + m + ")"
		}
	} else {
		msg = fmt.Sprintf("npx convex exited with status %d", e.ExitCode)
		if m := CLIMessage(e.Stderr); m != "" {
			msg += ": " + m
		}
		if fix := KnownFix(e.Stderr); fix != "" {
			msg += " — " + fix
		}
	}
	if e.Manual != "" {
		return msg + "; to do it by hand, run: " + e.Manual
	}
	return msg + " (" + e.Command + ")"
}

// Unwrap is ErrNotInstalled when convex is not installed, else nil.
func (e *CLIError) Unwrap() error {
	if e.NotInstalledIn != "" {
		return ErrNotInstalled
	}
	return nil
}

// npxCanceledRE is npx's refusal (npm 7 and later) to download a package the project
// lacks, under --no or npm_config_yes=false:
// `npm error npx canceled due to missing packages and no YES option: ["convex@1.48.0"]`.
var npxCanceledRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`canceled due to missing packages`) })

// npmErrorRE marks a line npm itself wrote on failing (npm 9+: "npm error", before: "npm ERR!").
var npmErrorRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?m)^npm (error|ERR!) `) })

// notInstalled reports whether a failed npx call failed because convex is not installed
// for dir: npx said it refused to download it, or npm failed (not the Convex CLI, which
// never ran) and no node_modules/convex is in dir or above it, where Node would find it.
func notInstalled(dir, stderr string) bool {
	stderr = stripANSI(stderr)
	if npxCanceledRE().MatchString(stderr) {
		return true
	}
	return npmErrorRE().MatchString(stderr) && !convexInstalled(dir)
}

// convexInstalled reports whether Node's module resolution from dir finds the convex
// package: dir/node_modules/convex or the same in a folder above (a workspace root).
func convexInstalled(dir string) bool {
	for d := absDir(dir); ; {
		if _, err := os.Stat(filepath.Join(d, "node_modules", "convex", "package.json")); err == nil {
			return true
		}
		parent := filepath.Dir(d)
		if parent == d {
			return false
		}
		d = parent
	}
}

func absDir(dir string) string {
	if dir == "" {
		dir = "."
	}
	if abs, err := filepath.Abs(dir); err == nil {
		return abs
	}
	return dir
}

// SetEnv runs `npx convex env set NAME VALUE [--prod | --deployment REF]` in dir: one call. On failure the
// error carries the CLI's message and the command to run by hand (without the value when
// the value looks like a secret).
func SetEnv(ctx context.Context, r run.Runner, dir, name, value string, dep Deployment) error {
	_, err := SetEnvTarget(ctx, r, dir, name, value, dep)
	return err
}

// Target is the deployment the CLI says it changed: "✔ Successfully set NAME (on prod
// deployment happy-cat-123)". Type and Name are empty when the CLI does not say (a
// self-hosted deployment).
type Target struct {
	Type    string // dev, prod, preview, ...
	Name    string
	Message string // the CLI's success line, without colours
}

var targetRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\(on (\S+) deployment (\S+)\)`) })

// SetEnvTarget is SetEnv that also reports the deployment the CLI changed.
func SetEnvTarget(ctx context.Context, r run.Runner, dir, name, value string, dep Deployment) (Target, error) {
	if err := checkEnvName(name); err != nil {
		return Target{}, err
	}
	manual := ManualCommand(name, value, dep)
	if looksSecret(value) {
		manual = strings.Join(append([]string{"npx"}, envArgs(dep, "set", name)...), " ") + " (it asks for the value)"
	}
	cmd := run.Cmd{Dir: dir, Name: "npx", Args: envArgs(dep, "set", setArgs(name, value)...)}
	res, err := r.Run(ctx, cmd)
	if err = callError(ctx, err, res, dir, strings.Join(append([]string{"npx"}, envArgs(dep, "set", name)...), " "), manual); err != nil {
		return Target{}, err
	}
	return parseTarget(res.Stderr), nil
}

// parseTarget reads the deployment from the CLI's "✔ Successfully set NAME (on …)" line.
func parseTarget(stderr []byte) Target {
	var t Target
	for _, line := range strings.Split(stripANSI(string(stderr)), "\n") {
		if strings.Contains(line, "Successfully set") {
			t.Message = safetext.Line(strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(line), "✔")))
			if m := targetRE().FindStringSubmatch(line); m != nil {
				t.Type, t.Name = safetext.Line(m[1]), safetext.Line(m[2])
			}
		}
	}
	return t
}

// GetEnv runs `npx convex env get NAME [--prod | --deployment REF]` in dir. found is false when the CLI says
// the variable is not set; a variable set to "" is found with value "".
func GetEnv(ctx context.Context, r run.Runner, dir, name string, dep Deployment) (value string, found bool, err error) {
	if err := checkEnvName(name); err != nil {
		return "", false, err
	}
	command := strings.Join(append([]string{"npx"}, envArgs(dep, "get", name)...), " ")
	res, runErr := r.Run(ctx, run.Cmd{Dir: dir, Name: "npx", Args: envArgs(dep, "get", name)})
	stdout := stripConnectionLog(string(res.Stdout))
	notFound := stdout == "" && strings.Contains(stripANSI(string(res.Stderr)), fmt.Sprintf("Environment variable %q not found", name))
	if notFound {
		// convex 1.48 exits 0 here; accept a non-zero exit too, as long as the CLI itself
		// said so and the run was not cut short.
		var ee *run.ExitError
		if runErr == nil || (errors.As(runErr, &ee) && ctx.Err() == nil) {
			return "", false, nil
		}
	}
	if err := callError(ctx, runErr, res, dir, command, ""); err != nil {
		return "", false, err
	}
	if stdout == "" {
		return "", false, fmt.Errorf("%s printed no value and did not say the variable is unset (stderr: %q)", command, CLIMessage(string(res.Stderr)))
	}
	return strings.TrimSuffix(stdout, "\n"), true, nil
}

// callError turns a Runner failure of a call run in dir into the error SetEnv and GetEnv
// return, or nil.
func callError(ctx context.Context, err error, res run.Result, dir, command, manual string) error {
	var ee *run.ExitError
	switch {
	case err == nil && res.ExitCode == 0:
		return nil
	case ctx.Err() != nil:
		return fmt.Errorf("%s: %w", command, ctx.Err())
	case errors.Is(err, run.ErrNotFound):
		if manual != "" {
			return fmt.Errorf("%w; then run: %s", err, manual)
		}
		return err
	case errors.As(err, &ee) || (err == nil && res.ExitCode != 0):
		code := res.ExitCode
		if ee != nil {
			code = ee.Code
		}
		ce := &CLIError{Command: command, ExitCode: code, Stderr: strings.TrimSpace(string(res.Stderr)), Manual: manual}
		if notInstalled(dir, ce.Stderr) {
			ce.NotInstalledIn, ce.Install = absDir(dir), project.InstallCommand(dir)+" (or "+project.AddCommand(dir, "convex")+")"
		}
		return ce
	default:
		return fmt.Errorf("%s: %w", command, err)
	}
}

var ansiRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]`) })

func stripANSI(s string) string { return ansiRE().ReplaceAllString(s, "") }

// connectionLogRE matches the lines the Convex client's WebSocket manager logs to stdout
// (console.log) when its connection drops and comes back; they can precede `env get`'s
// value.
var connectionLogRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(Attempting reconnect in \d+ms|WebSocket reconnected at |WebSocket closed with code |WebSocket error message: |Network recovery detected|Network recovery reconnect saved )`)
})

func stripConnectionLog(stdout string) string {
	for stdout != "" {
		line, rest, _ := strings.Cut(stdout, "\n")
		if !connectionLogRE().MatchString(line) {
			break
		}
		stdout = rest
	}
	return stdout
}

// stackLineRE matches the lines of a Node stack trace and crash report, which say nothing a
// user can act on.
var stackLineRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(at |\^+$|Node\.js v\d|throw |[A-Za-z]:\\|/)`) })

// CLIMessage picks the line of the Convex CLI's stderr that says what went wrong: the first
// "✖" line (the CLI's failure mark), else the first line that is not npm noise or part of a
// stack trace. It is at most 500 bytes, safe to print (see package safetext); "" when stderr
// has nothing useful.
func CLIMessage(stderr string) string { return safetext.Line(cliMessage(stderr)) }

func cliMessage(stderr string) string {
	var fallback string
	for _, line := range strings.Split(stripANSI(stderr), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "",
			strings.HasPrefix(line, "npm warn"), strings.HasPrefix(line, "npm WARN"),
			strings.HasPrefix(line, "npm notice"),
			stackLineRE().MatchString(line):
			continue
		case strings.HasPrefix(line, "✖"):
			return truncate(strings.TrimSpace(strings.TrimPrefix(line, "✖")))
		case fallback == "":
			fallback = line
		}
	}
	return truncate(fallback)
}

func truncate(s string) string {
	const max = 500
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && (s[cut]&0xC0) == 0x80 { // do not split a UTF-8 sequence
		cut--
	}
	return s[:cut] + "…"
}
