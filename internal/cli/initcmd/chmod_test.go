package initcmd

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clerkconvex/clerkconvex/internal/prompt"
)

func envMode(t *testing.T, dir string) os.FileMode {
	t.Helper()
	st, err := os.Stat(filepath.Join(dir, ".env.local"))
	if err != nil {
		t.Fatal(err)
	}
	return st.Mode().Perm()
}

func writeOpenEnv(t *testing.T, dir string) {
	t.Helper()
	p := filepath.Join(dir, ".env.local")
	if err := os.WriteFile(p, []byte("OTHER=1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(p, 0o644) // whatever the umask
}

func TestChmodOffered(t *testing.T) {
	for _, tc := range []struct {
		name   string
		tty    bool
		yes    bool
		dry    bool
		answer *bool
		want   os.FileMode
		stderr string
	}{
		{name: "asked, yes", tty: true, answer: ptr(true), want: 0o600, stderr: ".env.local is now readable only by you (mode 0600, was 0644)"},
		{name: "asked, no", tty: true, answer: ptr(false), want: 0o644, stderr: "chmod 600 .env.local (or rerun init with --yes)"},
		{name: "--yes", yes: true, want: 0o600, stderr: "now readable only by you"},
		{name: "no terminal", want: 0o644, stderr: "readable by other users (mode 0644) and holds the secret key: chmod 600 .env.local"},
		{name: "--dry-run", tty: true, dry: true, want: 0o644},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var answers []prompt.Answer
			if tc.tty && !tc.dry {
				answers = append(answers, providerAnswers...)
			}
			if tc.answer != nil {
				answers = append(answers, prompt.Answer{Match: "Make .env.local readable only by you (chmod 600)?", Confirm: *tc.answer})
			}
			if tc.dry && tc.tty {
				answers = providerAnswers
			}
			h := newHarness(t, tc.tty, answers...)
			h.opts.SecretKey, h.opts.PublishableKey = sk, pk()
			h.opts.Yes, h.opts.DryRun = tc.yes, tc.dry
			writeOpenEnv(t, h.dir)
			h.runAllPrompts(t)
			if got := envMode(t, h.dir); got != tc.want {
				t.Errorf("mode %04o, want %04o", got, tc.want)
			}
			if tc.stderr != "" && !strings.Contains(h.stderr(), tc.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderr, h.stderr())
			}
			if tc.dry {
				out := h.opts.IO.Out.(interface{ String() string }).String()
				if strings.Contains(out, "chmod") {
					t.Errorf("the dry run plans a chmod nobody agreed to:\n%s", out)
				}
			}
		})
	}
}

func TestChmodInDryRunWithYes(t *testing.T) {
	h := newHarness(t, false)
	h.opts.SecretKey, h.opts.PublishableKey = sk, pk()
	h.opts.Yes, h.opts.DryRun = true, true
	writeOpenEnv(t, h.dir)
	if err := runInit(context.Background(), h.opts); err != nil {
		t.Fatal(err)
	}
	if out := h.opts.IO.Out.(interface{ String() string }).String(); !strings.Contains(out, "  chmod 600 .env.local\n") {
		t.Fatalf("dry run:\n%s", out)
	}
	if envMode(t, h.dir) != 0o644 {
		t.Fatal("the dry run changed the mode")
	}
}

func ptr[T any](v T) *T { return &v }
