// Package build holds the version, injected at link time by goreleaser:
//
//	-ldflags "-X github.com/clerkconvex/clerkconvex/internal/build.Version=v1.2.3"
package build

import "runtime/debug"

// Version and Date are set with -ldflags -X; both stay empty in a plain `go build`.
var (
	Version = ""
	Date    = ""
)

// String returns the version to show: the injected one, else the module version recorded by
// `go install module@version`, else "dev".
func String() string {
	if Version != "" {
		return Version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}
