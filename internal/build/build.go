// Package build says which clerkconvex this is: version, commit and build date.
//
// A release build (goreleaser) injects all three at link time:
//
//	-ldflags "-X github.com/clerkconvex/clerkconvex/internal/build.Version=1.2.3
//	          -X github.com/clerkconvex/clerkconvex/internal/build.Commit=<sha>
//	          -X github.com/clerkconvex/clerkconvex/internal/build.Date=<RFC 3339>"
//
// Anything not injected comes from the binary's own build information: the module version
// that `go install module@version` records, and the revision and commit time that `go build`
// or `go install` from a git clone stamps (vcs.revision, vcs.time, vcs.modified).
package build

import (
	"runtime/debug"
	"strings"
)

// Version, Commit and Date are set with -ldflags -X; all stay empty in a plain `go build`.
var (
	Version = ""
	Commit  = ""
	Date    = ""
)

// Info is what `clerkconvex --version` shows. Empty fields are unknown.
type Info struct {
	Version string // "1.2.3", "v0.0.0-20261129…-abcdef123456", or "dev"
	Commit  string // full revision, "+dirty" appended when the tree had local changes
	Date    string // build date (release) or commit time (VCS stamp), RFC 3339
}

// Get returns the injected values, completed from debug.ReadBuildInfo.
func Get() Info {
	info, _ := debug.ReadBuildInfo()
	return resolve(Version, Commit, Date, info)
}

// String is the one line --version prints after "clerkconvex ":
// "1.2.3 (commit 0123456789ab, built 2026-11-29T22:00:00Z)", or "dev" when nothing is known.
func String() string { return Get().String() }

func (i Info) String() string {
	var extra []string
	if i.Commit != "" {
		extra = append(extra, "commit "+shortCommit(i.Commit))
	}
	if i.Date != "" {
		extra = append(extra, "built "+i.Date)
	}
	if len(extra) == 0 {
		return i.Version
	}
	return i.Version + " (" + strings.Join(extra, ", ") + ")"
}

// resolve fills what ldflags left empty from the build information (nil when unavailable).
func resolve(version, commit, date string, info *debug.BuildInfo) Info {
	out := Info{Version: version, Commit: commit, Date: date}
	if info != nil {
		if out.Version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			out.Version = info.Main.Version
		}
		var rev, at string
		dirty := false
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.time":
				at = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if out.Commit == "" && rev != "" {
			out.Commit = rev
			if dirty {
				out.Commit += "+dirty"
			}
		}
		if out.Date == "" {
			out.Date = at
		}
	}
	if out.Version == "" {
		out.Version = "dev"
	}
	return out
}

// shortCommit keeps 12 hex digits of a revision, and a "+dirty" suffix.
func shortCommit(c string) string {
	rev, suffix, _ := strings.Cut(c, "+")
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if suffix != "" {
		return rev + "+" + suffix
	}
	return rev
}
