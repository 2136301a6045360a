package gitx

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
)

// isolateGit keeps the user's and the system's git configuration (a global
// excludes file, signing, ...) out of the tests.
func isolateGit(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("these tests need git:", err)
	}
	t.Setenv("GIT_CONFIG_GLOBAL", os.DevNull)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	t.Setenv("GIT_CEILING_DIRECTORIES", filepath.Dir(t.TempDir()))
}

func run(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// newRepo makes a git repository in a fresh temporary folder.
func newRepo(t *testing.T) string {
	t.Helper()
	isolateGit(t)
	dir := t.TempDir()
	run(t, dir, "init", "-q")
	run(t, dir, "config", "user.name", "Test")
	run(t, dir, "config", "user.email", "test@example.com")
	run(t, dir, "config", "commit.gpgsign", "false")
	return dir
}

func TestIsIgnored(t *testing.T) {
	repo := newRepo(t)
	write(t, filepath.Join(repo, ".gitignore"), ".env*\n!.env.example\nsecrets/\n")
	write(t, filepath.Join(repo, ".env.tracked"), "A=1\n")
	run(t, repo, "add", "-f", ".gitignore", ".env.tracked")
	run(t, repo, "commit", "-q", "-m", "init")
	write(t, filepath.Join(repo, "app", ".gitignore"), "local.txt\n")
	plain := t.TempDir()

	tests := []struct {
		name, dir, path string
		ignored, inRepo bool
		wantErr         string
	}{
		{"ignored", repo, ".env", true, true, ""},
		{"ignored, missing file", repo, ".env.local", true, true, ""},
		{"negated", repo, ".env.example", false, true, ""},
		{"not mentioned", repo, "package.json", false, true, ""},
		{"tracked files are never ignored", repo, ".env.tracked", false, true, ""},
		{"ignored folder", repo, "secrets/key.pem", true, true, ""},
		{"from a subfolder", filepath.Join(repo, "app"), ".env", true, true, ""},
		{"nested .gitignore", filepath.Join(repo, "app"), "local.txt", true, true, ""},
		{"nested pattern does not apply above", repo, "local.txt", false, true, ""},
		{"leading dash is a path, not an option", repo, "-q", false, true, ""},
		{"not a repository", plain, ".env", false, false, ""},
		{"path outside the repository", repo, "../elsewhere/.env", false, false, "outside repository"},
		{"missing folder", filepath.Join(repo, "nope"), ".env", false, false, "nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ignored, inRepo, err := IsIgnored(context.Background(), tt.dir, tt.path)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ignored != tt.ignored || inRepo != tt.inRepo {
				t.Errorf("IsIgnored(%s) = %v, %v; want %v, %v", tt.path, ignored, inRepo, tt.ignored, tt.inRepo)
			}
		})
	}
}

func TestIsIgnoredWithoutGit(t *testing.T) {
	repo := newRepo(t)
	write(t, filepath.Join(repo, ".gitignore"), ".env\n")
	t.Setenv("PATH", t.TempDir()) // no git here
	ignored, inRepo, err := IsIgnored(context.Background(), repo, ".env")
	if ignored || inRepo || err != nil {
		t.Fatalf("without git: IsIgnored = %v, %v, %v; want false, false, nil", ignored, inRepo, err)
	}
	files, err := TrackedFilesContaining(context.Background(), repo, "x")
	if files != nil || err != nil {
		t.Fatalf("without git: TrackedFilesContaining = %v, %v; want nil, nil", files, err)
	}
}

func TestIsIgnoredCancelled(t *testing.T) {
	repo := newRepo(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := IsIgnored(ctx, repo, ".env"); err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Fatalf("err = %v, want context canceled", err)
	}
	if _, err := TrackedFilesContaining(ctx, repo, "x"); err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Fatalf("err = %v, want context canceled", err)
	}
}

const secret = "sk_test_S3cr3tValue0123456789"

