package iostreams

import (
	"strings"
	"testing"
)

func TestCanPrompt(t *testing.T) {
	for _, tc := range []struct {
		in, out, noInput bool
		ci               string
		want             bool
	}{
		{true, true, false, "", true},
		{true, false, false, "", false},
		{false, true, false, "", false},
		{true, true, true, "", false},
		{true, true, false, "true", false},
		{true, true, false, "1", false},
		{true, true, false, "false", true},
	} {
		s := System(func(k string) string {
			if k == "CI" {
				return tc.ci
			}
			return ""
		})
		s.SetTTY(tc.in, tc.out, false)
		s.SetNeverPrompt(tc.noInput)
		if got := s.CanPrompt(); got != tc.want {
			t.Errorf("%+v: CanPrompt = %v", tc, got)
		}
	}
}

func TestIconsOnlyOnATerminal(t *testing.T) {
	s, _, _, errOut := Test()
	s.Step(OK, "done %d", 1)
	s.Step(Warn, "careful")
	s.Step(Fail, "broken")
	if got := errOut.String(); got != "ok: done 1\nwarning: careful\nerror: broken\n" {
		t.Fatalf("plain output %q", got)
	}
	s.SetTTY(false, false, true)
	if s.Icon(OK) != "✓" || s.Icon(Warn) != "!" || s.Icon(Fail) != "✗" || s.Icon(Skip) != "–" {
		t.Fatal("terminal icons wrong")
	}
	s.SetColor(true)
	if !strings.Contains(s.Icon(OK), "\x1b[32m") {
		t.Fatal("no colour when enabled")
	}
}

func TestNoColor(t *testing.T) {
	forced := System(func(k string) string { return map[string]string{"CLICOLOR_FORCE": "1"}[k] })
	if !forced.ColorEnabled() {
		t.Fatal("CLICOLOR_FORCE did not turn colour on")
	}
	env := map[string]string{"CLICOLOR_FORCE": "1", "NO_COLOR": "1"}
	s := System(func(k string) string { return env[k] })
	s.SetTTY(false, false, true)
	if s.ColorEnabled() || strings.Contains(s.Icon(OK), "\x1b") {
		t.Fatal("colour despite NO_COLOR")
	}
}

func TestOutIconFollowsStdout(t *testing.T) {
	for _, tc := range []struct {
		name                    string
		stdoutTTY, stderrTTY, c bool
		want                    []string // OK Warn Fail Skip Info
		bold                    string
	}{
		{"pipe", false, true, true, []string{"pass", "warn", "FAIL", "skip", "info"}, "T"},
		{"terminal", true, false, false, []string{"✓", "!", "✗", "–", "•"}, "T"},
		{"terminal with colour", true, false, true, []string{"\x1b[32m✓\x1b[0m", "\x1b[33m!\x1b[0m", "\x1b[31m✗\x1b[0m", "\x1b[90m–\x1b[0m", "\x1b[36m•\x1b[0m"}, "\x1b[1mT\x1b[0m"},
	} {
		s, _, _, _ := Test()
		s.SetTTY(false, tc.stdoutTTY, tc.stderrTTY)
		s.SetColor(tc.c)
		for i, st := range []Status{OK, Warn, Fail, Skip, Info} {
			if got := s.OutIcon(st); got != tc.want[i] {
				t.Errorf("%s: OutIcon(%d) = %q, want %q", tc.name, st, got, tc.want[i])
			}
		}
		if got := s.OutBold("T"); got != tc.bold {
			t.Errorf("%s: OutBold = %q, want %q", tc.name, got, tc.bold)
		}
	}
}

func TestIconForIgnoresTheStreams(t *testing.T) {
	s, _, _, _ := Test() // no terminals
	if got := s.IconFor(Fail, true); got != "✗" {
		t.Errorf("IconFor(Fail, true) = %q", got)
	}
	s.SetTTY(true, true, true)
	if got := s.IconFor(Fail, false); got != "error:" {
		t.Errorf("IconFor(Fail, false) = %q", got)
	}
}
