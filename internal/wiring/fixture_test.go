package wiring_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/clerkconvex/clerkconvex/internal/doctor"
	"github.com/clerkconvex/clerkconvex/internal/project"
	"github.com/clerkconvex/clerkconvex/internal/testutil/nodeharness"
	"github.com/clerkconvex/clerkconvex/internal/wiring"
)

// Fixtures: testdata/<framework>/<case>.txtar, each with
//
//	in/…       the project as the user has it (package.json included)
//	want/…     every file the plan creates or changes, as it must be after; a file of in/
//	           without a want/ twin must come out byte-identical
//	manual     (optional) one line per expected Manual: a piece of its Reason
//	install    (optional) the packages the plan installs, space-separated
//
// runFixtures plans each project as init does (ProviderWired from doctor's check), applies
// the plan, compares, type-checks the result with the real tsc against test/wiring's packages,
// checks doctor's client.provider_wiring passes when nothing was left to the user, and plans
// again: a rerun changes nothing.
func runFixtures(t *testing.T, framework string) {
	files, err := filepath.Glob(filepath.Join("testdata", framework, "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures for %s: %v", framework, err)
	}
	// Every fixture's project is a folder of one root, and every changed file is type-checked
	// in one tsc run once all of them have finished (tsc's start, reading React's and the
	// Clerk packages' types, costs far more than the files): t.Cleanup runs after the
	// parallel subtests.
	root := t.TempDir()
	var mu sync.Mutex
	var check []string
	t.Cleanup(func() {
		if len(check) == 0 {
			return
		}
		// What the framework's fixtures import that test/wiring does not install (the
		// framework itself, the apps' assets) is declared in its stubs.d.ts, type-checked with
		// them; never a Clerk or convex module.
		if data, err := os.ReadFile(filepath.Join("testdata", framework, "stubs.d.ts")); err == nil {
			write(t, filepath.Join(root, "stubs.d.ts"), data)
			check = append(check, "stubs.d.ts")
		}
		slices.Sort(check)
		nodeharness.TypeCheckWiring(t, root, check...)
	})
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			changed := runFixture(t, file, filepath.Join(root, name))
			mu.Lock()
			defer mu.Unlock()
			for _, c := range changed {
				check = append(check, filepath.Join(name, filepath.FromSlash(c)))
			}
		})
	}
}

// runFixture runs one fixture in dir and returns the files its plan changed, for the type
// check.
func runFixture(t *testing.T, file, dir string) []string {
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	in, want := map[string][]byte{}, map[string][]byte{}
	var manual []string
	var install []string
	for _, f := range ar.Files {
		switch {
		case strings.HasPrefix(f.Name, "in/"):
			in[strings.TrimPrefix(f.Name, "in/")] = f.Data
		case strings.HasPrefix(f.Name, "want/"):
			want[strings.TrimPrefix(f.Name, "want/")] = f.Data
		case f.Name == "manual":
			manual = nonEmptyLines(string(f.Data))
		case f.Name == "install":
			install = strings.Fields(string(f.Data))
		default:
			t.Fatalf("%s: unknown section %s", file, f.Name)
		}
	}
	for name, data := range in {
		write(t, filepath.Join(dir, name), data)
	}
	plan := planAsInit(t, dir)

	// Apply, checking each change starts from the file as it is.
	for _, c := range plan.Changes {
		path := filepath.Join(dir, filepath.FromSlash(c.Path))
		cur, err := os.ReadFile(path)
		if c.Old == nil {
			if err == nil {
				t.Fatalf("%s: planned as new, but it exists", c.Path)
			}
		} else if !bytes.Equal(cur, c.Old) {
			t.Fatalf("%s: Old is not the file as it is", c.Path)
		}
		if c.Why == "" {
			t.Errorf("%s: no Why", c.Path)
		}
		write(t, path, c.New)
	}
	changed := map[string]bool{}
	for _, c := range plan.Changes {
		changed[c.Path] = true
	}
	for name := range want {
		if !changed[name] {
			t.Errorf("want/%s: the plan does not change it", name)
		}
	}
	for name := range changed {
		got, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		w, ok := want[name]
		if !ok {
			t.Errorf("%s: changed but the fixture has no want/%s; it is now:\n%s", name, name, got)
			continue
		}
		if !bytes.Equal(got, w) {
			t.Errorf("%s:\n--- got\n%s\n--- want\n%s", name, got, w)
		}
	}
	for name, data := range in {
		if changed[name] {
			continue
		}
		got, _ := os.ReadFile(filepath.Join(dir, name))
		if !bytes.Equal(got, data) {
			t.Errorf("%s: left alone but not byte-identical", name)
		}
	}
	var reasons []string
	for _, m := range plan.Manual {
		if m.Path == "" || m.Snippet == "" || m.Reason == "" || m.Where == "" {
			t.Errorf("incomplete Manual: %+v", m)
		}
		reasons = append(reasons, m.Reason)
	}
	if len(reasons) != len(manual) {
		t.Errorf("manual: got %q, want %d matching %q", reasons, len(manual), manual)
	}
	for _, m := range manual {
		if !slices.ContainsFunc(reasons, func(r string) bool { return strings.Contains(r, m) }) {
			t.Errorf("no Manual's reason contains %q (got %q)", m, reasons)
		}
	}
	if got := strings.Join(plan.Install, " "); got != strings.Join(install, " ") {
		t.Errorf("install %q, want %q", got, strings.Join(install, " "))
	}
	if len(plan.Changes) == 0 {
		return nil
	}
	var check []string
	for name := range changed {
		check = append(check, name)
	}
	proj, err := project.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(manual) == 0 {
		if r := doctor.ProviderWiring(context.Background(), dir, proj); r.Status != doctor.Pass {
			t.Errorf("after the plan, doctor's wiring check: %s %s (%s)", r.Status, r.Message, r.Fix)
		}
	}
	if again := planAsInit(t, dir); len(again.Changes) != 0 {
		t.Errorf("a rerun changes %s (%s)", again.Changes[0].Path, again.Changes[0].Why)
	}
	return check
}

// planAsInit plans the wiring of the app in dir as init does.
func planAsInit(t *testing.T, dir string) *wiring.Plan {
	t.Helper()
	proj, err := project.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	wired := doctor.ProviderWiring(ctx, dir, proj).Status != doctor.Fail
	plan, err := wiring.PlanFor(ctx, &wiring.Input{Dir: dir, Project: proj, ProviderWired: wired})
	if err != nil {
		t.Fatal(err)
	}
	return plan
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func nonEmptyLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
