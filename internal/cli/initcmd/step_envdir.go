package initcmd

import (
	"path"
	"path/filepath"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/project"
)

// followEnvDir points the default env file of a Vite app at the folder its vite.config's envDir
// names: Vite reads the env files there and nowhere else. A folder outside the app is refused
// (init writes only inside it, and a file in the app would be read by nobody). --env-file wins.
func (s *planState) followEnvDir() error {
	opts, p := s.opts, s.p
	if opts.EnvFileExplicit || p.proj == nil {
		return nil
	}
	switch p.proj.Framework.ID {
	case "vite", "tanstack-start", "react-router":
	default:
		return nil
	}
	envDir, config := project.ViteEnvDir(p.dir)
	clean := project.CleanEnvDir(envDir)
	if clean == "" {
		return nil
	}
	if path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") {
		return cmdutil.FlagErrorf("%s sets envDir %q: Vite reads the env files from %s, outside this app, where init does not write; put the keys there yourself (init --dry-run --env-file .env.local shows them), or set envDir to a folder inside the app, or pass --env-file to write a file here anyway",
			config, envDir, envDir)
	}
	opts.EnvFile = path.Join(clean, path.Base(filepath.ToSlash(opts.EnvFile)))
	return nil
}
