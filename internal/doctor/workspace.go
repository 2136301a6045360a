package doctor

import (
	"path/filepath"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/convex"
	"github.com/clerkconvex/clerkconvex/internal/project"
)

// convexDir is the folder of the package that holds the Convex functions.
func (s *state) convexDir() string {
	if s.in.ConvexDir != "" {
		return s.in.ConvexDir
	}
	return s.in.Dir
}

// inConvexDir is " in <folder>" when the Convex package is not the app's, for fixes that run
// npx convex there.
func (s *state) inConvexDir() string {
	if s.convexDir() == s.in.Dir {
		return ""
	}
	return " in " + relTo(s.in.Dir, s.convexDir())
}

// convexPackageNote says which workspace package holds the functions, when it is not the app.
func (s *state) convexPackageNote() string {
	if s.convexDir() == s.in.Dir {
		return ""
	}
	return " (the workspace package " + relTo(s.in.Dir, s.convexDir()) + "; npx convex runs there)"
}

// workspaceConvex finds convex declared by another package of the workspace: the root first
// (its node_modules is above every package, whatever the package manager), then the one
// holding the functions, then the others. where is its package.json, relative to the app.
func (s *state) workspaceConvex() (version, where string, found bool) {
	var dirs []string
	if s.in.WorkspaceRoot != "" {
		dirs = append(dirs, s.in.WorkspaceRoot)
	}
	if s.convexDir() != s.in.Dir {
		dirs = append(dirs, s.convexDir())
	}
	dirs = append(dirs, s.in.Workspace...)
	for _, d := range dirs {
		if d == s.in.Dir {
			continue
		}
		p, err := project.Load(d)
		if err != nil {
			continue
		}
		if v, ok := p.ConvexVersion(); ok {
			return v, relTo(s.in.Dir, filepath.Join(d, "package.json")), true
		}
	}
	return "", "", false
}

// rootPackageJSON is the workspace root's package.json relative to the app ("" outside a
// workspace, which matches nothing workspaceConvex returns).
func (s *state) rootPackageJSON() string {
	if s.in.WorkspaceRoot == "" {
		return "\x00"
	}
	return relTo(s.in.Dir, filepath.Join(s.in.WorkspaceRoot, "package.json"))
}

// strayAuthConfig is an auth.config in the app's own convex/ folder when the functions live in
// another package: Convex never deploys it.
func (s *state) strayAuthConfig() string {
	if s.convexDir() == s.in.Dir {
		return ""
	}
	if path, _, exists := convex.FindAuthConfig(filepath.Join(s.in.Dir, convex.DefaultFunctionsDir)); exists {
		return relTo(s.in.Dir, path)
	}
	return ""
}

// secretVar is where the app's server reads the secret key (NUXT_CLERK_SECRET_KEY for Nuxt).
func (s *state) secretVar() string {
	if s.proj != nil && s.proj.Framework.SecretKeyVar != "" {
		return s.proj.Framework.SecretKeyVar
	}
	return clerk.SecretKeyEnv
}

// wiringNotChecked is client.provider_wiring's warning for frameworks whose client code doctor
// does not read (everything but React's ConvexProviderWithClerk): it says so plainly rather
// than suggest a React fix. ok is false for frameworks it does read.
func (s *state) wiringNotChecked() (outcome, bool) {
	if s.proj == nil || s.proj.Framework.WiringChecked {
		return outcome{}, false
	}
	fw := s.proj.Framework
	if fw.ID == project.Node.ID {
		return warn("if a client of this server calls Convex, run clerkconvex doctor in that app's folder (-C)",
			"this is %s with no front-end framework: doctor does not check client wiring here", fw.Name), true
	}
	return warn(`give the Convex client Clerk's token for the "convex" JWT template, e.g. client.setAuth(() => session.getToken({ template: "convex" })), and check that a signed-in query sees ctx.auth.getUserIdentity()`,
		"doctor does not check the client wiring of %s apps (only React's ConvexProviderWithClerk): the keys, auth.config and deployment are checked, the client code is not", fw.Name), true
}
