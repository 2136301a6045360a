// Package gitx asks git the few questions clerkconvex has about a project:
// is a file ignored, which tracked files contain a secret, and it adds
// lines to .gitignore. git runs as a process with its arguments as a list;
// secrets are never among them.
package gitx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/clerkconvex/clerkconvex/internal/fsutil"
	proc "github.com/clerkconvex/clerkconvex/internal/run"
)

// errNoGit means git is not installed; callers treat the folder as not
// being a repository.
var errNoGit = errors.New("git is not installed")

// errNotRepo means dir is not inside a git work tree.
var errNotRepo = errors.New("not a git repository")

// callLimit bounds every git call: git can block on a file it reads (a named pipe as
// .gitignore, a stalled network file system), and a question about ignore rules is never
// worth hanging for.
const callLimit = 10 * time.Second

// git runs `git args...` in dir, within callLimit, and returns its standard output.
// A non-zero exit other than "not a repository" is returned as *proc.ExitError wrapped
// with git's message.
func git(ctx context.Context, dir string, args ...string) ([]byte, error) {
	return runGit(ctx, callLimit, dir, args...)
}

// runGit runs git through run.ExecRunner, like npx: in its own process group, killed with
// clerkconvex however it ends (a git blocked on a file would otherwise outlive a SIGKILL).
func runGit(ctx context.Context, limit time.Duration, dir string, args ...string) ([]byte, error) {
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	// English messages: "not a git repository" is recognised by its text. WaitDelay: a
	// grandchild holding the pipes open does not hold us.
	res, err := proc.ExecRunner{WaitDelay: time.Second}.Run(ctx, proc.Cmd{Dir: dir, Name: "git", Args: args, Env: []string{"LC_ALL=C", "LANGUAGE="}})
	if errors.Is(err, proc.ErrNotFound) {
		return nil, errNoGit
	}
	if err != nil {
		if ctxErr := parent.Err(); ctxErr != nil {
			return nil, fmt.Errorf("git %s in %s: %w", args[0], dir, ctxErr)
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("git %s in %s did not finish within %s (is a file it reads, such as a .gitignore, a named pipe or on a stalled disk?): %w", args[0], dir, limit, ErrTimeout)
		}
		msg := strings.TrimSpace(string(res.Stderr))
		var exitErr *proc.ExitError
		if errors.As(err, &exitErr) && exitErr.Code == 128 && strings.Contains(msg, "not a git repository") {
			return nil, errNotRepo
		}
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i]
		}
		if errors.As(err, &exitErr) {
			err = fmt.Errorf("exit status %d: %w", exitErr.Code, errGitExit{exitErr})
		}
		if msg != "" {
			return res.Stdout, fmt.Errorf("git %s in %s: %s: %w", args[0], dir, msg, err)
		}
		return res.Stdout, fmt.Errorf("git %s in %s: %w", args[0], dir, err)
	}
	return res.Stdout, nil
}

// errGitExit is git's *proc.ExitError without its stderr in the message (runGit names git's
// first line itself).
type errGitExit struct{ *proc.ExitError }

func (e errGitExit) Error() string { return "" }
func (e errGitExit) Unwrap() error { return e.ExitError }

// ErrTimeout is wrapped by the error of a git call that ran out of time.
var ErrTimeout = errors.New("git took too long")

// IsIgnored reports whether git ignores relPath (relative to dir), using
// `git check-ignore`. Tracked files are never ignored (git's rule). When dir
// is not in a git repository, or git is not installed, it returns
// inRepo == false and no error.
//
// Before asking, it checks that every file git would read for the answer (the
// .gitignore files from the top of the work tree down to relPath's folder,
// .git/info/exclude, core.excludesFile) is a regular file if it exists: a
// named pipe there would block git. Such a file is an error wrapping
// fsutil.ErrNotRegular that names it.
func IsIgnored(ctx context.Context, dir, relPath string) (ignored bool, inRepo bool, err error) {
	if err := checkIgnoreSources(ctx, dir, relPath); err != nil {
		if errors.Is(err, errNoGit) || errors.Is(err, errNotRepo) {
			return false, false, nil
		}
		return false, false, fmt.Errorf("check whether %s is ignored: %w", relPath, err)
	}
	_, err = git(ctx, dir, "check-ignore", "-q", "--", relPath)
	var exitErr *proc.ExitError
	switch {
	case err == nil:
		return true, true, nil
	case errors.Is(err, errNoGit), errors.Is(err, errNotRepo):
		return false, false, nil
	case errors.As(err, &exitErr) && exitErr.Code == 1:
		return false, true, nil
	default:
		return false, false, fmt.Errorf("check whether %s is ignored: %w", relPath, err)
	}
}