func TestTrackedFilesContaining(t *testing.T) {
	repo := newRepo(t)
	write(t, filepath.Join(repo, ".gitignore"), ".env\n")
	write(t, filepath.Join(repo, ".env"), "CLERK_SECRET_KEY="+secret+"\n") // ignored: not tracked
	write(t, filepath.Join(repo, "config.ts"), "export const key = \""+secret+"\";\n")
	write(t, filepath.Join(repo, "clean.ts"), "export const key = process.env.CLERK_SECRET_KEY;\n")
	write(t, filepath.Join(repo, "sub dir", "notes file.md"), "old key: "+secret)
	write(t, filepath.Join(repo, "sub dir", "other.md"), "sk_test_ but not the key\n")
	write(t, filepath.Join(repo, "deleted.txt"), secret)
	write(t, filepath.Join(repo, "untracked.txt"), secret)
	write(t, filepath.Join(repo, "target.txt"), "nothing\n")
	// The secret straddles the boundary between two reads (the buffer holds
	// 64 KiB plus the needle's length).
	big := bytes.Repeat([]byte("x"), 64<<10+len(secret)-5)
	write(t, filepath.Join(repo, "big.bin"), string(big)+secret+"tail")
	// Only the secret's first bytes: must not match.
	write(t, filepath.Join(repo, "prefix.bin"), string(big)+secret[:len(secret)-1])
	if err := os.Symlink(filepath.Join(repo, ".env"), filepath.Join(repo, "link.env")); err != nil {
		t.Fatal(err)
	}
	run(t, repo, "add", ".gitignore", "config.ts", "clean.ts", "sub dir", "deleted.txt", "target.txt", "big.bin", "prefix.bin", "link.env")
	run(t, repo, "commit", "-q", "-m", "init")
	if err := os.Remove(filepath.Join(repo, "deleted.txt")); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name   string
		dir    string
		needle string
		except []string
		want   []string
	}{
		{"all", repo, secret, nil, []string{"big.bin", "config.ts", "sub dir/notes file.md"}},
		{"except", repo, secret, []string{"config.ts", filepath.Join("sub dir", "notes file.md")}, []string{"big.bin"}},
		{"except, unclean path", repo, secret, []string{"./config.ts"}, []string{"big.bin", "sub dir/notes file.md"}},
		{"from a subfolder", filepath.Join(repo, "sub dir"), secret, nil, []string{"notes file.md"}},
		{"not found", repo, "sk_live_nowhere", nil, nil},
		{"not a repository", t.TempDir(), secret, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := TrackedFilesContaining(context.Background(), tt.dir, tt.needle, tt.except...)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("= %q, want %q", got, tt.want)
			}
		})
	}

	if _, err := TrackedFilesContaining(context.Background(), repo, ""); err == nil {
		t.Error("an empty needle was accepted")
	}
}

// TestTrackedFilesContainingKeepsSecretOffCommandLine puts a git on PATH
// that records its arguments before running the real one.
func TestTrackedFilesContainingKeepsSecretOffCommandLine(t *testing.T) {
	repo := newRepo(t)
	write(t, filepath.Join(repo, "config.ts"), secret)
	run(t, repo, "add", "config.ts")
	run(t, repo, "commit", "-q", "-m", "init")

	realGit, err := exec.LookPath("git")
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	argsLog := filepath.Join(t.TempDir(), "args")
	script := "#!/bin/sh\nprintf '%s\\n' \"$@\" >> '" + argsLog + "'\nenv >> '" + argsLog + "'\nexec '" + realGit + "' \"$@\"\n"
	write(t, filepath.Join(bin, "git"), script)
	if err := os.Chmod(filepath.Join(bin, "git"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))

	got, err := TrackedFilesContaining(context.Background(), repo, secret)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []string{"config.ts"}) {
		t.Fatalf("= %q, want [config.ts]", got)
	}
	logged, err := os.ReadFile(argsLog)
	if err != nil {
		t.Fatalf("the recording git did not run: %v", err)
	}
	if !strings.Contains(string(logged), "ls-files") {
		t.Fatalf("recorded arguments lack ls-files:\n%s", logged)
	}
	if strings.Contains(string(logged), secret) {
		t.Fatalf("the secret reached git's arguments or environment:\n%s", logged)
	}
}

