// Package users is `clerkconvex users`: sync Clerk's users into a Convex users table through
// Clerk's webhook (`users init`), and prove the deployed webhook and its secret agree
// (`users test`).
package users

import (
	"context"
	"net/http"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/convex"
	"github.com/clerkconvex/clerkconvex/internal/iostreams"
	"github.com/clerkconvex/clerkconvex/internal/prompt"
	"github.com/clerkconvex/clerkconvex/internal/run"
)

// SecretEnv is the deployment variable (and the local environment variable) holding the
// webhook's signing secret.
const SecretEnv = "CLERK_WEBHOOK_SECRET"

// Options are the inputs of both subcommands, filled from flags by RunE.
type Options struct {
	IO         *iostreams.IOStreams
	Getenv     func(string) string
	Prompter   func() prompt.Prompter
	Runner     func() run.Runner
	HTTPClient func() *http.Client

	Dir           string
	ConvexDir     string
	EnvFile       string
	Prod          bool
	Deployment    string // --deployment: a named deployment (never with Prod)
	Via           string // --via: auto, npx or api
	NoInput       bool
	JSON          bool
	SecretStdin   bool
	SkipConvexEnv bool
	// Defaults are deployment types (dev, preview, prod) whose project defaults get the
	// webhook secret too: init passes its --defaults on.
	Defaults []string
	// NpxTimeout limits each npx convex env call ($CLERKCONVEX_NPX_TIMEOUT).
	NpxTimeout time.Duration

	// init
	DryRun      bool
	Yes         bool
	SkipInstall bool

	// test
	URL     string
	Timeout time.Duration
}

// NewCmdUsers builds `users` with its subcommands; runInit and runTest replace the real ones
// in tests when not nil.
func NewCmdUsers(f *cmdutil.Factory, runInitF, runTestF func(context.Context, *Options) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "users <command>",
		Short: "Sync Clerk users into a Convex users table (webhook), and test it",
		Long: cmdutil.Heredoc(`
			Keep a Convex "users" table in step with Clerk: "users init" writes the table, the
			functions and the webhook route, and sets the signing secret on the deployment;
			"users test" sends signed events to the deployed route to prove it works.`),
	}
	cmd.AddCommand(newCmdInit(f, runInitF), newCmdTest(f, runTestF))
	return cmd
}

func newOptions(f *cmdutil.Factory) *Options {
	return &Options{IO: f.IOStreams, Getenv: f.Getenv, Prompter: f.Prompter, Runner: f.Runner, HTTPClient: f.HTTPClient, NpxTimeout: f.NpxTimeout}
}

// register declares the flags both subcommands share.
func (o *Options) register(fl *pflag.FlagSet) {
	fl.StringVarP(&o.Dir, "dir", "C", ".", "project `folder` (where package.json is)")
	fl.StringVar(&o.ConvexDir, "convex-dir", "", "in a workspace, the package `folder` that holds convex/ (default: found from the workspace)")
	fl.StringVar(&o.EnvFile, "env-file", ".env.local", "env `file` to read the Convex URL from, relative to the project folder")
	fl.BoolVar(&o.Prod, "prod", false, "use the production Convex deployment")
	cmdutil.RegisterDeployment(fl, &o.Deployment)
	cmdutil.RegisterVia(fl, &o.Via)
	fl.BoolVar(&o.NoInput, "no-input", false, "never prompt; fail on a missing value (also when $CI is set)")
	fl.BoolVar(&o.JSON, "json", false, "print the result as JSON on stdout")
	fl.BoolVar(&o.SecretStdin, "webhook-secret-stdin", false, "read the webhook signing secret (whsec_…) from stdin (default: $"+SecretEnv+")")
}

