package initcmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/convex"
	"github.com/clerkconvex/clerkconvex/internal/dotenv"
	"github.com/clerkconvex/clerkconvex/internal/iostreams"
	"github.com/clerkconvex/clerkconvex/internal/project"
)

// filePlan is one file init may write.
type filePlan = cmdutil.PlannedFile

// plan is everything init will do, decided before anything changes.
type plan struct {
	dir string
	// layout is the workspace around dir and the package holding the Convex functions, where
	// auth.config is written and npx convex runs (dir itself outside a workspace).
	layout    project.Layout
	pubVar    string // the env file's name for the publishable key (the framework's lookup)
	secretVar string // the env file's name for the secret key (the framework's)
	proj      *project.Project
	secret    clerk.SecretKey
	pub       clerk.PublishableKey
	clerk     cmdutil.ClerkAPI // built once, while planning; apply reuses it
	issuer    string
	issuerVar string
	// issuerValue is issuerVar's value: the issuer, or the part of it a template domain
	// (`https://${process.env.X}`) leaves to X.
	issuerValue string
	// extraIssuerVars are the other variables the Clerk provider's domain reads (its
	// fallbacks): set to the issuer too, because Convex refuses a push while one is unset.
	extraIssuerVars []string
	appID           string
	providers       []convex.Provider // [0] is Clerk's
	tmplName        string
	prod            bool
	deployment      string   // --deployment: a named deployment (never with prod)
	defaults        []string // deployment types whose project defaults get the variables too
	// liveKeysElsewhere: --prod with live keys and no --env-file; the env file is not written
	// and init says where the keys belong (the hosting provider's production environment).
	liveKeysElsewhere bool
	keptEnv           string // the env file left alone then
	tmpl              clerk.TemplatePlan
	envFile           *filePlan
	authFile          *filePlan
	wiring            *wiringPlan // the client wiring; nil when there is nothing to wire
	manual            []string    // snippets to paste by hand
	gitignore         string      // the env file (target, slash path) to add to .gitignore, when accepted
	done              []string    // what apply has changed so far, for an interrupted run's message
	inFlight          string      // what apply is changing now (it may or may not be done when interrupted)
	chmod             os.FileMode // the env file's new mode, when it is to change (0: keep it)
	chmodWas          os.FileMode
	warnings          []string
}

// target is the deployment init sets the variables on: the default one, --prod or
// --deployment's.
func (p *plan) target() convex.Deployment { return convex.Deployment{Prod: p.prod, Ref: p.deployment} }

// convexDir is the folder of the package holding the Convex functions: where auth.config is
// written and npx convex runs.
func (p *plan) convexDir() string {
	if p.layout.Convex != "" {
		return p.layout.Convex
	}
	return p.dir
}

// root is where init may write: the workspace root, or the project folder outside a workspace.
func (p *plan) root() string {
	if p.layout.Root != "" {
		return p.layout.Root
	}
	return p.dir
}

func (p *plan) warn(io *iostreams.IOStreams, format string, a ...any) {
	msg := fmt.Sprintf(format, a...)
	p.warnings = append(p.warnings, msg)
	io.Step(iostreams.Warn, "%s", msg)
}

func runInit(ctx context.Context, opts *Options) error {
	io := opts.IO
	if err := checkSyncUsersInput(opts); err != nil {
		return err
	}
	p, err := makePlan(ctx, opts)
	if err != nil {
		return interrupted(ctx, err, false)
	}
	if opts.DryRun {
		if err := printDryRun(opts, p); err != nil || opts.JSON {
			return err
		}
		_, err := syncUsers(ctx, opts, p)
		return err
	}
	res, err := apply(ctx, opts, p)
	if err != nil && !errors.Is(err, errConvexFailed) {
		return interruptedApplying(ctx, err, p)
	}
	var uerr error
	if opts.JSON {
		if err == nil {
			res.Users, uerr = syncUsers(ctx, opts, p)
		}
		if jerr := cmdutil.WriteJSON(io.Out, res); jerr != nil {
			return jerr
		}
	} else {
		printSummary(io, p, res)
		if err == nil {
			_, uerr = syncUsers(ctx, opts, p)
		}
	}
	if errors.Is(err, errConvexFailed) {
		return cmdutil.ErrSilent
	}
	if opts.JSON {
		return cmdutil.JSONWritten(uerr) // the result holds users sync's error
	}
	return uerr
}

func makePlan(ctx context.Context, opts *Options) (*plan, error) {
	dir, err := cmdutil.ProjectDir(opts.Dir)
	if err != nil {
		return nil, err
	}
	s := &planState{
		opts:      opts,
		io:        opts.IO,
		canPrompt: opts.IO.CanPrompt(),
		p:         &plan{dir: dir, tmplName: opts.TemplateName, prod: opts.Prod, deployment: opts.Deployment},
	}
	if err := runSteps(ctx, s, planSteps()); err != nil {
		return nil, err
	}
	return s.p, nil
}

type src struct{ val, from string }

func fromFile(env *dotenv.File, key, file string) src {
	v, _ := env.Get(key)
	return src{v, key + " in " + file}
}

func firstOf(ss ...src) (string, string) {
	for _, s := range ss {
		if strings.TrimSpace(s.val) != "" {
			return s.val, s.from
		}
	}
	return "", ""
}

func rel(dir, path string) string {
	r, err := filepath.Rel(dir, path)
	if err != nil {
		return path
	}
	return filepath.ToSlash(r)
}

func indent(s, pre string) string {
	return pre + strings.ReplaceAll(s, "\n", "\n"+pre)
}

// otherInstance describes the Clerk keys an env file holds when they belong to another instance
// than pub/secret ("" when they don't, or when it holds none).
func otherInstance(env *dotenv.File, pubVars []string, pub clerk.PublishableKey, secret clerk.SecretKey) string {
	for _, name := range pubVars {
		if v, ok := env.Get(name); ok {
			if old, err := clerk.ParsePublishableKey(v); err == nil && !strings.EqualFold(old.Host, pub.Host) {
				return fmt.Sprintf("%s for https://%s", name, old.Host)
			}
		}
	}
	if v, ok := env.Get(clerk.SecretKeyEnv); ok {
		if old, err := clerk.ParseSecretKey(v); err == nil && old.Live != secret.Live {
			return fmt.Sprintf("%s, a %s key", clerk.SecretKeyEnv, old.Kind())
		}
	}
	return ""
}

// files are the files init writes: the env file (unless the keys belong elsewhere) and
// auth.config.
func (p *plan) files() []*filePlan {
	if p.envFile == nil {
		return []*filePlan{p.authFile}
	}
	return []*filePlan{p.envFile, p.authFile}
}
