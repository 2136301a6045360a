package users

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/fsutil"
)

const usersModule = "import { query } from \"./_generated/server\";\n\nexport const count = query({ args: {}, handler: async () => 0 });\n"

// plan runs users init's planning, then hands back the planned file rel.
func plan(t *testing.T, te *testEnv, rel string) (*initPlan, *filePlan) {
	t.Helper()
	p, err := planInit(te.opts)
	if err != nil {
		t.Fatalf("planInit: %v", err)
	}
	for _, f := range p.files {
		if f.Rel == rel {
			return p, f
		}
	}
	t.Fatalf("no plan for %s", rel)
	return nil, nil
}

// convex/users.ts saved in an editor between planning and writing: the write is abandoned,
// naming the file, and the user's version stays.
func TestInitWriteChangedSincePlan(t *testing.T) {
	te := newProject(t, "", map[string]string{"convex/users.ts": usersModule})
	te.env[SecretEnv] = testSecret
	p, f := plan(t, te, "convex/users.ts")
	if f.Action() != "updated" {
		t.Fatalf("users.ts would be %s, want updated", f.Action())
	}
	edited := usersModule + "export const other = query({ args: {}, handler: async () => 1 });\n"
	if err := os.WriteFile(filepath.Join(te.dir, "convex/users.ts"), []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	err := writePlanned(te.opts, p, f)
	if !errors.Is(err, fsutil.ErrChanged) || !strings.Contains(err.Error(), "writing convex/users.ts") {
		t.Fatalf("err = %v, want the changed-since-planning refusal naming convex/users.ts", err)
	}
	if got := te.read(t, "convex/users.ts"); got != edited {
		t.Errorf("users.ts was replaced:\n%s", got)
	}
	leftovers, _ := filepath.Glob(filepath.Join(te.dir, "convex", ".*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

// convex/http.ts turned into a link out of the project between planning and writing: exit 2
// naming the file, and nothing is written outside.
func TestInitWriteLinkOutsideSincePlan(t *testing.T) {
	te := newProject(t, "", nil)
	te.env[SecretEnv] = testSecret
	outside := filepath.Join(t.TempDir(), "http.ts")
	p, f := plan(t, te, "convex/http.ts")
	for _, g := range p.files {
		if g != f {
			if err := writePlanned(te.opts, p, g); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := os.Symlink(outside, filepath.Join(te.dir, "convex/http.ts")); err != nil {
		t.Fatal(err)
	}
	err := writePlanned(te.opts, p, f)
	if cmdutil.ExitCode(err) != 2 || !errors.Is(err, fsutil.ErrOutsideRoot) || !strings.Contains(err.Error(), "writing convex/http.ts") {
		t.Fatalf("err = %v (exit %d), want exit 2 naming convex/http.ts", err, cmdutil.ExitCode(err))
	}
	if _, err := os.Lstat(outside); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a file was written outside the project: %v", err)
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(outside), "*"))
	if len(leftovers) != 0 {
		t.Errorf("files written outside the project: %v", leftovers)
	}
}

// The same link present from the start: users init refuses before writing anything.
func TestInitLinkOutside(t *testing.T) {
	te := newProject(t, "", nil)
	te.env[SecretEnv] = testSecret
	outside := filepath.Join(t.TempDir(), "http.ts")
	if err := os.MkdirAll(filepath.Join(te.dir, "convex"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(te.dir, "convex/http.ts")); err != nil {
		t.Fatal(err)
	}
	err := runInit(context.Background(), te.opts)
	if cmdutil.ExitCode(err) != 2 || !strings.Contains(err.Error(), "convex/http.ts") || !errors.Is(err, fsutil.ErrOutsideRoot) {
		t.Fatalf("err = %v (exit %d)", err, cmdutil.ExitCode(err))
	}
	if _, err := os.Lstat(outside); !errors.Is(err, os.ErrNotExist) {
		t.Error("a file was written outside the project")
	}
	if _, err := os.Stat(filepath.Join(te.dir, "convex/schema.ts")); !errors.Is(err, os.ErrNotExist) {
		t.Error("schema.ts was written before the refusal")
	}
}

// A read-only convex/users.ts: without --yes exit 2 naming it and nothing written (not even
// the files planned before it); with --yes it is replaced and keeps its mode.
func TestInitReadOnly(t *testing.T) {
	te := newProject(t, "", map[string]string{"convex/users.ts": usersModule})
	te.env[SecretEnv] = testSecret
	path := filepath.Join(te.dir, "convex/users.ts")
	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
	if !fsutil.ReadOnly(path) {
		t.Fatal("fsutil.ReadOnly does not see mode 0444")
	}
	err := runInit(context.Background(), te.opts)
	if cmdutil.ExitCode(err) != 2 || !strings.Contains(err.Error(), "convex/users.ts is read-only") || !strings.Contains(err.Error(), "--yes") {
		t.Fatalf("err = %v (exit %d)", err, cmdutil.ExitCode(err))
	}
	if te.read(t, "convex/users.ts") != usersModule {
		t.Error("users.ts changed")
	}
	if _, err := os.Stat(filepath.Join(te.dir, "convex/schema.ts")); !errors.Is(err, os.ErrNotExist) {
		t.Error("schema.ts was written before the refusal")
	}

	te.opts.Yes = true
	te.err.Reset()
	if err := runInit(context.Background(), te.opts); err != nil {
		t.Fatalf("with --yes: %v\n%s", err, te.err)
	}
	if got := te.read(t, "convex/users.ts"); got == usersModule || !strings.Contains(got, "export const count = query") {
		t.Error("users.ts was not updated with --yes")
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o444 {
		t.Errorf("users.ts mode after --yes: %v %v, want 0444", fi.Mode(), err)
	}
}
