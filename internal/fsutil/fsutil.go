// Package fsutil holds the file-system helpers every command shares: an atomic
// write that never leaves a half-written file, a check that a path (after
// following symbolic links) stays inside the project folder, and a read that
// tells "missing" apart from "failed".
package fsutil

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// maxLinkHops bounds how many symbolic links are followed before giving up,
// the same order of magnitude as the operating systems' own limits.
const maxLinkHops = 255

// Writer writes files atomically. The zero value is ready to use.
type Writer struct {
	// Root, when set, is the folder every write must stay in: a target that leads outside
	// it (through a link in the path or a path that climbs out) is refused with an error
	// wrapping ErrOutsideRoot, naming the path. Callers pass the project folder (or, in a
	// workspace, its root).
	Root string
	// Expect, when set, is what the target held when the caller read it: right before the
	// rename the target is read again, and if it changed (or appeared, or went away) the
	// write is abandoned with an error wrapping ErrChanged.
	Expect *Snapshot
	// ReplaceReadOnly allows replacing a file its owner may not write (no u+w bit) or this
	// process may not write. Without it such a file is refused with ErrReadOnly.
	ReplaceReadOnly bool
	// Rename moves the finished temporary file over the target.
	// nil means os.Rename. Tests set it to fail between temp file and rename.
	Rename func(oldpath, newpath string) error
}

// ErrChanged is wrapped by WriteFile's error when the target changed since Expect was taken.
var ErrChanged = errors.New("changed while clerkconvex was running")

// ErrReadOnly is wrapped by WriteFile's error for a read-only target (see Writer.ReplaceReadOnly).
var ErrReadOnly = errors.New("is read-only")

// Snapshot is what a file held: whether it existed and a hash of its bytes.
type Snapshot struct {
	Exists bool
	Sum    [sha256.Size]byte
}

// SnapshotOf is the Snapshot of data as read (exists false: the file was missing).
func SnapshotOf(data []byte, exists bool) *Snapshot {
	s := &Snapshot{Exists: exists}
	if exists {
		s.Sum = sha256.Sum256(data)
	}
	return s
}

// WriteFile writes data to path atomically with a zero Writer.
// See Writer.WriteFile.
func WriteFile(path string, data []byte, perm fs.FileMode) error {
	return Writer{}.WriteFile(path, data, perm)
}

// WriteFile replaces the contents of path with data so that a reader sees
// either the old contents or the new ones, never a mix.
//
// If path is a symbolic link, the file it leads to is written and the link
// is kept. The data goes to a temporary file in the same folder as the
// target, created with mode 0600 and named by TempPattern (so the rule that
// ignores an env file also ignores its temporary file); it is flushed to
// disk, given the target's owner and group (where the process may) and its
// mode (or perm for a new file), and renamed over the target; then the
// folder is flushed too (errors from that last step are ignored, some
// systems cannot do it). On any error the temporary file is removed and the
// target is untouched. Only regular files are replaced.
func (w Writer) WriteFile(path string, data []byte, perm fs.FileMode) (err error) {
	target, err := writeTarget(path)
	if err != nil {
		return err
	}
	if w.Root != "" {
		if target, err = ResolveInside(w.Root, target); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}

	mode := perm
	fi, statErr := os.Stat(target)
	switch {
	case statErr == nil && fi.IsDir():
		return fmt.Errorf("write %s: it is a folder, not a file; move the folder away or choose another path", path)
	case statErr == nil && !fi.Mode().IsRegular():
		return fmt.Errorf("write %s: %w", path, &NotRegularError{Path: path, Kind: FileKind(fi.Mode())})
	case statErr == nil:
		mode = fi.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
		if !w.ReplaceReadOnly && readOnly(target, fi) {
			return fmt.Errorf("write %s: %w", path, &ReadOnlyError{Path: path, Mode: fi.Mode().Perm()})
		}
	case !errors.Is(statErr, fs.ErrNotExist):
		return fmt.Errorf("write %s: %w", path, statErr)
	}

	dir := filepath.Dir(target)
	tmp, err := os.CreateTemp(dir, TempPattern(filepath.Base(target))) // mode 0600
	if err != nil {
		return fmt.Errorf("write %s: create a temporary file in %s (check that the folder exists and is writable): %w", path, dir, err)
	}
	tmpName := tmp.Name()
	defer func() {
		if err != nil {
			_ = tmp.Close() // may already be closed; the error is irrelevant then
			_ = os.Remove(tmpName)
		}
	}()

	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: flush to disk: %w", path, err)
	}
	if statErr == nil {
		keepOwner(tmp, fi) // before the mode: chown clears set-id bits
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	// The temporary file stays 0600 until it is the target: a crash leaves no copy that
	// others may read. A mode that shows nothing to others is set before the rename.
	private := mode&0o077 == 0
	if private {
		if err = os.Chmod(tmpName, mode); err != nil {
			return fmt.Errorf("write %s: set file mode %v: %w", path, mode, err)
		}
	}
	if w.Expect != nil {
		if err = w.Expect.check(path, target); err != nil {
			return err
		}
	}
	rename := w.Rename
	if rename == nil {
		rename = os.Rename
	}
	if err = rename(tmpName, target); err != nil {
		return fmt.Errorf("write %s: replace the file: %w", path, err)
	}
	if !private {
		if cerr := os.Chmod(target, mode); cerr != nil {
			return fmt.Errorf("write %s: written, but its mode stayed 0600 (set it back to %04o): %w", path, uint32(mode), cerr)
		}
	}
	syncDir(dir)
	return nil
}