// IsTracked reports whether git tracks relPath (relative to dir): it is
// committed or staged (for example with git add -f despite .gitignore).
// When dir is not in a git repository, or git is not installed, it returns
// inRepo == false and no error.
func IsTracked(ctx context.Context, dir, relPath string) (tracked bool, inRepo bool, err error) {
	// :(literal) keeps *, ? and [ in the name from acting as a pattern.
	out, err := git(ctx, dir, "ls-files", "-z", "--", ":(literal)"+filepath.ToSlash(relPath))
	switch {
	case errors.Is(err, errNoGit), errors.Is(err, errNotRepo):
		return false, false, nil
	case err != nil:
		return false, false, fmt.Errorf("check whether git tracks %s: %w", relPath, err)
	}
	return len(out) > 0, true, nil
}

// MaxSearchFileSize is the size of the largest tracked file SearchTracked
// reads; larger files are listed in TrackedSearch.TooLarge instead.
const MaxSearchFileSize = 10 << 20

// TrackedSearch is what SearchTracked found.
type TrackedSearch struct {
	// Found[i] lists the tracked files that contain needles[i] (paths
	// relative to dir, with forward slashes, as `git ls-files` prints them).
	Found [][]string
	// TooLarge lists the tracked files larger than MaxSearchFileSize, which
	// were not searched.
	TooLarge []string
	// InRepo is false when dir is not in a git repository, or git is not
	// installed: then nothing was searched.
	InRepo bool
}

// SearchTracked searches the files git tracks under dir, as they are in
// the work tree, for each of needles. The search runs in this process: no
// needle ever becomes a process argument. Paths in except (relative to dir)
// are skipped, as are symbolic links, submodules, tracked files missing
// from the work tree and files larger than MaxSearchFileSize (listed in
// TooLarge). It stops with ctx's error when ctx ends, between files and
// between the chunks of one file. Outside a repository, or without git,
// nothing is found.
func SearchTracked(ctx context.Context, dir string, needles []string, except ...string) (*TrackedSearch, error) {
	if len(needles) == 0 {
		return nil, errors.New("search tracked files: nothing to search for")
	}
	longest := 0
	for _, n := range needles {
		if n == "" {
			return nil, errors.New("search tracked files: empty search text")
		}
		longest = max(longest, len(n))
	}
	res := &TrackedSearch{Found: make([][]string, len(needles))}
	out, err := git(ctx, dir, "ls-files", "-z")
	if errors.Is(err, errNoGit) || errors.Is(err, errNotRepo) {
		return res, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list tracked files: %w", err)
	}
	res.InRepo = true
	skip := make(map[string]bool, len(except))
	for _, e := range except {
		skip[filepath.ToSlash(filepath.Clean(e))] = true
	}
	bneedles := make([][]byte, len(needles))
	for i, n := range needles {
		bneedles[i] = []byte(n)
	}
	buf := make([]byte, 64<<10+longest)
	prev := ""
	for _, name := range strings.Split(string(out), "\x00") {
		if name == "" || name == prev || skip[name] {
			continue // during a merge conflict a path is listed once per stage
		}
		prev = name
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("search tracked files: %w", err)
		}
		hits, tooLarge, err := searchFile(ctx, filepath.Join(dir, filepath.FromSlash(name)), bneedles, longest, buf)
		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("search tracked files: %w", err)
			}
			return nil, fmt.Errorf("search tracked file %s: %w", name, err)
		}
		if tooLarge {
			res.TooLarge = append(res.TooLarge, name)
		}
		for i, hit := range hits {
			if hit {
				res.Found[i] = append(res.Found[i], name)
			}
		}
	}
	return res, nil
}