func newCmdInit(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := newOptions(f)
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Add a users table synced from Clerk by webhook",
		Long: cmdutil.Heredoc(`
			Sync Clerk's users into Convex, safely re-runnable:

			  1. convex/schema.ts: a users table (name, externalId, index byExternalId);
			  2. convex/users.ts: current, upsertFromClerk, deleteFromClerk, getCurrentUser,
			     getCurrentUserOrThrow (only what is missing);
			  3. convex/http.ts: POST /clerk-users-webhook, checking the Svix signature;
			  4. the svix package, with the project's package manager (after asking);
			  5. CLERK_WEBHOOK_SECRET on the deployment, passed to npx convex on stdin;
			  6. what to do in Clerk's dashboard: the endpoint URL and the three events.

			The signing secret comes from $CLERK_WEBHOOK_SECRET, --webhook-secret-stdin, or a
			hidden prompt; it is never a flag value.`),
		Example: cmdutil.Heredoc(`
			  $ clerkconvex users init
			  $ clerkconvex users init --dry-run
			  $ printf %s "$SECRET" | clerkconvex users init --no-input --yes --webhook-secret-stdin`),
		Args: cmdutil.NoArgsUseDir,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runInit(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	opts.register(fl)
	fl.BoolVar(&opts.SkipConvexEnv, "skip-convex-env", false, "do not set "+SecretEnv+" on the deployment")
	fl.BoolVar(&opts.SkipInstall, "skip-install", false, "do not install svix; print the command instead")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "show what would change, change nothing")
	fl.BoolVarP(&opts.Yes, "yes", "y", false, "install svix without asking")
	return cmd
}

func newCmdTest(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := newOptions(f)
	cmd := &cobra.Command{
		Use:   "test",
		Short: "Send signed test events to the deployed webhook route",
		Long: cmdutil.Heredoc(`
			Prove that the deployed /clerk-users-webhook route and its signing secret agree, leaving
			no data behind: a signed user.created for a made-up user (expect 2xx), the same body
			with a bad signature (expect 4xx), and a signed user.deleted for it (expect 2xx).

			The secret comes from --webhook-secret-stdin, $CLERK_WEBHOOK_SECRET, or the deployment
			(npx convex env get CLERK_WEBHOOK_SECRET). The site URL from --url, $CONVEX_SITE_URL, or
			the Convex URL in the env file (.convex.cloud becomes .convex.site).`),
		Example: cmdutil.Heredoc(`
			  $ clerkconvex users test
			  $ clerkconvex users test --prod --url https://happy-cat-123.convex.site`),
		Args: cmdutil.NoArgsUseDir,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.validate(); err != nil {
				return err
			}
			if opts.Timeout <= 0 {
				return cmdutil.FlagErrorf("--timeout must be positive, like 30s")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runTest(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	opts.register(fl)
	fl.StringVar(&opts.URL, "url", "", "the deployment's site `URL` (https://<name>.convex.site, or a custom domain)")
	fl.DurationVar(&opts.Timeout, "timeout", 30*time.Second, "time limit of each request and of npx convex env get")
	return cmd
}

func (o *Options) validate() error {
	if o.EnvFile == "" {
		return cmdutil.FlagErrorf("--env-file is empty: pass a file name such as .env.local")
	}
	if err := cmdutil.SelectDeployment(&o.Prod, &o.Deployment); err != nil {
		return err
	}
	if _, err := cmdutil.ConvexEnv(o.Via, o.Getenv, nil, nil, "", o.target()); err != nil {
		return err // --via api that cannot be honoured, said before anything is written
	}
	if o.NoInput {
		o.IO.SetNeverPrompt(true)
	}
	return nil
}

// target is the deployment the commands use: the default one, --prod or --deployment's.
func (o *Options) target() convex.Deployment {
	return convex.Deployment{Prod: o.Prod, Ref: o.Deployment}
}

// cloudKey is the deploy key the commands reach a cloud deployment with when they go through
// the Deployment Platform API (see convex.ChooseEnv): that deployment, not the env file's, is
// the one users sync is set up on. A self-hosted admin key does not count: the env file
// describes that one backend too.
func (o *Options) cloudKey() (convex.PlatformKey, bool) {
	c, err := convex.ChooseEnv(convex.EnvChoice{Via: o.Via, Getenv: o.Getenv, Deployment: o.target()})
	if p, ok := c.(*convex.PlatformEnv); ok && err == nil && p.Key().Kind == "deployment" {
		return p.Key(), true
	}
	return convex.PlatformKey{}, false
}

// convexEnv is the client for the deployment's variables in dir: npx convex, each call limited
// by $CLERKCONVEX_NPX_TIMEOUT, or the Deployment Platform API (see convex.ChooseEnv).
func (o *Options) convexEnv(dir string) (convex.EnvClient, error) {
	var r run.Runner
	if o.Runner != nil {
		r = run.WithTimeout(o.Runner(), o.NpxTimeout, "allow it longer with CLERKCONVEX_NPX_TIMEOUT")
	}
	return cmdutil.ConvexEnv(o.Via, o.Getenv, o.HTTPClient, r, dir, o.target())
}
