// Package prompt asks the user questions. Commands depend on the Prompter interface; the survey
// implementation is the only place that knows about github.com/AlecAivazis/survey/v2.
package prompt

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"sync"

	"github.com/AlecAivazis/survey/v2"
	"github.com/AlecAivazis/survey/v2/terminal"
)

// ErrInterrupted is returned when the user presses Ctrl-C at a prompt.
var ErrInterrupted = errors.New("interrupted")

// Prompter asks questions. Every method returns ErrInterrupted on Ctrl-C.
type Prompter interface {
	Input(message, defaultValue string) (string, error)
	Password(message string) (string, error)
	Confirm(message string, defaultValue bool) (bool, error)
	Select(message, defaultValue string, options []string) (int, error)
}

// Survey is the terminal Prompter.
type Survey struct {
	In     terminal.FileReader
	Out    terminal.FileWriter
	ErrOut io.Writer

	reader *stopAtR // In, for every prompt: what one prompt did not read is the next one's
}

// NewSurvey returns a Prompter on the given terminal streams.
func NewSurvey(in terminal.FileReader, out terminal.FileWriter, errOut io.Writer) *Survey {
	return &Survey{In: in, Out: out, ErrOut: errOut}
}

func (s *Survey) ask(p survey.Prompt, resp any, opts ...survey.AskOpt) error {
	// survey draws the question first and only then turns off echo and line editing, so keys
	// typed in between were echoed by the terminal (a pasted secret key in clear) and a Ctrl-C
	// in that moment raised a signal the prompt never saw. Switch to survey's input mode
	// before the question is drawn; survey's own switch then saves and restores this mode, and
	// this restores the user's. Not a terminal: SetTermMode fails and nothing changes.
	if s.In != nil {
		rr := terminal.NewRuneReader(terminal.Stdio{In: s.In, Out: s.Out, Err: s.ErrOut})
		if rr.SetTermMode() == nil {
			defer rr.RestoreTermMode()
		}
	}
	var in terminal.FileReader
	if s.In != nil {
		if s.reader == nil || s.reader.FileReader != s.In {
			s.reader = &stopAtR{FileReader: s.In}
		}
		in = s.reader
	}
	out := s.Out
	if s.reader != nil && s.Out != nil {
		out = &dsrWatch{FileWriter: s.Out, r: s.reader}
		s.reader.dsrWanted = 0
	}
	opts = append(opts, survey.WithStdio(in, out, s.ErrOut))
	err := survey.AskOne(p, resp, opts...)
	if errors.Is(err, terminal.InterruptErr) {
		return ErrInterrupted
	}
	return err
}

// Input asks for a line of text.
func (s *Survey) Input(message, defaultValue string) (string, error) {
	var v string
	err := s.ask(&survey.Input{Message: message, Default: defaultValue}, &v)
	return v, err
}

// Password asks for a secret without echoing it.
func (s *Survey) Password(message string) (string, error) {
	var v string
	err := s.ask(&survey.Password{Message: message}, &v)
	return v, err
}

// Confirm asks a yes/no question.
func (s *Survey) Confirm(message string, defaultValue bool) (bool, error) {
	var v bool
	err := s.ask(&survey.Confirm{Message: message, Default: defaultValue}, &v)
	return v, err
}

// Select asks to pick one of options and returns its index.
func (s *Survey) Select(message, defaultValue string, options []string) (int, error) {
	var v int
	p := &survey.Select{Message: message, Options: options}
	if defaultValue != "" {
		p.Default = defaultValue
	}
	err := s.ask(p, &v)
	return v, err
}

// stopAtR hands out input no further than the next 'R', Enter ('\r') or newline per Read, and
// keeps the rest for the next Read, across prompts (one Survey keeps one stopAtR).
//
// 'R': before each line it reads, survey asks the terminal where the cursor is and reads the
// answer (ESC [ row ; col R) through a throwaway bufio.Reader: keys that came in the same read
// after the answer were dropped, and an 'R' among keys typed before the answer made survey
// take the keys for the answer, swallow the real one and wait forever (a pasted secret key has
// R's). Ending every Read at an 'R' leaves the throwaway reader nothing to drop.
//
// Enter: each prompt reads through a bufio.Reader of its own, so a second line pasted with the
// first (both keys at once) was read into the first prompt's buffer and lost with it. Ending
// every Read at the end of a line leaves the next line here, for the next prompt. A "\r\n"
// pair (pasted Windows line ends) counts as one Enter.
type stopAtR struct {
	terminal.FileReader
	pending []byte
	err     error
	lastCR  bool
	buf     []byte
	// dsrWanted counts the cursor-position requests survey has sent and not yet read the
	// answer of. While one is pending, the answer is handed out before keys typed ahead of
	// it: survey's cursor query otherwise moves those keys into the buffer of the current
	// prompt, where a second pasted line is lost when the prompt ends.
	dsrWanted int
}

// dsr is the terminal's answer to a cursor-position request: ESC [ row ; col R.
var dsr = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\x1b\[\d+;\d+R`) })

func (r *stopAtR) fill() bool {
	if r.err != nil {
		return false
	}
	if cap(r.buf) < 256 {
		r.buf = make([]byte, 4096)
	}
	n, err := r.FileReader.Read(r.buf[:cap(r.buf)])
	r.pending = append(r.pending, r.buf[:n]...)
	r.err = err
	return n > 0 || err == nil
}

func (r *stopAtR) Read(p []byte) (int, error) {
	if r.dsrWanted > 0 {
		for dsr().FindIndex(r.pending) == nil && r.fill() {
		}
		if loc := dsr().FindIndex(r.pending); loc != nil && loc[1]-loc[0] <= len(p) {
			n := copy(p, r.pending[loc[0]:loc[1]])
			r.pending = append(r.pending[:loc[0]], r.pending[loc[1]:]...)
			r.dsrWanted--
			return n, nil
		}
		r.dsrWanted = 0 // no answer came: read as before
	}
	for {
		if len(r.pending) == 0 {
			if r.err != nil {
				err := r.err
				r.err = nil
				return 0, err
			}
			if cap(r.buf) < len(p) {
				r.buf = make([]byte, len(p))
			}
			n, err := r.FileReader.Read(r.buf[:len(p)])
			r.pending = append(r.pending[:0], r.buf[:n]...)
			r.err = err
			if n == 0 {
				continue // hands out the error, if any
			}
		}
		if r.lastCR && r.pending[0] == '\n' {
			r.pending, r.lastCR = r.pending[1:], false
			continue
		}
		break
	}
	n := len(r.pending)
	if i := bytes.IndexAny(r.pending, "R\r\n"); i >= 0 {
		n = i + 1
	}
	n = copy(p, r.pending[:n])
	r.lastCR = p[n-1] == '\r'
	r.pending = r.pending[n:]
	return n, nil
}

// dsrWatch is survey's output: it counts the cursor-position requests survey sends, so that
// the reader hands out their answers first.
type dsrWatch struct {
	terminal.FileWriter
	r *stopAtR
}

func (w *dsrWatch) Write(p []byte) (int, error) {
	w.r.dsrWanted += bytes.Count(p, []byte("\x1b[6n"))
	return w.FileWriter.Write(p)
}
