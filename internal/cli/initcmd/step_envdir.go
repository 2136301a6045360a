package initcmd

import (
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/fsutil"
)

// viteConfigs are the names Vite looks for its config under, in its order.
var viteConfigs = []string{"vite.config.js", "vite.config.mjs", "vite.config.ts", "vite.config.cjs", "vite.config.mts", "vite.config.cts"}

// envDirRe finds `envDir: "…"` with a literal string; a computed envDir is not followed.
var envDirRe = regexp.MustCompile("(?m)^[^/\\n]*\\benvDir\\s*:\\s*[\"'`]([^\"'`\\n]+)[\"'`]")

// viteEnvDir is the envDir the app's vite.config sets, when it sets one as a string literal
// outside a // comment, and the config's name; "" when none does.
func viteEnvDir(dir string) (envDir, config string) {
	for _, name := range viteConfigs {
		data, exists, err := fsutil.ReadFileIfExists(filepath.Join(dir, name))
		if err != nil || !exists {
			continue
		}
		if m := envDirRe.FindSubmatch(data); m != nil {
			return string(m[1]), name
		}
		return "", name
	}
	return "", ""
}

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
	envDir, config := viteEnvDir(p.dir)
	clean := path.Clean(filepath.ToSlash(envDir))
	if envDir == "" || clean == "." {
		return nil
	}
	if path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") {
		return cmdutil.FlagErrorf("%s sets envDir %q: Vite reads the env files from %s, outside this app, where init does not write; put the keys there yourself (init --dry-run --env-file .env.local shows them), or set envDir to a folder inside the app, or pass --env-file to write a file here anyway",
			config, envDir, envDir)
	}
	opts.EnvFile = path.Join(clean, path.Base(filepath.ToSlash(opts.EnvFile)))
	return nil
}
