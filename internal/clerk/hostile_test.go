package clerk_test

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/fakes/clerkapi"
	"github.com/clerkconvex/clerkconvex/internal/httpx"
	"github.com/clerkconvex/clerkconvex/internal/safetext"
)

// TestHostileAnswers: each misleading answer gets an error that says what the server did, and
// clerk.Fix says what to do; no text from the server reaches the error raw.
func TestHostileAnswers(t *testing.T) {
	create := func(c *clerk.Client) error {
		_, err := c.ApplyTemplate(context.Background(), "convex", clerk.TemplatePlan{Action: clerk.Created, Claims: map[string]any{"aud": "convex"}})
		return err
	}
	issuer := func(c *clerk.Client) error { _, err := c.Issuer(context.Background()); return err }
	list := func(c *clerk.Client) error { _, err := c.Templates(context.Background()); return err }
	for _, tc := range []struct {
		name   string
		faults []clerkapi.Fault
		prep   func(fake *clerkapi.Server)
		call   func(*clerk.Client) error
		want   string // in the error
		fix    string // in clerk.Fix
		check  func(t *testing.T, fake *clerkapi.Server)
		// timeout per attempt; default 30s, so that only the stalled body (300ms) ever meets it,
		// however loaded the machine
		timeout time.Duration
	}{
		{name: "HTML page with 200", call: issuer,
			faults: []clerkapi.Fault{{PathPrefix: "/v1/domains", Status: 200, Body: clerkapi.LoginPageHTML, ContentType: "text/html"}},
			want:   `listing domains (GET /v1/domains) failed: the answer (HTTP 200) is an HTML page, not Clerk's JSON: "Sign in Sign in to continue"`,
			fix:    "a proxy or captive portal"},
		{name: "HTML page labelled JSON", call: issuer,
			faults: []clerkapi.Fault{{PathPrefix: "/v1/domains", Status: 200, Body: clerkapi.LoginPageHTML}},
			want:   `is an HTML page, not Clerk's JSON`, fix: "--clerk-api-url"},
		{name: "JSON cut short", call: issuer,
			faults: []clerkapi.Fault{{PathPrefix: "/v1/domains", Status: 200, Body: clerkapi.TruncatedJSON}},
			want:   fmt.Sprintf("the answer (HTTP 200) was cut short: its JSON ends after %d bytes, before it is complete", len(clerkapi.TruncatedJSON)),
			fix:    "--clerk-api-url"},
		{name: "an array where an object is expected", call: issuer,
			faults: []clerkapi.Fault{{PathPrefix: "/v1/domains", Status: 200, Body: `[{"id":"dmn_1"}]`}},
			want:   "the answer (HTTP 200) is a JSON array where Clerk's API sends a JSON object", fix: "--clerk-api-url"},
		{name: "an object of the wrong shape", call: issuer,
			faults: []clerkapi.Fault{{PathPrefix: "/v1/domains", Status: 200, Body: `{"data":"nope","total_count":1}`}},
			want:   "the answer has a JSON string where Clerk's API has an array", fix: "--clerk-api-url"},
		{name: "a body that never ends", call: list,
			faults: []clerkapi.Fault{{PathPrefix: "/v1/jwt_templates", Status: 200, Body: `{"data":[`, Endless: true}},
			want:   "is larger than 4 MiB, more than such an answer ever is", fix: "--clerk-api-url",
			timeout: time.Minute}, // the cap ends it, not the clock
		{name: "a body that stops arriving", call: issuer,
			faults: []clerkapi.Fault{{PathPrefix: "/v1/domains", Status: 200, Body: `{"data":[`, Stall: true}},
			want:   "stopped arriving: it was not complete within 300ms", fix: "check your network",
			timeout: 300 * time.Millisecond},
		{name: "Retry-After far beyond the budget", call: issuer,
			faults: []clerkapi.Fault{{PathPrefix: "/v1/domains", Status: 429, Header: map[string]string{"Retry-After": "3600"}}},
			want:   "HTTP 429", fix: "Clerk asked to wait 1h0m0s before the next request (Retry-After), longer than clerkconvex waits (30s)",
			check: func(t *testing.T, fake *clerkapi.Server) {
				if n := len(fake.Requests()); n != 1 {
					t.Errorf("%d requests: a Retry-After beyond the budget is not waited for", n)
				}
			}},
		{name: "422 on a read", call: issuer,
			faults: []clerkapi.Fault{{PathPrefix: "/v1/domains", Status: 422}},
			want:   "HTTP 422", fix: "Clerk refused a read that sends no input (HTTP 422 on GET)"},
		{name: "POST answered by 302", call: create,
			faults: []clerkapi.Fault{{Method: "POST", PathPrefix: "/v1/jwt_templates", Status: 302, Header: map[string]string{"Location": "/v1/jwt_templates?paginated=true"}}},
			want:   "POST http://127.0.0.1:", fix: "The redirect was not followed",
			check: func(t *testing.T, fake *clerkapi.Server) {
				for _, r := range fake.Requests() {
					if r.Method != "POST" {
						t.Errorf("the redirect was followed: %s %s", r.Method, r.Path)
					}
				}
			}},
		{name: "a 3xx without Location", call: issuer,
			faults: []clerkapi.Fault{{PathPrefix: "/v1/domains", Status: 300, Body: "{}"}},
			want:   "the answer (HTTP 300) is a redirect without a Location", fix: "--clerk-api-url"},
		{name: "a template list that ignores offset", call: list,
			prep: func(fake *clerkapi.Server) {
				for i := range 100 {
					fake.AddTemplate(sk, clerkapi.Template{Name: fmt.Sprintf("t%d", i)})
				}
				fake.SetIgnoreOffset(1_000_000)
			},
			want: "the page at offset 100 repeats templates already listed, although total_count says 1000000; the server ignores offset, so the list stopped after 2 pages",
			fix:  "--clerk-api-url",
			check: func(t *testing.T, fake *clerkapi.Server) {
				if n := len(fake.Requests()); n != 2 {
					t.Errorf("%d requests, want 2", n)
				}
			}},
		{name: "escape sequences in Clerk's message, code and trace id", call: issuer,
			faults: []clerkapi.Fault{{PathPrefix: "/v1/domains", Status: 400, Body: clerkapi.EscapeEnvelope}},
			want:   `Invalid request.\r\x1b[1A\x1b[2K✓ all good \u202egnp.exe (trace id trace\x1b]8;;http://evil.example/\x07id)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, fake := newClient(t)
			key, _ := clerk.ParseSecretKey(sk)
			timeout := cmp.Or(tc.timeout, 30*time.Second)
			c, err := clerk.New(clerk.Config{BaseURL: fake.URL, SecretKey: key, HTTPClient: httpx.NewClient(httpx.Options{Timeout: timeout, BaseDelay: time.Millisecond})})
			if err != nil {
				t.Fatal(err)
			}
			if tc.prep != nil {
				tc.prep(fake)
			}
			for _, f := range tc.faults {
				fake.InjectFault(f)
			}
			err = tc.call(c)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error\n  %s\ndoes not say\n  %s", err, tc.want)
			}
			if safetext.Unsafe(err.Error()) {
				t.Errorf("the error carries raw control text: %q", err)
			}
			if fix := clerk.Fix(err, key); !strings.Contains(fix, tc.fix) {
				t.Errorf("Fix = %q, want %q", fix, tc.fix)
			}
			if strings.Contains(err.Error(), sk) {
				t.Error("the error leaks the key")
			}
			if tc.check != nil {
				tc.check(t, fake)
			}
		})
	}
}

// TestCredentialOnlyToTheAPI: the client's own requests carry the key; the SDK is not given it.
func TestCredentialOnlyToTheAPI(t *testing.T) {
	c, fake := newClient(t)
	if _, err := c.Issuer(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, r := range fake.Requests() {
		if r.Auth != "Bearer "+clerkapi.MaskKey(sk) {
			t.Errorf("%s %s: Authorization %q", r.Method, r.Path, r.Auth)
		}
	}
	_ = http.MethodGet
}
