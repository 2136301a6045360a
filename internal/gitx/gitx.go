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
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/fsutil"
)

// errNoGit means git is not installed; callers treat the folder as not
// being a repository.
var errNoGit = errors.New("git is not installed")

// errNotRepo means dir is not inside a git work tree.
var errNotRepo = errors.New("not a git repository")

// git runs `git args...` in dir and returns its standard output. A non-zero
// exit other than "not a repository" is returned as *exec.ExitError wrapped
// with git's message.
func git(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	// English messages: "not a git repository" is recognised by its text.
	cmd.Env = append(os.Environ(), "LC_ALL=C", "LANGUAGE=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if errors.Is(err, exec.ErrNotFound) {
		return nil, errNoGit
	}
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, fmt.Errorf("git %s in %s: %w", args[0], dir, ctxErr)
		}
		msg := strings.TrimSpace(stderr.String())
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) && exitErr.ExitCode() == 128 && strings.Contains(msg, "not a git repository") {
			return nil, errNotRepo
		}
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i]
		}
		if msg != "" {
			return stdout.Bytes(), fmt.Errorf("git %s in %s: %s: %w", args[0], dir, msg, err)
		}
		return stdout.Bytes(), fmt.Errorf("git %s in %s: %w", args[0], dir, err)
	}
	return stdout.Bytes(), nil
}

// IsIgnored reports whether git ignores relPath (relative to dir), using
// `git check-ignore`. Tracked files are never ignored (git's rule). When dir
// is not in a git repository, or git is not installed, it returns
// inRepo == false and no error.
func IsIgnored(ctx context.Context, dir, relPath string) (ignored bool, inRepo bool, err error) {
	_, err = git(ctx, dir, "check-ignore", "-q", "--", relPath)
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return true, true, nil
	case errors.Is(err, errNoGit), errors.Is(err, errNotRepo):
		return false, false, nil
	case errors.As(err, &exitErr) && exitErr.ExitCode() == 1:
		return false, true, nil
	default:
		return false, false, fmt.Errorf("check whether %s is ignored: %w", relPath, err)
	}
}

// TrackedFilesContaining returns the files git tracks under dir (paths
// relative to dir, with forward slashes, as `git ls-files` prints them)
// whose contents in the work tree contain needle. The search runs in this
// process: needle never becomes a process argument. Paths in except
// (relative to dir) are skipped, as are symbolic links, submodules and
// tracked files missing from the work tree. Outside a repository, or
// without git, the result is empty.
func TrackedFilesContaining(ctx context.Context, dir, needle string, except ...string) ([]string, error) {
	if needle == "" {
		return nil, errors.New("search tracked files: empty search text")
	}
	out, err := git(ctx, dir, "ls-files", "-z")
	if errors.Is(err, errNoGit) || errors.Is(err, errNotRepo) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list tracked files: %w", err)
	}
	skip := make(map[string]bool, len(except))
	for _, e := range except {
		skip[filepath.ToSlash(filepath.Clean(e))] = true
	}
	var found []string
	prev := ""
	for _, name := range strings.Split(string(out), "\x00") {
		if name == "" || name == prev || skip[name] {
			continue // during a merge conflict a path is listed once per stage
		}
		prev = name
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("search tracked files: %w", err)
		}
		ok, err := regularFileContains(filepath.Join(dir, filepath.FromSlash(name)), []byte(needle))
		if err != nil {
			return nil, fmt.Errorf("search tracked file %s: %w", name, err)
		}
		if ok {
			found = append(found, name)
		}
	}
	return found, nil
}

// regularFileContains reports whether the regular file at path contains
// needle, reading it in chunks. Anything but a regular file, or a missing
// file, does not contain it.
func regularFileContains(path string, needle []byte) (bool, error) {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !fi.Mode().IsRegular() {
		return false, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	buf := make([]byte, 64<<10+len(needle))
	keep := 0 // bytes carried over from the previous chunk
	for {
		n, err := f.Read(buf[keep:])
		window := buf[:keep+n]
		if bytes.Contains(window, needle) {
			return true, nil
		}
		if err == io.EOF {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		keep = min(len(needle)-1, len(window))
		copy(buf, window[len(window)-keep:])
	}
}

// AppendIgnore adds pattern as a line of dir/.gitignore, creating the file
// (mode 0644) if needed. It does nothing when the line is already there.
// The file is replaced atomically and keeps its line ends (CRLF or LF).
func AppendIgnore(dir, pattern string) error {
	if pattern == "" || strings.ContainsAny(pattern, "\r\n") {
		return fmt.Errorf("add %q to .gitignore: a pattern must be one non-empty line", pattern)
	}
	path := filepath.Join(dir, ".gitignore")
	data, _, err := fsutil.ReadFileIfExists(path)
	if err != nil {
		return fmt.Errorf("add %s to .gitignore: %w", pattern, err)
	}
	eol := "\n"
	if i := bytes.IndexByte(data, '\n'); i > 0 && data[i-1] == '\r' {
		eol = "\r\n"
	}
	want := strings.TrimRight(pattern, " \t")
	for _, line := range strings.Split(string(data), "\n") {
		// git ignores trailing spaces (unless escaped) in patterns.
		if strings.TrimRight(line, " \t\r") == want {
			return nil
		}
	}
	out := make([]byte, 0, len(data)+len(pattern)+2*len(eol))
	out = append(out, data...)
	if len(data) > 0 && data[len(data)-1] != '\n' {
		out = append(out, eol...)
	}
	out = append(out, pattern...)
	out = append(out, eol...)
	if err := fsutil.WriteFile(path, out, 0o644); err != nil {
		return fmt.Errorf("add %s to .gitignore: %w", pattern, err)
	}
	return nil
}
