package initcmd

import (
	"context"
	"path/filepath"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/cli/users"
	"github.com/clerkconvex/clerkconvex/internal/convex"
	"github.com/clerkconvex/clerkconvex/internal/fsutil"
	"github.com/clerkconvex/clerkconvex/internal/svixsig"
)

// init's last step is `users init` (docs/users.md): with --sync-users, or on a terminal after
// asking "Also sync Clerk users into a Convex users table?" (default no).

// checkSyncUsersInput refuses --sync-users without a way to get the webhook secret, before
// init changes anything: off a terminal it must be in $CLERK_WEBHOOK_SECRET (or
// --skip-convex-env), and well-formed.
func checkSyncUsersInput(opts *Options) error {
	if !opts.SyncUsers || opts.DryRun || opts.SkipConvexEnv {
		return nil
	}
	raw := opts.Getenv(users.SecretEnv)
	if raw == "" {
		if opts.IO.CanPrompt() {
			return nil
		}
		return cmdutil.FlagErrorf("--sync-users needs the Clerk webhook's signing secret: set $%s (whsec_…, from the endpoint in Clerk's dashboard → Webhooks; docs/users.md), or pass --skip-convex-env to set it later", users.SecretEnv)
	}
	if _, err := svixsig.ParseSecret(raw); err != nil {
		return cmdutil.FlagErrorf("$%s: %v", users.SecretEnv, err)
	}
	return nil
}

// syncUsers runs users init when asked to (or when the user says yes), with init's folder,
// env file, deployment and answers; nil, nil when it does not run.
func syncUsers(ctx context.Context, opts *Options, p *plan) (*users.InitResult, error) {
	if !opts.SyncUsers {
		if !opts.askSyncUsers || opts.JSON || opts.DryRun || !opts.IO.CanPrompt() || !firstRun(p) || usersSynced(p) {
			return nil, nil
		}
		ok, err := opts.Prompter().Confirm("Also sync Clerk users into a Convex users table? (webhook; see docs/users.md)", false)
		if err != nil || !ok {
			return nil, err
		}
	}
	return users.Init(ctx, &users.Options{
		IO:            opts.IO,
		Getenv:        opts.Getenv,
		Prompter:      opts.Prompter,
		Runner:        opts.Runner,
		NpxTimeout:    opts.NpxTimeout,
		Dir:           opts.Dir,
		ConvexDir:     opts.ConvexDir,
		EnvFile:       opts.EnvFile,
		Prod:          opts.Prod,
		Deployment:    opts.Deployment,
		Defaults:      p.defaults,
		NoInput:       opts.NoInput,
		JSON:          opts.JSON,
		SkipConvexEnv: opts.SkipConvexEnv,
		DryRun:        opts.DryRun,
		Yes:           opts.Yes,
	})
}

// firstRun tells whether this run set the project up (created the env file, auth.config or
// the JWT template): reruns do not ask again.
func firstRun(p *plan) bool {
	return (p.envFile != nil && !p.envFile.Exists) || (p.authFile != nil && !p.authFile.Exists) || p.tmpl.Action == clerk.Created
}

// usersSynced reports whether the project's http.ts already routes Clerk's user webhook.
func usersSynced(p *plan) bool {
	funcDir, exists, err := convex.FunctionsDir(p.convexDir())
	if err != nil || !exists {
		return false
	}
	for _, name := range []string{"http.ts", "http.js"} {
		if src, ok, err := fsutil.ReadFileIfExists(filepath.Join(funcDir, name)); err == nil && ok {
			return convex.RoutesUsersWebhook(src)
		}
	}
	return false
}