func TestAppendIgnore(t *testing.T) {
	tests := []struct {
		name    string
		before  *string // nil: no .gitignore
		pattern string
		want    string
	}{
		{"create", nil, ".env.local", ".env.local\n"},
		{"empty file", ptr(""), ".env", ".env\n"},
		{"append", ptr("node_modules\n"), ".env", "node_modules\n.env\n"},
		{"no trailing newline", ptr("node_modules"), ".env", "node_modules\n.env\n"},
		{"crlf", ptr("node_modules\r\ndist"), ".env", "node_modules\r\ndist\r\n.env\r\n"},
		{"already there", ptr("node_modules\n.env\n"), ".env", "node_modules\n.env\n"},
		{"already there, crlf, last line", ptr("a\r\n.env"), ".env", "a\r\n.env"},
		{"already there with trailing spaces", ptr(".env  \n"), ".env", ".env  \n"},
		{"similar line is not the same", ptr(".env.local\n#.env\n/.env\n"), ".env", ".env.local\n#.env\n/.env\n.env\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, ".gitignore")
			if tt.before != nil {
				write(t, path, *tt.before)
				if err := os.Chmod(path, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if err := AppendIgnore(dir, tt.pattern); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf(".gitignore = %q, want %q", got, tt.want)
			}
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			wantMode := os.FileMode(0o644)
			if tt.before != nil {
				wantMode = 0o600
			}
			if fi.Mode().Perm() != wantMode {
				t.Errorf("mode = %v, want %v", fi.Mode().Perm(), wantMode)
			}
		})
	}
}

func TestAppendIgnoreMakesGitIgnore(t *testing.T) {
	repo := newRepo(t)
	write(t, filepath.Join(repo, ".gitignore"), "node_modules")
	if err := AppendIgnore(repo, ".env.local"); err != nil {
		t.Fatal(err)
	}
	ignored, inRepo, err := IsIgnored(context.Background(), repo, ".env.local")
	if err != nil || !ignored || !inRepo {
		t.Fatalf("after AppendIgnore: IsIgnored = %v, %v, %v", ignored, inRepo, err)
	}
	if ignored, _, _ := IsIgnored(context.Background(), repo, "node_modules"); !ignored {
		t.Error("the previous last line stopped working")
	}
}

func TestAppendIgnoreErrors(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"", "a\nb", "a\r"} {
		if err := AppendIgnore(dir, p); err == nil {
			t.Errorf("AppendIgnore(%q) succeeded", p)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, ".gitignore"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := AppendIgnore(dir, ".env"); err == nil || !strings.Contains(err.Error(), "is a folder") {
		t.Errorf("err = %v, want one saying .gitignore is a folder", err)
	}
	if _, err := os.Stat(filepath.Join(dir, ".gitignore")); err != nil {
		t.Fatal(err)
	}
}

func ptr(s string) *string { return &s }

// sparseFile makes a file of size bytes that takes no disk space, with
// tail written at its very end.
func sparseFile(t *testing.T, path string, size int64, tail string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte(tail), size-int64(len(tail))); err != nil {
		t.Fatal(err)
	}
}

