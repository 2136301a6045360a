package clerk_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	sdk "github.com/clerk/clerk-sdk-go/v2"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/fakes/clerkapi"
	"github.com/clerkconvex/clerkconvex/internal/httpx"
)

const (
	sk   = "sk_test_CLIENTabcdefghijklmnopqrstuvwxyz01"
	host = "happy-cat-12.clerk.accounts.dev"
)

func newClient(t *testing.T, opts ...func(*clerkapi.Options)) (*clerk.Client, *clerkapi.Server) {
	t.Helper()
	o := clerkapi.Options{Instances: []clerkapi.Instance{{SecretKey: sk, FrontendAPIURL: "https://" + host, Satellites: []string{"sat.example.com"}}}}
	for _, f := range opts {
		f(&o)
	}
	fake := clerkapi.New(o)
	t.Cleanup(fake.Close)
	key, err := clerk.ParseSecretKey(sk)
	if err != nil {
		t.Fatal(err)
	}
	c, err := clerk.New(clerk.Config{BaseURL: fake.URL, SecretKey: key, HTTPClient: httpx.NewClient(httpx.Options{Timeout: 2 * time.Second, BaseDelay: time.Millisecond})})
	if err != nil {
		t.Fatal(err)
	}
	return c, fake
}

func TestIssuerIsPrimaryDomain(t *testing.T) {
	c, _ := newClient(t)
	iss, err := c.Issuer(context.Background())
	if err != nil || iss != "https://"+host {
		t.Fatalf("Issuer = %q, %v", iss, err)
	}
}

