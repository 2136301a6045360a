package iostreams

import (
	"strings"
	"testing"
)

func TestWrapBreaksBetweenWordsWithHangingIndent(t *testing.T) {
	text := "the Convex deployment's CLERK_JWT_ISSUER_DOMAIN is https://happy-cat-12.clerk.accounts.dev but the env file says https://other-dog-3.clerk.accounts.dev; run npx convex env set CLERK_JWT_ISSUER_DOMAIN https://happy-cat-12.clerk.accounts.dev and deploy"
	got := Wrap(text, 4, 60, "    ")
	lines := strings.Split(got, "\n")
	if len(lines) < 4 {
		t.Fatalf("not wrapped:\n%s", got)
	}
	for i, l := range lines {
		cols := Width(l)
		if i == 0 {
			cols += 4
		}
		if i > 0 && !strings.HasPrefix(l, "    ") {
			t.Errorf("line %d has no hanging indent: %q", i, l)
		}
		if cols > 60 && !strings.Contains(l, "npx convex env set") {
			t.Errorf("line %d is %d columns: %q", i, cols, l)
		}
	}
	// Nothing lost or split: the words come back in order, URLs and the command whole.
	if strings.Join(strings.Fields(got), " ") != text {
		t.Fatalf("words changed:\n%s", got)
	}
	if !strings.Contains(got, "npx convex env set CLERK_JWT_ISSUER_DOMAIN https://happy-cat-12.clerk.accounts.dev") {
		t.Fatalf("the command was split:\n%s", got)
	}
	for _, u := range []string{"https://happy-cat-12.clerk.accounts.dev", "https://other-dog-3.clerk.accounts.dev;"} {
		if !strings.Contains(got, u) {
			t.Fatalf("%s was split:\n%s", u, got)
		}
	}
}

func TestWrapKeepsQuotedSpansAndSnippets(t *testing.T) {
	text := "deploy auth.config with `npx convex dev --once --typecheck disable` then run it again\n    { domain: \"https://example.com\", applicationID: \"convex\" },"
	got := Wrap(text, 0, 30, "  ")
	if !strings.Contains(got, "`npx convex dev --once --typecheck disable`") {
		t.Fatalf("the quoted span was split:\n%s", got)
	}
	if !strings.HasSuffix(got, "\n    { domain: \"https://example.com\", applicationID: \"convex\" },") {
		t.Fatalf("the snippet was re-flowed:\n%s", got)
	}
}

func TestWrapOffATerminalChangesNothing(t *testing.T) {
	text := strings.Repeat("word ", 50)
	if Wrap(text, 2, 0, "  ") != text {
		t.Fatal("width 0 changed the text")
	}
}

func TestWidthIgnoresColour(t *testing.T) {
	if Width("\x1b[32m✓\x1b[0m ok") != 4 {
		t.Fatalf("Width = %d", Width("\x1b[32m✓\x1b[0m ok"))
	}
}

func TestStepWrapsOnlyOnATerminal(t *testing.T) {
	msg := "git does not ignore .env.local, which holds the secret key: add .env.local to .gitignore (or rerun with --yes)"
	s, _, _, errOut := Test()
	s.SetWidth(40)
	s.Step(Warn, "%s", msg)
	if errOut.String() != "warning: "+msg+"\n" {
		t.Fatalf("off a terminal the line changed: %q", errOut.String())
	}
	errOut.Reset()
	s.SetTTY(false, false, true)
	s.Step(Warn, "%s", msg)
	lines := strings.Split(strings.TrimSuffix(errOut.String(), "\n"), "\n")
	if len(lines) < 3 || !strings.HasPrefix(lines[0], "! git does not") {
		t.Fatalf("not wrapped:\n%s", errOut)
	}
	for _, l := range lines[1:] {
		if !strings.HasPrefix(l, "  ") || Width(l) >= 40 {
			t.Fatalf("line %q: want a hanging indent and under 40 columns\n%s", l, errOut)
		}
	}
}

func TestWrapPutsAnOverlongURLOnItsOwnLine(t *testing.T) {
	url := "http://127.0.0.1:41823/.well-known/openid-configuration"
	got := Wrap(url+" answered", 31, 79, strings.Repeat(" ", 31))
	want := "\n    " + url + "\n" + strings.Repeat(" ", 31) + "answered"
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestWrapOverlongURLLast(t *testing.T) {
	url := "http://127.0.0.1:41823/.well-known/openid-configuration"
	if got := Wrap("see "+url, 31, 79, strings.Repeat(" ", 31)); got != "see\n    "+url {
		t.Fatalf("got %q", got)
	}
}
