package initcmd

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	sdk "github.com/clerk/clerk-sdk-go/v2"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/prompt"
)

const revoked = "sk_test_REVOKEDabcdefghijklmnopqrstuvwx9876"

// providerAnswers accept the defaults of the provider questions.
var providerAnswers = []prompt.Answer{
	{Match: "Domain URL"},
	{Match: "application/client ID"},
	{Match: "add another provider"},
}

func TestRejectedSecretKeyIsAskedAgainAtOnce(t *testing.T) {
	h := newHarness(t, true, append([]prompt.Answer{
		{Match: "Clerk secret key", Value: revoked},
		{Match: "Clerk secret key", Value: sk}, // asked again before the publishable key
		{Match: "Publishable key", Value: pk()},
	}, providerAnswers...)...)
	h.runAllPrompts(t)
	errOut := h.stderr()
	if !strings.Contains(errOut, "Clerk rejected the secret key sk_test_…9876 (from the prompt)") || !strings.Contains(errOut, "paste a current key") {
		t.Fatalf("stderr:\n%s", errOut)
	}
	if strings.Contains(errOut, "REVOKEDabc") {
		t.Fatal("the rejected key is shown")
	}
	env, _ := os.ReadFile(filepath.Join(h.dir, ".env.local"))
	if !strings.Contains(string(env), "CLERK_SECRET_KEY="+sk+"\n") {
		t.Fatalf(".env.local:\n%s", env)
	}
}

func TestRejectedSecretKeyFromEnvFileIsAsked(t *testing.T) {
	h := newHarness(t, true, append([]prompt.Answer{{Match: "Clerk secret key", Value: sk}}, providerAnswers...)...)
	os.WriteFile(filepath.Join(h.dir, ".env.local"), []byte("CLERK_SECRET_KEY="+revoked+"\nVITE_CLERK_PUBLISHABLE_KEY="+pk()+"\n"), 0o600)
	h.runAllPrompts(t)
	if !strings.Contains(h.stderr(), "(from CLERK_SECRET_KEY in .env.local)") {
		t.Fatalf("stderr:\n%s", h.stderr())
	}
	env, _ := os.ReadFile(filepath.Join(h.dir, ".env.local"))
	if strings.Contains(string(env), revoked) {
		t.Fatalf("the rejected key stayed in .env.local:\n%s", env)
	}
}

func TestRejectedSecretKeyFromFlagEndsTheRun(t *testing.T) {
	h := newHarness(t, true) // no prompt may be asked
	h.opts.SecretKey = revoked
	err := runInit(context.Background(), h.opts)
	if cmdutil.ExitCode(err) != cmdutil.ExitAuth || !strings.Contains(err.Error(), "from --secret-key") {
		t.Fatalf("err %v, want exit 4", err)
	}
}

func TestWrongInstancePublishableKeyIsAskedAgain(t *testing.T) {
	other := clerk.EncodePublishableKey("other-dog-3.clerk.accounts.dev", false)
	live := clerk.EncodePublishableKey("clerk.example.com", true)
	h := newHarness(t, true, append([]prompt.Answer{
		{Match: "Clerk secret key", Value: sk},
		{Match: "Publishable key", Value: other},
		{Match: "Publishable key", Value: live},
		{Match: "Publishable key", Value: pk()},
	}, providerAnswers...)...)
	h.runAllPrompts(t)
	errOut := h.stderr()
	for _, want := range []string{
		"the secret key belongs to https://" + host + " but the publishable key (the prompt) to https://other-dog-3.clerk.accounts.dev",
		"the publishable key (the prompt) is a live key but the secret key (the prompt) is a test key",
		"paste it again",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}

func TestKeysNonInteractiveUnchanged(t *testing.T) {
	// Off a terminal nothing is asked again: a wrong-instance key is exit 2, a rejected key exit 4.
	h := newHarness(t, false)
	h.opts.SecretKey, h.opts.PublishableKey = sk, clerk.EncodePublishableKey("other-dog-3.clerk.accounts.dev", false)
	if err := runInit(context.Background(), h.opts); cmdutil.ExitCode(err) != 2 {
		t.Fatalf("wrong instance: err %v", err)
	}
	h = newHarness(t, false)
	os.WriteFile(filepath.Join(h.dir, ".env.local"), []byte("CLERK_SECRET_KEY="+revoked+"\n"), 0o600)
	h.opts.PublishableKey = pk()
	if err := runInit(context.Background(), h.opts); cmdutil.ExitCode(err) != 4 {
		t.Fatalf("rejected key: err %v", err)
	}
}

// gateClerk is a ClerkAPI whose Issuer answers only once Templates has been called: planning
// that lists the templates after the domains, one call after the other, never finishes.
type gateClerk struct {
	cmdutil.ClerkAPI
	listing chan struct{}
}

func (g *gateClerk) Issuer(ctx context.Context) (string, error) {
	select {
	case <-g.listing:
		return g.ClerkAPI.Issuer(ctx)
	case <-time.After(20 * time.Second):
		return "", errors.New("the template listing did not start while the domains were being listed")
	}
}

func (g *gateClerk) Templates(ctx context.Context) ([]*sdk.JWTTemplate, error) {
	close(g.listing)
	return g.ClerkAPI.Templates(ctx)
}

func TestDomainsAndTemplatesListedAtOnce(t *testing.T) {
	for _, tty := range []bool{false, true} {
		var answers []prompt.Answer
		if tty {
			answers = providerAnswers
		}
		h := newHarness(t, tty, answers...)
		h.opts.SecretKey, h.opts.PublishableKey = sk, pk()
		real := h.opts.Clerk
		h.opts.Clerk = func(base string, key clerk.SecretKey) (cmdutil.ClerkAPI, error) {
			c, err := real(base, key)
			return &gateClerk{ClerkAPI: c, listing: make(chan struct{})}, err
		}
		h.runAllPrompts(t)
		n := 0
		for _, r := range h.fake.Requests() {
			if r.Method == "GET" && strings.HasPrefix(r.Path, "/v1/jwt_templates") {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("tty %v: %d template listings, want 1", tty, n)
		}
	}
}
