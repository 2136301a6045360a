package doctor

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/convex"
	"github.com/clerkconvex/clerkconvex/internal/doctor"
	"github.com/clerkconvex/clerkconvex/internal/fsutil"
	"github.com/clerkconvex/clerkconvex/internal/gitx"
	"github.com/clerkconvex/clerkconvex/internal/run"
	"github.com/clerkconvex/clerkconvex/internal/wiring"
)

// npxTimeoutHint ends the error of an npx call stopped at its time limit.
const npxTimeoutHint = "allow it longer with CLERKCONVEX_NPX_TIMEOUT"

// fix is one repair, planned: what it will do (for the prompt, --dry-run and --json) and how.
// Planning reads (a file, Clerk's template list) but changes nothing.
type fix struct {
	repair doctor.Repair
	what   string
	// One of these, by the repair's kind.
	file *cmdutil.PlannedFile // env file, auth.config
	tmpl *clerk.TemplatePlan  // with api
	api  cmdutil.ClerkAPI     // the client the template was planned with
	vars []cmdutil.EnvVar     // deployment variables
	mode bool                 // chmod 600 file
	ign  string               // the path to add to .gitignore
	// temps: the env file whose leftover temporary copies are deleted.
	temps string
	// The client wiring: the files to write, and what the planner left to the user.
	files  []*cmdutil.PlannedFile
	manual []wiring.Manual
}

// fixEnv is what planning and applying need besides the repair.
type fixEnv struct {
	opts *Options
	in   doctor.Inputs
	root string // where files may be written: the workspace root, or the project folder
}

func newFixEnv(opts *Options, in doctor.Inputs) *fixEnv {
	root := in.WorkspaceRoot
	if root == "" {
		root = in.Dir
	}
	return &fixEnv{opts: opts, in: in, root: root}
}

func (e *fixEnv) convexDir() string {
	if e.in.ConvexDir != "" {
		return e.in.ConvexDir
	}
	return e.in.Dir
}

func (e *fixEnv) target() convex.Deployment {
	return convex.Deployment{Prod: e.in.Prod, Ref: e.in.Deployment}
}

// errNothingToDo: the repair's change is already made (a file already holds it, the template
// already has the aud): nothing to ask.
var errNothingToDo = errors.New("nothing to do")

// plan turns a repair into a fix. A repair that cannot be made safely after all (auth.config
// that cannot be merged) returns an error saying why; the check keeps its printed fix.
func (e *fixEnv) plan(ctx context.Context, r doctor.Repair) (*fix, error) {
	f := &fix{repair: r}
	switch r.Kind {
	case doctor.RepairTemplate:
		return f, e.planTemplate(ctx, f)
	case doctor.RepairDeploymentEnv:
		var parts []string
		for _, v := range r.Vars {
			f.vars = append(f.vars, cmdutil.EnvVar{Name: v.Name, Value: v.Value})
			parts = append(parts, v.Name+"="+v.Value)
		}
		how := "with npx convex env set"
		if env, err := e.convexEnv(); err == nil && env.Via() == convex.ViaAPI {
			how = "through the Convex Deployment Platform API"
		}
		f.what = fmt.Sprintf("set %s on the Convex %s deployment %s", strings.Join(parts, ", "), e.target(), how)
		return f, nil
	case doctor.RepairEnvFileVars:
		return f, e.planEnvFile(f)
	case doctor.RepairAuthConfig:
		return f, e.planAuthConfig(f)
	case doctor.RepairGitignore:
		f.ign = r.Path
		f.what = fmt.Sprintf("add %s to .gitignore", strings.Join(gitx.IgnorePatterns(r.Path), " and "))
		return f, nil
	case doctor.RepairEnvTemps:
		path := filepath.Join(e.in.Dir, filepath.FromSlash(r.Path))
		found, err := fsutil.Temps(path)
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, errNothingToDo
		}
		names := make([]string, len(found))
		for i, t := range found {
			names[i] = filepath.Base(t)
		}
		f.temps = path
		f.what = fmt.Sprintf("delete %s, left next to %s by an interrupted write (it may hold the secret key)", strings.Join(names, ", "), r.Path)
		return f, nil
	case doctor.RepairClientWiring:
		return f, e.planWiring(ctx, f, false)
	case doctor.RepairNextMiddleware:
		return f, e.planWiring(ctx, f, true)
	case doctor.RepairEnvFileMode:
		abs, err := e.opts.EnvFilePath(e.in.Dir)
		if err != nil {
			return nil, err
		}
		mode, open := cmdutil.OpenToOthers(abs)
		if !open {
			return nil, errNothingToDo
		}
		f.file, f.mode = &cmdutil.PlannedFile{Rel: r.Path, Abs: abs}, true
		f.what = fmt.Sprintf("chmod 600 %s (now %04o), so that only you can read the secret key", r.Path, mode)
		return f, nil
	}
	return nil, fmt.Errorf("unknown repair %q", r.Kind)
}

