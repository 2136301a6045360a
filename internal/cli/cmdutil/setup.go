package cmdutil

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"github.com/clerkconvex/clerkconvex/internal/convex"
	"github.com/clerkconvex/clerkconvex/internal/dotenv"
	"github.com/clerkconvex/clerkconvex/internal/fsutil"
	"github.com/clerkconvex/clerkconvex/internal/wiring"
)

// The edits init makes and `doctor --fix` repairs, in one implementation: the env file's
// variables, its mode, and auth.config's providers. (The JWT template is clerk.PlanTemplate and
// ClerkAPI.ApplyTemplate, the deployment's variables convex.SetEnvTarget, .gitignore
// gitx.IgnoreFile: both commands call those directly.)

// PrivateMode is the mode of an env file that holds the secret key.
const PrivateMode fs.FileMode = 0o600

// EnvVar is one variable to set in an env file or on a deployment.
type EnvVar struct{ Name, Value string }

// PlanEnvFile plans the env file rel (at abs, links followed) with vars set, every other line
// kept as it is. The result is read back as a dotenv reader would: an unclosed quote earlier
// in the file can swallow later lines, and such a file is refused (a FlagError naming the
// variable; command is what to run again once the quoting is fixed).
func PlanEnvFile(rel, abs string, old []byte, exists bool, vars []EnvVar, command string) (*PlannedFile, error) {
	env := dotenv.Parse(old)
	for _, v := range vars {
		env.Set(v.Name, v.Value)
	}
	check := dotenv.Parse(env.Bytes())
	for _, v := range vars {
		if got, _ := check.Get(v.Name); got != v.Value {
			return nil, FlagErrorf("%s: %s could not be written so that it reads back (an unclosed quote above it?); fix the file's quoting and run %s again", rel, v.Name, command)
		}
	}
	return &PlannedFile{Rel: rel, Abs: abs, Old: old, Exists: exists, New: env.Bytes(), Perm: PrivateMode}, nil
}

// OpenToOthers returns the mode of the file at abs and whether the group or others may read or
// write it (never on Windows, whose modes do not say; never for a missing file).
func OpenToOthers(abs string) (fs.FileMode, bool) {
	if runtime.GOOS == "windows" {
		return 0, false
	}
	st, err := os.Stat(abs)
	if err != nil {
		return 0, false
	}
	return st.Mode().Perm(), st.Mode().Perm()&0o077 != 0
}

// MakePrivate gives the file at abs (rel as shown) PrivateMode, after checking that it is, links
// followed, inside root.
func MakePrivate(root, rel, abs string) error {
	real, err := fsutil.ResolveInside(root, abs)
	if err != nil {
		return &FlagError{Err: fmt.Errorf("%s: %w", rel, err)}
	}
	if err := os.Chmod(real, PrivateMode); err != nil {
		return fmt.Errorf("chmod %04o %s: %w", PrivateMode, rel, err)
	}
	return nil
}

// ManualProvider is a provider AddProviders could not add safely, and why.
type ManualProvider struct {
	Provider convex.Provider
	Reason   string
}

// AddProviders is auth.config (src, ts: a .ts file) with provs added: a new file holding them
// when it does not exist, else each merged into the file as it is (convex.MergeAuthConfig:
// every byte kept). A provider that cannot be merged safely is left out and returned in manual,
// for the user to paste. The result is parsed (esbuild, as the file rel) and refused when it
// does not parse (CheckSyntax).
func AddProviders(rel string, src []byte, exists, ts bool, provs []convex.Provider) (out []byte, manual []ManualProvider, err error) {
	if !exists {
		if out, err = convex.RenderAuthConfig(ts, provs); err != nil {
			return nil, nil, err
		}
		return out, nil, CheckSyntax(rel, nil, out)
	}
	cur := src
	for _, p := range provs {
		next, outcome, reason, err := convex.MergeAuthConfig(cur, ts, p)
		if err != nil {
			return src, nil, err
		}
		if outcome == convex.MergeManual {
			manual = append(manual, ManualProvider{Provider: p, Reason: reason})
			continue
		}
		cur = next
	}
	if err := CheckSyntax(rel, src, cur); err != nil {
		return src, nil, err
	}
	return cur, manual, nil
}

// WiringFiles are the planned files of a client wiring plan's changes (paths relative to the
// app folder dir), each resolved inside root, links followed; command names the command in the
// error for a path that leads out of it (a FlagError). init and doctor --fix write them alike.
func WiringFiles(dir, root, command string, changes []wiring.Change) ([]*PlannedFile, error) {
	var out []*PlannedFile
	for _, c := range changes {
		abs, err := fsutil.ResolveInside(root, filepath.Join(dir, filepath.FromSlash(c.Path)))
		if err != nil {
			return nil, FlagErrorf("%s: %s would write outside the project folder %s: %v", c.Path, command, root, err)
		}
		out = append(out, &PlannedFile{Rel: c.Path, Abs: abs, Old: c.Old, Exists: c.Old != nil, New: c.New, Perm: 0o644})
	}
	return out, nil
}
