// Package cli is the root command and Main, which maps errors to exit codes.
package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/clerkconvex/clerkconvex/internal/build"
	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/cli/doctor"
	"github.com/clerkconvex/clerkconvex/internal/cli/initcmd"
	"github.com/clerkconvex/clerkconvex/internal/httpx"
	"github.com/clerkconvex/clerkconvex/internal/iostreams"
	"github.com/clerkconvex/clerkconvex/internal/prompt"
	"github.com/clerkconvex/clerkconvex/internal/run"
)

// NewFactory builds the real dependencies, lazily.
func NewFactory(getenv func(string) string) *cmdutil.Factory {
	ios := iostreams.System(getenv)
	f := &cmdutil.Factory{IOStreams: ios, Getenv: getenv}
	var hc *http.Client
	f.HTTPClient = func() *http.Client {
		if hc == nil {
			hc = httpx.NewClient(httpOptions(getenv))
		}
		return hc
	}
	f.Clerk = func(baseURL string, key clerk.SecretKey) (cmdutil.ClerkAPI, error) {
		return clerk.New(clerk.Config{BaseURL: baseURL, SecretKey: key, HTTPClient: f.HTTPClient()})
	}
	f.Prompter = func() prompt.Prompter {
		return prompt.NewSurvey(ios.InFile, ios.OutFile, ios.ErrOut)
	}
	f.Runner = func() run.Runner { return run.ExecRunner{} }
	return f
}

// httpOptions reads the network knobs: CLERKCONVEX_HTTP_TIMEOUT (per attempt, default 15s) and
// CLERKCONVEX_RETRY_BASE_DELAY (first backoff step, default 500ms), as Go durations.
func httpOptions(getenv func(string) string) httpx.Options {
	var o httpx.Options
	if d, err := time.ParseDuration(getenv("CLERKCONVEX_HTTP_TIMEOUT")); err == nil && d > 0 {
		o.Timeout = d
	}
	if d, err := time.ParseDuration(getenv("CLERKCONVEX_RETRY_BASE_DELAY")); err == nil && d >= 0 {
		o.BaseDelay = d
		if d == 0 {
			o.BaseDelay = time.Nanosecond
		}
	}
	return o
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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		// After the first Ctrl-C, a second one ends the process at once.
		<-ctx.Done()
		stop()
	}()
	f := NewFactory(os.Getenv)
	return Run(ctx, f, os.Args[1:])
}

// Run executes args and prints an error once, on stderr.
func Run(ctx context.Context, f *cmdutil.Factory, args []string) int {
	root := NewCmdRoot(f)
	root.SetArgs(args)
	root.SetIn(f.IOStreams.In)
	cmd, err := root.ExecuteContextC(ctx)
	if err != nil && strings.HasPrefix(err.Error(), "unknown command") {
		err = &cmdutil.FlagError{Err: err}
	}
	code := cmdutil.ExitCode(err)
	if err != nil && !errors.Is(err, cmdutil.ErrSilent) {
		msg := err.Error()
		var ie *cmdutil.InterruptedError
		switch {
		case code != cmdutil.ExitInterrupted, errors.As(err, &ie):
		case cmd != nil && cmd.Name() == "doctor":
			msg = "interrupted: the checks were stopped; run clerkconvex doctor again"
		default:
			msg = "interrupted: stopped before the next step; run the command again to finish"
		}
		fmt.Fprintf(f.IOStreams.ErrOut, "%s %s\n", f.IOStreams.Icon(iostreams.Fail), clerk.RedactSecrets(msg))
	}
	return code
}
