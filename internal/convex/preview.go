package convex

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// PreviewEvidence says why a project looks like it uses Convex preview deployments (each new
// preview deployment starts with the project's preview defaults, and nothing else): a preview
// deploy key in the environment or in CI configuration, `--preview-create`/`--preview-name`
// in package.json scripts or CI, or a Vercel/Netlify build that runs `convex deploy` (which
// creates a preview deployment for every preview build when the host's preview environment has
// a preview deploy key). dirs are the folders to look in (app, Convex package, workspace root),
// relative names are shown from base. Nothing found: nil.
func PreviewEvidence(base string, dirs []string, getenv func(string) string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(format string, a ...any) {
		if e := fmt.Sprintf(format, a...); !seen[e] {
			seen[e] = true
			out = append(out, e)
		}
	}
	if getenv != nil && strings.HasPrefix(strings.TrimSpace(getenv("CONVEX_DEPLOY_KEY")), "preview:") {
		add("$CONVEX_DEPLOY_KEY is a preview deploy key")
	}
	done := map[string]bool{}
	for _, dir := range dirs {
		if dir == "" || done[dir] {
			continue
		}
		done[dir] = true
		show := func(name string) string {
			if r, err := filepath.Rel(base, filepath.Join(dir, name)); err == nil {
				return filepath.ToSlash(r)
			}
			return name
		}
		hosted := ""
		if b := readCapped(filepath.Join(dir, "vercel.json")); b != nil {
			hosted = "Vercel"
			var v struct {
				BuildCommand string `json:"buildCommand"`
			}
			if json.Unmarshal(b, &v) == nil && convexDeployRE().MatchString(v.BuildCommand) {
				add("%s's buildCommand runs convex deploy (Vercel runs it for preview builds too)", show("vercel.json"))
			}
		} else if st, err := os.Stat(filepath.Join(dir, ".vercel")); err == nil && st.IsDir() {
			hosted = "Vercel"
		}
		if b := readCapped(filepath.Join(dir, "netlify.toml")); b != nil {
			hosted = "Netlify"
			for _, line := range strings.Split(string(b), "\n") {
				if l := strings.TrimSpace(line); strings.HasPrefix(l, "command") && convexDeployRE().MatchString(l) {
					add("%s's build command runs convex deploy (Netlify runs it for deploy previews too)", show("netlify.toml"))
				}
			}
		}
		if b := readCapped(filepath.Join(dir, "package.json")); b != nil {
			var pkg struct {
				Scripts map[string]string `json:"scripts"`
			}
			if json.Unmarshal(b, &pkg) == nil {
				names := make([]string, 0, len(pkg.Scripts))
				for n := range pkg.Scripts {
					names = append(names, n)
				}
				sort.Strings(names)
				for _, n := range names {
					cmd := pkg.Scripts[n]
					switch {
					case previewFlagRE().MatchString(cmd):
						add("%s's script %q runs convex deploy %s", show("package.json"), n, previewFlagRE().FindString(cmd))
					case hosted != "" && convexDeployRE().MatchString(cmd) && strings.Contains(n, "build"):
						add("%s's script %q runs convex deploy, and the project builds on %s (preview builds too)", show("package.json"), n, hosted)
					}
				}
			}
		}
		for _, ci := range ciFiles(dir) {
			b := readCapped(ci)
			if b == nil {
				continue
			}
			switch {
			case previewKeyRE().Match(b):
				add("%s holds a preview deploy key", show(relFrom(dir, ci)))
			case previewFlagRE().Match(b):
				add("%s runs convex deploy %s", show(relFrom(dir, ci)), previewFlagRE().Find(b))
			case previewSecretRE().Match(b):
				add("%s reads a preview deploy key (%s)", show(relFrom(dir, ci)), previewSecretRE().Find(b))
			}
		}
	}
	return out
}

var (
	convexDeployRE  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\bconvex deploy\b`) })
	previewFlagRE   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`--preview-(?:create|name|run)\b`) })
	previewKeyRE    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`CONVEX_DEPLOY_KEY["']?\s*[:=]\s*["']?preview:`) })
	previewSecretRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)\b[A-Z_]*PREVIEW_DEPLOY_KEY\b`) })
)

// ciFiles are the CI configuration files of dir that exist.
func ciFiles(dir string) []string {
	var out []string
	for _, pat := range []string{".github/workflows/*.yml", ".github/workflows/*.yaml"} {
		m, _ := filepath.Glob(filepath.Join(dir, filepath.FromSlash(pat)))
		out = append(out, m...)
	}
	for _, f := range []string{".gitlab-ci.yml", ".circleci/config.yml", "bitbucket-pipelines.yml"} {
		p := filepath.Join(dir, filepath.FromSlash(f))
		if _, err := os.Stat(p); err == nil {
			out = append(out, p)
		}
	}
	return out
}

func relFrom(dir, path string) string {
	if r, err := filepath.Rel(dir, path); err == nil {
		return r
	}
	return path
}

// readCapped reads a regular file's first 256 KiB; nil when it is missing, not a regular file
// or unreadable.
func readCapped(path string) []byte {
	st, err := os.Stat(path)
	if err != nil || !st.Mode().IsRegular() {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 256<<10))
	if err != nil {
		return nil
	}
	return b
}
