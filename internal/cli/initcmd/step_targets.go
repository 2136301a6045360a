package initcmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/fsutil"
	"github.com/clerkconvex/clerkconvex/internal/gitx"
)

// envTargetStep judges the env file init would write: the file at the end of any link (the
// one that gets the secret), which must be an env file git does not track.
type envTargetStep struct{}

func (envTargetStep) String() string { return "env target" }

func (envTargetStep) Plan(ctx context.Context, s *planState) error {
	p := s.p
	s.envTarget = s.envRel
	if real, err := filepath.EvalSymlinks(p.dir); err == nil {
		s.envTarget = rel(real, s.envAbs) // envAbs: links followed, inside the project
	}
	shown := s.envShown()
	if reason := notEnvFile(s.envTarget, s.envOld); reason != "" {
		return cmdutil.FlagErrorf("--env-file %s: %s, not an env file; init would put the secret key in it: pass --env-file with the file your app reads its variables from, such as .env.local", shown, reason)
	}
	// Both git questions go to git at once; the ignore answer is read by gitignoreStep, after
	// the Clerk round trips that hide it. The tracking answer is awaited here: a tracked env
	// file is refused before any key is asked for or sent to Clerk.
	s.startGitChecks(ctx)
	return s.refuseTracked(ctx)
}

// refuseTracked waits for git's answer on whether it tracks the env file's target, and refuses
// one it does: the secret key would go into the next commit.
func (s *planState) refuseTracked(ctx context.Context) error {
	s.startGitChecks(ctx)
	shown := s.envShown()
	tracked, err := s.git.tracked.wait(ctx)
	if err != nil {
		return cmdutil.FlagErrorf("--env-file %s: %v", shown, err)
	}
	if tracked.yes {
		t := filepath.ToSlash(s.envTarget)
		return cmdutil.FlagErrorf("--env-file %s: git tracks %s, so the secret key would go into your next commit: run git rm --cached %s and commit (the file stays on disk), then run init again; or pass --env-file with an untracked file", shown, t, t)
	}
	return nil
}

// envShown names the env file in messages: "--env-file" as given, and the file a link leads to.
func (s *planState) envShown() string {
	if filepath.ToSlash(s.envTarget) == s.envRel {
		return s.envRel
	}
	return fmt.Sprintf("%s (a link to %s)", s.envRel, filepath.ToSlash(s.envTarget))
}

// notEnvExt are extensions of files that are certainly not env files.
var notEnvExt = map[string]string{
	".json": "a JSON file", ".jsonc": "a JSON file", ".json5": "a JSON file",
	".js": "a source file", ".mjs": "a source file", ".cjs": "a source file", ".jsx": "a source file",
	".ts": "a source file", ".mts": "a source file", ".cts": "a source file", ".tsx": "a source file",
	".vue": "a source file", ".svelte": "a source file", ".astro": "a source file",
	".go": "a source file", ".py": "a source file", ".rb": "a source file", ".rs": "a source file",
	".java": "a source file", ".kt": "a source file", ".swift": "a source file", ".php": "a source file",
	".c": "a source file", ".h": "a source file", ".cpp": "a source file", ".cs": "a source file",
	".sh": "a script", ".bash": "a script", ".zsh": "a script", ".ps1": "a script",
	".html": "a web page", ".htm": "a web page", ".css": "a stylesheet", ".scss": "a stylesheet",
	".md": "a document", ".mdx": "a document", ".txt": "a text document", ".rst": "a document",
	".yaml": "a YAML file", ".yml": "a YAML file", ".toml": "a TOML file", ".xml": "an XML file",
	".lock": "a lock file", ".lockb": "a lock file", ".sql": "an SQL file", ".csv": "a CSV file",
	".png": "an image", ".jpg": "an image", ".svg": "an image", ".pdf": "a PDF",
}

// notEnvFile says why the file rel holding data is not an env file ("" when it may be one).
func notEnvFile(rel string, data []byte) string {
	base := strings.ToLower(filepath.Base(rel))
	switch base {
	case "package.json", "package-lock.json", "tsconfig.json", "convex.json", "yarn.lock", "pnpm-lock.yaml",
		".gitignore", ".gitattributes", ".npmrc", "dockerfile", "makefile", "readme", "license":
		return "it is " + base
	}
	if !strings.Contains(base, ".env") && !strings.HasPrefix(base, "env") {
		if kind, ok := notEnvExt[filepath.Ext(base)]; ok {
			return "it is " + kind
		}
	}
	text := strings.TrimLeft(strings.TrimPrefix(string(data), "\ufeff"), " \t\r\n")
	switch {
	case strings.HasPrefix(text, "{") || strings.HasPrefix(text, "["):
		return "it holds JSON"
	case strings.HasPrefix(text, "<"):
		return "it holds markup"
	case strings.HasPrefix(text, "#!"):
		return "it is a script"
	}
	for _, b := range data[:min(len(data), 8000)] {
		if b == 0 {
			return "it is a binary file"
		}
	}
	return ""
}

