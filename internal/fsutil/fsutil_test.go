package fsutil

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// entries lists the names in dir, to catch leftover temporary files.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, de := range des {
		names = append(names, de.Name())
	}
	return names
}

func mustWrite(t *testing.T, path, data string, perm fs.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), perm); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, perm); err != nil { // undo the umask
		t.Fatal(err)
	}
}

func TestWriteFile(t *testing.T) {
	tests := []struct {
		name     string
		setup    func(t *testing.T, dir string) // prepares dir
		path     string                         // relative to dir
		perm     fs.FileMode
		wantFile string // file (relative to dir) that must hold the data
		wantMode fs.FileMode
		wantLink string // if set, path must still be a symlink with this target
		wantLs   []string
	}{
		{
			name:     "new file gets perm",
			setup:    func(t *testing.T, dir string) {},
			path:     ".env",
			perm:     0o600,
			wantFile: ".env",
			wantMode: 0o600,
			wantLs:   []string{".env"},
		},
		{
			name:     "new file ignores umask",
			setup:    func(t *testing.T, dir string) {},
			path:     "a.txt",
			perm:     0o666,
			wantFile: "a.txt",
			wantMode: 0o666,
			wantLs:   []string{"a.txt"},
		},
		{
			name: "existing file keeps its mode",
			setup: func(t *testing.T, dir string) {
				mustWrite(t, filepath.Join(dir, ".env"), "OLD=1\n", 0o640)
			},
			path:     ".env",
			perm:     0o644,
			wantFile: ".env",
			wantMode: 0o640,
			wantLs:   []string{".env"},
		},
		{
			name: "symlink: target written, link kept",
			setup: func(t *testing.T, dir string) {
				if err := os.Mkdir(filepath.Join(dir, "real"), 0o755); err != nil {
					t.Fatal(err)
				}
				mustWrite(t, filepath.Join(dir, "real", "env"), "OLD=1\n", 0o600)
				if err := os.Symlink(filepath.Join("real", "env"), filepath.Join(dir, ".env")); err != nil {
					t.Fatal(err)
				}
			},
			path:     ".env",
			perm:     0o644,
			wantFile: filepath.Join("real", "env"),
			wantMode: 0o600,
			wantLink: filepath.Join("real", "env"),
			wantLs:   []string{".env", "real"},
		},
		{
			name: "chain of symlinks",
			setup: func(t *testing.T, dir string) {
				mustWrite(t, filepath.Join(dir, "final"), "x", 0o600)
				if err := os.Symlink("final", filepath.Join(dir, "mid")); err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink("mid", filepath.Join(dir, ".env")); err != nil {
					t.Fatal(err)
				}
			},
			path:     ".env",
			perm:     0o644,
			wantFile: "final",
			wantMode: 0o600,
			wantLink: "mid",
			wantLs:   []string{".env", "final", "mid"},
		},
		{
			name: "dangling symlink creates its target",
			setup: func(t *testing.T, dir string) {
				if err := os.Symlink("shared.env", filepath.Join(dir, ".env")); err != nil {
					t.Fatal(err)
				}
			},
			path:     ".env",
			perm:     0o644,
			wantFile: "shared.env",
			wantMode: 0o644,
			wantLink: "shared.env",
			wantLs:   []string{".env", "shared.env"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			tt.setup(t, dir)
			data := []byte("NEW=2\n")
			if err := WriteFile(filepath.Join(dir, tt.path), data, tt.perm); err != nil {
				t.Fatalf("WriteFile: %v", err)
			}
			got, err := os.ReadFile(filepath.Join(dir, tt.wantFile))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, data) {
				t.Errorf("content = %q, want %q", got, data)
			}
			fi, err := os.Stat(filepath.Join(dir, tt.wantFile))
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != tt.wantMode {
				t.Errorf("mode = %v, want %v", fi.Mode().Perm(), tt.wantMode)
			}
			if tt.wantLink != "" {
				link, err := os.Readlink(filepath.Join(dir, tt.path))
				if err != nil {
					t.Fatalf("%s is no longer a symlink: %v", tt.path, err)
				}
				if link != tt.wantLink {
					t.Errorf("link = %q, want %q", link, tt.wantLink)
				}
			}
			if ls := entries(t, dir); strings.Join(ls, ",") != strings.Join(tt.wantLs, ",") {
				t.Errorf("folder holds %q, want %q (temporary file left?)", ls, tt.wantLs)
			}
		})
	}
}

func TestWriterRenameFailureKeepsOriginal(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ".env")
	original := []byte("# keep me\r\nA=1\r\nB='two'")
	mustWrite(t, path, string(original), 0o600)

	renameErr := errors.New("disk on fire")
	var renamedFrom string
	w := Writer{Rename: func(oldpath, newpath string) error {
		renamedFrom = oldpath
		// The temporary file must be complete and in the target's folder.
		if filepath.Dir(oldpath) != dir {
			t.Errorf("temporary file %s not in %s", oldpath, dir)
		}
		if got, err := os.ReadFile(oldpath); err != nil || string(got) != "A=2\n" {
			t.Errorf("temporary file holds %q, %v", got, err)
		}
		if newpath != path {
			t.Errorf("rename target %s, want %s", newpath, path)
		}
		return renameErr
	}}
	err := w.WriteFile(path, []byte("A=2\n"), 0o644)
	if !errors.Is(err, renameErr) {
		t.Fatalf("err = %v, want it to wrap %v", err, renameErr)
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name %s", err, path)
	}
	if renamedFrom == "" {
		t.Fatal("Rename was not called")
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, original) {
		t.Errorf("original changed: %q", got)
	}
	if ls := entries(t, dir); len(ls) != 1 || ls[0] != ".env" {
		t.Errorf("folder holds %q, want only .env", ls)
	}
}

