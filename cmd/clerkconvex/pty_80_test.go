//go:build linux

package main

// The interactive init on an 80×24 terminal, the size users have: a key Clerk rejects and a
// publishable key of another instance are asked again, a rerun asks nothing, pasted env lines
// and two lines pasted at once are taken, Ctrl-C while a spinner turns. Each checks the
// screen: every question still shows its answer, and no line reached the last column (the
// terminal would have cut it mid-word).

import (
	"strings"
	"testing"
	"time"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/fakes/clerkapi"
)

const (
	cols80 = 80
	rows24 = 24
)

// checkFits asserts that nothing on the screen was wrapped by the terminal: no line fills
// all 80 columns (the program's own lines end before the last one).
func (s *ptySession) checkFits() {
	s.t.Helper()
	for _, l := range strings.Split(s.screen(), "\n") {
		if n := len([]rune(l)); n >= cols80 {
			s.fatalf("a %d-column line was wrapped by the terminal: %q", n, l)
		}
	}
}

// checkAnswered asserts that the screen shows each question followed by an answer on its
// line (survey redraws an answered question with the answer, masked for a secret).
func (s *ptySession) checkAnswered(question string, times int) {
	s.t.Helper()
	n := 0
	for _, l := range strings.Split(s.screen(), "\n") {
		if i := strings.Index(l, question); i >= 0 {
			rest := strings.TrimSpace(l[i+len(question):])
			if rest == "" || strings.HasSuffix(rest, ":") {
				s.fatalf("question %q shows no answer: %q", question, l)
			}
			n++
		}
	}
	if n != times {
		s.fatalf("question %q is on the screen %d times, want %d", question, n, times)
	}
}

// checkWords asserts texts the screen shows, read as words: a line the program wrapped (at a
// space, with an indent) still counts.
func (s *ptySession) checkWords(want ...string) {
	s.t.Helper()
	text := strings.Join(strings.Fields(s.screen()), " ")
	for _, w := range want {
		if !strings.Contains(text, w) {
			s.fatalf("the screen does not show %q", w)
		}
	}
}

func pk80() string { return clerk.EncodePublishableKey(host1, false) }

func TestPTY80RejectedSecretKeyIsAskedAgain(t *testing.T) {
	e := newPTYEnv(t)
	s := e.startSized(cols80, rows24, "init")
	s.answer("sk_test_CANARYrevokedAbCdEfGhIjKlMnOpQr9876"+keyEnter, promptSecret)
	s.expect("paste a current key")
	s.answer(sk1+keyEnter, promptSecret)
	s.expect(promptPub)
	s.checkAnswered(promptSecret, 2)
	s.checkWords("Clerk rejected the secret key sk_test_…9876 (from the prompt)")
	s.checkFits()
	s.send(pk80() + keyEnter)
	s.answer(keyEnter, promptDomain)
	s.answer(keyEnter, promptAppID)
	s.answer(keyEnter, promptAnother)
	s.wantExit(0)
	s.checkFits()
	s.checkNoSecret()
	e.wantOneIssuerSet()
}

func TestPTY80WrongInstancePublishableKeyIsAskedAgain(t *testing.T) {
	e := newPTYEnv(t)
	s := e.startSized(cols80, rows24, "init")
	s.answer(sk1+keyEnter, promptSecret)
	s.answer(clerk.EncodePublishableKey("other-dog-3.clerk.accounts.dev", false)+keyEnter, promptPub)
	s.expect("paste it again")
	s.answer(pk80()+keyEnter, promptPub)
	s.expect(promptDomain)
	s.checkWords("the secret key belongs to "+issuer1, "copy both keys from the same instance (Clerk dashboard, API keys); paste it again")
	s.checkAnswered(promptPub, 2)
	s.checkFits()
	s.send(keyEnter)
	s.answer(keyEnter, promptAppID)
	s.answer(keyEnter, promptAnother)
	s.wantExit(0)
	if !strings.Contains(e.readFile(".env.local"), "VITE_CLERK_PUBLISHABLE_KEY="+pk80()+"\n") {
		t.Fatalf(".env.local:\n%s", e.readFile(".env.local"))
	}
}

