package build

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestVersionFromClone builds clerkconvex the way a contributor does from a clone (`go build`,
// no ldflags) and checks that --version names the checked-out commit and its time instead of a
// bare "dev", and marks a tree with local changes "+dirty".
//
// The source is copied into a fresh git repository with a fixed commit time: go stamps VCS
// information only where .git is a directory (not in a `git worktree`), and the copy makes the
// expected revision and time known.
func TestVersionFromClone(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	repo := t.TempDir()
	for _, p := range []string{"go.mod", "go.sum", "cmd", "internal", "templates"} {
		copyTree(t, filepath.Join(root, p), filepath.Join(repo, p))
	}
	const when = "2026-11-29T22:00:00Z"
	git := func(args ...string) string {
		cmd := exec.Command("git", args...)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(),
			"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_AUTHOR_DATE="+when,
			"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_COMMITTER_DATE="+when,
			"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q")
	git("add", "-A")
	git("commit", "-q", "-m", "snapshot")
	head := git("rev-parse", "HEAD")

	version := func() []string {
		t.Helper()
		bin := filepath.Join(t.TempDir(), "clerkconvex")
		// -buildvcs=true overrides a GOFLAGS=-buildvcs=false.
		build := exec.Command("go", "build", "-buildvcs=true", "-o", bin, "./cmd/clerkconvex")
		build.Dir = repo
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
		out, err := exec.Command(bin, "--version").CombinedOutput()
		if err != nil {
			t.Fatalf("clerkconvex --version: %v\n%s", err, out)
		}
		line := strings.TrimSpace(string(out))
		m := regexp.MustCompile(`^clerkconvex (\S+) \(commit ([0-9a-f]{12})(\+dirty)?, built (\S+)\)$`).FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("--version printed %q, want \"clerkconvex <version> (commit <12 hex>, built <time>)\"", line)
		}
		return m
	}

	m := version()
	if m[2] != head[:12] || m[3] != "" || m[4] != when {
		t.Errorf("clean tree: --version says commit %s%s built %s, want %s built %s", m[2], m[3], m[4], head[:12], when)
	}
	// Go 1.24+ derives a pseudo-version from the commit.
	if want := "v0.0.0-20261129220000-" + head[:12]; m[1] != want {
		t.Errorf("clean tree: version %q, want %q", m[1], want)
	}

	f := filepath.Join(repo, "internal", "build", "local_change.go")
	if err := os.WriteFile(f, []byte("package build\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if m := version(); m[2] != head[:12] || m[3] != "+dirty" {
		t.Errorf("tree with a local change: --version says commit %s%s, want %s+dirty", m[2], m[3], head[:12])
	}
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		t.Fatalf("copying the source: %v", err)
	}
}
