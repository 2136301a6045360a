package gitx

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/fsutil"
)

// checkIgnoreSources returns an error naming the first file git would read to decide
// whether relPath (relative to dir) is ignored that exists but is not a regular file.
func checkIgnoreSources(ctx context.Context, dir, relPath string) error {
	out, err := git(ctx, dir, "rev-parse", "--show-toplevel", "--absolute-git-dir")
	if err != nil {
		return err
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 2 {
		return fmt.Errorf("git rev-parse in %s: unexpected answer %q", dir, out)
	}
	top, gitDir := filepath.Clean(lines[0]), filepath.Clean(lines[1])
	realDir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return err
	}
	var sources []string
	for d := filepath.Dir(filepath.Join(realDir, relPath)); ; d = filepath.Dir(d) {
		sources = append(sources, filepath.Join(d, ".gitignore"))
		if d == top || d == filepath.Dir(d) || !strings.HasPrefix(d, top) {
			break
		}
	}
	sources = append(sources, filepath.Join(gitDir, "info", "exclude"))
	if out, err := git(ctx, dir, "config", "--path", "--get", "core.excludesFile"); err == nil && len(strings.TrimSpace(string(out))) > 0 {
		sources = append(sources, strings.TrimSpace(string(out)))
	} else if xdg := os.Getenv("XDG_CONFIG_HOME"); xdg != "" {
		sources = append(sources, filepath.Join(xdg, "git", "ignore"))
	} else if home, herr := os.UserHomeDir(); herr == nil {
		sources = append(sources, filepath.Join(home, ".config", "git", "ignore"))
	}
	for _, src := range sources {
		fi, err := os.Stat(src)
		if err != nil || fi.Mode().IsRegular() {
			continue // missing or unreadable: git skips it too
		}
		if !fi.IsDir() {
			name := src
			if r, rerr := filepath.Rel(realDir, src); rerr == nil && !strings.HasPrefix(r, "..") {
				name = r
			}
			return &fsutil.NotRegularError{Path: name, Kind: fsutil.FileKind(fi.Mode())}
		}
	}
	return nil
}

// EscapePattern turns a path relative to a .gitignore's folder (slashes, no "..") into a
// pattern that matches exactly that path, per gitignore(5): anchored with a leading "/";
// "\", "*", "?" and "[" escaped with a backslash; trailing spaces escaped (git drops them
// otherwise). A leading "#" or "!" cannot occur after the "/".
func EscapePattern(rel string) string {
	return "/" + escapeGlob(rel, true)
}

func escapeGlob(s string, trailing bool) string {
	var b strings.Builder
	end := len(s)
	if trailing {
		for end > 0 && s[end-1] == ' ' {
			end--
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' || c == '*' || c == '?' || c == '[' || (i >= end && c == ' ') {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}

// IgnorePatterns are the lines that make git ignore the file rel (relative to the
// .gitignore's folder) and the temporary files fsutil writes it through (see
// fsutil.TempPattern), which may hold the same secret for a moment.
func IgnorePatterns(rel string) []string {
	rel = filepath.ToSlash(rel)
	dir, base := "", rel
	if i := strings.LastIndexByte(rel, '/'); i >= 0 {
		dir, base = rel[:i+1], rel[i+1:]
	}
	pre, suf, _ := strings.Cut(fsutil.TempPattern(base), "*")
	return []string{EscapePattern(rel), "/" + escapeGlob(dir+pre, false) + "*" + escapeGlob(suf, true)}
}

// sampleTemp is a name fsutil could give a temporary file of rel.
func sampleTemp(rel string) string {
	dir, base := filepath.Split(filepath.FromSlash(rel))
	return filepath.ToSlash(filepath.Join(dir, strings.Replace(fsutil.TempPattern(base), "*", "123456", 1)))
}

// ErrStillNotIgnored is wrapped by IgnoreFile's error when git still does not ignore the file
// after the lines were added (a later rule, or one in a deeper .gitignore, un-ignores it).
var ErrStillNotIgnored = errors.New("git still does not ignore it")

// IgnoreFile adds IgnorePatterns(rel) to root/.gitignore (root's own .gitignore; rel is
// relative to root) and then asks git whether it now ignores rel and its temporary files.
// .gitignore is written through fsutil with root as the boundary: a .gitignore that is a
// link leading out of root is refused. It returns the lines it added.
func IgnoreFile(ctx context.Context, root, rel string) ([]string, error) {
	var added []string
	for _, p := range IgnorePatterns(rel) {
		ok, err := appendIgnore(root, p)
		if err != nil {
			return added, err
		}
		if ok {
			added = append(added, p)
		}
	}
	for _, path := range []string{rel, sampleTemp(rel)} {
		ignored, inRepo, err := IsIgnored(ctx, root, path)
		if err != nil {
			return added, err
		}
		if inRepo && !ignored {
			return added, fmt.Errorf("added %s to .gitignore, but %w: %s (see git check-ignore -v --no-index %s and remove the rule that un-ignores it)",
				strings.Join(IgnorePatterns(rel), " and "), ErrStillNotIgnored, path, path)
		}
	}
	return added, nil
}
