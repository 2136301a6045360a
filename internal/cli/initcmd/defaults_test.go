package initcmd

import (
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/clerkconvex/clerkconvex/internal/prompt"
)

// On a terminal, a first run in a cloud project asks whether to set the issuer as the default
// for new dev and preview deployments; yes runs one `npx convex env default set --type T` per
// type after the deployment's variable, the value on stdin; no runs none.
func TestDefaultsQuestion(t *testing.T) {
	for _, yes := range []bool{true, false} {
		h := newInteractive(t, append(append([]prompt.Answer(nil), providerAnswers...), prompt.Answer{Match: defaultsQuestion, Confirm: yes})...)
		h.opts.askDefaults = true
		if err := os.WriteFile(filepath.Join(h.dir, ".env.local"), []byte("CONVEX_DEPLOYMENT=dev:happy-otter-123\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		h.runAllPrompts(t)
		var got []string
		var stdin []string
		for _, c := range h.runner.cmds {
			got = append(got, strings.Join(c.Args, " "))
			if c.Stdin != nil {
				b, _ := io.ReadAll(c.Stdin)
				stdin = append(stdin, string(b))
			}
		}
		want := []string{"convex env set CLERK_JWT_ISSUER_DOMAIN https://" + host}
		var wantStdin []string
		if yes {
			want = append(want, "convex env default set --type dev", "convex env default set --type preview")
			wantStdin = []string{"CLERK_JWT_ISSUER_DOMAIN='https://" + host + "'\n", "CLERK_JWT_ISSUER_DOMAIN='https://" + host + "'\n"}
		}
		if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(stdin, wantStdin) {
			t.Errorf("yes=%v: npx calls %q stdin %q; want %q stdin %q", yes, got, stdin, want, wantStdin)
		}
	}
}

// Not asked where defaults cannot apply: a self-hosted backend, no deployment configured, a
// deployment's deploy key the Convex CLI would use instead of the login, or a rerun.
func TestDefaultsQuestionNotAsked(t *testing.T) {
	for name, envLocal := range map[string]string{
		"self-hosted":   "CONVEX_SELF_HOSTED_URL=http://127.0.0.1:3210\nCONVEX_SELF_HOSTED_ADMIN_KEY=x\n",
		"no deployment": "",
		"deploy key":    "CONVEX_DEPLOYMENT=dev:happy-otter-123\nCONVEX_DEPLOY_KEY=dev:happy-otter-123|0123secret\n",
	} {
		t.Run(name, func(t *testing.T) {
			h := newInteractive(t, providerAnswers...) // the stub fails on an unexpected prompt
			h.opts.askDefaults = true
			if envLocal != "" {
				if err := os.WriteFile(filepath.Join(h.dir, ".env.local"), []byte(envLocal), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			h.runAllPrompts(t)
			if n := len(h.runner.cmds); n != 1 {
				t.Errorf("%d npx calls, want 1", n)
			}
		})
	}
}
