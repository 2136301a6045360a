//go:build unix

package gitx

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/clerkconvex/clerkconvex/internal/fsutil"
)

// TestIgnoreFileMatchesExactlyTheFile: for names with gitignore's special characters the lines
// IgnoreFile writes make git ignore the file and its temporary files, and not a look-alike.
func TestIgnoreFileMatchesExactlyTheFile(t *testing.T) {
	for name, decoy := range map[string]string{
		"env[1].local":       "env1.local",
		"trailing ":          "trailing",
		`back\slash.env`:     "backslash.env",
		"star*.env":          "starX.env",
		"q?.env":             "qX.env",
		"#hash.env":          "hash.env",
		"!bang.env":          "bang.env",
		"sub/dir/.env.local": "sub/.env.local",
		"a b.env":            "a",
		".env.local":         ".env.local2",
	} {
		t.Run(name, func(t *testing.T) {
			repo := newRepo(t)
			write(t, filepath.Join(repo, ".gitignore"), "node_modules\n")
			write(t, filepath.Join(repo, filepath.FromSlash(name)), "CLERK_SECRET_KEY=x\n")
			write(t, filepath.Join(repo, filepath.FromSlash(decoy)), "x\n")
			added, err := IgnoreFile(context.Background(), repo, name)
			if err != nil {
				t.Fatal(err)
			}
			if len(added) != 2 {
				t.Errorf("added %q, want the file's line and its temporary files' line", added)
			}
			for _, p := range []string{name, sampleTemp(name)} {
				if ignored, _, err := IsIgnored(context.Background(), repo, p); err != nil || !ignored {
					t.Errorf("%q not ignored (%v) after adding %q", p, err, added)
				}
			}
			if ignored, _, _ := IsIgnored(context.Background(), repo, decoy); ignored {
				t.Errorf("the look-alike %q is ignored too by %q", decoy, added)
			}
			// Twice changes nothing.
			before, _ := os.ReadFile(filepath.Join(repo, ".gitignore"))
			if again, err := IgnoreFile(context.Background(), repo, name); err != nil || len(again) != 0 {
				t.Errorf("second IgnoreFile added %q, %v", again, err)
			}
			if after, _ := os.ReadFile(filepath.Join(repo, ".gitignore")); string(after) != string(before) {
				t.Errorf(".gitignore changed on the second run:\n%s", after)
			}
		})
	}
}

func TestIgnoreFileSaysWhenARuleUnIgnoresIt(t *testing.T) {
	repo := newRepo(t)
	write(t, filepath.Join(repo, "app", ".gitignore"), "!.env.local\n")
	write(t, filepath.Join(repo, "app", ".env.local"), "x\n")
	_, err := IgnoreFile(context.Background(), repo, "app/.env.local")
	if !errors.Is(err, ErrStillNotIgnored) || !strings.Contains(err.Error(), "git check-ignore -v") {
		t.Fatalf("err %v: want ErrStillNotIgnored with the command to find the rule", err)
	}
}

func TestIgnoreFileRefusesALinkOutside(t *testing.T) {
	repo := newRepo(t)
	outside := filepath.Join(t.TempDir(), "global-ignore")
	write(t, outside, "x\n")
	if err := os.Symlink(outside, filepath.Join(repo, ".gitignore")); err != nil {
		t.Fatal(err)
	}
	_, err := IgnoreFile(context.Background(), repo, ".env.local")
	if !errors.Is(err, fsutil.ErrOutsideRoot) || !strings.Contains(err.Error(), ".gitignore") {
		t.Fatalf("err %v: want ErrOutsideRoot naming .gitignore", err)
	}
	if b, _ := os.ReadFile(outside); string(b) != "x\n" {
		t.Errorf("the file outside changed: %q", b)
	}
}

// TestIsIgnoredRefusesAPipe: a named pipe where git reads ignore rules would block git
// forever; IsIgnored names it instead of asking git.
func TestIsIgnoredRefusesAPipe(t *testing.T) {
	for _, rel := range []string{".gitignore", "app/.gitignore", ".git/info/exclude"} {
		t.Run(rel, func(t *testing.T) {
			repo := newRepo(t)
			p := filepath.Join(repo, filepath.FromSlash(rel))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			_ = os.Remove(p)
			if err := syscall.Mkfifo(p, 0o644); err != nil {
				t.Fatal(err)
			}
			_, inRepo, err := IsIgnored(context.Background(), repo, "app/.env.local")
			var nr *fsutil.NotRegularError
			if !errors.As(err, &nr) || nr.Path != filepath.FromSlash(rel) || nr.Kind != "a named pipe" || inRepo {
				t.Fatalf("err %v: want a NotRegularError for %s", err, rel)
			}
		})
	}
}

// TestGitCallHasALimit: a git call that blocks (here on a named pipe as .gitignore, asked
// directly) ends at its limit with ErrTimeout instead of hanging.
func TestGitCallHasALimit(t *testing.T) {
	repo := newRepo(t)
	if err := syscall.Mkfifo(filepath.Join(repo, ".gitignore"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := runGit(context.Background(), 300_000_000, repo, "check-ignore", "-q", "--", ".env.local")
	if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), "did not finish within 300ms") {
		t.Fatalf("err %v: want ErrTimeout", err)
	}
	if callLimit <= 0 {
		t.Fatal("git calls have no limit")
	}
}