// check reads target again and compares it with the snapshot.
func (s *Snapshot) check(path, target string) error {
	data, exists, err := ReadFileIfExists(target)
	if err != nil {
		return fmt.Errorf("write %s: read it again before replacing it: %w", path, err)
	}
	if now := SnapshotOf(data, exists); *now != *s {
		return &ChangedError{Path: path}
	}
	return nil
}

// ChangedError is a target that changed between the read and the write. It Is ErrChanged.
type ChangedError struct{ Path string }

func (e *ChangedError) Error() string {
	return fmt.Sprintf("%s %v (saved in an editor?): it was left as it is now; run the command again", e.Path, ErrChanged)
}

// Is makes errors.Is(err, ErrChanged) true.
func (e *ChangedError) Is(target error) bool { return target == ErrChanged }

// ReadOnlyError is a target that is read-only. It Is ErrReadOnly.
type ReadOnlyError struct {
	Path string
	Mode fs.FileMode
}

func (e *ReadOnlyError) Error() string {
	return fmt.Sprintf("%s %v (mode %04o)", e.Path, ErrReadOnly, uint32(e.Mode))
}

// Is makes errors.Is(err, ErrReadOnly) true.
func (e *ReadOnlyError) Is(target error) bool { return target == ErrReadOnly }

// ReadOnly reports whether WriteFile would refuse to replace path as read-only: its owner may
// not write it, or this process may not. A missing file is not read-only.
func ReadOnly(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && readOnly(path, fi)
}

// writeTarget returns the file WriteFile must replace: path itself, or, when
// path is a symbolic link, the file at the end of the chain of links (which
// need not exist yet).
func writeTarget(path string) (string, error) {
	fi, err := os.Lstat(path)
	if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		return path, nil // a missing file or a plain one: write it in place
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	target, err := resolve(abs, 0)
	if err != nil {
		return "", fmt.Errorf("write %s: follow the symbolic link: %w", path, err)
	}
	return target, nil
}

// syncDir flushes a folder's entry table so a rename survives a crash.
// Some platforms (Windows, some network file systems) cannot; that is fine.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}

