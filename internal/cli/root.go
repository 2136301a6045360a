// Package cli is the root command and Main, which maps errors to exit codes.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/clerkconvex/clerkconvex/internal/build"
	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/cli/doctor"
	"github.com/clerkconvex/clerkconvex/internal/cli/initcmd"
	"github.com/clerkconvex/clerkconvex/internal/cli/users"
	"github.com/clerkconvex/clerkconvex/internal/httpx"
	"github.com/clerkconvex/clerkconvex/internal/iostreams"
	"github.com/clerkconvex/clerkconvex/internal/prompt"
	"github.com/clerkconvex/clerkconvex/internal/run"
	"github.com/clerkconvex/clerkconvex/internal/safetext"
)

// NewFactory builds the real dependencies, lazily.
func NewFactory(getenv func(string) string) *cmdutil.Factory {
	ios := iostreams.System(getenv)
	f := &cmdutil.Factory{IOStreams: ios, Getenv: getenv}
	// Doctor's checks ask for the client from several goroutines: build it once.
	// httpOptions was checked by Run before any command could get here.
	f.HTTPClient = sync.OnceValue(func() *http.Client {
		o, _ := httpOptions(getenv)
		return httpx.NewClient(o)
	})
	f.Clerk = func(baseURL string, key clerk.SecretKey) (cmdutil.ClerkAPI, error) {
		return clerk.New(clerk.Config{BaseURL: baseURL, SecretKey: key, HTTPClient: f.HTTPClient()})
	}
	// One prompter for the whole run: input typed ahead of one question (a second pasted
	// line) is kept for the next.
	var prompter prompt.Prompter
	f.Prompter = func() prompt.Prompter {
		if prompter == nil {
			prompter = prompt.NewSurvey(ios.InFile, ios.OutFile, ios.ErrOut)
		}
		return prompter
	}
	f.Runner = func() run.Runner { return run.ExecRunner{} }
	f.NpxTimeout, _ = npxTimeout(getenv) // checked by Run too
	return f
}

// npxTimeout reads CLERKCONVEX_NPX_TIMEOUT, the time limit of each npx call, as a Go duration
// (default cmdutil.DefaultNpxTimeout, must be positive).
func npxTimeout(getenv func(string) string) (time.Duration, error) {
	v := getenv("CLERKCONVEX_NPX_TIMEOUT")
	if v == "" {
		return cmdutil.DefaultNpxTimeout, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return cmdutil.DefaultNpxTimeout, cmdutil.FlagErrorf("CLERKCONVEX_NPX_TIMEOUT=%q is not a positive duration: set it like 2m or 90s, or unset it", v)
	}
	return d, nil
}

// httpOptions reads the network knobs, as Go durations: CLERKCONVEX_HTTP_TIMEOUT (per attempt,
// default 15s, must be positive) and CLERKCONVEX_RETRY_BASE_DELAY (first backoff step, default
// 500ms; 0 retries at once). A value that does not parse is a usage error naming the variable.
func httpOptions(getenv func(string) string) (httpx.Options, error) {
	var o httpx.Options
	if v := getenv("CLERKCONVEX_HTTP_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return o, cmdutil.FlagErrorf("CLERKCONVEX_HTTP_TIMEOUT=%q is not a positive duration: set it like 15s or 1m, or unset it", v)
		}
		o.Timeout = d
	}
	if v := getenv("CLERKCONVEX_RETRY_BASE_DELAY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return o, cmdutil.FlagErrorf("CLERKCONVEX_RETRY_BASE_DELAY=%q is not a duration: set it like 500ms or 0, or unset it", v)
		}
		o.BaseDelay = max(d, time.Nanosecond)
	}
	return o, nil
}

// NewCmdRoot builds the command tree.
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "clerkconvex <command>",
		Short: "Wire Clerk authentication into a Convex project, and prove it works",
		Long: `clerkconvex wires Clerk authentication into a Convex project in one command
(init), and checks the whole chain from Clerk to Convex (doctor).`,
		Version:       build.String(),
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetVersionTemplate("clerkconvex {{.Version}}\n")
	root.SetOut(f.IOStreams.Out)
	root.SetErr(f.IOStreams.ErrOut)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return &cmdutil.FlagError{Err: fmt.Errorf("%w (see %s --help)", err, cmd.CommandPath())}
	})
	root.AddCommand(initcmd.NewCmdInit(f, nil))
	root.AddCommand(doctor.NewCmdDoctor(f, nil))
	root.AddCommand(users.NewCmdUsers(f, nil, nil))
	// cobra's completion command prints its help and exits 0 for an unknown shell, or none:
	// make both a usage error.
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			c.Args = cobra.ArbitraryArgs
			c.RunE = func(cmd *cobra.Command, args []string) error {
				const shells = "use bash, zsh, fish or powershell"
				if len(args) == 0 {
					return cmdutil.FlagErrorf("%s needs a shell: %s", cmd.CommandPath(), shells)
				}
				return cmdutil.FlagErrorf("unknown shell %q for %s: %s", args[0], cmd.CommandPath(), shells)
			}
		}
	}
	root.AddCommand(&cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := fmt.Fprintf(f.IOStreams.Out, "clerkconvex %s\n", build.String())
			return err
		},
	})
	return root
}

