//go:build unix

package fsutil

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// TestWriteFileTempIsPrivateAndIgnorable: until the rename the temporary file is 0600 (even
// for a 0644 target) and named so the env file's ignore rules cover it; afterwards the target
// has its mode.
func TestWriteFileTempIsPrivateAndIgnorable(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, ".env.local")
	mustWrite(t, target, "OLD=1\n", 0o644)
	var seen string
	w := Writer{Rename: func(oldpath, newpath string) error {
		fi, err := os.Stat(oldpath)
		if err != nil {
			return err
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("temporary file has mode %04o before the rename, want 0600", fi.Mode().Perm())
		}
		seen = filepath.Base(oldpath)
		return os.Rename(oldpath, newpath)
	}}
	if err := w.WriteFile(target, []byte("NEW=1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(seen, ".env.clerkconvex-tmp-") || !strings.HasSuffix(seen, ".local") {
		t.Errorf("temporary file %q: want .env.clerkconvex-tmp-*.local (matched by .env*, *.local, .env*.local)", seen)
	}
	if fi, _ := os.Stat(target); fi.Mode().Perm() != 0o644 {
		t.Errorf("target mode %04o, want its old 0644", fi.Mode().Perm())
	}
}

func TestTempPattern(t *testing.T) {
	for base, want := range map[string]string{
		".env.local":      ".env.clerkconvex-tmp-*.local",
		".env":            ".env.clerkconvex-tmp-*",
		".env.production": ".env.clerkconvex-tmp-*.production",
		"prod.env":        "prod.clerkconvex-tmp-*.env",
		"auth.config.ts":  ".auth.config.ts.clerkconvex-tmp-*",
		".gitignore":      "..gitignore.clerkconvex-tmp-*",
	} {
		if got := TempPattern(base); got != want {
			t.Errorf("TempPattern(%q) = %q, want %q", base, got, want)
		}
	}
}

// TestTempsAndRemoveTemps: the temporary files a crash left (of this version and of earlier
// ones) are found and removed; nothing else is.
func TestTempsAndRemoveTemps(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, ".env.local")
	for _, name := range []string{".env.local", ".env.clerkconvex-tmp-123.local", "..env.local.tmp-456", ".env.localx", ".env.clerkconvex-tmp-1.production", "notes.txt"} {
		mustWrite(t, filepath.Join(dir, name), "CLERK_SECRET_KEY=sk_test_x\n", 0o600)
	}
	if err := os.Mkdir(filepath.Join(dir, ".env.clerkconvex-tmp-9.local"), 0o700); err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "..env.local.tmp-456"), filepath.Join(dir, ".env.clerkconvex-tmp-123.local")}
	got, err := Temps(target)
	slices.Sort(got)
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("Temps = %v, %v; want %v", got, err, want)
	}
	removed, err := RemoveTemps(target)
	slices.Sort(removed)
	if err != nil || !slices.Equal(removed, want) {
		t.Fatalf("RemoveTemps = %v, %v; want %v", removed, err, want)
	}
	if got := entries(t, dir); !slices.Equal(got, []string{".env.clerkconvex-tmp-1.production", ".env.clerkconvex-tmp-9.local", ".env.local", ".env.localx", "notes.txt"}) {
		t.Errorf("left %v", got)
	}
}

