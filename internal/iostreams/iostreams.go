// Package iostreams holds the standard streams of a command, what they are connected to, and
// the decisions that follow from it: colour, symbols, and whether the user may be prompted.
package iostreams

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"golang.org/x/term"
)

// IOStreams is the one place that knows whether stdin/stdout are terminals.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	// InFile is set when In is a real file (the terminal), so a prompt library can use it.
	InFile  *os.File
	OutFile *os.File
	errFile *os.File

	width int // columns of the terminals, when set (tests); else asked of the terminal

	stdinTTY  bool
	stdoutTTY bool
	stderrTTY bool
	color     bool
	noPrompt  bool
}

// Getenv reads an environment variable; tests pass a map-backed function.
type Getenv func(string) string

// System returns streams bound to the process's standard streams.
func System(getenv Getenv) *IOStreams {
	s := &IOStreams{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		InFile: os.Stdin, OutFile: os.Stdout, errFile: os.Stderr,
		stdinTTY:  isTerminal(os.Stdin),
		stdoutTTY: isTerminal(os.Stdout),
		stderrTTY: isTerminal(os.Stderr),
	}
	s.color = s.stderrTTY && getenv("NO_COLOR") == "" && getenv("TERM") != "dumb" && getenv("CLICOLOR") != "0"
	if getenv("CLICOLOR_FORCE") != "" && getenv("CLICOLOR_FORCE") != "0" && getenv("NO_COLOR") == "" {
		s.color = true
	}
	if v := getenv("CI"); v != "" && v != "0" && v != "false" {
		s.noPrompt = true
	}
	return s
}

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// Test returns streams backed by buffers: not terminals, no colour.
func Test() (s *IOStreams, in *bytes.Buffer, out *bytes.Buffer, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}

// SetTTY marks the streams as terminals (tests).
func (s *IOStreams) SetTTY(stdin, stdout, stderr bool) {
	s.stdinTTY, s.stdoutTTY, s.stderrTTY = stdin, stdout, stderr
}

// SetColor turns colour on or off.
func (s *IOStreams) SetColor(on bool) { s.color = on }

// SetNeverPrompt disables prompting (--no-input).
func (s *IOStreams) SetNeverPrompt(v bool) {
	if v {
		s.noPrompt = true
	}
}

// IsStdoutTTY tells whether stdout is a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// IsStderrTTY tells whether stderr is a terminal.
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// CanPrompt is true only when stdin and stdout are terminals and neither --no-input nor CI
// says otherwise.
func (s *IOStreams) CanPrompt() bool {
	return s.stdinTTY && s.stdoutTTY && !s.noPrompt
}

// ColorEnabled tells whether stderr output may be coloured.
func (s *IOStreams) ColorEnabled() bool { return s.color }

// Status symbols for progress lines on stderr.
type Status int

const (
	OK Status = iota
	Warn
	Fail
	Skip
	Info
)

// Icon returns the symbol for a progress line on stderr: ✓ ! ✗ – on a terminal, words
// (ok: warning: error: skipped:) otherwise.
func (s *IOStreams) Icon(st Status) string { return s.IconFor(st, s.stderrTTY) }

// IconFor returns the symbol for a status on a stream that is a terminal (tty) or not: ✓ ! ✗ –
// (coloured when colour is on) on a terminal, the words of Icon otherwise.
func (s *IOStreams) IconFor(st Status, tty bool) string {
	if !tty {
		switch st {
		case OK:
			return "ok:"
		case Warn:
			return "warning:"
		case Fail:
			return "error:"
		case Skip:
			return "skipped:"
		default:
			return "-"
		}
	}
	var sym, code string
	switch st {
	case OK:
		sym, code = "✓", "32"
	case Warn:
		sym, code = "!", "33"
	case Fail:
		sym, code = "✗", "31"
	case Skip:
		sym, code = "–", "90"
	default:
		sym, code = "•", "36"
	}
	if s.color {
		return "\x1b[" + code + "m" + sym + "\x1b[0m"
	}
	return sym
}

// OutIcon returns the symbol for a line of a report on stdout: the symbols of IconFor when
// stdout is a terminal, otherwise a four-letter word (pass warn FAIL skip info) so that
// columns line up and FAIL stands out.
func (s *IOStreams) OutIcon(st Status) string {
	if s.stdoutTTY {
		return s.IconFor(st, true)
	}
	switch st {
	case OK:
		return "pass"
	case Warn:
		return "warn"
	case Fail:
		return "FAIL"
	case Skip:
		return "skip"
	default:
		return "info"
	}
}

// OutBold wraps text for stdout in bold when stdout is a terminal and colour is on.
func (s *IOStreams) OutBold(t string) string {
	if s.stdoutTTY && s.color {
		return "\x1b[1m" + t + "\x1b[0m"
	}
	return t
}

// Step prints one progress line on stderr: "<icon> message". On a terminal the message is
// wrapped at its width, between words, with a hanging indent; elsewhere it is one line.
func (s *IOStreams) Step(st Status, format string, a ...any) {
	icon := s.Icon(st)
	msg := fmt.Sprintf(format, a...)
	if w := s.ErrWidth(); w > 0 {
		msg = Wrap(msg, Width(icon)+1, w-1, "  ")
	}
	fmt.Fprintf(s.ErrOut, "%s %s\n", icon, msg)
}

// SetWidth sets the terminals' width in columns (tests).
func (s *IOStreams) SetWidth(cols int) { s.width = cols }

// ErrWidth is the width of stderr's terminal in columns, 0 when stderr is not a terminal.
func (s *IOStreams) ErrWidth() int { return s.termWidth(s.errFile, s.stderrTTY) }

// OutWidth is the width of stdout's terminal in columns, 0 when stdout is not a terminal.
func (s *IOStreams) OutWidth() int { return s.termWidth(s.OutFile, s.stdoutTTY) }

func (s *IOStreams) termWidth(f *os.File, tty bool) int {
	if !tty {
		return 0
	}
	if s.width > 0 {
		return s.width
	}
	if f == nil {
		return 0
	}
	if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
		return w
	}
	return 0
}
