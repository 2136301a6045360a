package build

import (
	"runtime/debug"
	"testing"
)

func TestResolve(t *testing.T) {
	vcs := func(kv ...string) []debug.BuildSetting {
		var s []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			s = append(s, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return s
	}
	const rev = "0123456789abcdef0123456789abcdef01234567"
	tests := []struct {
		name                  string
		version, commit, date string
		info                  *debug.BuildInfo
		want                  Info
		wantString            string
	}{
		{
			name:    "release: ldflags win over build info",
			version: "1.2.3", commit: rev, date: "2026-11-29T22:00:00Z",
			info:       &debug.BuildInfo{Main: debug.Module{Version: "v9.9.9"}, Settings: vcs("vcs.revision", "ffff", "vcs.time", "2000-01-01T00:00:00Z")},
			want:       Info{"1.2.3", rev, "2026-11-29T22:00:00Z"},
			wantString: "1.2.3 (commit 0123456789ab, built 2026-11-29T22:00:00Z)",
		},
		{
			name:       "go install module@version: module version only",
			info:       &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}},
			want:       Info{Version: "v1.4.0"},
			wantString: "v1.4.0",
		},
		{
			name: "go build in a clone: VCS stamp",
			info: &debug.BuildInfo{
				Main:     debug.Module{Version: "v0.0.0-20261129220000-0123456789ab"},
				Settings: vcs("vcs", "git", "vcs.revision", rev, "vcs.time", "2026-11-29T22:00:00Z", "vcs.modified", "false"),
			},
			want:       Info{"v0.0.0-20261129220000-0123456789ab", rev, "2026-11-29T22:00:00Z"},
			wantString: "v0.0.0-20261129220000-0123456789ab (commit 0123456789ab, built 2026-11-29T22:00:00Z)",
		},
		{
			name: "go build in a clone with local changes, older Go: (devel)",
			info: &debug.BuildInfo{
				Main:     debug.Module{Version: "(devel)"},
				Settings: vcs("vcs.revision", rev, "vcs.time", "2026-11-29T22:00:00Z", "vcs.modified", "true"),
			},
			want:       Info{"dev", rev + "+dirty", "2026-11-29T22:00:00Z"},
			wantString: "dev (commit 0123456789ab+dirty, built 2026-11-29T22:00:00Z)",
		},
		{
			name:       "-buildvcs=false: nothing known",
			info:       &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}},
			want:       Info{Version: "dev"},
			wantString: "dev",
		},
		{
			name:       "no build info",
			want:       Info{Version: "dev"},
			wantString: "dev",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := resolve(tt.version, tt.commit, tt.date, tt.info)
			if got != tt.want {
				t.Errorf("resolve = %+v, want %+v", got, tt.want)
			}
			if s := got.String(); s != tt.wantString {
				t.Errorf("String() = %q, want %q", s, tt.wantString)
			}
		})
	}
}
