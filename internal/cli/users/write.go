package users

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/fsutil"
)

// checkReadOnly refuses, before anything is written, a file users init would change that is
// read-only (unless --yes; a dry run only warns), so a refusal never leaves half the files written.
func checkReadOnly(opts *Options, p *initPlan, res *InitResult) error {
	for _, f := range p.files {
		if f.action() != "updated" || opts.Yes || !fsutil.ReadOnly(f.Abs) {
			continue
		}
		if opts.DryRun {
			res.warn("%s is read-only: users init would stop here without --yes", f.Rel)
			continue
		}
		return cmdutil.FlagErrorf("%s is read-only: make it writable (chmod u+w %s) and run users init again, or pass --yes to replace it anyway; nothing was changed", f.Rel, f.Rel)
	}
	return nil
}

// writePlanned writes one planned file as init does: inside the project (links followed at
// write time too), only if it still holds what was planned from, keeping its owner and mode,
// through a private temporary file; a read-only file only with --yes.
func writePlanned(opts *Options, p *initPlan, f *filePlan) error {
	if f.action() == "unchanged" {
		return nil
	}
	_, _ = fsutil.RemoveTemps(f.Abs) // ones an interrupted earlier run left next to it
	if !f.Exists {
		parent := filepath.Dir(f.Abs)
		if _, err := fsutil.ResolveInside(p.root, parent); err != nil {
			return &cmdutil.FlagError{Err: fmt.Errorf("writing %s: %w", f.Rel, err)}
		}
		if err := os.MkdirAll(parent, 0o755); err != nil {
			return fmt.Errorf("creating the folder for %s: %w", f.Rel, err)
		}
	}
	w := fsutil.Writer{Root: p.root, Expect: fsutil.SnapshotOf(f.Old, f.Exists), ReplaceReadOnly: opts.Yes}
	if err := w.WriteFile(f.Abs, f.New, 0o644); err != nil {
		if errors.Is(err, fsutil.ErrOutsideRoot) || errors.Is(err, fsutil.ErrReadOnly) {
			return &cmdutil.FlagError{Err: fmt.Errorf("writing %s: %w", f.Rel, err)}
		}
		return fmt.Errorf("writing %s: %w", f.Rel, err)
	}
	return nil
}
