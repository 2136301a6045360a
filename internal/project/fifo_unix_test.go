//go:build unix

package project

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func mkfifo(path string) error { return syscall.Mkfifo(path, 0o600) }

func TestLoadRefusesAPipe(t *testing.T) {
	dir := t.TempDir()
	if err := mkfifo(filepath.Join(dir, "package.json")); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("err %v", err)
	}
}
