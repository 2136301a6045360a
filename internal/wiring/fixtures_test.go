package wiring_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/clerkconvex/clerkconvex/internal/doctor"
	"github.com/clerkconvex/clerkconvex/internal/project"
	"github.com/clerkconvex/clerkconvex/internal/wiring"
)

var update = flag.Bool("update", false, "rewrite the want/ files of testdata/<framework>/*.txtar from the planners' output")

// fixture is one testdata/<framework>/<case>.txtar: the project's files, want/<path> for each
// file the wiring changes (as it must read after), want.manual naming the file of the Manual
// when the shape is to be left alone, want.install the packages to install (one a line).
type fixture struct {
	path    string
	ar      *txtar.Archive
	files   map[string][]byte // the project
	want    map[string][]byte // want/<path>
	manual  string            // want.manual, "" when there is none
	install []string
}

func loadFixtures(t *testing.T, framework string) []*fixture {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", framework, "*.txtar"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixtures for %s: %v", framework, err)
	}
	var out []*fixture
	for _, p := range paths {
		ar, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		f := &fixture{path: p, ar: ar, files: map[string][]byte{}, want: map[string][]byte{}}
		for _, file := range ar.Files {
			switch {
			case file.Name == "want.manual":
				f.manual = strings.TrimSpace(string(file.Data))
			case file.Name == "want.install":
				f.install = strings.Fields(string(file.Data))
			case strings.HasPrefix(file.Name, "want/"):
				f.want[strings.TrimPrefix(file.Name, "want/")] = file.Data
			default:
				f.files[file.Name] = file.Data
			}
		}
		out = append(out, f)
	}
	return out
}

// snippetHas is what the Manual's snippet must hold: the provider, or for a Manual about
// Clerk's TanStack middleware, that.
func (f *fixture) snippetHas() string {
	if strings.HasSuffix(f.manual, "start.ts") {
		return "clerkMiddleware()"
	}
	return "<ConvexProviderWithClerk"
}

func (f *fixture) name() string { return strings.TrimSuffix(filepath.Base(f.path), ".txtar") }

// write lays the project out in a new folder.
func (f *fixture) write(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range f.files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// wiringCheck runs doctor's client.provider_wiring check (offline) on dir.
func wiringCheck(t *testing.T, dir string) doctor.Result {
	t.Helper()
	rep, err := doctor.Run(context.Background(), doctor.Inputs{Dir: dir, EnvFile: ".env.local", Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Checks {
		if r.ID == "client.provider_wiring" {
			return r
		}
	}
	t.Fatal("doctor ran no client.provider_wiring check")
	return doctor.Result{}
}

// plan runs the framework's planner on dir.
func plan(t *testing.T, dir string) *wiring.Plan {
	t.Helper()
	p, err := project.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	pl, err := wiring.PlanFor(context.Background(), &wiring.Input{Dir: dir, Project: p})
	if err != nil {
		t.Fatal(err)
	}
	return pl
}

// apply writes the plan's changes into dir.
func apply(t *testing.T, dir string, p *wiring.Plan) {
	t.Helper()
	for _, c := range p.Changes {
		path := filepath.Join(dir, filepath.FromSlash(c.Path))
		old, err := os.ReadFile(path)
		if err != nil && c.Old != nil {
			t.Fatal(err)
		}
		if c.Old != nil && !bytes.Equal(old, c.Old) {
			t.Fatalf("%s: Old is not the file as it is", c.Path)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, c.New, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// testFixtures runs every fixture of a framework: a project the check fails on is wired so
// that it passes (the result as want/ says), and a rerun plans nothing; a shape to leave
// alone gets a Manual with the snippet and no change; a wired project, nothing at all.
func testFixtures(t *testing.T, framework string) {
	for _, f := range loadFixtures(t, framework) {
		t.Run(f.name(), func(t *testing.T) {
			t.Parallel()
			dir := f.write(t)
			before := wiringCheck(t, dir)
			p := plan(t, dir)
			if !slices.Equal(p.Install, f.install) {
				t.Errorf("Install = %q, want %q", p.Install, f.install)
			}
			if *update && before.Status != doctor.Pass {
				got := map[string][]byte{}
				for _, c := range p.Changes {
					got[c.Path] = c.New
				}
				f.updateWant(t, got)
				return
			}
			switch {
			case before.Status == doctor.Pass:
				if len(f.want) > 0 || f.manual != "" {
					t.Fatalf("fixture: the check passes (%s), yet the fixture expects a plan", before.Message)
				}
				if !p.Empty() {
					t.Fatalf("the check passes (%s), yet the plan is %+v", before.Message, p)
				}
				return
			}
			if f.manual != "" {
				// A shape to leave alone (or a part of one): the Manual names the file, with
				// the snippet and why.
				var m *wiring.Manual
				for i := range p.Manual {
					if p.Manual[i].Path == f.manual {
						m = &p.Manual[i]
					}
				}
				if m == nil || !strings.Contains(m.Snippet, f.snippetHas()) || m.Reason == "" {
					t.Fatalf("Manual = %+v, want one for %s with the snippet and a reason", p.Manual, f.manual)
				}
			} else if len(p.Manual) > 0 {
				t.Fatalf("Manual %+v, want none", p.Manual)
			}
			if len(f.want) == 0 {
				if len(p.Changes) > 0 {
					t.Fatalf("a shape to leave alone, yet %s would change:\n%s", p.Changes[0].Path, p.Changes[0].New)
				}
				if before.Status == doctor.Pass {
					t.Fatal("fixture: the check passes, so there is nothing to leave alone")
				}
				return
			}
			if before.Status != doctor.Fail {
				t.Fatalf("fixture: the check does not fail before (%s: %s)", before.Status, before.Message)
			}
			got := map[string][]byte{}
			for _, c := range p.Changes {
				got[c.Path] = c.New
			}
			if len(got) != len(f.want) {
				t.Errorf("changed %d files, want %d (%v)", len(got), len(f.want), keys(got))
			}
			for path, want := range f.want {
				if !bytes.Equal(got[path], want) {
					t.Errorf("%s:\n--- got\n%s\n--- want\n%s", path, got[path], want)
				}
			}
			apply(t, dir, p)
			if after := wiringCheck(t, dir); after.Status != doctor.Pass {
				t.Fatalf("after the edit the check is %s: %s (fix: %s)", after.Status, after.Message, after.Fix)
			}
			// A rerun plans nothing.
			if again := plan(t, dir); !again.Empty() {
				t.Fatalf("a rerun plans %+v", again)
			}
		})
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// updateWant rewrites the fixture's want/ files.
func (f *fixture) updateWant(t *testing.T, got map[string][]byte) {
	var files []txtar.File
	for _, file := range f.ar.Files {
		if !strings.HasPrefix(file.Name, "want/") {
			files = append(files, file)
		}
	}
	for _, k := range keys(got) {
		files = append(files, txtar.File{Name: "want/" + k, Data: got[k]})
	}
	f.ar.Files = files
	if err := os.WriteFile(f.path, txtar.Format(f.ar), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestViteFixtures(t *testing.T)     { testFixtures(t, "vite") }
func TestExpoFixtures(t *testing.T)     { testFixtures(t, "expo") }
func TestTanStackFixtures(t *testing.T) { testFixtures(t, "tanstack") }
