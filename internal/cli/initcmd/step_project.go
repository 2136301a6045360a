package initcmd

import (
	"context"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/dotenv"
	"github.com/clerkconvex/clerkconvex/internal/fsutil"
	"github.com/clerkconvex/clerkconvex/internal/iostreams"
	"github.com/clerkconvex/clerkconvex/internal/project"
)

// projectStep reads the project: its folder and package.json, --claims (checked before
// anything else is read or asked), and the env file as it is (it may hold the keys).
type projectStep struct{}

func (projectStep) String() string { return "project" }

func (projectStep) Plan(ctx context.Context, s *planState) error {
	opts, p := s.opts, s.p
	var err error
	if opts.Claims != "" {
		if s.extra, err = clerk.ParseClaims(opts.Claims); err != nil {
			return claimsError(err)
		}
	}
	p.proj, err = project.Load(p.dir)
	if err != nil {
		return projectError(err)
	}
	// The workspace and its Convex package, before anything is asked or called: an ambiguous
	// workspace stops here (exit 2) with nothing changed.
	if p.layout, err = opts.Layout(p.dir); err != nil {
		return err
	}
	if !p.proj.Has("convex") && !workspaceHasConvex(p.layout, p.dir) {
		p.warn(s.io, "package.json does not depend on convex: run %s (npx convex needs it)", project.AddCommand(p.dir, "convex"))
	}
	if !p.layout.ConvexIsApp() {
		s.io.Step(iostreams.OK, "Workspace: Convex functions in %s (auth.config is written and npx convex runs there)", rel(p.dir, p.layout.Convex))
	}

	if err := s.followEnvDir(); err != nil {
		return err
	}
	s.envRel = opts.EnvFileRel(p.dir)
	s.envAbs, err = opts.EnvFilePath(p.dir)
	if err != nil {
		return err
	}
	s.envOld, s.envExists, err = fsutil.ReadFileIfExists(s.envAbs)
	if err != nil {
		return envFileError(s.envRel, err)
	}
	s.env = dotenv.Parse(s.envOld)
	if bad := s.env.Malformed(); len(bad) > 0 {
		they := "they are"
		if len(bad) == 1 {
			they = "it is"
		}
		p.warn(s.io, "%s: %s not KEY=value; left as %s", s.envRel, dotenv.LinesAre(bad), they)
	}
	return nil
}

// workspaceHasConvex tells whether a package of the workspace other than the app declares
// convex: the one holding the functions, or any other (the root, a sibling).
func workspaceHasConvex(l project.Layout, app string) bool {
	dirs := append([]string{l.Convex}, l.Packages...)
	for _, d := range dirs {
		if d == app {
			continue
		}
		if pj, err := project.Load(d); err == nil && pj.Has("convex") {
			return true
		}
	}
	return false
}
