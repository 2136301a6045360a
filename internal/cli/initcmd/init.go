// Package initcmd is `clerkconvex init`: wire Clerk into a Convex project end to end.
package initcmd

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/convex"
	"github.com/clerkconvex/clerkconvex/internal/iostreams"
	"github.com/clerkconvex/clerkconvex/internal/prompt"
	"github.com/clerkconvex/clerkconvex/internal/run"
)

// Options are init's inputs, filled from flags by RunE.
type Options struct {
	IO       *iostreams.IOStreams
	Getenv   func(string) string
	Prompter func() prompt.Prompter
	Clerk    func(baseURL string, key clerk.SecretKey) (cmdutil.ClerkAPI, error)
	Runner   func() run.Runner
	// HTTPClient is the base client of the Deployment Platform API path (--via).
	HTTPClient func() *http.Client

	cmdutil.ProjectFlags
	ProviderURLs   []string
	ApplicationIDs []string
	Claims         string
	SkipConvexEnv  bool
	Reconfigure    bool
	NpxTimeout     time.Duration
	DryRun         bool
	Yes            bool
	NoInput        bool
	JSON           bool
	SyncUsers      bool
	// EnvFileExplicit: --env-file was given. With --prod and live keys, init writes the keys
	// only to a named env file.
	EnvFileExplicit bool
	// Defaults are the deployment types (dev, preview, prod) whose project defaults get the
	// variables too (--defaults).
	Defaults []string
	// askDefaults turns on the question on a terminal ("Also set it as the default for new
	// dev and preview deployments?"); NewCmdInit sets it.
	askDefaults bool
	// askSyncUsers turns on the question at the end of a first run on a terminal ("Also sync
	// Clerk users…?"). NewCmdInit sets it; tests that build Options directly opt in.
	askSyncUsers bool
}

