// Package doctor is `clerkconvex doctor`: check the whole Clerk → Convex chain and say what to
// fix. The checks live in internal/doctor; this package reads flags and prints.
package doctor

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/convex"
	"github.com/clerkconvex/clerkconvex/internal/doctor"
	"github.com/clerkconvex/clerkconvex/internal/iostreams"
	"github.com/clerkconvex/clerkconvex/internal/project"
	"github.com/clerkconvex/clerkconvex/internal/prompt"
	"github.com/clerkconvex/clerkconvex/internal/run"
)

// Options are doctor's inputs, filled from flags by RunE.
type Options struct {
	IO         *iostreams.IOStreams
	Getenv     func(string) string
	Clerk      func(baseURL string, key clerk.SecretKey) (cmdutil.ClerkAPI, error)
	HTTPClient func() *http.Client
	Runner     func() run.Runner
	// NpxTimeout limits each npx call ($CLERKCONVEX_NPX_TIMEOUT); --timeout limits it too.
	NpxTimeout time.Duration

	cmdutil.ProjectFlags
	// EnvFileExplicit: --env-file was given (with --prod, only a named env file is compared
	// with the production deployment).
	EnvFileExplicit bool
	Offline         bool
	Token           string
	JSON            bool
	Timeout         time.Duration

	// --fix, and with it --yes and --dry-run.
	Fix, Yes, DryRun bool
	Prompter         func() prompt.Prompter
}