// planTemplate plans the template as init does (clerk.PlanConvexTemplate), from Clerk's list
// as it is now.
func (e *fixEnv) planTemplate(ctx context.Context, f *fix) error {
	r := f.repair
	if e.opts.Clerk == nil || r.SecretKey.Reveal() == "" {
		return errors.New("no Clerk client")
	}
	apiURL, err := e.opts.APIURL(e.opts.Getenv)
	if err != nil {
		return err
	}
	api, err := e.opts.Clerk(apiURL, r.SecretKey)
	if err != nil {
		return err
	}
	all, err := api.Templates(ctx)
	if err != nil {
		return err
	}
	p, err := clerk.PlanConvexTemplate(all, r.Template, r.AppID, nil)
	if err != nil {
		return err
	}
	switch p.Action {
	case clerk.Created:
		f.what = fmt.Sprintf("create JWT template %q in Clerk, with aud %q and the profile claims", r.Template, r.AppID)
	case clerk.Updated:
		f.what = fmt.Sprintf("update JWT template %q in Clerk: %s", r.Template, strings.Join(p.Changes, "; "))
	default:
		return errNothingToDo
	}
	f.tmpl, f.api = &p, api
	return nil
}

// planEnvFile sets the variables in the env file as init does (cmdutil.PlanEnvFile).
func (e *fixEnv) planEnvFile(f *fix) error {
	r := f.repair
	abs, err := e.opts.EnvFilePath(e.in.Dir)
	if err != nil {
		return err
	}
	old, exists, err := fsutil.ReadFileIfExists(abs)
	if err != nil {
		return fmt.Errorf("reading %s: %w", r.Path, err)
	}
	var vars []cmdutil.EnvVar
	var parts []string
	for _, v := range r.Vars {
		vars = append(vars, cmdutil.EnvVar{Name: v.Name, Value: v.Value})
		parts = append(parts, v.Name+"="+v.Value)
	}
	pf, err := cmdutil.PlanEnvFile(r.Path, abs, old, exists, vars, "clerkconvex doctor --fix")
	if err != nil {
		return err
	}
	if pf.Action() == "unchanged" {
		return errNothingToDo
	}
	f.file = pf
	f.what = fmt.Sprintf("set %s in %s, keeping its other lines", strings.Join(parts, ", "), r.Path)
	return nil
}

// planAuthConfig adds the Clerk provider as init does (cmdutil.AddProviders): a new file, or
// the provider merged into the file as it is. A file that cannot be merged safely is left as it
// is.
func (e *fixEnv) planAuthConfig(f *fix) error {
	r := f.repair
	abs, err := fsutil.ResolveInside(e.root, filepath.Join(e.in.Dir, filepath.FromSlash(r.Path)))
	if err != nil {
		return fmt.Errorf("%s: %w", r.Path, err)
	}
	old, exists, err := fsutil.ReadFileIfExists(abs)
	if err != nil {
		return fmt.Errorf("reading %s: %w", r.Path, err)
	}
	out, manual, err := cmdutil.AddProviders(r.Path, old, exists, r.TS, []convex.Provider{r.Provider})
	if err != nil {
		return err
	}
	if len(manual) > 0 {
		return fmt.Errorf("%s can't be edited safely (%s)", r.Path, manual[0].Reason)
	}
	f.file = &cmdutil.PlannedFile{Rel: r.Path, Abs: abs, Old: old, Exists: exists, New: out, Perm: 0o644}
	if f.file.Action() == "unchanged" {
		return errNothingToDo
	}
	snippet := strings.Join(strings.Fields(strings.ReplaceAll(r.Provider.Snippet(r.TS), ",\n}", "\n}")), " ")
	if exists {
		f.what = fmt.Sprintf("add Clerk's provider %s to the providers of %s", snippet, r.Path)
	} else {
		f.what = fmt.Sprintf("create %s with Clerk's provider %s", r.Path, snippet)
	}
	return nil
}

// convexEnv is the client for the deployment's variables that init and the checks use: npx
// convex env, or the Deployment Platform API with a deploy key (--via).
func (e *fixEnv) convexEnv() (convex.EnvClient, error) {
	var r run.Runner
	if e.opts.Runner != nil {
		r = run.WithTimeout(e.opts.Runner(), e.opts.NpxTimeout, npxTimeoutHint)
	}
	return cmdutil.ConvexEnv(e.opts.Via, e.opts.Getenv, e.opts.HTTPClient, r, e.convexDir(), e.target())
}

// apply makes the change, with the code init applies its plan with.
func (e *fixEnv) apply(ctx context.Context, f *fix) error {
	switch {
	case f.tmpl != nil:
		_, err := f.api.ApplyTemplate(ctx, f.repair.Template, *f.tmpl)
		return err
	case f.vars != nil:
		env, err := e.convexEnv()
		if err != nil {
			return err
		}
		for _, v := range f.vars {
			if _, err := env.Set(ctx, v.Name, v.Value); err != nil {
				return err
			}
		}
		return nil
	case f.temps != "":
		_, err := fsutil.RemoveTemps(f.temps)
		return err
	case f.files != nil:
		for _, pf := range f.files {
			if _, err := pf.Write(e.root, e.opts.Yes); err != nil {
				return err
			}
		}
		return nil
	case f.mode:
		return cmdutil.MakePrivate(e.root, f.file.Rel, f.file.Abs)
	case f.file != nil:
		_, err := f.file.Write(e.root, e.opts.Yes)
		return err
	case f.ign != "":
		_, err := gitx.IgnoreFile(ctx, e.in.Dir, f.ign)
		return err
	}
	return fmt.Errorf("nothing planned for %s", f.repair.Check)
}
