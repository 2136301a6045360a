package doctor

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/fsutil"
)

// envTarget is the env file as git sees it: the file at the end of any link (the one holding
// the secret), relative to the project's real path, with slashes; shown names it for messages
// ("x" or "x (a link to y)").
func (s *state) envTarget() (target, shown string) {
	rel := filepath.ToSlash(s.in.EnvFile)
	target, shown = rel, rel
	real, err := fsutil.ResolveInside(s.in.Dir, s.in.EnvFile)
	if err != nil {
		return target, shown
	}
	root, err := filepath.EvalSymlinks(s.in.Dir)
	if err != nil {
		return target, shown
	}
	if r, err := filepath.Rel(root, real); err == nil && filepath.ToSlash(r) != rel {
		target = filepath.ToSlash(r)
		shown = fmt.Sprintf("%s (a link to %s)", rel, target)
	}
	return target, shown
}

// checkEnvTemps finds temporary files an interrupted write of the env file left next to it:
// they may hold the secret key.
func checkEnvTemps(ctx context.Context, s *state) outcome {
	path := filepath.Join(s.in.Dir, filepath.FromSlash(s.in.EnvFile))
	found, err := fsutil.Temps(path)
	if err != nil {
		return warn("look for files named like "+fsutil.TempPattern(filepath.Base(path))+" next to "+s.in.EnvFile, "could not list the folder of %s: %v", s.in.EnvFile, err)
	}
	if len(found) == 0 {
		return pass("no temporary copies of %s left behind", s.in.EnvFile)
	}
	names := make([]string, len(found))
	for i, f := range found {
		names[i] = relTo(s.in.Dir, f)
	}
	return fail(fmt.Sprintf("delete %s (or run clerkconvex init, which removes them)", strings.Join(names, " ")),
		"%d temporary %s of %s left by an interrupted write, which may hold the secret key: %s",
		len(found), Plural(len(found), "copy", "copies"), s.in.EnvFile, listSome(names, 5))
}
