package doctor

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/clerkconvex/clerkconvex/internal/iostreams"
	"github.com/clerkconvex/clerkconvex/internal/run"
	"github.com/clerkconvex/clerkconvex/internal/testutil/syncbuf"
)

// gatedRunner holds npx until released.
type gatedRunner struct {
	*fakeRunner
	release chan struct{}
}

func (g *gatedRunner) Run(ctx context.Context, c run.Cmd) (run.Result, error) {
	select {
	case <-g.release:
	case <-time.After(30 * time.Second):
		return run.Result{}, errors.New("never released")
	}
	return g.fakeRunner.Run(ctx, c)
}

// On a terminal, doctor prints each section once its checks are done: the project section is
// on the screen while the Convex deployment is still being asked.
func TestSectionsPrintAsTheyFinish(t *testing.T) {
	h := newHarness(t, 0)
	out := &syncbuf.Buffer{}
	h.f.IOStreams.Out = out
	h.f.IOStreams.SetTTY(false, true, false)
	h.f.IOStreams.SetWidth(80)
	g := &gatedRunner{fakeRunner: h.runner, release: make(chan struct{})}
	h.f.Runner = func() run.Runner { return g }

	done := make(chan error, 1)
	go func() { done <- h.exec() }()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(out.String(), "\nClerk\n") {
		if time.Now().After(deadline) {
			close(g.release)
			t.Fatalf("nothing printed while npx was held:\n%s", out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if s := out.String(); strings.Contains(s, "Convex deployment") || !strings.HasPrefix(s, "Project\n  ✓ project.package_json") {
		close(g.release)
		t.Fatalf("output while npx was held:\n%s", s)
	}
	close(g.release)
	if err := <-done; err != nil {
		t.Fatalf("doctor: %v\n%s", err, out.String())
	}
	s := out.String()
	sections := []string{"Project\n", "\nEnv file\n", "\nconvex/auth.config\n", "\nClerk\n", "\nIssuer\n", "\nConvex deployment\n", "passed, 0 warnings, 0 failed"}
	at := 0
	for _, sec := range sections {
		i := strings.Index(s[at:], sec)
		if i < 0 {
			t.Fatalf("%q missing or out of order:\n%s", sec, s)
		}
		at += i
	}
	for _, l := range strings.Split(s, "\n") {
		if iostreams.Width(l) >= 80 {
			t.Errorf("a line of %d columns: %q", iostreams.Width(l), l)
		}
	}
}

// Off a terminal the text is what WriteText makes of the report, unwrapped, whatever the width.
func TestNoStreamingOrWrappingOffATerminal(t *testing.T) {
	h := newHarness(t, 0)
	h.f.IOStreams.SetWidth(40)
	if err := h.exec(); err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(h.out.String(), "\n") {
		if strings.HasPrefix(l, "       ") && !strings.Contains(l, "Fix:") {
			t.Fatalf("a continuation line off a terminal: %q\n%s", l, h.out.String())
		}
	}
	if !strings.Contains(h.out.String(), "  pass project.package_json ") {
		t.Fatalf("output:\n%s", h.out.String())
	}
}