func TestSearchTracked(t *testing.T) {
	repo := newRepo(t)
	other := "sk_test_0therS3cr3tValue98765"
	write(t, filepath.Join(repo, "a.ts"), secret)
	write(t, filepath.Join(repo, "b.ts"), other)
	write(t, filepath.Join(repo, "both.md"), other+" and "+secret)
	// Over the limit, the secret at its end: listed as too large, not read.
	sparseFile(t, filepath.Join(repo, "huge.bin"), MaxSearchFileSize+1, secret)
	// Exactly at the limit: read, and the secret found.
	sparseFile(t, filepath.Join(repo, "limit.bin"), MaxSearchFileSize, other)
	run(t, repo, "add", ".")

	got, err := SearchTracked(context.Background(), repo, []string{secret, other})
	if err != nil {
		t.Fatal(err)
	}
	want := &TrackedSearch{
		Found:    [][]string{{"a.ts", "both.md"}, {"b.ts", "both.md", "limit.bin"}},
		TooLarge: []string{"huge.bin"},
		InRepo:   true,
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("SearchTracked = %+v, want %+v", got, want)
	}
	outside := t.TempDir()
	t.Setenv("GIT_CEILING_DIRECTORIES", filepath.Dir(outside))
	write(t, filepath.Join(outside, "a.ts"), secret)
	if got, err := SearchTracked(context.Background(), outside, []string{secret}); err != nil || got.InRepo || len(got.Found[0]) != 0 {
		t.Fatalf("outside a repository: %+v, %v; want InRepo false, nothing found", got, err)
	}
	for _, bad := range [][]string{nil, {secret, ""}} {
		if _, err := SearchTracked(context.Background(), repo, bad); err == nil {
			t.Errorf("needles %q accepted", bad)
		}
	}
}

// lateCancel is a context that reports itself cancelled from its after-th
// call of Err on: a cancellation that comes while a file is being read,
// without depending on timing.
type lateCancel struct {
	context.Context
	calls, after int32
}

func (c *lateCancel) Err() error {
	if atomic.AddInt32(&c.calls, 1) > c.after {
		return context.Canceled
	}
	return nil
}

// A cancelled search stops inside a large file: it does not read the rest.
func TestSearchTrackedStopsWithinAFile(t *testing.T) {
	repo := newRepo(t)
	// 9 MB (under the limit) is some 140 chunks; the secret is in the last.
	sparseFile(t, filepath.Join(repo, "big.bin"), 9<<20, secret)
	run(t, repo, "add", ".")
	if got, err := SearchTracked(context.Background(), repo, []string{secret}); err != nil || !slices.Equal(got.Found[0], []string{"big.bin"}) {
		t.Fatalf("uncancelled: %v, %v; want big.bin found", got, err)
	}
	ctx := &lateCancel{Context: context.Background(), after: 10}
	got, err := SearchTracked(ctx, repo, []string{secret})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("SearchTracked = %+v, %v; want context.Canceled", got, err)
	}
	if n := atomic.LoadInt32(&ctx.calls); n > 12 {
		t.Errorf("ctx.Err was called %d times after cancellation: the search went on", n)
	}
}

func TestIsTracked(t *testing.T) {
	repo := newRepo(t)
	write(t, filepath.Join(repo, ".gitignore"), ".env*\n")
	write(t, filepath.Join(repo, ".env.local"), "A=1\n")
	write(t, filepath.Join(repo, ".env"), "A=1\n")
	write(t, filepath.Join(repo, "[x].txt"), "x\n")
	write(t, filepath.Join(repo, "sub", "a.txt"), "x\n")
	run(t, repo, "add", "-f", ".env.local", "sub/a.txt")
	run(t, repo, "add", ".gitignore")
	for _, tt := range []struct {
		dir, path string
		tracked   bool
	}{
		{repo, ".env.local", true},
		{repo, ".env", false},
		{repo, ".gitignore", true},
		{repo, "x.txt", false},   // "[x].txt" as a pattern would match x.txt
		{repo, "[x].txt", false}, // untracked
		{repo, "*.txt", false},
		{repo, "sub", true}, // a folder with tracked files in it
		{filepath.Join(repo, "sub"), "a.txt", true},
	} {
		tracked, inRepo, err := IsTracked(context.Background(), tt.dir, tt.path)
		if err != nil || !inRepo || tracked != tt.tracked {
			t.Errorf("IsTracked(%s) = %v, %v, %v; want %v, true, nil", tt.path, tracked, inRepo, err, tt.tracked)
		}
	}
	if tracked, inRepo, err := IsTracked(context.Background(), t.TempDir(), ".env"); tracked || inRepo || err != nil {
		t.Errorf("outside a repository: %v, %v, %v", tracked, inRepo, err)
	}
}
