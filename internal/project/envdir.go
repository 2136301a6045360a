package project

import (
	"path"
	"path/filepath"
	"regexp"
	"sync"

	"github.com/clerkconvex/clerkconvex/internal/fsutil"
)

// viteConfigs are the names Vite looks for its config under, in its order.
var viteConfigs = []string{"vite.config.js", "vite.config.mjs", "vite.config.ts", "vite.config.cjs", "vite.config.mts", "vite.config.cts"}

// envDirRe finds `envDir: "…"` with a literal string before any // comment on its line; a
// computed envDir is not followed.
var envDirRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile("(?m)^(?:[^/\\n]|/[^/\\n])*\\benvDir\\s*:\\s*[\"'`]([^\"'`\\n]+)[\"'`]")
})

// ViteEnvDir is the folder the app in dir loads its env files from when its vite.config sets
// envDir to a string literal, as written there (relative to dir: "../../" for a monorepo's
// root), and the config's name; envDir is "" when no vite.config sets one. CleanEnvDir makes it
// a slash path.
func ViteEnvDir(dir string) (envDir, config string) {
	for _, name := range viteConfigs {
		data, exists, err := fsutil.ReadFileIfExists(filepath.Join(dir, name))
		if err != nil || !exists {
			continue
		}
		if m := envDirRe().FindSubmatch(data); m != nil {
			return string(m[1]), name
		}
		return "", name
	}
	return "", ""
}

// CleanEnvDir is envDir as a clean slash path; "" for the app's own folder.
func CleanEnvDir(envDir string) string {
	if envDir == "" {
		return ""
	}
	if clean := path.Clean(filepath.ToSlash(envDir)); clean != "." {
		return clean
	}
	return ""
}
