package prompt

import (
	"fmt"
	"strings"
	"sync"
)

// Answer is a scripted reply for Stub, matched by a substring of the prompt message.
type Answer struct {
	Match   string
	Value   string // Input, Password, Select (an option's text)
	Confirm bool   // Confirm
	Err     error  // returned instead of a value (e.g. ErrInterrupted)
}

// Stub answers prompts from a script, in order, and fails on an unexpected prompt.
type Stub struct {
	mu      sync.Mutex
	answers []Answer
	Asked   []string
}

// NewStub returns a Stub that expects exactly these prompts in this order.
func NewStub(answers ...Answer) *Stub { return &Stub{answers: answers} }

func (s *Stub) next(message string) (Answer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Asked = append(s.Asked, message)
	if len(s.answers) == 0 {
		return Answer{}, fmt.Errorf("prompt stub: unexpected prompt %q", message)
	}
	a := s.answers[0]
	if !strings.Contains(message, a.Match) {
		return Answer{}, fmt.Errorf("prompt stub: got prompt %q, want one containing %q", message, a.Match)
	}
	s.answers = s.answers[1:]
	return a, a.Err
}

// Remaining returns the prompts that were scripted but never asked.
func (s *Stub) Remaining() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var r []string
	for _, a := range s.answers {
		r = append(r, a.Match)
	}
	return r
}

func (s *Stub) Input(message, defaultValue string) (string, error) {
	a, err := s.next(message)
	if err != nil {
		return "", err
	}
	if a.Value == "" {
		return defaultValue, nil
	}
	return a.Value, nil
}

func (s *Stub) Password(message string) (string, error) {
	a, err := s.next(message)
	return a.Value, err
}

func (s *Stub) Confirm(message string, defaultValue bool) (bool, error) {
	a, err := s.next(message)
	return a.Confirm, err
}

func (s *Stub) Select(message, defaultValue string, options []string) (int, error) {
	a, err := s.next(message)
	if err != nil {
		return 0, err
	}
	for i, o := range options {
		if o == a.Value {
			return i, nil
		}
	}
	return 0, fmt.Errorf("prompt stub: %q is not an option of %q", a.Value, message)
}