// targetsStep checks, last, every file init would write: after following links it must be
// inside the project folder (or the root the project lives in), a plain file, and not
// read-only unless --yes allows replacing it.
type targetsStep struct{}

func (targetsStep) String() string { return "write targets" }

func (targetsStep) Plan(ctx context.Context, s *planState) error {
	p := s.p
	for _, f := range p.files() {
		if f == nil || (f.Exists && string(f.Old) == string(f.New)) {
			continue
		}
		if err := s.checkTarget(f.Rel, f.Abs); err != nil {
			return err
		}
	}
	if w := p.wiring; w != nil && (w.accepted || s.opts.DryRun) {
		for _, f := range w.files {
			if err := s.checkTarget(f.Rel, f.Abs); err != nil {
				return err
			}
		}
	}
	if p.gitignore != "" {
		if err := s.checkTarget(".gitignore", filepath.Join(p.dir, ".gitignore")); err != nil {
			return err
		}
	}
	return nil
}

// checkTarget refuses a write target that leads out of the project, is not a plain file, or is
// read-only (unless --yes; a dry run only warns).
func (s *planState) checkTarget(name, path string) error {
	real, err := fsutil.ResolveInside(s.p.root(), path)
	if errors.Is(err, fsutil.ErrOutsideRoot) {
		return cmdutil.FlagErrorf("%s: init would write outside the project folder %s: %v", name, s.p.root(), trimPrefixPath(err, path, name))
	}
	if err != nil {
		return cmdutil.FlagErrorf("%s: %v", name, err)
	}
	fi, err := os.Stat(real)
	switch {
	case err != nil:
		return nil // a new file
	case fi.IsDir():
		return cmdutil.FlagErrorf("%s is a folder, not a file: move it away", name)
	case !fi.Mode().IsRegular():
		return cmdutil.FlagErrorf("%s is not a regular file: replace it with a plain file", name)
	}
	// A hard link: the new file renamed into place takes this name only, and the file's other
	// names keep the old text (another app sharing the env file keeps the old keys).
	if n := fsutil.Links(fi); n > 1 && !s.opts.Yes {
		if s.opts.DryRun {
			s.p.warn(s.io, "%s is a hard link (the file has %d names): init would stop here without --yes", name, n)
		} else {
			return cmdutil.FlagErrorf("%s is a hard link (the file has %d names): init writes a new file in its place, and the other names would keep the old text; replace it with a symbolic link to the shared file (ln -sf), or pass --yes to give %s its own copy", name, n, name)
		}
	}
	switch {
	case !fsutil.ReadOnly(real) || s.opts.Yes:
		return nil
	case s.opts.DryRun:
		s.p.warn(s.io, "%s is read-only (mode %04o): init would stop here without --yes", name, fi.Mode().Perm())
		return nil
	}
	return cmdutil.FlagErrorf("%s is read-only (mode %04o): make it writable (chmod u+w %s) and run init again, or pass --yes to replace it anyway", name, fi.Mode().Perm(), name)
}

// trimPrefixPath shows err with the absolute path replaced by the name the user knows.
func trimPrefixPath(err error, abs, name string) string {
	return strings.Replace(err.Error(), abs, name, 1)
}

// gitChecks are git's answers on the env file's target, asked in the background.
type gitChecks struct {
	target           string
	tracked, ignored *gitAnswer
}

// gitAnswer is one git question's answer: yes, and whether dir is in a repository at all.
type gitAnswer struct {
	done        chan struct{}
	yes, inRepo bool
	err         error
}

func askGit(f func() (yes, inRepo bool, err error)) *gitAnswer {
	a := &gitAnswer{done: make(chan struct{})}
	go func() {
		defer close(a.done)
		a.yes, a.inRepo, a.err = f()
	}()
	return a
}

func (a *gitAnswer) wait(ctx context.Context) (*gitAnswer, error) {
	select {
	case <-a.done:
		return a, a.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// startGitChecks asks git whether it tracks and whether it ignores the env file's target,
// unless that is already being asked.
func (s *planState) startGitChecks(ctx context.Context) {
	if s.git != nil && s.git.target == s.envTarget {
		return
	}
	dir, target := s.p.dir, s.envTarget
	s.git = &gitChecks{
		target:  target,
		tracked: askGit(func() (bool, bool, error) { return gitx.IsTracked(ctx, dir, target) }),
		ignored: askGit(func() (bool, bool, error) { return gitx.IsIgnored(ctx, dir, target) }),
	}
}

// ignored waits for git's answer on whether it ignores the env file's target.
func (s *planState) ignored(ctx context.Context) (ignored, inRepo bool, err error) {
	s.startGitChecks(ctx)
	a, err := s.git.ignored.wait(ctx)
	if err != nil {
		return false, false, err
	}
	return a.yes, a.inRepo, nil
}