func TestTemplatesAcrossPages(t *testing.T) {
	c, fake := newClient(t)
	for i := 0; i < 230; i++ {
		if _, err := fake.AddTemplate(sk, clerkapi.Template{Name: fmt.Sprintf("t%03d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	fake.AddTemplate(sk, clerkapi.Template{Name: "convex", Claims: json.RawMessage(`{"aud":"convex"}`)})
	all, err := c.Templates(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 231 {
		t.Fatalf("got %d templates, want 231", len(all))
	}
	found, _ := clerk.FindTemplate(all, "convex")
	if found == nil {
		t.Fatal("the template on the last page was not found")
	}
	gets := 0
	for _, r := range fake.Requests() {
		if r.Method == "GET" && strings.HasPrefix(r.Path, "/v1/jwt_templates") {
			gets++
			if !strings.Contains(r.RawQuery, "paginated=true") {
				t.Errorf("list without paginated=true: %s", r.RawQuery)
			}
		}
	}
	if gets != 3 {
		t.Fatalf("%d list requests, want 3 pages of 100", gets)
	}
}

func TestEnsureTemplateCreateThenUnchanged(t *testing.T) {
	c, fake := newClient(t)
	ctx := context.Background()
	spec := clerk.TemplateSpec{Name: "convex", Audience: "convex", Claims: clerk.ProfileClaims()}
	all, _ := c.Templates(ctx)
	ex, near := clerk.FindTemplate(all, "convex")
	p, err := clerk.PlanTemplate(ex, near, spec)
	if err != nil || p.Action != clerk.Created {
		t.Fatalf("plan %v %v", p.Action, err)
	}
	tmpl, err := c.ApplyTemplate(ctx, "convex", p)
	if err != nil {
		t.Fatal(err)
	}
	if tmpl.Lifetime != 60 || tmpl.AllowedClockSkew != 5 || !strings.Contains(string(tmpl.Claims), `"aud":"convex"`) {
		t.Fatalf("created %+v claims %s", tmpl, tmpl.Claims)
	}
	all, _ = c.Templates(ctx)
	ex, near = clerk.FindTemplate(all, "convex")
	p, _ = clerk.PlanTemplate(ex, near, spec)
	if p.Action != clerk.Unchanged {
		t.Fatalf("second plan %v %v", p.Action, p.Changes)
	}
	before := fake.MutatingRequests()
	if _, err := c.ApplyTemplate(ctx, "convex", p); err != nil {
		t.Fatal(err)
	}
	if fake.MutatingRequests() != before {
		t.Fatal("an unchanged template was written")
	}
}

func TestPlanKeepsUserClaims(t *testing.T) {
	for _, tc := range []struct {
		claims  string
		action  clerk.Action
		wantAud string
	}{
		{`{"aud":"convex","x":1}`, clerk.Unchanged, `"convex"`},
		{`{"aud":["a","convex"]}`, clerk.Unchanged, `["a","convex"]`},
		{`{"aud":"other","x":1}`, clerk.Updated, `"convex"`},
		{`{"aud":["a"]}`, clerk.Updated, `["a","convex"]`},
		{`{"x":1}`, clerk.Updated, `"convex"`},
	} {
		ex := &sdk.JWTTemplate{Name: "convex", ID: "jtmp_1", Claims: json.RawMessage(tc.claims)}
		p, err := clerk.PlanTemplate(ex, nil, clerk.TemplateSpec{Name: "convex", Audience: "convex", Claims: clerk.ProfileClaims()})
		if err != nil || p.Action != tc.action {
			t.Fatalf("%s: %v %v", tc.claims, p.Action, err)
		}
		b, _ := json.Marshal(p.Claims["aud"])
		if string(b) != tc.wantAud {
			t.Errorf("%s: aud %s, want %s", tc.claims, b, tc.wantAud)
		}
		if strings.Contains(tc.claims, `"x"`) && p.Claims["x"] == nil {
			t.Errorf("%s: user claim x lost", tc.claims)
		}
		if _, ok := p.Claims["email"]; ok {
			t.Errorf("%s: profile claims added to an existing template", tc.claims)
		}
	}
}

func TestParseClaims(t *testing.T) {
	if m, err := clerk.ParseClaims(`{"org":"{{org.slug}}"}`); err != nil || m["org"] != "{{org.slug}}" {
		t.Fatalf("%v %v", m, err)
	}
	for in, want := range map[string]string{
		`[1]`:                 "JSON object",
		`nope`:                "JSON object",
		`{"a":1} x`:           "text after",
		`{"sub":"x"}`:         `reserved claim "sub"`,
		`{"iss":"x","v":1}`:   `"iss", "v"`,
		`{"exp":1,"ok":true}`: `"exp"`,
	} {
		if _, err := clerk.ParseClaims(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseClaims(%s) = %v, want %q", in, err, want)
		}
	}
}

func TestAPIErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		fault  clerkapi.Fault
		status int
		want   []string
	}{
		{"401", clerkapi.Fault{PathPrefix: "/v1/domains", Status: 401}, 401, []string{"HTTP 401", "trace id"}},
		{"403", clerkapi.Fault{PathPrefix: "/v1/domains", Status: 403}, 403, []string{"HTTP 403", "trace id"}},
		{"500", clerkapi.Fault{PathPrefix: "/v1/domains", Status: 500}, 500, []string{"HTTP 500", "internal_clerk_error"}},
		{"502 html", clerkapi.Fault{PathPrefix: "/v1/domains", Status: 502, Body: "<html><body><h1>502 Bad Gateway</h1></body></html>", ContentType: "text/html"}, 502, []string{"HTTP 502", "not Clerk's JSON", "502 Bad Gateway"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, fake := newClient(t)
			fake.InjectFault(tc.fault)
			_, err := c.Issuer(context.Background())
			var ae *clerk.APIError
			if !errors.As(err, &ae) || ae.Status != tc.status {
				t.Fatalf("err %v", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q lacks %q", err, w)
				}
			}
			if clerk.IsUnauthorized(err) != (tc.status == 401) {
				t.Error("IsUnauthorized wrong")
			}
			if strings.Contains(err.Error(), sk) {
				t.Fatal("error leaks the key")
			}
		})
	}
}

func TestRetriedThenOK(t *testing.T) {
	c, fake := newClient(t)
	fake.InjectFault(clerkapi.Fault{PathPrefix: "/v1/domains", Status: 429, Header: map[string]string{"Retry-After": "0"}, Times: 1})
	fake.InjectFault(clerkapi.Fault{PathPrefix: "/v1/domains", Status: 503, Times: 1})
	if _, err := c.Issuer(context.Background()); err != nil {
		t.Fatalf("not retried: %v", err)
	}
	if n := len(fake.Requests()); n != 3 {
		t.Fatalf("%d requests, want 3", n)
	}
}

func TestTimeout(t *testing.T) {
	_, fake := newClient(t)
	fake.InjectFault(clerkapi.Fault{PathPrefix: "/v1/domains", Delay: 5 * time.Second})
	key, _ := clerk.ParseSecretKey(sk)
	c, err := clerk.New(clerk.Config{BaseURL: fake.URL, SecretKey: key, HTTPClient: httpx.NewClient(httpx.Options{Timeout: 150 * time.Millisecond})})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Issuer(context.Background())
	if err == nil || !strings.Contains(err.Error(), "no answer from") {
		t.Fatalf("err %v", err)
	}
}

func TestNormalizeAPIURL(t *testing.T) {
	for in, want := range map[string]string{
		"":                         "https://api.clerk.com/v1",
		"https://api.clerk.com":    "https://api.clerk.com/v1",
		"https://api.clerk.com/":   "https://api.clerk.com/v1",
		"https://api.clerk.com/v1": "https://api.clerk.com/v1",
		"http://127.0.0.1:9999":    "http://127.0.0.1:9999/v1",
	} {
		if got, err := clerk.NormalizeAPIURL(in); err != nil || got != want {
			t.Errorf("NormalizeAPIURL(%q) = %q %v", in, got, err)
		}
	}
	for _, in := range []string{"http://api.clerk.com", "api.clerk.com", "https://x/?q=1"} {
		if _, err := clerk.NormalizeAPIURL(in); err == nil {
			t.Errorf("NormalizeAPIURL(%q) accepted", in)
		}
	}
}

func TestTransportErrorsStillUnwrap(t *testing.T) {
	key, _ := clerk.ParseSecretKey(sk)
	c, err := clerk.New(clerk.Config{BaseURL: "http://127.0.0.1:1", SecretKey: key, HTTPClient: httpx.NewClient(httpx.Options{Timeout: time.Second})})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Issuer(context.Background())
	var ne net.Error
	if !errors.As(err, &ne) || !strings.HasPrefix(err.Error(), "Clerk API: listing domains") {
		t.Fatalf("err %v (%T) does not unwrap to a net.Error", err, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Issuer(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled call: %v", err)
	}
}

func TestRedactSecretsEveryKind(t *testing.T) {
	const (
		sk     = "sk_test_abcdefghijklmnopqrstuvwxyz"
		whsec  = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
		deploy = "prod:happy-animal-123|eyJ2MiI6ImFiY2RlZjAxMjM0NTY3ODlhYmNkZWYifQ"
		prev   = "preview:my-team:my-project|eyJ2MiI6IjAxMjM0NTY3ODlhYmNkZWYwMTIzNDUifQ"
		admin  = "convex-self-hosted|01a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7"
	)
	for _, tc := range []struct{ in, secret, want string }{
		{"bad key " + sk + ".", sk, "bad key sk_test_…wxyz."},
		{"secret=" + whsec + "\n", whsec, "secret=whsec_…LaSw\n"},
		{"CONVEX_DEPLOY_KEY=" + deploy, "eyJ2MiI6ImFiY2RlZjAxMjM0NTY3ODlhYmNkZWYifQ", "CONVEX_DEPLOY_KEY=prod:happy-animal-123|…YifQ"},
		{"key " + prev + " refused", "eyJ2MiI6IjAxMjM0NTY3ODlhYmNkZWYwMTIzNDUifQ", "key preview:my-team:my-project|…UifQ refused"},
		{"admin key " + admin, "01a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7", "admin key convex-self-hosted|…e6f7"},
		{"npx convex env list | grep CLERK", "", "npx convex env list | grep CLERK"},
	} {
		got := clerk.RedactSecrets(tc.in)
		if tc.secret != "" && strings.Contains(got, tc.secret) {
			t.Errorf("RedactSecrets(%q) = %q: the secret is still there", tc.in, got)
		}
		if got != tc.want {
			t.Errorf("RedactSecrets(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
