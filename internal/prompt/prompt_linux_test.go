//go:build linux

package prompt

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// inputBits are the line-discipline flags survey turns off while it reads a prompt: while any is
// on, the terminal echoes keys itself, holds them until Enter, or turns Ctrl-C into a signal.
const inputBits = unix.ECHO | unix.ICANON | unix.ISIG

// probeWriter is the prompt's output: before each write it records the terminal's local flags,
// so a test can tell which mode the terminal was in when the question became visible.
type probeWriter struct {
	*os.File
	tty *os.File

	mu    sync.Mutex
	lflag []uint32
}

func (w *probeWriter) Write(p []byte) (int, error) {
	tio, err := unix.IoctlGetTermios(int(w.tty.Fd()), unix.TCGETS)
	if err != nil {
		return 0, err
	}
	w.mu.Lock()
	w.lflag = append(w.lflag, tio.Lflag)
	w.mu.Unlock()
	return w.File.Write(p)
}

func (w *probeWriter) firstLflag() (uint32, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.lflag) == 0 {
		return 0, false
	}
	return w.lflag[0], true
}

// fakeTerminal plays the terminal on the pty's master side: it answers survey's cursor-position
// requests (ESC[6n) and types keys once text containing trigger has been drawn.
func fakeTerminal(t *testing.T, ptm *os.File, trigger, keys string) {
	t.Helper()
	go func() {
		var seen bytes.Buffer
		typed := false
		buf := make([]byte, 4096)
		for {
			n, err := ptm.Read(buf)
			if err != nil {
				return
			}
			seen.Write(buf[:n])
			// Keys first, then the answers to requests already drawn: survey reads a
			// cursor-position answer through a throwaway buffer, so keys that reach it after
			// the answer in the same read are dropped (keys before it are kept).
			if !typed && strings.Contains(seen.String(), trigger) {
				typed = true
				ptm.WriteString(keys)
			}
			for bytes.Contains(seen.Bytes(), []byte("\x1b[6n")) {
				b := bytes.Replace(seen.Bytes(), []byte("\x1b[6n"), nil, 1)
				seen.Reset()
				seen.Write(b)
				ptm.WriteString("\x1b[24;80R")
			}
		}
	}()
}

func TestSurveyQuietsTerminalBeforeDrawing(t *testing.T) {
	tests := []struct {
		name    string
		keys    string
		ask     func(s *Survey) (string, error)
		want    string
		wantErr error
	}{
		{
			name: "password",
			keys: "hunter2\r",
			ask:  func(s *Survey) (string, error) { return s.Password("Secret key:") },
			want: "hunter2",
		},
		{
			name: "input",
			keys: "mobile\r",
			ask:  func(s *Survey) (string, error) { return s.Input("Application ID", "convex") },
			want: "mobile",
		},
		{
			name: "input default",
			keys: "\r",
			ask:  func(s *Survey) (string, error) { return s.Input("Application ID", "convex") },
			want: "convex",
		},
		{
			name: "confirm",
			keys: "y\r",
			ask: func(s *Survey) (string, error) {
				ok, err := s.Confirm("Add another?", false)
				if ok {
					return "yes", err
				}
				return "no", err
			},
			want: "yes",
		},
		{
			name:    "ctrl-c",
			keys:    "\x03",
			ask:     func(s *Survey) (string, error) { return s.Password("Secret key:") },
			wantErr: ErrInterrupted,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ptm, pts, err := pty.Open()
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { pts.Close(); ptm.Close() })
			if err := pty.Setsize(pts, &pty.Winsize{Rows: 24, Cols: 80}); err != nil {
				t.Fatal(err)
			}
			before, err := unix.IoctlGetTermios(int(pts.Fd()), unix.TCGETS)
			if err != nil {
				t.Fatal(err)
			}
			if before.Lflag&inputBits != inputBits {
				t.Fatalf("a new pty should start in cooked mode with echo, got lflag %#o", before.Lflag)
			}
			out := &probeWriter{File: pts, tty: pts}
			s := NewSurvey(pts, out, pts)
			fakeTerminal(t, ptm, "?", tt.keys)

			type reply struct {
				v   string
				err error
			}
			done := make(chan reply, 1)
			go func() {
				v, err := tt.ask(s)
				done <- reply{v, err}
			}()
			var got string
			select {
			case r := <-done:
				got, err = r.v, r.err
			case <-time.After(10 * time.Second):
				t.Fatalf("the prompt did not return 10s after %q was typed: the keys were lost", tt.keys)
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("answer = %q, want %q", got, tt.want)
			}
			first, ok := out.firstLflag()
			if !ok {
				t.Fatal("the prompt wrote nothing")
			}
			if on := first & inputBits; on != 0 {
				t.Errorf("when the question was drawn the terminal still had %s on: keys typed then would be echoed or lost", flagNames(on))
			}
			after, err := unix.IoctlGetTermios(int(pts.Fd()), unix.TCGETS)
			if err != nil {
				t.Fatal(err)
			}
			if after.Lflag != before.Lflag {
				t.Errorf("terminal mode not restored: lflag %#o, want %#o", after.Lflag, before.Lflag)
			}
		})
	}
}

func flagNames(bits uint32) string {
	var names []string
	for _, f := range []struct {
		bit  uint32
		name string
	}{{unix.ECHO, "ECHO"}, {unix.ICANON, "ICANON"}, {unix.ISIG, "ISIG"}} {
		if bits&f.bit != 0 {
			names = append(names, f.name)
		}
	}
	return strings.Join(names, "|")
}
