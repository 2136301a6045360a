package project

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Locate is LocateFS on the real file system: appDir is the app's absolute folder, convexFlag
// the --convex-dir value as typed (relative to cwd, or absolute; "" when not given). The
// Layout's folders are absolute; an *AmbiguousError names its candidates relative to cwd, as
// the flag takes them.
func Locate(appDir, convexFlag, flagName, cwd string) (Layout, error) {
	if !filepath.IsAbs(appDir) {
		return Layout{}, fmt.Errorf("project.Locate: %s is not absolute", appDir)
	}
	vol := filepath.VolumeName(appDir)
	top := vol + string(filepath.Separator)
	fsys := os.DirFS(top)
	rel := func(abs string) string {
		r, err := filepath.Rel(top, abs)
		if err != nil {
			return "."
		}
		return filepath.ToSlash(r)
	}
	flag := ""
	if convexFlag != "" {
		abs := convexFlag
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(cwd, abs)
		}
		if filepath.VolumeName(abs) != vol {
			return Layout{}, fmt.Errorf("%s %s is on another drive than the app", flagName, convexFlag)
		}
		flag = rel(filepath.Clean(abs))
	}
	l, err := LocateFS(fsys, rel(appDir), flag, flagName)
	back := func(r string) string { return filepath.Join(top, filepath.FromSlash(r)) }
	var amb *AmbiguousError
	if errors.As(err, &amb) {
		for i, c := range amb.Candidates {
			if r, rerr := filepath.Rel(cwd, back(c)); rerr == nil {
				amb.Candidates[i] = filepath.ToSlash(r)
			}
		}
		if r, rerr := filepath.Rel(cwd, appDir); rerr == nil {
			amb.App = displayDir(filepath.ToSlash(r))
		}
		return l, amb
	}
	var fv *FlagValueError
	if errors.As(err, &fv) {
		fv.Value = convexFlag
		return l, fv
	}
	if err != nil {
		return l, err
	}
	l.Root, l.App, l.Convex = back(l.Root), back(l.App), back(l.Convex)
	for i, p := range l.Packages {
		l.Packages[i] = back(p)
	}
	return l, nil
}