// TestWriteFileRefusesToLeaveRoot: every way a write target can lead out of the project folder
// is refused, naming the path, and nothing outside changes.
func TestWriteFileRefusesToLeaveRoot(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, root, outside string) string // returns the path to write
	}{
		{"a link to a file outside", func(t *testing.T, root, outside string) string {
			symlink(t, filepath.Join(outside, "auth.config.ts"), filepath.Join(root, "convex", "auth.config.ts"))
			return filepath.Join(root, "convex", "auth.config.ts")
		}},
		{"a linked folder", func(t *testing.T, root, outside string) string {
			if err := os.Remove(filepath.Join(root, "convex")); err != nil {
				t.Fatal(err)
			}
			symlink(t, outside, filepath.Join(root, "convex"))
			return filepath.Join(root, "convex", "auth.config.ts")
		}},
		{"a path climbing out", func(t *testing.T, root, outside string) string {
			return filepath.Join(root, "..", filepath.Base(outside), "auth.config.ts")
		}},
		{"a link to a missing file outside", func(t *testing.T, root, outside string) string {
			symlink(t, filepath.Join(outside, "new.txt"), filepath.Join(root, ".gitignore"))
			return filepath.Join(root, ".gitignore")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := t.TempDir()
			root, outside := filepath.Join(base, "project"), filepath.Join(base, "outside")
			for _, d := range []string{filepath.Join(root, "convex"), outside} {
				if err := os.MkdirAll(d, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			mustWrite(t, filepath.Join(outside, "auth.config.ts"), "export default {}\n", 0o644)
			path := tc.setup(t, root, outside)
			err := Writer{Root: root}.WriteFile(path, []byte("x"), 0o644)
			if !errors.Is(err, ErrOutsideRoot) || !strings.Contains(err.Error(), path) {
				t.Fatalf("err %v: want ErrOutsideRoot naming %s", err, path)
			}
			if got := entries(t, outside); !slices.Equal(got, []string{"auth.config.ts"}) {
				t.Errorf("outside now holds %v", got)
			}
			if b, _ := os.ReadFile(filepath.Join(outside, "auth.config.ts")); string(b) != "export default {}\n" {
				t.Errorf("the file outside changed: %q", b)
			}
		})
	}
}

// TestWriteFileExpect: a file changed (or created, or removed) after it was read is not
// replaced: the write stops with ErrChanged and leaves the file and no temporary file.
func TestWriteFileExpect(t *testing.T) {
	for _, tc := range []struct {
		name    string
		old     string
		exists  bool
		meddle  func(path string) error
		wantNow string
	}{
		{"edited", "A=1\n", true, func(p string) error { return os.WriteFile(p, []byte("A=1\nMINE=2\n"), 0o600) }, "A=1\nMINE=2\n"},
		{"created", "", false, func(p string) error { return os.WriteFile(p, []byte("MINE=2\n"), 0o600) }, "MINE=2\n"},
		{"removed", "A=1\n", true, os.Remove, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, ".env.local")
			if tc.exists {
				mustWrite(t, p, tc.old, 0o600)
			}
			snap := SnapshotOf([]byte(tc.old), tc.exists)
			if err := tc.meddle(p); err != nil {
				t.Fatal(err)
			}
			err := Writer{Expect: snap}.WriteFile(p, []byte("A=1\nNEW=3\n"), 0o600)
			if !errors.Is(err, ErrChanged) || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "run the command again") {
				t.Fatalf("err %v: want ErrChanged naming the file and the fix", err)
			}
			now, _ := os.ReadFile(p)
			if string(now) != tc.wantNow {
				t.Errorf("file now %q, want %q", now, tc.wantNow)
			}
			for _, n := range entries(t, dir) {
				if n != ".env.local" {
					t.Errorf("left %s", n)
				}
			}
		})
	}
	// Unchanged: written.
	dir := t.TempDir()
	p := filepath.Join(dir, ".env.local")
	mustWrite(t, p, "A=1\n", 0o600)
	if err := (Writer{Expect: SnapshotOf([]byte("A=1\n"), true)}).WriteFile(p, []byte("B=2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestWriteFileReadOnly: a file without u+w is not replaced unless ReplaceReadOnly says so;
// then it keeps its mode.
func TestWriteFileReadOnly(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, ".env.local")
	mustWrite(t, p, "A=1\n", 0o400)
	if !ReadOnly(p) {
		t.Error("ReadOnly = false for a 0400 file")
	}
	err := WriteFile(p, []byte("B=2\n"), 0o600)
	if !errors.Is(err, ErrReadOnly) || !strings.Contains(err.Error(), "mode 0400") {
		t.Fatalf("err %v: want ErrReadOnly with the mode", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "A=1\n" {
		t.Fatalf("replaced: %q", b)
	}
	if err := (Writer{ReplaceReadOnly: true}).WriteFile(p, []byte("B=2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o400 {
		t.Errorf("mode %04o after the replace, want 0400 kept", fi.Mode().Perm())
	}
	if ReadOnly(filepath.Join(dir, "missing")) {
		t.Error("a missing file is read-only")
	}
}

// TestWriteFileKeepsOwner: a file of another user stays that user's (the process here is
// root, as when `sudo clerkconvex init` runs; root may give files away).
func TestWriteFileKeepsOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("giving a file to another user needs root; .ci/run runs the suite as root")
	}
	dir := t.TempDir()
	p := filepath.Join(dir, ".env.local")
	mustWrite(t, p, "A=1\n", 0o640)
	if err := os.Chown(p, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(p, []byte("B=2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	if st.Uid != 65534 || st.Gid != 65534 || fi.Mode().Perm() != 0o640 {
		t.Errorf("owner %d:%d mode %04o, want 65534:65534 0640", st.Uid, st.Gid, fi.Mode().Perm())
	}
}

func TestWriteFileRefusesANonRegularTarget(t *testing.T) {
	p := filepath.Join(t.TempDir(), ".gitignore")
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Fatal(err)
	}
	err := WriteFile(p, []byte("x\n"), 0o644)
	if !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), "a named pipe") {
		t.Fatalf("err %v: want ErrNotRegular", err)
	}
	if fi, _ := os.Lstat(p); fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Error("the pipe was replaced")
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}