// NewCmdDoctor builds the command; runF replaces runDoctor in tests.
func NewCmdDoctor(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{
		IO:         f.IOStreams,
		Getenv:     f.Getenv,
		Clerk:      f.Clerk,
		HTTPClient: f.HTTPClient,
		Runner:     f.Runner,
		NpxTimeout: f.NpxTimeout,
		Prompter:   f.Prompter,
	}
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check the whole Clerk → Convex chain and say what to fix",
		Long: cmdutil.Heredoc(`
			Check every link between Clerk and Convex and print the fix for each broken one:

			  project     package.json depends on convex and the framework's Clerk package;
			              convex/ exists; convex is not 1.33.0, whose ConvexProviderWithClerk
			              ignores the JWT template, so tokens lack the aud Convex checks
			  env         the env file has both keys, well-formed, from one instance; git
			              ignores it; no tracked file holds the secret key
			  authconfig  convex/auth.config.ts has a provider for Clerk with an applicationID,
			              and none for another Clerk instance
			  client      ConvexProviderWithClerk gets Clerk's useAuth, inside ClerkProvider;
			              a Next.js app runs clerkMiddleware (middleware.ts or proxy.ts)
			  clerk       the secret key works; both keys are one instance; the JWT template
			              "convex" exists and its aud is the applicationID
			  issuer      the issuer's OpenID configuration and RS256 key set
			  convex      the deployment's CLERK_JWT_ISSUER_DOMAIN is the issuer and the env file's value;
			              every variable auth.config reads is set there
			  token       with --token: the token passes Convex's checks

			In a workspace, run it in the app's folder: the env file is the app's, auth.config and
			the deployment those of the package holding the Convex functions (--convex-dir).

			--fix offers each safe automatic fix (Fix <check>? (…)), applies the accepted ones
			with init's code, and checks again; --fix --yes applies them all without asking.

			Exit status: 0 when nothing failed (warnings allowed), 1 when a check failed, 2 on
			bad flags. --offline skips the clerk, issuer and convex sections.`),
		Example: cmdutil.Heredoc(`
			  $ clerkconvex doctor
			  $ clerkconvex doctor --prod
			  $ clerkconvex doctor --json | jq '.checks[] | select(.status == "fail")'
			  $ pbpaste | clerkconvex doctor --token -
			  $ clerkconvex doctor --fix`),
		Args: cmdutil.NoArgsUseDir,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.ProjectFlags.Validate(cmd.Flags().Changed("env-file")); err != nil {
				return err
			}
			opts.EnvFileExplicit = cmd.Flags().Changed("env-file")
			if opts.Timeout <= 0 {
				return cmdutil.FlagErrorf("--timeout %s: it must be positive; pass a duration such as 30s or 2m", opts.Timeout)
			}
			if opts.Token == "-" {
				tok, err := readToken(cmd.Context(), opts.IO.In)
				if err != nil {
					return err
				}
				opts.Token = tok
				if opts.Token == "" {
					return cmdutil.FlagErrorf("--token -: stdin was empty; pipe the token in, e.g. pbpaste | clerkconvex doctor --token -")
				}
			} else if cmd.Flags().Changed("token") && strings.TrimSpace(opts.Token) == "" {
				return cmdutil.FlagErrorf("--token is empty: pass the JWT, or - to read it from stdin")
			}
			if err := opts.checkFixFlags(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			if opts.Fix {
				return runFix(cmd.Context(), opts)
			}
			return runDoctor(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	opts.ProjectFlags.Register(fl, "env `file`, relative to the project folder", "check the production Convex deployment")
	fl.BoolVar(&opts.Offline, "offline", false, "only check local files: no Clerk, issuer or npx calls")
	fl.StringVar(&opts.Token, "token", "", "a Clerk `JWT` to verify as Convex would (- reads it from stdin)")
	fl.BoolVar(&opts.JSON, "json", false, "print the result as JSON on stdout")
	fl.DurationVar(&opts.Timeout, "timeout", 30*time.Second, "time limit of each check, and of each call to Clerk, the issuer or npx")
	fl.BoolVar(&opts.Fix, "fix", false, "offer each safe automatic fix, apply the accepted ones, then check again")
	fl.BoolVarP(&opts.Yes, "yes", "y", false, "with --fix: apply every safe fix without asking (CI)")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "with --fix: show the fixes, change nothing")
	return cmd
}

// maxToken is the most --token - reads from stdin. A Clerk session token is about 1 KB; even
// one with large custom claims is far below this.
const maxToken = 1 << 20

// readToken reads --token - from stdin, up to maxToken bytes, trimmed. Ctrl-C or SIGTERM while
// it waits (a terminal nobody types into, a pipe that never closes) ends the wait.
func readToken(ctx context.Context, in io.Reader) (string, error) {
	type read struct {
		b   []byte
		err error
	}
	done := make(chan read, 1)
	go func() {
		// The goroutine outlives an interrupted wait; the process ends soon after.
		b, err := io.ReadAll(io.LimitReader(in, maxToken+1))
		done <- read{b, err}
	}()
	select {
	case <-ctx.Done():
		return "", &cmdutil.InterruptedError{Msg: "interrupted while reading the token from stdin: nothing was checked; run clerkconvex doctor again"}
	case r := <-done:
		if r.err != nil {
			return "", fmt.Errorf("--token -: reading the token from stdin: %w", r.err)
		}
		if len(r.b) > maxToken {
			return "", cmdutil.FlagErrorf("--token -: stdin holds more than %d KiB, far more than a JWT: pipe in the token alone", maxToken>>10)
		}
		return strings.TrimSpace(string(r.b)), nil
	}
}

func runDoctor(ctx context.Context, opts *Options) error {
	in, err := inputs(opts)
	if err != nil {
		return err
	}
	rep, err := report(ctx, opts, in)
	if err != nil {
		return err
	}
	if !rep.OK() {
		return cmdutil.ErrSilent
	}
	return nil
}

// report runs the checks and prints the report: on a terminal section by section as the checks
// finish; elsewhere, and in --json, at the end.
func report(ctx context.Context, opts *Options, in doctor.Inputs) (*doctor.Report, error) {
	var st *streamer
	if !opts.JSON && opts.IO.IsStdoutTTY() {
		st = newStreamer(opts.IO)
		in.OnChecks, in.OnResult = st.checks, st.add
	}
	rep, err := doctor.Run(ctx, in)
	if err != nil {
		if st != nil {
			st.busy.Stop()
		}
		if ctx.Err() != nil {
			return nil, &cmdutil.InterruptedError{Msg: "interrupted: the checks were stopped; run clerkconvex doctor again"}
		}
		return nil, err
	}
	switch {
	case opts.JSON && opts.Fix:
		// --fix prints one object at the end, with the fixes.
	case opts.JSON:
		err = WriteJSON(opts.IO.Out, rep)
	case st != nil:
		err = st.finish(rep)
	default:
		err = WriteText(opts.IO, rep)
	}
	return rep, err
}

// checkFixFlags: --yes and --dry-run go with --fix; --fix asks on a terminal, and elsewhere
// needs --yes (or --dry-run), like every question of this tool.
func (opts *Options) checkFixFlags() error {
	switch {
	case !opts.Fix && opts.Yes:
		return cmdutil.FlagErrorf("--yes goes with --fix: clerkconvex doctor --fix --yes applies every safe fix without asking")
	case !opts.Fix && opts.DryRun:
		return cmdutil.FlagErrorf("--dry-run goes with --fix: clerkconvex doctor --fix --dry-run shows the fixes")
	case opts.Yes && opts.DryRun:
		return cmdutil.FlagErrorf("--yes and --dry-run together: pass one (--dry-run changes nothing)")
	case opts.Fix && !opts.Yes && !opts.DryRun && !opts.IO.CanPrompt():
		return cmdutil.FlagErrorf("--fix asks before each fix, and there is no terminal to ask on (or --no-input/CI is set): pass --yes to apply every safe fix, or --dry-run to see them")
	}
	return nil
}

// inputs turns flags into doctor.Inputs; bad flags are usage errors.
func inputs(opts *Options) (doctor.Inputs, error) {
	dir, err := cmdutil.ProjectDir(opts.Dir)
	if err != nil {
		return doctor.Inputs{}, err
	}
	if _, err := opts.EnvFilePath(dir); err != nil {
		return doctor.Inputs{}, err
	}
	envRel := opts.EnvFileRel(dir)
	// A Vite app whose vite.config sets envDir loads its env files from there (a monorepo's
	// root, say): that is where the keys the app gets are, unless --env-file names a file.
	envDir := ""
	if !opts.EnvFileExplicit {
		if d, _ := project.ViteEnvDir(dir); project.CleanEnvDir(d) != "" {
			envDir = project.CleanEnvDir(d)
			envRel = path.Join(envDir, path.Base(envRel))
		}
	}
	layout, err := opts.Layout(dir)
	if err != nil {
		return doctor.Inputs{}, err
	}
	var others []string
	for _, p := range layout.Packages {
		if p != dir {
			others = append(others, p)
		}
	}
	apiURL, err := opts.APIURL(opts.Getenv)
	if err != nil {
		return doctor.Inputs{}, err
	}
	in := doctor.Inputs{
		Dir:             dir,
		ConvexDir:       layout.Convex,
		Workspace:       others,
		WorkspaceRoot:   workspaceRoot(layout),
		EnvFile:         envRel,
		EnvDir:          envDir,
		EnvFileExplicit: opts.EnvFileExplicit,
		SecretKey:       opts.SecretKey,
		PublishableKey:  opts.PublishableKey,
		Getenv:          opts.Getenv,
		TemplateName:    opts.TemplateName,
		Prod:            opts.Prod,
		Deployment:      opts.Deployment,
		Offline:         opts.Offline,
		Token:           opts.Token,
		Timeout:         opts.Timeout,
	}
	if opts.Clerk != nil {
		in.NewClerk = func(k clerk.SecretKey) (doctor.ClerkAPI, error) { return opts.Clerk(apiURL, k) }
	}
	if opts.HTTPClient != nil {
		in.HTTPClient = opts.HTTPClient()
	}
	var r run.Runner
	if opts.Runner != nil {
		r = run.WithTimeout(opts.Runner(), opts.NpxTimeout, "allow it longer with CLERKCONVEX_NPX_TIMEOUT")
	}
	// npx convex env list, or the Deployment Platform API with the key from the environment.
	env, err := cmdutil.ConvexEnv(opts.Via, opts.Getenv, opts.HTTPClient, r, layout.Convex, opts.Target())
	if err != nil {
		return doctor.Inputs{}, err
	}
	if r != nil || env.Via() == convex.ViaAPI {
		in.ConvexEnvList = func(ctx context.Context, _ convex.Deployment) (map[string]string, error) {
			return env.List(ctx)
		}
	}
	// A production deploy key reads production, flag or not (as it does for the Convex CLI):
	// check it by production's rules, not the dev deployment's, and say so.
	// The Convex CLI follows the key as the API does (--via npx included).
	if k, err := convex.PlatformKeyFromEnv(opts.Getenv); err == nil && k.Kind == "deployment" && k.Type == "prod" && !opts.Prod {
		in.Prod = true
		if opts.IO != nil {
			fmt.Fprintf(opts.IO.ErrOut, "note: %s is a production deploy key: checking the production deployment, as with --prod\n", k.Source)
		}
	}
	if r != nil && env.Via() == convex.ViaNpx {
		// The Node npx would run, checked against the installed convex's engines first.
		in.NodeVersion = func(ctx context.Context) (string, error) {
			res, err := r.Run(ctx, run.Cmd{Dir: layout.Convex, Name: "node", Args: []string{"--version"}})
			return string(res.Stdout), err
		}
		// The project's defaults per deployment type: the control plane's, through npx only.
		in.ConvexDefaultsList = func(ctx context.Context, typ string) (map[string]string, error) {
			return convex.ListDefaults(ctx, r, layout.Convex, typ)
		}
	}
	return in, nil
}

func workspaceRoot(l project.Layout) string {
	if l.Workspace {
		return l.Root
	}
	return ""
}
