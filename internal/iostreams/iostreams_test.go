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
