package initcmd

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clerkconvex/clerkconvex/internal/fakes/clerkapi"
	"github.com/clerkconvex/clerkconvex/internal/prompt"
)

func TestRerunAsksNoProviderQuestions(t *testing.T) {
	h := newInteractive(t, providerAnswers...)
	h.runAllPrompts(t)

	// The keys are in .env.local now; auth.config and the template agree: nothing to ask.
	h.stub = prompt.NewStub()
	h.opts.IO.ErrOut.(interface{ Reset() }).Reset()
	h.runAllPrompts(t)
	if len(h.stub.Asked) != 0 {
		t.Fatalf("asked %v", h.stub.Asked)
	}
	if want := `Providers kept from convex/auth.config.ts: Clerk ("convex") (init --reconfigure asks again)`; !strings.Contains(h.stderr(), want) {
		t.Fatalf("stderr lacks %q:\n%s", want, h.stderr())
	}

	// --reconfigure asks again.
	h.stub = prompt.NewStub(providerAnswers...)
	h.opts.Reconfigure = true
	h.runAllPrompts(t)
}

func TestRerunAsksWhenTheTemplateDisagrees(t *testing.T) {
	h := newInteractive(t, providerAnswers...)
	h.runAllPrompts(t)
	// Someone changed auth.config's applicationID: the questions come back.
	writeAuthConfig(t, h.dir, "web")
	h.stub = prompt.NewStub(
		prompt.Answer{Match: "Domain URL"},
		prompt.Answer{Match: promptWhichApp, Value: `"web", auth.config's`},
		prompt.Answer{Match: "add another provider"},
	)
	h.runAllPrompts(t)
	if tm := h.fake.Templates(sk)[0]; !strings.Contains(string(tm.Claims), `"web"`) {
		t.Fatalf("template claims %s", tm.Claims)
	}
}

// writeAuthConfig writes a convex/auth.config.ts with Clerk's provider under app.
func writeAuthConfig(t *testing.T, dir, app string) {
	t.Helper()
	writeAuthConfigDomain(t, dir, "process.env.CLERK_JWT_ISSUER_DOMAIN!", app)
}

