//go:build unix

package fsutil

import (
	"errors"
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
	var nr *NotRegularError
	if !errors.Is(err, ErrNotRegular) || errors.Is(err, ErrIsDir) || !errors.As(err, &nr) || nr.Path != p || nr.Kind != "a named pipe" {
		t.Fatalf("err %v (%#v): want a *NotRegularError for %s, a named pipe, that Is ErrNotRegular", err, nr, p)
	}
	if want := p + " is not a regular file (a named pipe): replace it with a plain file"; err.Error() != want {
		t.Fatalf("err %q, want %q", err, want)
	}
}
