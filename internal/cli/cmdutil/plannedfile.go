package cmdutil

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/clerkconvex/clerkconvex/internal/fsutil"
)

// PlannedFile is one file of the user's project a command may write, decided while planning
// (for --dry-run's diff and the prompts) and written after.
type PlannedFile struct {
	Rel    string // as shown to the user, relative to the project
	Abs    string // where it is written (symlinks resolved)
	Old    []byte
	Exists bool
	New    []byte
	Perm   fs.FileMode // of a new file; an existing one keeps its own
}

// Action is "created", "updated" or "unchanged".
func (f *PlannedFile) Action() string {
	switch {
	case !f.Exists:
		return "created"
	case string(f.Old) != string(f.New):
		return "updated"
	}
	return "unchanged"
}

// Write writes the file: inside root (links followed at write time too), only if it still
// holds what was planned from, keeping its owner and mode, through a private temporary file;
// a read-only file only with replaceReadOnly. Temporary files an interrupted earlier run left
// next to it are removed first, and counted in removed. A target outside root or read-only is
// a FlagError (exit 2).
func (f *PlannedFile) Write(root string, replaceReadOnly bool) (removed int, err error) {
	if temps, err := fsutil.RemoveTemps(f.Abs); err == nil {
		removed = len(temps)
	}
	if f.Action() == "unchanged" {
		return removed, nil
	}
	if !f.Exists {
		parent := filepath.Dir(f.Abs)
		if _, err := fsutil.ResolveInside(root, parent); err != nil {
			return removed, &FlagError{Err: fmt.Errorf("writing %s: %w", f.Rel, err)}
		}
		if err := os.MkdirAll(parent, 0o755); err != nil {
			return removed, fmt.Errorf("creating the folder for %s: %w", f.Rel, err)
		}
	}
	w := fsutil.Writer{Root: root, Expect: fsutil.SnapshotOf(f.Old, f.Exists), ReplaceReadOnly: replaceReadOnly}
	if err := w.WriteFile(f.Abs, f.New, f.Perm); err != nil {
		if errors.Is(err, fsutil.ErrOutsideRoot) || errors.Is(err, fsutil.ErrReadOnly) {
			return removed, &FlagError{Err: fmt.Errorf("writing %s: %w", f.Rel, err)}
		}
		return removed, fmt.Errorf("writing %s: %w", f.Rel, err)
	}
	return removed, nil
}
