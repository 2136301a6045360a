package initcmd

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/iostreams"
	"github.com/clerkconvex/clerkconvex/internal/prompt"
	"github.com/clerkconvex/clerkconvex/internal/wiring"
)

const nextLayout = `export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
`

// nextHarness is an interactive run on a Next.js App Router app without client wiring; deps
// are package.json's dependencies.
func nextHarness(t *testing.T, deps string, answers ...prompt.Answer) *harness {
	t.Helper()
	h := newInteractive(t, append(append([]prompt.Answer{}, providerAnswers...), answers...)...)
	files := map[string]string{
		"package.json":   `{"dependencies":{` + deps + `}}`,
		"tsconfig.json":  "{}",
		"app/layout.tsx": nextLayout,
		"middleware.ts":  "import { clerkMiddleware } from \"@clerk/nextjs/server\";\nexport default clerkMiddleware();\n",
	}
	for name, data := range files {
		path := filepath.Join(h.dir, name)
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return h
}

func (h *harness) read(t *testing.T, name string) string {
	t.Helper()
	b, _ := os.ReadFile(filepath.Join(h.dir, name))
	return string(b)
}

// On a terminal the diff comes first, then the question; yes writes the wiring.
func TestWiringDiffThenConfirm(t *testing.T) {
	h := nextHarness(t, `"next":"15.5.4","@clerk/nextjs":"6.39.8","convex":"1.48.0"`,
		prompt.Answer{Match: "Write the client wiring (app/ConvexClientProvider.tsx, app/layout.tsx)?", Confirm: true})
	h.runAllPrompts(t)
	errOut := h.stderr()
	diff := strings.Index(errOut, "+      <body><ConvexClientProvider>{children}</ConvexClientProvider></body>")
	created := strings.Index(errOut, "app/layout.tsx updated")
	if diff < 0 || created < diff || !strings.Contains(errOut, "+++ b/app/ConvexClientProvider.tsx") {
		t.Fatalf("stderr (the diff must come before the write):\n%s", errOut)
	}
	if !strings.Contains(h.read(t, "app/layout.tsx"), "<ConvexClientProvider>{children}</ConvexClientProvider>") {
		t.Fatalf("layout not wrapped:\n%s", h.read(t, "app/layout.tsx"))
	}
	if !strings.Contains(h.read(t, "app/ConvexClientProvider.tsx"), "ConvexProviderWithClerk client={convex} useAuth={useAuth}") {
		t.Fatal("provider not written")
	}
	if len(h.runner.cmds) == 0 || h.runner.cmds[0].Name != "npx" {
		t.Fatalf("commands %+v: want only npx convex (no install: @clerk/nextjs is a dependency)", h.runner.cmds)
	}
	for _, c := range h.runner.cmds {
		if c.Name == "npm" {
			t.Fatalf("npm run without a missing package: %+v", c)
		}
	}
}

// No at the question: the source files stay byte-identical, the rest of init is done.
func TestWiringDeclined(t *testing.T) {
	h := nextHarness(t, `"next":"15.5.4","@clerk/nextjs":"6.39.8","convex":"1.48.0"`,
		prompt.Answer{Match: "Write the client wiring", Confirm: false})
	h.runAllPrompts(t)
	if got := h.read(t, "app/layout.tsx"); got != nextLayout {
		t.Fatalf("layout changed:\n%s", got)
	}
	if _, err := os.Stat(filepath.Join(h.dir, "app/ConvexClientProvider.tsx")); err == nil {
		t.Fatal("provider written after a no")
	}
	if !strings.Contains(h.stderr(), "client wiring not written") || h.read(t, ".env.local") == "" {
		t.Fatalf("stderr:\n%s", h.stderr())
	}
}

// Ctrl-C at the question: nothing at all is written (planning comes before any change).
func TestWiringInterrupted(t *testing.T) {
	h := nextHarness(t, `"next":"15.5.4","@clerk/nextjs":"6.39.8","convex":"1.48.0"`,
		prompt.Answer{Match: "Write the client wiring", Err: prompt.ErrInterrupted})
	err := runInit(context.Background(), h.opts)
	if !errors.Is(err, cmdutil.ErrInterrupted) {
		t.Fatalf("err %v, want interrupted", err)
	}
	if got := h.read(t, "app/layout.tsx"); got != nextLayout {
		t.Fatal("layout changed")
	}
	for _, name := range []string{".env.local", "convex/auth.config.ts", "app/ConvexClientProvider.tsx"} {
		if _, err := os.Stat(filepath.Join(h.dir, name)); err == nil {
			t.Errorf("%s written after Ctrl-C", name)
		}
	}
	if len(h.runner.cmds) != 0 || h.fake.MutatingRequests() != 0 {
		t.Fatalf("changed something: commands %+v", h.runner.cmds)
	}
}

// A missing @clerk/nextjs is installed with the project's package manager after asking.
func TestWiringInstallsMissingClerkPackage(t *testing.T) {
	h := nextHarness(t, `"next":"15.5.4","convex":"1.48.0"`,
		prompt.Answer{Match: "Write the client wiring", Confirm: true},
		prompt.Answer{Match: "Run npm install @clerk/nextjs?", Confirm: true})
	h.runAllPrompts(t)
	var got []string
	for _, c := range h.runner.cmds {
		if c.Name != "npx" {
			got = append(got, c.Name+" "+strings.Join(c.Args, " ")+" in "+c.Dir)
		}
	}
	if len(got) != 1 || got[0] != "npm install @clerk/nextjs in "+h.dir {
		t.Fatalf("installs %q", got)
	}
}

// The line that says where a snippet goes fits an 80-column terminal (it ran past it, and the
// pty tests' 80x24 screen lost lines); the snippet's code is printed as it is, to be copied.
func TestWiringManualFitsTheTerminal(t *testing.T) {
	snippet := "<ConvexProviderWithClerk client={convex} useAuth={useAuth}>{children}</ConvexProviderWithClerk>"
	p := &plan{wiring: &wiringPlan{manual: []wiring.Manual{{Path: "src/components/providers/ConvexClientProvider.tsx",
		Where:  "ConvexProviderWithClerk around what the component renders",
		Reason: "its return is built in a way that cannot be edited with certainty", Snippet: snippet}}}}
	var b strings.Builder
	printWiringManual(p, &b, 80)
	out := b.String()
	if !strings.Contains(out, "\n  "+snippet+"\n") {
		t.Fatalf("the snippet is not printed whole:\n%s", out)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) < 3 {
		t.Fatalf("the long line was not wrapped:\n%s", out)
	}
	for _, l := range lines {
		if l != "  "+snippet && iostreams.Width(l) >= 80 {
			t.Errorf("line of %d columns on an 80-column terminal: %q", iostreams.Width(l), l)
		}
	}
	b.Reset()
	printWiringManual(p, &b, 0) // not a terminal: one line, whole
	if !strings.HasPrefix(b.String(), "To do by hand: in src/components/providers/ConvexClientProvider.tsx, add ConvexProviderWithClerk around what the component renders (its return") {
		t.Fatalf("piped output was wrapped:\n%s", b.String())
	}
}
