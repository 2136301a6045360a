package cmdutil

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/fsutil"
	"github.com/clerkconvex/clerkconvex/internal/project"
)

// ProjectFlags are the inputs init and doctor share: where the project is, the Clerk keys and
// API, the template and the deployment.
type ProjectFlags struct {
	Dir            string
	SecretKey      string
	PublishableKey string
	EnvFile        string
	ClerkAPIURL    string
	TemplateName   string
	Prod           bool
	// Deployment is --deployment: a named deployment (see convex.Deployment), not with --prod.
	Deployment string
	// ConvexDir is --convex-dir: the workspace package that holds the Convex functions, when
	// detection cannot tell.
	ConvexDir string
	// Via is --via: how the deployment's variables are read and set (auto, npx, api).
	Via string
}

// Register declares the shared flags; envFileUsage and prodUsage say what the command does
// with the env file and with --prod.
func (p *ProjectFlags) Register(fl *pflag.FlagSet, envFileUsage, prodUsage string) {
	fl.StringVarP(&p.Dir, "dir", "C", ".", "project `folder` (where package.json is)")
	fl.StringVar(&p.SecretKey, "secret-key", "", "Clerk secret `key` (default: $CLERK_SECRET_KEY, then the env file)")
	fl.StringVar(&p.PublishableKey, "publishable-key", "", "Clerk publishable `key` (default: the framework's variable in the environment, then in the env file)")
	fl.StringVar(&p.EnvFile, "env-file", ".env.local", envFileUsage+" (default: .env.local; .env for Nuxt, Remix and Node servers)")
	fl.Lookup("env-file").DefValue = ""
	fl.StringVar(&p.ClerkAPIURL, "clerk-api-url", "", "Clerk Backend API `URL` (default: $CLERK_API_URL or https://api.clerk.com)")
	fl.StringVar(&p.TemplateName, "template-name", "convex", "`name` of the Clerk JWT template")
	fl.BoolVar(&p.Prod, "prod", false, prodUsage)
	RegisterDeployment(fl, &p.Deployment)
	RegisterVia(fl, &p.Via)
	fl.StringVar(&p.ConvexDir, "convex-dir", "", "in a workspace, the package `folder` that holds convex/ (default: found from the workspace)")
}

// Layout finds the workspace around the project folder dir and the package holding the Convex
// functions (--convex-dir when given). A workspace where several packages hold functions, or a
// bad --convex-dir, is a usage error naming the candidates and the flag.
func (p *ProjectFlags) Layout(dir string) (project.Layout, error) {
	cwd, err := os.Getwd()
	if err != nil {
		cwd = dir
	}
	l, err := project.Locate(dir, p.ConvexDir, "--convex-dir", cwd)
	var amb *project.AmbiguousError
	var fv *project.FlagValueError
	if errors.As(err, &amb) || errors.As(err, &fv) {
		return l, &FlagError{Err: err}
	}
	if err != nil {
		return l, err
	}
	// The workspace root is no app: keys written there are read by nobody.
	if l.Workspace && l.App == l.Root {
		if root, lerr := project.Load(l.Root); lerr == nil && !root.IsApp() {
			if apps := l.Apps(project.Load); len(apps) > 0 {
				for i, a := range apps {
					if r, rerr := filepath.Rel(cwd, a); rerr == nil {
						apps[i] = filepath.ToSlash(r)
					}
				}
				name := p.Dir
				if filepath.Clean(name) == "." {
					name = "the current folder"
				}
				return l, FlagErrorf("%s is the workspace root, not an app: run in the folder of the app that reads the Clerk keys, e.g. -C %s (the workspace's apps: %s)",
					name, apps[0], strings.Join(apps, ", "))
			}
		}
	}
	return l, nil
}

// Validate refuses empty values of the shared flags. envFileGiven is whether --env-file was
// passed: when not, the env file is the framework's (see project.DefaultEnvFile).
func (p *ProjectFlags) Validate(envFileGiven bool) error {
	if !envFileGiven {
		p.EnvFile = project.DefaultEnvFile(p.Dir)
	}
	if err := SelectDeployment(&p.Prod, &p.Deployment); err != nil {
		return err
	}
	if p.TemplateName == "" {
		return FlagErrorf("--template-name is empty: Convex's Clerk integration asks for the template named \"convex\"")
	}
	if p.EnvFile == "" {
		return FlagErrorf("--env-file is empty: pass a file name such as .env.local")
	}
	return nil
}

// EnvFilePath resolves --env-file inside the project folder dir and returns its real path
// (links followed), or a usage error that names the flag and the fix.
func (p *ProjectFlags) EnvFilePath(dir string) (string, error) {
	abs, err := fsutil.ResolveInside(dir, p.EnvFile)
	if err == nil {
		return abs, nil
	}
	if errors.Is(err, fsutil.ErrOutsideRoot) && climbsOut(dir, p.EnvFile) {
		// A path such as ../x: no link is involved, so say so plainly.
		return "", FlagErrorf("--env-file %s is outside the project folder %s: name a file inside it, such as .env.local", p.EnvFile, dir)
	}
	return "", FlagErrorf("--env-file %s: %v", p.EnvFile, err)
}

// climbsOut tells whether path, as written, leads out of dir (../x, or an absolute path
// elsewhere), before any link is followed.
// EnvFileRel is --env-file as a clean slash path relative to the project folder dir (how it
// is shown, and how .gitignore names it): "./.env.local" and "/abs/dir/.env.local" both give
// ".env.local".
func (p *ProjectFlags) EnvFileRel(dir string) string {
	rel := filepath.Clean(p.EnvFile)
	if filepath.IsAbs(rel) {
		if r, err := filepath.Rel(dir, rel); err == nil && !climbsOut(dir, r) {
			rel = r
		}
	}
	return filepath.ToSlash(rel)
}

func climbsOut(dir, path string) bool {
	rel := filepath.Clean(path)
	if filepath.IsAbs(rel) {
		r, err := filepath.Rel(dir, rel)
		if err != nil {
			return true
		}
		rel = r
	}
	return rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// APIURL returns the Clerk Backend API base URL to use — --clerk-api-url, else $CLERK_API_URL,
// else Clerk's — checked, or a usage error naming where the bad value came from.
func (p *ProjectFlags) APIURL(getenv func(string) string) (string, error) {
	u, from := p.ClerkAPIURL, "--clerk-api-url"
	if u == "" {
		u, from = getenv("CLERK_API_URL"), "$CLERK_API_URL"
	}
	if u == "" {
		u = clerk.DefaultAPIURL
	}
	if _, err := clerk.NormalizeAPIURL(u); err != nil {
		return "", FlagErrorf("%s: %v", from, err)
	}
	return u, nil
}