func TestWriteFileErrors(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, path, want string
	}{
		{"target is a folder", "sub", "is a folder"},
		{"missing parent folder", filepath.Join("nope", ".env"), "temporary file"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := WriteFile(filepath.Join(dir, tt.path), []byte("x"), 0o644)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
			if ls := entries(t, dir); len(ls) != 1 || ls[0] != "sub" {
				t.Errorf("folder holds %q, want only sub", ls)
			}
		})
	}
}

func TestResolveInside(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "project")
	outside := filepath.Join(base, "elsewhere")
	for _, d := range []string{root, outside, filepath.Join(root, "sub")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	mustWrite(t, filepath.Join(root, ".env"), "", 0o644)
	mustWrite(t, filepath.Join(outside, "secret.env"), "", 0o644)
	links := map[string]string{ // link (in root) -> target
		"in.env":       ".env",
		"out.env":      filepath.Join(outside, "secret.env"),
		"rel-out.env":  filepath.Join("..", "elsewhere", "secret.env"),
		"dangling-out": filepath.Join(outside, "not-yet.env"),
		"dangling-in":  "later.env",
		"outdir":       outside,
		"loop-a":       "loop-b",
		"loop-b":       "loop-a",
	}
	for l, target := range links {
		if err := os.Symlink(target, filepath.Join(root, l)); err != nil {
			t.Fatal(err)
		}
	}
	// A symlink to the project itself: the root's own links are followed too.
	rootLink := filepath.Join(base, "project-link")
	if err := os.Symlink(root, rootLink); err != nil {
		t.Fatal(err)
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		root    string
		path    string
		want    string // relative to realRoot; "" when an error is expected
		wantErr string
	}{
		{"plain file", root, ".env", ".env", ""},
		{"absolute path", root, filepath.Join(root, ".env"), ".env", ""},
		{"missing file", root, ".env.local", ".env.local", ""},
		{"missing nested", root, filepath.Join("a", "b", "c.env"), filepath.Join("a", "b", "c.env"), ""},
		{"link inside", root, "in.env", ".env", ""},
		{"dangling link inside", root, "dangling-in", "later.env", ""},
		{"root is a link", rootLink, ".env", ".env", ""},
		{"root is a link, absolute path through it", rootLink, filepath.Join(rootLink, "sub"), "sub", ""},
		{"root itself", root, ".", ".", ""},
		{"link outside", root, "out.env", "", "leads outside the project folder"},
		{"relative link outside", root, "rel-out.env", "", "leads outside the project folder"},
		{"dangling link outside", root, "dangling-out", "", "leads outside the project folder"},
		{"missing file under folder link outside", root, filepath.Join("outdir", "new.env"), "", "leads outside the project folder"},
		{"dot-dot", root, filepath.Join("..", "elsewhere", "secret.env"), "", "leads outside the project folder"},
		{"link loop", root, "loop-a", "", "too many"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ResolveInside(tt.root, tt.path)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ResolveInside(%q) = %q, %v; want error containing %q", tt.path, got, err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.path) {
					t.Errorf("error %q does not name the path %q", err, tt.path)
				}
				if strings.Contains(tt.wantErr, "outside") && !errors.Is(err, ErrOutsideRoot) {
					t.Errorf("error %v does not wrap ErrOutsideRoot", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ResolveInside(%q): %v", tt.path, err)
			}
			if want := filepath.Join(realRoot, tt.want); got != want {
				t.Errorf("ResolveInside(%q) = %q, want %q", tt.path, got, want)
			}
		})
	}
}

func TestResolveInsideMissingRoot(t *testing.T) {
	root := filepath.Join(t.TempDir(), "gone")
	if _, err := ResolveInside(root, ".env"); err == nil || !strings.Contains(err.Error(), root) {
		t.Fatalf("err = %v, want an error naming %s", err, root)
	}
}

func TestReadFileIfExists(t *testing.T) {
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "full"), "A=1\n", 0o644)
	mustWrite(t, filepath.Join(dir, "empty"), "", 0o644)
	if err := os.Mkdir(filepath.Join(dir, "folder"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("full", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		want       string
		wantExists bool
		wantErr    string
	}{
		{"full", "A=1\n", true, ""},
		{"empty", "", true, ""},
		{"link", "A=1\n", true, ""},
		{"missing", "", false, ""},
		{"folder", "", false, "is a folder, not a file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.name)
			data, exists, err := ReadFileIfExists(path)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), path) {
					t.Fatalf("err = %v, want one naming %s and containing %q", err, path, tt.wantErr)
				}
				if !errors.Is(err, ErrIsDir) || errors.Is(err, ErrNotRegular) {
					t.Fatalf("err = %v: want it to wrap ErrIsDir only", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if exists != tt.wantExists || string(data) != tt.want {
				t.Errorf("= %q, %v; want %q, %v", data, exists, tt.want, tt.wantExists)
			}
		})
	}
}