// TrackedFilesContaining is SearchTracked for one needle: the tracked files
// that contain it. Files larger than MaxSearchFileSize are not searched (use
// SearchTracked to learn which).
func TrackedFilesContaining(ctx context.Context, dir, needle string, except ...string) ([]string, error) {
	res, err := SearchTracked(ctx, dir, []string{needle}, except...)
	if err != nil {
		return nil, err
	}
	return res.Found[0], nil
}

// searchFile reports which needles the regular file at path contains,
// reading it in chunks into buf (at least 64 KiB longer than longest, the
// length of the longest needle) and checking ctx before each. Anything but a regular file, or a
// missing file, contains none; a file larger than MaxSearchFileSize is not
// read (tooLarge).
func searchFile(ctx context.Context, path string, needles [][]byte, longest int, buf []byte) (hits []bool, tooLarge bool, err error) {
	hits = make([]bool, len(needles))
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return hits, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if !fi.Mode().IsRegular() {
		return hits, false, nil
	}
	if fi.Size() > MaxSearchFileSize {
		return hits, true, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	left := len(needles)
	keep := 0 // bytes carried over from the previous chunk
	for {
		if err := ctx.Err(); err != nil {
			return nil, false, err
		}
		n, rerr := f.Read(buf[keep:])
		window := buf[:keep+n]
		for i, nd := range needles {
			if !hits[i] && bytes.Contains(window, nd) {
				hits[i] = true
				left--
			}
		}
		if left == 0 || rerr == io.EOF {
			return hits, false, nil
		}
		if rerr != nil {
			return nil, false, rerr
		}
		keep = min(longest-1, len(window))
		copy(buf, window[len(window)-keep:])
	}
}

// AppendIgnore adds pattern as a line of dir/.gitignore, creating the file
// (mode 0644) if needed. It does nothing when the line is already there.
// The file is replaced atomically and keeps its line ends (CRLF or LF); a
// .gitignore that leads out of dir is refused. The pattern is written as
// given: use EscapePattern for a file name, or IgnoreFile.
func AppendIgnore(dir, pattern string) error {
	_, err := appendIgnore(dir, pattern)
	return err
}

func appendIgnore(dir, pattern string) (added bool, err error) {
	if pattern == "" || strings.ContainsAny(pattern, "\r\n") {
		return false, fmt.Errorf("add %q to .gitignore: a pattern must be one non-empty line", pattern)
	}
	path := filepath.Join(dir, ".gitignore")
	data, exists, err := fsutil.ReadFileIfExists(path)
	if err != nil {
		return false, fmt.Errorf("add %s to .gitignore: %w", pattern, err)
	}
	eol := "\n"
	if i := bytes.IndexByte(data, '\n'); i > 0 && data[i-1] == '\r' {
		eol = "\r\n"
	}
	want := trimPattern(pattern)
	for _, line := range strings.Split(string(data), "\n") {
		if trimPattern(strings.TrimSuffix(line, "\r")) == want {
			return false, nil
		}
	}
	out := make([]byte, 0, len(data)+len(pattern)+2*len(eol))
	out = append(out, data...)
	if len(data) > 0 && data[len(data)-1] != '\n' {
		out = append(out, eol...)
	}
	out = append(out, pattern...)
	out = append(out, eol...)
	w := fsutil.Writer{Root: dir, Expect: fsutil.SnapshotOf(data, exists), ReplaceReadOnly: true}
	if err := w.WriteFile(path, out, 0o644); err != nil {
		return false, fmt.Errorf("add %s to .gitignore: %w", pattern, err)
	}
	return true, nil
}

// trimPattern drops what git drops from a pattern line: trailing spaces not escaped
// with a backslash (and tabs, which editors leave).
func trimPattern(line string) string {
	for len(line) > 0 {
		n := len(line)
		if c := line[n-1]; c == '\t' || c == ' ' && !(n >= 2 && line[n-2] == '\\') {
			line = line[:n-1]
			continue
		}
		break
	}
	return line
}
