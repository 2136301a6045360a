package initcmd

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/prompt"
)

const webhookSecret = "whsec_VU5JVHdlYmhvb2tzZWNyZXRmb3Jpbml0MTIz"

// A first interactive run asks at the end whether to sync users; yes runs users init, whose
// secret prompt comes after the Clerk-side steps and whose value reaches npx on stdin.
func TestInitAsksToSyncUsers(t *testing.T) {
	h := newInteractive(t,
		prompt.Answer{Match: "identity provider's Domain URL"},
		prompt.Answer{Match: "application/client ID"},
		prompt.Answer{Match: "add another provider", Confirm: false},
		prompt.Answer{Match: "Also sync Clerk users into a Convex users table?", Confirm: true},
		prompt.Answer{Match: "Run npm install svix?", Confirm: false},
		prompt.Answer{Match: "Signing Secret", Value: webhookSecret},
	)
	h.opts.askSyncUsers = true
	h.runAllPrompts(t)
	for _, f := range []string{"schema.ts", "users.ts", "http.ts"} {
		if _, err := os.Stat(filepath.Join(h.dir, "convex", f)); err != nil {
			t.Errorf("convex/%s: %v", f, err)
		}
	}
	last := h.runner.cmds[len(h.runner.cmds)-1]
	if got := strings.Join(last.Args, " "); got != "convex env set CLERK_WEBHOOK_SECRET" || last.Stdin == nil {
		t.Fatalf("last npx call %q (stdin %v)", got, last.Stdin != nil)
	}
	if in, _ := io.ReadAll(last.Stdin); string(in) != webhookSecret {
		t.Errorf("stdin %q", in)
	}
	for _, c := range h.runner.cmds {
		if strings.Contains(strings.Join(c.Args, " "), "whsec_") {
			t.Errorf("the webhook secret is in %v", c.Args)
		}
	}
}

// Declining (the default) changes nothing more; a rerun does not ask again.
func TestInitSyncUsersDeclined(t *testing.T) {
	h := newInteractive(t,
		prompt.Answer{Match: "identity provider's Domain URL"},
		prompt.Answer{Match: "application/client ID"},
		prompt.Answer{Match: "add another provider", Confirm: false},
		prompt.Answer{Match: "Also sync Clerk users", Confirm: false},
	)
	h.opts.askSyncUsers = true
	h.runAllPrompts(t)
	if _, err := os.Stat(filepath.Join(h.dir, "convex", "http.ts")); err == nil {
		t.Error("http.ts was written")
	}
	h.stub = prompt.NewStub() // a rerun of the same project: no question at all
	if err := runInit(context.Background(), h.opts); err != nil {
		t.Fatal(err)
	}
}

func TestSyncUsersNeedsTheSecretOffATerminal(t *testing.T) {
	h := newHarness(t, false)
	h.opts.SyncUsers, h.opts.SecretKey = true, sk
	err := runInit(context.Background(), h.opts)
	if cmdutil.ExitCode(err) != 2 || !strings.Contains(err.Error(), "--sync-users needs the Clerk webhook's signing secret") {
		t.Fatalf("err = %v", err)
	}
	if n := len(h.fake.Requests()); n != 0 {
		t.Errorf("Clerk got %d requests before the input check", n)
	}
}
