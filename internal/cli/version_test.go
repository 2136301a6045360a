package cli

import (
	"bytes"
	"context"
	"testing"

	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/iostreams"
)

// The start-up shortcut prints what the command tree prints, and steps aside for anything else.
func TestPrintVersionMatchesTheCommands(t *testing.T) {
	noenv := func(string) string { return "" }
	for _, arg := range []string{"--version", "version"} {
		var fast bytes.Buffer
		code, done := printVersion([]string{arg}, noenv, &fast)
		if !done || code != 0 {
			t.Fatalf("%s: done %v, code %d", arg, done, code)
		}
		ios, _, out, errOut := iostreams.Test()
		f := &cmdutil.Factory{IOStreams: ios, Getenv: noenv}
		if code := Run(context.Background(), f, []string{arg}); code != 0 {
			t.Fatalf("Run %s: exit %d: %s", arg, code, errOut)
		}
		if fast.String() != out.String() || fast.Len() == 0 {
			t.Fatalf("%s: shortcut printed %q, the command tree %q", arg, fast.String(), out.String())
		}
	}
	for _, tc := range []struct {
		args []string
		env  string
	}{
		{[]string{"--version", "--help"}, ""},
		{[]string{"-v"}, ""},
		{[]string{"doctor"}, ""},
		{nil, ""},
		{[]string{"--version"}, "CLERKCONVEX_HTTP_TIMEOUT"},
		{[]string{"version"}, "CLERKCONVEX_RETRY_BASE_DELAY"},
		{[]string{"--version"}, "CLERKCONVEX_NPX_TIMEOUT"},
	} {
		getenv := func(k string) string {
			if k == tc.env {
				return "soon"
			}
			return ""
		}
		var out bytes.Buffer
		if _, done := printVersion(tc.args, getenv, &out); done || out.Len() > 0 {
			t.Errorf("printVersion(%q, %s set) answered %q; Run should", tc.args, tc.env, out.String())
		}
	}
}