// writeAuthConfigDomain writes a convex/auth.config.ts with one provider: domain (source text)
// and app.
func writeAuthConfigDomain(t *testing.T, dir, domain, app string) {
	t.Helper()
	os.MkdirAll(filepath.Join(dir, "convex"), 0o755)
	src := "export default {\n  providers: [\n    { domain: " + domain + ", applicationID: \"" + app + "\" },\n  ],\n};\n"
	if err := os.WriteFile(filepath.Join(dir, "convex", "auth.config.ts"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestTypoInAuthConfigAsksWhichIsRight(t *testing.T) {
	for _, tc := range []struct {
		pick        string
		domain      string // the Clerk provider's domain in auth.config.ts
		wantAud     string
		wantApp     string
		wantPatches int
	}{
		// The template's aud chosen: auth.config's applicationID is rewritten to it, nothing by hand.
		{pick: `"convex", the template's`, wantAud: `"convex"`, wantApp: "convex"},
		{pick: `"convex", the template's`, domain: `"https://` + host + `"`, wantAud: `"convex"`, wantApp: "convex"},
		{pick: `"convx", auth.config's`, wantAud: `"convx"`, wantApp: "convx", wantPatches: 1},
	} {
		if tc.domain == "" {
			tc.domain = "process.env.CLERK_JWT_ISSUER_DOMAIN!"
		}
		t.Run(tc.pick+" "+tc.domain, func(t *testing.T) {
			h := newInteractive(t,
				prompt.Answer{Match: "Domain URL"},
				prompt.Answer{Match: promptWhichApp, Value: tc.pick}, // instead of the application ID question
				prompt.Answer{Match: "add another provider"},
				// no "Update JWT template" question: the answer above settled it
			)
			writeAuthConfigDomain(t, h.dir, tc.domain, "convx")
			if _, err := h.fake.AddTemplate(sk, clerkapi.Template{Name: "convex", Claims: []byte(`{"aud":"convex"}`)}); err != nil {
				t.Fatal(err)
			}
			h.runAllPrompts(t)
			errOut := h.stderr()
			for _, want := range []string{
				`convex/auth.config.ts says applicationID "convx", but JWT template "convex" has aud "convex".`,
				`ConvexProviderWithClerk asks Clerk for the template named "convex"`,
			} {
				if !strings.Contains(errOut, want) {
					t.Errorf("stderr lacks %q:\n%s", want, errOut)
				}
			}
			if got := h.fake.MutatingRequests(); got != tc.wantPatches {
				t.Errorf("%d template writes, want %d", got, tc.wantPatches)
			}
			tm := h.fake.Templates(sk)[0]
			if !strings.Contains(strings.ReplaceAll(string(tm.Claims), " ", ""), `"aud":`+tc.wantAud) {
				t.Errorf("template claims %s, want aud %s", tm.Claims, tc.wantAud)
			}
			if strings.Contains(errOut, "by hand") {
				t.Errorf("a manual auth.config edit is asked for:\n%s", errOut)
			}
			cfg, _ := os.ReadFile(filepath.Join(h.dir, "convex", "auth.config.ts"))
			want := "export default {\n  providers: [\n    { domain: " + tc.domain + ", applicationID: \"" + tc.wantApp + "\" },\n  ],\n};\n"
			if string(cfg) != want {
				t.Errorf("auth.config.ts:\n%s\nwant\n%s", cfg, want)
			}

			// A rerun: they agree now, so nothing is asked, written or sent.
			h.stub = prompt.NewStub()
			h.opts.IO.ErrOut.(interface{ Reset() }).Reset()
			before := h.fake.MutatingRequests()
			h.runAllPrompts(t)
			if len(h.stub.Asked) != 0 {
				t.Errorf("rerun asked %v", h.stub.Asked)
			}
			if again, _ := os.ReadFile(filepath.Join(h.dir, "convex", "auth.config.ts")); string(again) != string(cfg) {
				t.Errorf("rerun changed auth.config.ts:\n%s", again)
			}
			if got := h.fake.MutatingRequests(); got != before {
				t.Errorf("rerun made %d template writes", got-before)
			}
		})
	}
}

func TestBareHostForOtherProviders(t *testing.T) {
	h := newInteractive(t,
		prompt.Answer{Match: "Domain URL"},
		prompt.Answer{Match: "application/client ID"},
		prompt.Answer{Match: "add another provider", Confirm: true},
		prompt.Answer{Match: "Domain URL", Value: "example.auth0.com"},
		prompt.Answer{Match: "application/client ID", Value: "abc123"},
		prompt.Answer{Match: "add another provider"},
	)
	h.runAllPrompts(t)
	cfg, _ := os.ReadFile(filepath.Join(h.dir, "convex", "auth.config.ts"))
	if !strings.Contains(string(cfg), `domain: "https://example.auth0.com"`) {
		t.Fatalf("auth.config.ts:\n%s", cfg)
	}
	if !strings.Contains(h.stderr(), "taken as https://example.auth0.com") {
		t.Fatalf("stderr does not say what was assumed:\n%s", h.stderr())
	}

	// The same from flags; and a bad one names a non-Clerk example.
	h = newHarness(t, false)
	h.opts.SecretKey, h.opts.PublishableKey = sk, pk()
	h.opts.ProviderURLs = []string{"https://" + host, "example.auth0.com"}
	h.opts.ApplicationIDs = []string{"convex", "abc123"}
	if err := runInit(context.Background(), h.opts); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(h.stderr(), "--identity-provider-url example.auth0.com: taken as https://example.auth0.com") {
		t.Fatalf("stderr:\n%s", h.stderr())
	}
	p := &plan{issuer: "https://" + host}
	if _, _, err := p.checkExtraURL("auth example", "the Domain URL"); err == nil || !strings.Contains(err.Error(), "like https://example.auth0.com") {
		t.Fatalf("err %v", err)
	}
}