// NewCmdInit builds the command; runF replaces runInit in tests.
func NewCmdInit(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{
		IO:         f.IOStreams,
		Getenv:     f.Getenv,
		Prompter:   f.Prompter,
		Clerk:      f.Clerk,
		Runner:     f.Runner,
		HTTPClient: f.HTTPClient,

		askSyncUsers: true,
		askDefaults:  true,
	}
	var defaults string
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Wire Clerk authentication into this Convex project",
		Long: cmdutil.Heredoc(`
			Wire Clerk into a Convex project, end to end and safely re-runnable:

			  1. read the Clerk secret and publishable keys (flags, environment, the env file, or a prompt);
			  2. discover the issuer (the instance's Frontend API URL) and check the keys belong together;
			  3. create or update the JWT template "convex" (aud = the application ID);
			  4. write the keys and CLERK_JWT_ISSUER_DOMAIN to .env.local, keeping everything else;
			  5. create or merge convex/auth.config.ts;
			  6. run "npx convex env set CLERK_JWT_ISSUER_DOMAIN <issuer>" on the deployment;
			  7. wire the client (ClerkProvider, ConvexProviderWithClerk with Clerk's useAuth; Next.js
			     middleware) when doctor's check of it fails: the diff first, then a question (--yes).

			In a workspace (package.json workspaces, pnpm-workspace.yaml, turbo.json), run it in the
			app's folder: auth.config and npx convex go to the package holding the Convex functions
			(--convex-dir picks one when several do), the keys to the app's env file.

			Every prompt has a flag. Without a terminal, or with --no-input or CI set, a missing
			value is an error that names its flag and environment variable.`),
		Example: cmdutil.Heredoc(`
			  $ clerkconvex init
			  $ clerkconvex init -C apps/web
			  $ clerkconvex init --no-input --publishable-key pk_test_...   # CLERK_SECRET_KEY in the environment
			  $ clerkconvex init --prod --env-file .env.production
			  $ clerkconvex init --dry-run`),
		Args: cmdutil.NoArgsUseDir,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(opts.ApplicationIDs) > 1 && len(opts.ApplicationIDs) != len(opts.ProviderURLs) {
				return cmdutil.FlagErrorf("--application-id was given %d times but --identity-provider-url %d times: repeat them in pairs, one --application-id per --identity-provider-url",
					len(opts.ApplicationIDs), len(opts.ProviderURLs))
			}
			if len(opts.ApplicationIDs) == 1 && len(opts.ProviderURLs) > 1 {
				return cmdutil.FlagErrorf("--identity-provider-url was given %d times but --application-id once: repeat them in pairs", len(opts.ProviderURLs))
			}
			if err := opts.ProjectFlags.Validate(cmd.Flags().Changed("env-file")); err != nil {
				return err
			}
			opts.EnvFileExplicit = cmd.Flags().Changed("env-file")
			if !opts.SkipConvexEnv || opts.Via == convex.ViaAPI {
				// --via api that cannot be honoured, or a deploy key the Convex CLI would follow
				// past the flags: said before anything is changed.
				if _, err := cmdutil.ConvexEnv(opts.Via, opts.Getenv, nil, nil, "", opts.Target()); err != nil {
					return err
				}
			}
			if k, err := convex.PlatformKeyFromEnv(opts.Getenv); err == nil && k.Kind == "deployment" && k.Type == "prod" && !opts.Prod && !opts.SkipConvexEnv {
				// The key reaches production only, through the API or the Convex CLI alike:
				// without --prod, init would point production at whatever instance these keys
				// are (the development one, usually) unasked.
				return cmdutil.FlagErrorf("%s is the deploy key of the production deployment %s: pass --prod to set the issuer there (with your production Clerk instance's keys), or unset %s to use your dev deployment", k.Source, k.Name, k.Source)
			}
			if cmd.Flags().Changed("defaults") {
				types, err := convex.ParseDefaultTypes(defaults)
				if err != nil {
					return cmdutil.FlagErrorf("--defaults %q: %v", defaults, err)
				}
				if opts.SkipConvexEnv {
					return cmdutil.FlagErrorf("--defaults and --skip-convex-env cannot be used together: --defaults sets project defaults with npx convex")
				}
				// A deploy key in the environment (CI): refused before any prompt, whichever --via.
				if err := defaultsKeyError(convex.SelectionFromEnv(opts.Getenv), types); err != nil {
					return err
				}
				opts.Defaults = types
			}
			if opts.NpxTimeout <= 0 {
				return cmdutil.FlagErrorf("--npx-timeout %s: it must be positive; pass a duration such as 2m or 90s", opts.NpxTimeout)
			}
			if opts.NoInput {
				opts.IO.SetNeverPrompt(true)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runInit(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	opts.ProjectFlags.Register(fl, "env `file` to write, relative to the project folder", "set the variable on the production Convex deployment")
	fl.StringArrayVar(&opts.ProviderURLs, "identity-provider-url", nil, "the identity provider's Domain `URL` (default: the discovered Clerk issuer); repeat with --application-id for more providers")
	fl.StringArrayVar(&opts.ApplicationIDs, "application-id", nil, "application/client `ID` with the identity provider, the JWT's aud (default: convex)")
	fl.StringVar(&opts.Claims, "claims", "", "extra template claims as a JSON `object`, e.g. '{\"org\":\"{{org.slug}}\"}'")
	fl.BoolVar(&opts.Reconfigure, "reconfigure", false, "ask the provider questions again, even when auth.config and the JWT template agree")
	fl.BoolVar(&opts.SkipConvexEnv, "skip-convex-env", false, "do not run npx convex env set")
	fl.StringVar(&defaults, "defaults", "", "also set the variables as the project's defaults for new deployments of these `types` (dev,preview with test keys; prod with live keys)")
	npxDefault := f.NpxTimeout
	if npxDefault <= 0 {
		npxDefault = cmdutil.DefaultNpxTimeout
	}
	fl.DurationVar(&opts.NpxTimeout, "npx-timeout", npxDefault, "time limit of npx convex env set ($CLERKCONVEX_NPX_TIMEOUT sets the default)")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "show what would change, change nothing")
	fl.BoolVarP(&opts.Yes, "yes", "y", false, "accept changes to an existing template, .gitignore and the client wiring without asking")
	fl.BoolVar(&opts.NoInput, "no-input", false, "never prompt; fail on a missing value (also when $CI is set)")
	fl.BoolVar(&opts.JSON, "json", false, "print the result as JSON on stdout")
	fl.BoolVar(&opts.SyncUsers, "sync-users", false, "then run clerkconvex users init (users table + Clerk webhook; secret from $CLERK_WEBHOOK_SECRET); on a terminal init asks")
	return cmd
}

// interrupted turns Ctrl-C at a prompt, and any error after a cancelled context (Ctrl-C,
// SIGTERM) whatever layer reported it, into an interrupted error that says what state things
// are in: untouched while planning, part done once applying began.
func interrupted(ctx context.Context, err error, applying bool) error {
	if err == nil || (ctx.Err() == nil && !errors.Is(err, prompt.ErrInterrupted)) {
		return err
	}
	if applying {
		return &cmdutil.InterruptedError{Msg: "interrupted: stopped before the next step; run clerkconvex init again to finish"}
	}
	return &cmdutil.InterruptedError{Msg: "interrupted: nothing was changed"}
}
