package convex

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/clerkconvex/clerkconvex/internal/fsutil"
)

// DefaultFunctionsDir is the Convex functions folder when convex.json does not
// name another.
const DefaultFunctionsDir = "convex"

// FunctionsDir returns the Convex functions folder of the project in
// projectDir: the "functions" setting of projectDir/convex.json when present,
// else projectDir/convex. exists reports whether the folder is there; a
// missing default folder is not an error (init creates it), but a folder
// named in convex.json that does not exist is.
func FunctionsDir(projectDir string) (dir string, exists bool, err error) {
	rel := DefaultFunctionsDir
	configPath := filepath.Join(projectDir, "convex.json")
	data, found, err := fsutil.ReadFileIfExists(configPath)
	switch {
	case err != nil:
		return "", false, err
	case !found:
	default:
		var cfg struct {
			Functions *json.RawMessage `json:"functions"`
		}
		data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
		if err := json.Unmarshal(data, &cfg); err != nil {
			return "", false, fmt.Errorf("%s is not valid JSON: %w; fix it or remove it", configPath, err)
		}
		if cfg.Functions != nil {
			var fn string
			if err := json.Unmarshal(*cfg.Functions, &fn); err != nil {
				return "", false, fmt.Errorf("%s: \"functions\" must be a string such as \"convex/\", got %s", configPath, *cfg.Functions)
			}
			if fn != "" {
				dir = filepath.Join(projectDir, filepath.FromSlash(fn))
				info, err := os.Stat(dir)
				switch {
				case errors.Is(err, fs.ErrNotExist):
					return dir, false, fmt.Errorf("%s sets \"functions\" to %q, but %s does not exist; create the folder or fix convex.json", configPath, fn, dir)
				case err != nil:
					return dir, false, fmt.Errorf("check functions folder %s (from %s): %w", dir, configPath, err)
				case !info.IsDir():
					return dir, false, fmt.Errorf("%s sets \"functions\" to %q, but %s is not a folder; fix convex.json", configPath, fn, dir)
				}
				return dir, true, nil
			}
		}
	}
	dir = filepath.Join(projectDir, rel)
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return dir, false, nil
	case err != nil:
		return dir, false, fmt.Errorf("check functions folder %s: %w", dir, err)
	case !info.IsDir():
		return dir, false, fmt.Errorf("%s is a file, but Convex expects its functions folder there; move the file or set \"functions\" in convex.json", dir)
	}
	return dir, true, nil
}

// FindAuthConfig returns the auth config file in functionsDir:
// auth.config.ts if it exists, else auth.config.js. When neither exists it
// returns the auth.config.ts path with ts true and exists false.
func FindAuthConfig(functionsDir string) (path string, ts bool, exists bool) {
	tsPath := filepath.Join(functionsDir, "auth.config.ts")
	for _, c := range []struct {
		path string
		ts   bool
	}{{tsPath, true}, {filepath.Join(functionsDir, "auth.config.js"), false}} {
		// Anything but "not there" (a permission error, say) counts as
		// existing, so the caller's read reports the real problem.
		if _, err := os.Stat(c.path); err == nil || !errors.Is(err, fs.ErrNotExist) {
			return c.path, c.ts, true
		}
	}
	return tsPath, true, false
}

// BothAuthConfigsError is a functions folder holding auth.config.ts and auth.config.js: the
// Convex CLI refuses to push it ("Found both …, choose one"), so no provider is deployed.
type BothAuthConfigsError struct{ TS, JS string }

func (e *BothAuthConfigsError) Error() string {
	return fmt.Sprintf("both %s and %s exist: npx convex refuses to push the functions folder until one is deleted (\"Found both …, choose one\")", e.TS, e.JS)
}

// CheckOneAuthConfig returns a *BothAuthConfigsError (paths as given) when functionsDir holds
// both auth.config.ts and auth.config.js, as the Convex CLI's bundler checks before a push.
func CheckOneAuthConfig(functionsDir string) error {
	ts, js := filepath.Join(functionsDir, "auth.config.ts"), filepath.Join(functionsDir, "auth.config.js")
	if _, err := os.Stat(ts); err != nil {
		return nil
	}
	if _, err := os.Stat(js); err != nil {
		return nil
	}
	return &BothAuthConfigsError{TS: ts, JS: js}
}