// Main runs the CLI and returns the exit code.
func Main() int {
	if code, done := printVersion(os.Args[1:], os.Getenv, os.Stdout); done {
		return code
	}
	// Every signal that ends a process from a terminal or a supervisor (Ctrl-C, kill, closing
	// the terminal, Ctrl-\) cancels ctx, which kills the npx process group (internal/run);
	// SIGKILL, which cannot be caught, is covered on Linux by run's parent-death signal.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	defer stop()
	go func() {
		// After the first Ctrl-C, a second one ends the process at once.
		<-ctx.Done()
		stop()
	}()
	f := NewFactory(os.Getenv)
	return Run(ctx, f, os.Args[1:])
}

// printVersion answers `clerkconvex --version` and `clerkconvex version` without building the
// command tree, the factory or the signal handling: the commands scripts call most to see
// that the tool is there. It prints exactly what those commands print; anything else (another
// argument, a network knob to validate) is left to Run (done false).
func printVersion(args []string, getenv func(string) string, out io.Writer) (code int, done bool) {
	if len(args) != 1 || (args[0] != "--version" && args[0] != "version") {
		return 0, false
	}
	if getenv("CLERKCONVEX_HTTP_TIMEOUT") != "" || getenv("CLERKCONVEX_RETRY_BASE_DELAY") != "" || getenv("CLERKCONVEX_NPX_TIMEOUT") != "" {
		return 0, false // Run reports a bad value before any command, this one included
	}
	if _, err := fmt.Fprintf(out, "clerkconvex %s\n", build.String()); err != nil && args[0] == "version" {
		// As the command does; cobra's --version flag ignores a failed write.
		fmt.Fprintf(os.Stderr, "%v\n", err)
		return cmdutil.ExitFailure, true
	}
	return 0, true
}

// Run executes args and prints an error once, on stderr.
func Run(ctx context.Context, f *cmdutil.Factory, args []string) int {
	_, err := httpOptions(f.Getenv)
	if err == nil {
		_, err = npxTimeout(f.Getenv)
	}
	if err != nil {
		fmt.Fprintf(f.IOStreams.ErrOut, "%s %s\n", f.IOStreams.Icon(iostreams.Fail), err)
		return cmdutil.ExitCode(err)
	}
	root := NewCmdRoot(f)
	root.SetArgs(args)
	root.SetIn(f.IOStreams.In)
	if len(args) > 0 && args[0] == cobra.ShellCompRequestCmd {
		root.SetOut(plainCompletions(f.IOStreams.Out))
	}
	cmd, err := root.ExecuteContextC(ctx)
	if err != nil && strings.HasPrefix(err.Error(), "unknown command") {
		err = &cmdutil.FlagError{Err: err}
	}
	code := cmdutil.ExitCode(err)
	// --json prints one object on stdout, on failure too (a command that already printed its
	// own result returned ErrSilent, or its error wrapped by cmdutil.JSONWritten).
	if err != nil && !errors.Is(err, cmdutil.ErrSilent) && !errors.As(err, new(*cmdutil.JSONWrittenError)) && cmdutil.WantsJSON(cmd, args) {
		if code == cmdutil.ExitInterrupted && !errors.As(err, new(*cmdutil.InterruptedError)) {
			err = &cmdutil.InterruptedError{Msg: "interrupted: stopped before the next step; run the command again to finish"}
		}
		cmdutil.WriteJSONError(f.IOStreams.Out, err)
	}
	if err != nil && !errors.Is(err, cmdutil.ErrSilent) {
		msg := err.Error()
		var ie *cmdutil.InterruptedError
		switch {
		case code != cmdutil.ExitInterrupted, errors.As(err, &ie):
		default:
			msg = "interrupted: stopped before the next step; run the command again to finish"
		}
		// Errors are built with text from the network already made safe; this is the last guard.
		f.IOStreams.Step(iostreams.Fail, "%s", safetext.Text(clerk.RedactSecrets(msg)))
	}
	return code
}
