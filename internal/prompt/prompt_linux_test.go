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

// When the fake terminal types the keys, relative to survey's cursor-position requests (it
// makes two before it reads a line: ESC[6n, answered ESC[row;colR).
type timing int

const (
	onPrompt     timing = iota // as soon as the question is drawn, before any answer
	beforeAnswer               // in the same write as the answer to request n, ahead of it
	afterAnswer                // in the same write as the answer to request n, after it
)

// fakeTerminal plays the terminal on the pty's master side: it answers survey's cursor-position
// requests and types keys once text containing trigger has been drawn, at the given moment.
func fakeTerminal(t *testing.T, ptm *os.File, trigger, keys string, when timing, request int) {
	t.Helper()
	go func() {
		var seen bytes.Buffer
		typed, answered := false, 0
		buf := make([]byte, 4096)
		for {
			n, err := ptm.Read(buf)
			if err != nil {
				return
			}
			seen.Write(buf[:n])
			if !typed && when == onPrompt && strings.Contains(seen.String(), trigger) {
				typed = true
				ptm.WriteString(keys)
			}
			for bytes.Contains(seen.Bytes(), []byte("\x1b[6n")) {
				b := bytes.Replace(seen.Bytes(), []byte("\x1b[6n"), nil, 1)
				seen.Reset()
				seen.Write(b)
				answered++
				reply := "\x1b[24;80R"
				if !typed && answered == request {
					switch when {
					case beforeAnswer:
						reply, typed = keys+reply, true
					case afterAnswer:
						reply, typed = reply+keys, true
					}
				}
				ptm.WriteString(reply)
			}
		}
	}()
}

// promptRun is one question asked on a fresh pty.
type promptRun struct {
	answer string
	err    error
	before *unix.Termios // the terminal's mode before the question
	after  *unix.Termios // and after it
	out    *probeWriter
}

func askOnPTY(t *testing.T, keys string, when timing, request int, ask func(s *Survey) (string, error)) promptRun {
	t.Helper()
	ptm, pts, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pts.Close(); ptm.Close() })
	if err := pty.Setsize(pts, &pty.Winsize{Rows: 24, Cols: 80}); err != nil {
		t.Fatal(err)
	}
	var r promptRun
	if r.before, err = unix.IoctlGetTermios(int(pts.Fd()), unix.TCGETS); err != nil {
		t.Fatal(err)
	}
	if r.before.Lflag&inputBits != inputBits {
		t.Fatalf("a new pty should start in cooked mode with echo, got lflag %#o", r.before.Lflag)
	}
	r.out = &probeWriter{File: pts, tty: pts}
	s := NewSurvey(pts, r.out, pts)
	fakeTerminal(t, ptm, "?", keys, when, request)

	type reply struct {
		v   string
		err error
	}
	done := make(chan reply, 1)
	go func() {
		v, err := ask(s)
		done <- reply{v, err}
	}()
	select {
	case rep := <-done:
		r.answer, r.err = rep.v, rep.err
	case <-time.After(10 * time.Second):
		t.Fatalf("the prompt did not return 10s after %q was typed: the keys were lost", keys)
	}
	if r.after, err = unix.IoctlGetTermios(int(pts.Fd()), unix.TCGETS); err != nil {
		t.Fatal(err)
	}
	return r
}

func askPassword(s *Survey) (string, error) { return s.Password("Secret key:") }
func askInput(s *Survey) (string, error)    { return s.Input("Application ID", "convex") }

// The terminal is quiet (no echo, no line editing, Ctrl-C a key) from the moment the question
// is drawn, and back to how it was afterwards.
func TestSurveyQuietsTerminalBeforeDrawing(t *testing.T) {
	tests := []struct {
		name    string
		keys    string
		ask     func(s *Survey) (string, error)
		want    string
		wantErr error
	}{
		{name: "password", keys: "hunter2\r", ask: askPassword, want: "hunter2"},
		{name: "input", keys: "mobile\r", ask: askInput, want: "mobile"},
		{name: "input default", keys: "\r", ask: askInput, want: "convex"},
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
		{name: "ctrl-c", keys: "\x03", ask: askPassword, wantErr: ErrInterrupted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := askOnPTY(t, tt.keys, onPrompt, 0, tt.ask)
			if !errors.Is(r.err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", r.err, tt.wantErr)
			}
			if r.answer != tt.want {
				t.Errorf("answer = %q, want %q", r.answer, tt.want)
			}
			first, ok := r.out.firstLflag()
			if !ok {
				t.Fatal("the prompt wrote nothing")
			}
			if on := first & inputBits; on != 0 {
				t.Errorf("when the question was drawn the terminal still had %s on: keys typed then would be echoed or lost", flagNames(on))
			}
			if r.after.Lflag != r.before.Lflag {
				t.Errorf("terminal mode not restored: lflag %#o, want %#o", r.after.Lflag, r.before.Lflag)
			}
		})
	}
}

// Keys that reach the program together with the terminal's answer to a cursor-position
// request, before or after it, are all read, even with R's among them (pasted keys do).
func TestSurveyKeepsKeysTypedWithCursorAnswer(t *testing.T) {
	const secret = "sk_test_RaRbRRc"
	for _, tt := range []struct {
		name    string
		when    timing
		request int
	}{
		{"before first answer", beforeAnswer, 1},
		{"after first answer", afterAnswer, 1},
		{"before second answer", beforeAnswer, 2},
		{"after second answer", afterAnswer, 2},
	} {
		for _, q := range []struct {
			name string
			ask  func(s *Survey) (string, error)
		}{{"password", askPassword}, {"input", askInput}} {
			t.Run(tt.name+"/"+q.name, func(t *testing.T) {
				r := askOnPTY(t, secret+"\r", tt.when, tt.request, q.ask)
				if r.err != nil {
					t.Fatal(r.err)
				}
				if r.answer != secret {
					t.Errorf("answer = %q, want %q", r.answer, secret)
				}
			})
		}
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
