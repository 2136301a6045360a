package wiring

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/fsutil"
)

// Where an app's client code lives: these folders recursively, and the app folder itself
// without its subfolders. doctor's wiring check and the planners read the same files.
var clientRoots = []string{"src", "app", "pages", "components"}

const (
	maxClientFiles    = 5000
	maxClientFileSize = 1 << 20
)

func clientExt(name string) bool {
	switch filepath.Ext(name) {
	case ".tsx", ".jsx", ".ts", ".js", ".mjs", ".mts":
		return !strings.HasSuffix(name, ".d.ts")
	}
	return false
}

// ClientFiles calls visit with each client source file of the app in dir (its path relative
// to dir, with slashes, and its text), skipping node_modules, Convex's _generated, hidden
// folders, files over 1 MiB and anything not a regular file; at most 5000 files. It returns
// how many it read, and ctx's error when ctx ends first.
func ClientFiles(ctx context.Context, dir string, visit func(rel string, data []byte)) (int, error) {
	files := 0
	read := func(path string) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if files >= maxClientFiles {
			return filepath.SkipAll
		}
		st, err := os.Stat(path)
		if err != nil || !st.Mode().IsRegular() || st.Size() > maxClientFileSize {
			return nil
		}
		// Through fsutil, which refuses a pipe or device even if one took the file's place
		// since the Stat above: such a file is skipped, as an unreadable one is.
		data, exists, err := fsutil.ReadFileIfExists(path)
		if err != nil || !exists {
			return nil
		}
		files++
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			rel = path
		}
		visit(filepath.ToSlash(rel), data)
		return nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	for _, e := range entries {
		if !e.IsDir() && clientExt(e.Name()) {
			if err := read(filepath.Join(dir, e.Name())); err != nil {
				return files, ignoreSkipAll(err)
			}
		}
	}
	for _, root := range clientRoots {
		top := filepath.Join(dir, root)
		err := filepath.WalkDir(top, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil // a missing root or unreadable folder: nothing to read there
			}
			if d.IsDir() {
				if n := d.Name(); n == "node_modules" || n == "_generated" || (strings.HasPrefix(n, ".") && path != top) {
					return filepath.SkipDir
				}
				return nil
			}
			if !clientExt(d.Name()) {
				return nil
			}
			return read(path)
		})
		if err != nil {
			return files, ignoreSkipAll(err)
		}
	}
	return files, nil
}

func ignoreSkipAll(err error) error {
	if err == filepath.SkipAll {
		return nil
	}
	return err
}
