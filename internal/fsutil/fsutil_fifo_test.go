//go:build unix

package fsutil

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestReadFileIfExistsRefusesAPipe(t *testing.T) {
	p := filepath.Join(t.TempDir(), ".env.local")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Fatal(err)
	}
	_, exists, err := ReadFileIfExists(p)
	if err == nil || exists || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("err %v exists %v", err, exists)
	}
}
