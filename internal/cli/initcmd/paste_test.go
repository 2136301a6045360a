package initcmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clerkconvex/clerkconvex/internal/prompt"
)

func TestPastedKey(t *testing.T) {
	for _, tc := range []struct {
		in, want, err string
		names         func(string) bool
	}{
		{in: sk, want: sk},
		{in: "  " + sk + " \t", want: sk},
		{in: "CLERK_SECRET_KEY=" + sk, want: sk},
		{in: "export CLERK_SECRET_KEY=" + sk, want: sk},
		{in: `CLERK_SECRET_KEY="` + sk + `"`, want: sk},
		{in: `CLERK_SECRET_KEY = '` + sk + `'`, want: sk},
		{in: `"` + sk + `"`, want: sk},
		{in: "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=" + sk, err: "that line sets NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY, not this key"},
		{in: "pk_test_abc=", want: "pk_test_abc=", names: isPublishableName}, // base64 padding is not a name
		{in: "VITE_CLERK_PUBLISHABLE_KEY=pk_test_abc", want: "pk_test_abc", names: isPublishableName},
		{in: "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=pk_test_abc", want: "pk_test_abc", names: isPublishableName},
		{in: "CLERK_SECRET_KEY=pk_test_abc", err: "that line sets CLERK_SECRET_KEY", names: isPublishableName},
	} {
		names := tc.names
		if names == nil {
			names = isSecretName
		}
		got, err := pastedKey(tc.in, names)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("pastedKey(%q) err %v, want %q", tc.in, err, tc.err)
			}
			if err != nil && strings.Contains(err.Error(), "sk_test_") {
				t.Errorf("the error shows the pasted value: %v", err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("pastedKey(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestPastedEnvLinesAtThePrompts(t *testing.T) {
	h := newHarness(t, true, append([]prompt.Answer{
		{Match: "Clerk secret key", Value: `CLERK_SECRET_KEY="` + sk + `"`},
		{Match: "Publishable key", Value: " NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=" + pk() + " "},
	}, providerAnswers...)...)
	h.runAllPrompts(t)
	env, _ := os.ReadFile(filepath.Join(h.dir, ".env.local"))
	if !strings.Contains(string(env), "CLERK_SECRET_KEY="+sk+"\n") || !strings.Contains(string(env), "VITE_CLERK_PUBLISHABLE_KEY="+pk()+"\n") {
		t.Fatalf(".env.local:\n%s", env)
	}
}
