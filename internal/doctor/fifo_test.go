//go:build unix

package doctor_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/clerkconvex/clerkconvex/internal/doctor"
	"github.com/clerkconvex/clerkconvex/internal/doctor/doctortest"
)

// A named pipe where doctor reads a project file would block a plain read forever: doctor
// must refuse it at once, with a failing check that names the file and says to replace it
// (or, for files it only peeks at, skip it).
func TestNamedPipesInTheProjectDoNotBlock(t *testing.T) {
	for _, tc := range []struct {
		path    string // the project file replaced by a named pipe
		id      string
		status  doctor.Status
		message string
		fix     string
	}{
		{path: ".env.local", id: "env.file", status: doctor.Fail,
			message: "reading .env.local: it is not a regular file (a named pipe)", fix: "replace .env.local with a plain file"},
		{path: "convex/auth.config.ts", id: "authconfig.provider", status: doctor.Fail,
			message: "reading convex/auth.config.ts: it is not a regular file (a named pipe)", fix: "replace convex/auth.config.ts with a plain file"},
		{path: "package.json", id: "project.package_json", status: doctor.Fail,
			message: "reading package.json: it is not a regular file (a named pipe)", fix: "replace package.json with a plain file"},
		{path: "convex.json", id: "project.functions_dir", status: doctor.Fail,
			message: "reading convex.json: it is not a regular file (a named pipe)", fix: "replace convex.json with a plain file"},
		// Files doctor only peeks at are skipped.
		{path: "node_modules/convex/package.json", id: "project.convex_version", status: doctor.Warn,
			message: "convex ^1.48.0 is in package.json but not installed yet"},
		{path: "src/Pipe.tsx", id: "client.provider_wiring", status: doctor.Pass,
			message: "<ConvexProviderWithClerk> at src/main.tsx:14"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			f := newFixture(t, doctortest.Options{})
			f.noGit = true
			t.Setenv("GIT_CEILING_DIRECTORIES", filepath.Dir(f.dir))
			f.remove(tc.path)
			fifo(t, filepath.Join(f.dir, filepath.FromSlash(tc.path)))
			type ran struct {
				rep *doctor.Report
				err error
			}
			done := make(chan ran, 1)
			go func() {
				rep, err := doctor.Run(context.Background(), f.in)
				done <- ran{rep, err}
			}()
			var r ran
			select {
			case r = <-done:
			case <-time.After(5 * time.Second):
				t.Fatalf("doctor still runs 5s after it started: a read of the pipe %s blocks", tc.path)
			}
			if r.err != nil {
				t.Fatal(r.err)
			}
			c := find(r.rep, tc.id)
			if c.Status != tc.status || !strings.Contains(c.Message, tc.message) || !strings.Contains(c.Fix, tc.fix) {
				t.Fatalf("%s = %s %q (fix %q); want %s, message with %q, fix with %q\n%s", tc.id, c.Status, c.Message, c.Fix, tc.status, tc.message, tc.fix, dump(r.rep))
			}
		})
	}
}

// fifo makes a named pipe at path. Cleanup opens its write end once, so a reader that
// blocked on it (the defect under test) gets end-of-file and its goroutine ends.
func fifo(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if fd, err := syscall.Open(path, syscall.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			syscall.Close(fd)
		}
	})
}
