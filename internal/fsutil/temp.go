package fsutil

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// tempMark is in the name of every temporary file WriteFile creates.
const tempMark = ".clerkconvex-tmp-"

// TempPattern is the os.CreateTemp pattern of a temporary file for a target named base.
//
// For an env file (.env, .env.local, prod.env) the mark goes before the last extension,
// so the rules that ignore env files also ignore it: ".env.local" gives
// ".env.clerkconvex-tmp-*.local" (matched by .env*, .env*.local, *.local). Any other
// file gets a hidden name that ends in neither its extension nor a source suffix
// (".auth.config.ts.clerkconvex-tmp-*"), so no tool picks it up as a module.
func TempPattern(base string) string {
	if envLike(base) {
		if i := strings.LastIndexByte(base, '.'); i > 0 {
			return base[:i] + tempMark + "*" + base[i:]
		}
		return base + tempMark + "*"
	}
	return "." + base + tempMark + "*"
}

func envLike(base string) bool {
	return strings.HasPrefix(base, ".env") || strings.HasSuffix(base, ".env") || strings.Contains(base, ".env.")
}

// isTempOf reports whether name is a temporary file of base: one WriteFile makes now, or the
// "."+base+".tmp-*" of earlier versions.
func isTempOf(name, base string) bool {
	for _, pat := range []string{TempPattern(base), "." + base + ".tmp-*"} {
		pre, suf, _ := strings.Cut(pat, "*")
		if len(name) > len(pre)+len(suf) && strings.HasPrefix(name, pre) && strings.HasSuffix(name, suf) {
			return true
		}
	}
	return false
}

// Temps lists the temporary files a write of path left behind (a crash between writing one
// and renaming it): regular files next to path's target named like its temporary files. They
// may hold what was being written (a secret key, in an env file).
func Temps(path string) ([]string, error) {
	target, err := writeTarget(path)
	if err != nil {
		return nil, err
	}
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	des, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var found []string
	for _, de := range des {
		if de.Type().IsRegular() && isTempOf(de.Name(), base) {
			found = append(found, filepath.Join(dir, de.Name()))
		}
	}
	return found, nil
}

// RemoveTemps removes the temporary files Temps finds for path and returns them.
func RemoveTemps(path string) ([]string, error) {
	found, err := Temps(path)
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, f := range found {
		if err := os.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, err
		}
		removed = append(removed, f)
	}
	return removed, nil
}