func TestPTY80RerunAsksNothing(t *testing.T) {
	e := newPTYEnv(t)
	s := e.startSized(cols80, rows24, "init")
	s.answer(sk1+keyEnter, promptSecret)
	s.answer(pk80()+keyEnter, promptPub)
	s.answer(keyEnter, promptDomain)
	s.answer(keyEnter, promptAppID)
	s.answer(keyEnter, promptAnother)
	s.wantExit(0)

	e.clerk.ClearRequests()
	s = e.startSized(cols80, rows24, "init")
	s.wantExit(0)
	s.checkWords(`Providers kept from convex/auth.config.ts: Clerk ("convex")`, "--reconfigure")
	if strings.Contains(s.screen(), "? ") {
		s.fatalf("the rerun asked a question")
	}
	s.checkFits()
	if n := e.clerk.MutatingRequests(); n != 0 {
		t.Fatalf("the rerun changed Clerk: %v", e.requests())
	}

	s = e.startSized(cols80, rows24, "init", "--reconfigure")
	s.answer(keyEnter, promptDomain)
	s.answer(keyEnter, promptAppID)
	s.answer(keyEnter, promptAnother)
	s.wantExit(0)
}

func TestPTY80PastedEnvLines(t *testing.T) {
	e := newPTYEnv(t)
	s := e.startSized(cols80, rows24, "init")
	// The dashboard's copy button gives NAME=value; quotes and spaces come with some pastes.
	s.answer(`  CLERK_SECRET_KEY="`+sk1+`" `+keyEnter, promptSecret)
	s.answer("NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY="+pk80()+keyEnter, promptPub)
	s.answer(keyEnter, promptDomain)
	s.answer(keyEnter, promptAppID)
	s.answer(keyEnter, promptAnother)
	s.wantExit(0)
	s.checkNoSecret()
	env := e.readFile(".env.local")
	if !strings.Contains(env, "CLERK_SECRET_KEY="+sk1+"\n") || !strings.Contains(env, "VITE_CLERK_PUBLISHABLE_KEY="+pk80()+"\n") {
		t.Fatalf(".env.local holds other keys than pasted")
	}
}

func TestPTY80TwoLinesPastedAtOnce(t *testing.T) {
	e := newPTYEnv(t)
	s := e.startSized(cols80, rows24, "init")
	// Both lines of the dashboard's block in one paste, at the first question.
	s.answer("CLERK_SECRET_KEY="+sk1+"\rVITE_CLERK_PUBLISHABLE_KEY="+pk80()+"\r", promptSecret)
	s.expect(promptDomain)
	s.checkAnswered(promptPub, 1)
	s.send(keyEnter)
	s.answer(keyEnter, promptAppID)
	s.answer(keyEnter, promptAnother)
	s.wantExit(0)
	s.checkNoSecret()
	if !strings.Contains(e.readFile(".env.local"), "VITE_CLERK_PUBLISHABLE_KEY="+pk80()+"\n") {
		t.Fatal("the second pasted line was lost")
	}
}

func TestPTY80CtrlCWhileTheSpinnerTurns(t *testing.T) {
	for _, tc := range []struct {
		name, spinner string
		env           []string
		setup         func(e *ptyEnv)
	}{
		{name: "Clerk call", spinner: "Checking the secret key with Clerk", setup: func(e *ptyEnv) { e.clerk.SetLatency(8 * time.Second) }},
		{name: "npx", spinner: "Setting CLERK_JWT_ISSUER_DOMAIN on the dev deployment", env: []string{"FAKE_NPX_SLEEP=8s"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newPTYEnv(t, append([]string{"CLERK_SECRET_KEY=" + sk1, "VITE_CLERK_PUBLISHABLE_KEY=" + pk80()}, tc.env...)...)
			if tc.setup != nil {
				tc.setup(e)
			}
			s := e.startSized(cols80, rows24, "init", "--identity-provider-url", issuer1)
			s.expect(tc.spinner)
			s.send(keyCtrlC)
			s.wantExit(130)
			line := s.screenLine("interrupted")
			if strings.Contains(line, "^C") || !strings.HasPrefix(line, "✗ interrupted") {
				s.fatalf("the interruption is not on a line of its own: %q", line)
			}
			if strings.Contains(s.screen(), tc.spinner) {
				s.fatalf("the spinner's line was left on the screen")
			}
			s.checkFits()
		})
	}
}

var _ = clerkapi.Template{}