// resolve returns abs with every symbolic link followed, like
// filepath.EvalSymlinks, except that the path (or a tail of it) may not
// exist: a missing tail is kept as written, and a link to a missing file
// resolves to where the file would be.
func resolve(abs string, hops int) (string, error) {
	if hops > maxLinkHops {
		return "", fmt.Errorf("%s: too many levels of symbolic links", abs)
	}
	resolved, err := filepath.EvalSymlinks(abs)
	if err == nil {
		return resolved, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	dir, base := filepath.Split(abs)
	dir = filepath.Clean(dir)
	if dir == abs || base == "" {
		return abs, nil // the root itself; nothing left to follow
	}
	if fi, lerr := os.Lstat(abs); lerr == nil && fi.Mode()&fs.ModeSymlink != 0 {
		// A link whose target does not exist (yet): follow it by hand.
		link, rerr := os.Readlink(abs)
		if rerr != nil {
			return "", rerr
		}
		if !filepath.IsAbs(link) {
			parent, perr := resolve(dir, hops+1)
			if perr != nil {
				return "", perr
			}
			link = filepath.Join(parent, link)
		}
		return resolve(filepath.Clean(link), hops+1)
	}
	parent, err := resolve(dir, hops+1)
	if err != nil {
		return "", err
	}
	return filepath.Join(parent, base), nil
}

// ErrOutsideRoot is returned (wrapped) by ResolveInside when a path leads
// outside the project folder.
var ErrOutsideRoot = errors.New("the link leads outside the project folder")

// ResolveInside follows the symbolic links in path and returns the real
// path, or an error wrapping ErrOutsideRoot when that lies outside root
// (whose own links are followed too). A relative path is taken relative to
// root. path need not exist: then its nearest existing parent is resolved.
func ResolveInside(root, path string) (string, error) {
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return "", fmt.Errorf("resolve project folder %s: %w", root, err)
	}
	realRoot, err := filepath.EvalSymlinks(absRoot)
	if err != nil {
		return "", fmt.Errorf("resolve project folder %s: %w", root, err)
	}
	p := path
	if !filepath.IsAbs(p) {
		p = filepath.Join(absRoot, p)
	}
	resolved, err := resolve(filepath.Clean(p), 0)
	if err != nil {
		return "", fmt.Errorf("resolve %s: %w", path, err)
	}
	if !within(realRoot, resolved) {
		return "", fmt.Errorf("%s: %w (it resolves to %s); replace the link with a regular file inside %s", path, ErrOutsideRoot, resolved, realRoot)
	}
	return resolved, nil
}

// within reports whether p is root or lies below it. Both are clean and absolute.
func within(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	if err != nil || filepath.IsAbs(rel) {
		return false
	}
	return rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// ErrIsDir is wrapped by ReadFileIfExists's error when a folder is where the file should be.
var ErrIsDir = errors.New("is a folder, not a file")

// ErrNotRegular is what a *NotRegularError is: neither a file nor a folder is at the path.
var ErrNotRegular = errors.New("is not a regular file")

// NotRegularError is ReadFileIfExists's error for a named pipe, a socket or a device, which
// it does not read: a read could block forever. errors.Is(err, ErrNotRegular) holds.
type NotRegularError struct {
	Path string
	Kind string // "a named pipe", "a socket", "a device", or the mode's type letters
}

func (e *NotRegularError) Error() string {
	return fmt.Sprintf("%s %v (%s): replace it with a plain file", e.Path, ErrNotRegular, e.Kind)
}

// Is makes errors.Is(err, ErrNotRegular) true.
func (e *NotRegularError) Is(target error) bool { return target == ErrNotRegular }

// FileKind names what a non-regular file is ("a named pipe", "a socket", …).
func FileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return m.Type().String()
}

// ReadFileIfExists reads path. A missing file is not an error: it returns
// exists == false. A folder at path is an error that wraps ErrIsDir; a named
// pipe, socket or device is a *NotRegularError (it Is ErrNotRegular). On
// error, data is nil and exists is false.
func ReadFileIfExists(path string) (data []byte, exists bool, err error) {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read %s: %w", path, err)
	}
	if fi.IsDir() {
		return nil, false, fmt.Errorf("%s %w; move it away or choose another path", path, ErrIsDir)
	}
	if !fi.Mode().IsRegular() {
		return nil, false, &NotRegularError{Path: path, Kind: FileKind(fi.Mode())}
	}
	data, err = os.ReadFile(path)
	if err != nil {
		return nil, false, fmt.Errorf("read %s: %w", path, err)
	}
	return data, true, nil
}
