package users

import (
	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/fsutil"
)

// checkReadOnly refuses, before anything is written, a file users init would change that is
// read-only (unless --yes; a dry run only warns), so a refusal never leaves half the files written.
func checkReadOnly(opts *Options, p *initPlan, res *InitResult) error {
	for _, f := range p.files {
		if f.Action() != "updated" || opts.Yes || !fsutil.ReadOnly(f.Abs) {
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
	_, err := f.Write(p.root, opts.Yes)
	return err
}
