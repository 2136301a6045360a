package textdiff

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestUnified(t *testing.T) {
	tests := []struct {
		name     string
		old, new []byte
		want     string
	}{
		{"equal", []byte("A=1\n"), []byte("A=1\n"), ""},
		{"both empty", []byte{}, []byte{}, ""},
		{"both nil", nil, nil, ""},
		{
			"new file", nil, []byte("A=1\nB=2\n"),
			"--- /dev/null\n+++ b/.env\n@@ -0,0 +1,2 @@\n+A=1\n+B=2\n",
		},
		{
			"new empty file", nil, []byte{},
			"",
		},
		{
			"removed file", []byte("A=1\n"), nil,
			"--- a/.env\n+++ /dev/null\n@@ -1 +0,0 @@\n-A=1\n",
		},
		{
			"one changed line with context",
			[]byte("1\n2\n3\n4\nA=1\n5\n6\n7\n8\n"),
			[]byte("1\n2\n3\n4\nA=2\n5\n6\n7\n8\n"),
			"--- a/.env\n+++ b/.env\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-A=1\n+A=2\n 5\n 6\n 7\n",
		},
		{
			"append to file without trailing newline",
			[]byte("A=1"),
			[]byte("A=1\nB=2\n"),
			"--- a/.env\n+++ b/.env\n@@ -1 +1,2 @@\n-A=1\n\\ No newline at end of file\n+A=1\n+B=2\n",
		},
		{
			"percent signs are not format verbs",
			[]byte("A=%s\n"),
			[]byte("A=%d%%\n"),
			"--- a/.env\n+++ b/.env\n@@ -1 +1 @@\n-A=%s\n+A=%d%%\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Unified(".env", tt.old, tt.new); got != tt.want {
				t.Errorf("Unified() =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestUnifiedAppliesWithGit checks the output is a real patch: git apply
// turns the old file into the new one.
func TestUnifiedAppliesWithGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("git is needed for this test:", err)
	}
	cases := []struct{ old, new string }{
		{"a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n", "a\nB\nc\nd\ne\nf\ng\nh\nI\nj\nk\n"},
		{"x=1\r\ny=2\r\n", "x=1\r\ny=3\r\nz=4\r\n"},
		{"no newline", "no newline\nnow there is\n"},
		{"a\nb\n", "a\nb"},
	}
	for i, c := range cases {
		dir := t.TempDir()
		path := filepath.Join(dir, "f.txt")
		if err := os.WriteFile(path, []byte(c.old), 0o644); err != nil {
			t.Fatal(err)
		}
		patch := Unified("f.txt", []byte(c.old), []byte(c.new))
		cmd := exec.Command("git", "apply", "--unsafe-paths", "-")
		cmd.Dir = dir
		cmd.Stdin = strings.NewReader(patch)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("case %d: git apply: %v\n%s\npatch:\n%s", i, err, out, patch)
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != c.new {
			t.Errorf("case %d: after applying, file = %q, want %q", i, got, c.new)
		}
	}
}
