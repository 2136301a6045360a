package convex

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/clerkconvex/clerkconvex/internal/fakes/convexdeploy"
	"github.com/clerkconvex/clerkconvex/internal/httpx"
	"github.com/clerkconvex/clerkconvex/internal/run"
)

const testSecret = "eyJ2MiI6IkNBTkFSWXNlY3JldFBBUlQifQ=="

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestPlatformKeyFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    PlatformKey // secret not compared
		wantErr string
	}{
		{name: "nothing", env: nil, wantErr: ErrNoPlatformKey.Error()},
		{name: "production deploy key", env: map[string]string{"CONVEX_DEPLOY_KEY": "prod:happy-otter-123|" + testSecret},
			want: PlatformKey{Source: "CONVEX_DEPLOY_KEY", Kind: "deployment", Type: "prod", Name: "happy-otter-123", URL: "https://happy-otter-123.convex.cloud"}},
		{name: "dev deploy key from CONVEX_DEPLOYMENT_TOKEN", env: map[string]string{"CONVEX_DEPLOYMENT_TOKEN": "dev:joyful-capybara-7|" + testSecret},
			want: PlatformKey{Source: "CONVEX_DEPLOYMENT_TOKEN", Kind: "deployment", Type: "dev", Name: "joyful-capybara-7", URL: "https://joyful-capybara-7.convex.cloud"}},
		{name: "old key without a type is production", env: map[string]string{"CONVEX_DEPLOY_KEY": "happy-otter-123|" + testSecret},
			want: PlatformKey{Source: "CONVEX_DEPLOY_KEY", Kind: "deployment", Type: "prod", Name: "happy-otter-123", URL: "https://happy-otter-123.convex.cloud"}},
		{name: "regional URL of the same deployment", env: map[string]string{"CONVEX_DEPLOY_KEY": "prod:basic-whale-224|" + testSecret, "NEXT_PUBLIC_CONVEX_URL": "https://basic-whale-224.eu-west-1.convex.cloud"},
			want: PlatformKey{Source: "CONVEX_DEPLOY_KEY", Kind: "deployment", Type: "prod", Name: "basic-whale-224", URL: "https://basic-whale-224.eu-west-1.convex.cloud"}},
		{name: "a URL of another deployment or host is ignored", env: map[string]string{"CONVEX_DEPLOY_KEY": "prod:basic-whale-224|" + testSecret, "CONVEX_URL": "https://basic-whale-224.evil.example", "VITE_CONVEX_URL": "https://other-deploy-1.convex.cloud", "NEXT_PUBLIC_CONVEX_URL": "http://basic-whale-224.eu-west-1.convex.cloud"},
			want: PlatformKey{Source: "CONVEX_DEPLOY_KEY", Kind: "deployment", Type: "prod", Name: "basic-whale-224", URL: "https://basic-whale-224.convex.cloud"}},
		{name: "control plane asked when CONVEX_PROVISION_HOST is set", env: map[string]string{"CONVEX_DEPLOY_KEY": "prod:happy-otter-123|" + testSecret, "CONVEX_PROVISION_HOST": "http://127.0.0.1:8050/"},
			want: PlatformKey{Source: "CONVEX_DEPLOY_KEY", Kind: "deployment", Type: "prod", Name: "happy-otter-123", ProvisionHost: "http://127.0.0.1:8050"}},
		{name: "preview key", env: map[string]string{"CONVEX_DEPLOY_KEY": "preview:team:project|" + testSecret},
			want: PlatformKey{Source: "CONVEX_DEPLOY_KEY", Kind: "preview"}},
		{name: "project key", env: map[string]string{"CONVEX_DEPLOY_KEY": "project:team:project|" + testSecret},
			want: PlatformKey{Source: "CONVEX_DEPLOY_KEY", Kind: "project"}},
		{name: "deploy key wins over self-hosted", env: map[string]string{"CONVEX_DEPLOY_KEY": "dev:a-b-1|" + testSecret, "CONVEX_SELF_HOSTED_URL": "https://convex.example.com", "CONVEX_SELF_HOSTED_ADMIN_KEY": "x|y"},
			want: PlatformKey{Source: "CONVEX_DEPLOY_KEY", Kind: "deployment", Type: "dev", Name: "a-b-1", URL: "https://a-b-1.convex.cloud"}},
		{name: "self-hosted", env: map[string]string{"CONVEX_SELF_HOSTED_URL": "https://convex.example.com/", "CONVEX_SELF_HOSTED_ADMIN_KEY": "convex-self-hosted|" + testSecret},
			want: PlatformKey{Source: "CONVEX_SELF_HOSTED_ADMIN_KEY", Kind: "self-hosted", URL: "https://convex.example.com"}},
		{name: "self-hosted on this machine over http", env: map[string]string{"CONVEX_SELF_HOSTED_URL": "http://127.0.0.1:3210", "CONVEX_SELF_HOSTED_ADMIN_KEY": "k|" + testSecret},
			want: PlatformKey{Source: "CONVEX_SELF_HOSTED_ADMIN_KEY", Kind: "self-hosted", URL: "http://127.0.0.1:3210"}},
		{name: "self-hosted over plain http elsewhere", env: map[string]string{"CONVEX_SELF_HOSTED_URL": "http://convex.example.com", "CONVEX_SELF_HOSTED_ADMIN_KEY": "k|" + testSecret},
			wantErr: "plain http"},
		{name: "self-hosted with CONVEX_DEPLOYMENT", env: map[string]string{"CONVEX_SELF_HOSTED_URL": "https://convex.example.com", "CONVEX_SELF_HOSTED_ADMIN_KEY": "k|" + testSecret, "CONVEX_DEPLOYMENT": "dev:x"},
			wantErr: "CONVEX_DEPLOYMENT must not be set"},
		{name: "only half of self-hosted", env: map[string]string{"CONVEX_SELF_HOSTED_URL": "https://convex.example.com"}, wantErr: ErrNoPlatformKey.Error()},
		{name: "not a key", env: map[string]string{"CONVEX_DEPLOY_KEY": testSecret}, wantErr: "not a Convex deploy key"},
		{name: "bad name", env: map[string]string{"CONVEX_DEPLOY_KEY": "prod:Bad_Name.evil.example/x|" + testSecret}, wantErr: "names no deployment"},
		{name: "placeholder", env: map[string]string{"CONVEX_DEPLOY_KEY": "<missing_deploy_key:set it in Vercel>"}, wantErr: "placeholder"},
		{name: "ignored", env: map[string]string{"CONVEX_DEPLOY_KEY": "<ignore_deploy_key>"}, wantErr: ErrNoPlatformKey.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := PlatformKeyFromEnv(envOf(tt.env))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "CANARY") || strings.Contains(err.Error(), testSecret) {
					t.Errorf("the error shows the secret: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got.secret = ""
			if got != tt.want {
				t.Errorf("got  %#v\nwant %#v", got, tt.want)
			}
			for _, s := range []string{fmt.Sprint(got), fmt.Sprintf("%v %+v %#v", got, got, got)} {
				if strings.Contains(s, testSecret) {
					t.Errorf("formatted key shows the secret: %s", s)
				}
			}
		})
	}
}

func TestChooseEnv(t *testing.T) {
	prodKey := map[string]string{"CONVEX_DEPLOY_KEY": "prod:happy-otter-123|" + testSecret}
	devKey := map[string]string{"CONVEX_DEPLOY_KEY": "dev:happy-otter-123|" + testSecret}
	selfHosted := map[string]string{"CONVEX_SELF_HOSTED_URL": "https://c.example.com", "CONVEX_SELF_HOSTED_ADMIN_KEY": "k|" + testSecret}
	preview := map[string]string{"CONVEX_DEPLOY_KEY": "preview:t:p|" + testSecret}
	tests := []struct {
		name    string
		via     string
		env     map[string]string
		dep     Deployment
		want    string // npx or api
		wantErr string
	}{
		{name: "no key: npx", env: nil, want: ViaNpx},
		{name: "no key, --via api", via: ViaAPI, env: nil, wantErr: "no CONVEX_DEPLOY_KEY"},
		{name: "deploy key: api", env: prodKey, want: ViaAPI},
		{name: "deploy key, --via npx", via: ViaNpx, env: prodKey, want: ViaNpx},
		{name: "self-hosted: api", via: ViaAuto, env: selfHosted, want: ViaAPI},
		{name: "--prod with a production key: api", env: prodKey, dep: Deployment{Prod: true}, want: ViaAPI},
		{name: "--prod with a dev key: refused (the CLI would ignore --prod)", env: devKey, dep: Deployment{Prod: true}, wantErr: "--prod: CONVEX_DEPLOY_KEY holds the deploy key of the dev deployment happy-otter-123, which the Convex CLI would use instead"},
		{name: "--prod with a dev key, --via npx: refused", via: ViaNpx, env: devKey, dep: Deployment{Prod: true}, wantErr: "it ignores --prod while a deploy key is set"},
		{name: "--prod with a preview key: npx decides", env: preview, dep: Deployment{Prod: true}, want: ViaNpx},
		{name: "--prod with a dev key, --via api", via: ViaAPI, env: devKey, dep: Deployment{Prod: true}, wantErr: "--prod asks for the production deployment"},
		{name: "--prod self-hosted, --via api", via: ViaAPI, env: selfHosted, dep: Deployment{Prod: true}, wantErr: "not for a self-hosted deployment"},
		{name: "--deployment: npx", env: nil, dep: Deployment{Ref: "dev/james"}, want: ViaNpx},
		{name: "--deployment with a deploy key: refused", env: prodKey, dep: Deployment{Ref: "dev/james"}, wantErr: "--deployment dev/james: CONVEX_DEPLOY_KEY holds the deploy key of the prod deployment happy-otter-123, and the Convex CLI refuses --deployment"},
		{name: "--deployment with a deploy key, --via npx: refused", via: ViaNpx, env: devKey, dep: Deployment{Ref: "staging"}, wantErr: "unset CONVEX_DEPLOY_KEY to use your Convex login"},
		{name: "--deployment with a preview key: npx", env: preview, dep: Deployment{Ref: "staging"}, want: ViaNpx},
		{name: "--deployment, --via api", via: ViaAPI, env: prodKey, dep: Deployment{Ref: "dev/james"}, wantErr: "--deployment dev/james needs the Convex CLI"},
		{name: "preview key: npx", env: preview, want: ViaNpx},
		{name: "preview key, --via api", via: ViaAPI, env: preview, wantErr: "preview deploy key"},
		{name: "unknown via", via: "ssh", wantErr: `--via "ssh"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ChooseEnv(EnvChoice{Via: tt.via, Getenv: envOf(tt.env), Dir: ".", Deployment: tt.dep})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), testSecret) {
					t.Errorf("the error shows the key: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Via() != tt.want {
				t.Errorf("chose %s, want %s", c.Via(), tt.want)
			}
		})
	}
}

// newTestPlatform is the API client for the fake deployment d as a self-hosted backend, with
// quick retries.
func newTestPlatform(t *testing.T, url, key string) *PlatformEnv {
	t.Helper()
	k, err := PlatformKeyFromEnv(envOf(map[string]string{"CONVEX_SELF_HOSTED_URL": url, "CONVEX_SELF_HOSTED_ADMIN_KEY": key}))
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPlatformEnv(k, httpx.NewClient(httpx.Options{Timeout: 2 * time.Second, BaseDelay: time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPlatformEnvAgainstFake(t *testing.T) {
	ctx := context.Background()
	d := convexdeploy.New(convexdeploy.Options{Env: map[string]string{"A": "1"}})
	defer d.Close()
	p := newTestPlatform(t, d.URL, d.AdminKey)
	if _, err := p.Set(ctx, "CLERK_JWT_ISSUER_DOMAIN", "https://x.clerk.accounts.dev"); err != nil {
		t.Fatal(err)
	}
	if _, err := p.SetSecret(ctx, "CLERK_WEBHOOK_SECRET", "whsec_"+testSecret); err != nil {
		t.Fatal(err)
	}
	vars, err := p.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(vars) != 3 || vars["A"] != "1" || vars["CLERK_WEBHOOK_SECRET"] != "whsec_"+testSecret {
		t.Errorf("List = %q", vars)
	}
	if v, ok, err := p.Get(ctx, "A"); err != nil || !ok || v != "1" {
		t.Errorf("Get(A) = %q, %v, %v", v, ok, err)
	}
	if _, ok, err := p.Get(ctx, "MISSING"); err != nil || ok {
		t.Errorf("Get(MISSING) found %v, %v", ok, err)
	}
	if _, err := p.Set(ctx, "1BAD", "x"); err == nil {
		t.Error("Set accepted an invalid name")
	}
	for _, r := range d.Requests() {
		if got := r.Header.Get("Authorization"); got != "Convex "+d.AdminKey {
			t.Errorf("%s %s: Authorization %q", r.Method, r.Path, got)
		}
	}
}

// recordClock is an httpx.Clock whose Sleep only records how long it was asked to wait.
type recordClock struct{ slept []time.Duration }

func (c *recordClock) Now() time.Time { return time.Now() }
func (c *recordClock) Sleep(ctx context.Context, d time.Duration) error {
	c.slept = append(c.slept, d)
	return ctx.Err()
}

// 429 with Retry-After is retried, waiting what the header says, then the call succeeds.
func TestPlatformEnvRetriesThrottling(t *testing.T) {
	d := convexdeploy.New(convexdeploy.Options{})
	defer d.Close()
	d.Throttle(2, "3")
	k, err := PlatformKeyFromEnv(envOf(map[string]string{"CONVEX_SELF_HOSTED_URL": d.URL, "CONVEX_SELF_HOSTED_ADMIN_KEY": d.AdminKey}))
	if err != nil {
		t.Fatal(err)
	}
	clock := &recordClock{}
	p, err := NewPlatformEnv(k, httpx.NewClient(httpx.Options{Clock: clock, BaseDelay: time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Set(context.Background(), "A", "b"); err != nil {
		t.Fatal(err)
	}
	if len(clock.slept) != 2 || clock.slept[0] != 3*time.Second || clock.slept[1] != 3*time.Second {
		t.Errorf("waits %v, want the Retry-After of 3s twice", clock.slept)
	}
	if d.Env()["A"] != "b" {
		t.Errorf("A = %q", d.Env()["A"])
	}
	if n := len(d.Requests()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
}

// Failures are one line that says what to do and never holds the key, even when the server
// echoes it.
func TestPlatformEnvErrors(t *testing.T) {
	key := "prod:happy-otter-123|" + testSecret
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    []string
	}{
		{"refused key", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprintf(w, `{"code":"BadDeployKey","message":"The provided deploy key %s was invalid"}`, r.Header.Get("Authorization"))
		}, []string{"HTTP 403 BadDeployKey", "the backend refused CONVEX_SELF_HOSTED_ADMIN_KEY", "generate a new admin key"}},
		{"server error, HTML body", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprint(w, "<html>\x1b[31moops "+testSecret+"</html>")
		}, []string{"HTTP 500", "run the command again in a minute"}},
		{"no Platform API", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusNotFound)
		}, []string{"HTTP 404", "--via npx"}},
		{"not JSON", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, "environmentVariables")
		}, []string{"not the JSON expected"}},
		{"huge answer", func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(`{"environmentVariables":{"A":"`))
			w.Write([]byte(strings.Repeat("x", 3<<20)))
		}, []string{"larger than"}},
		{"redirect to another host", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://127.0.0.2:1/steal", http.StatusFound)
		}, []string{"redirect"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hits []string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits = append(hits, r.Host+r.URL.Path)
				tt.handler(w, r)
			}))
			defer srv.Close()
			p := newTestPlatform(t, srv.URL, key)
			_, err := p.List(context.Background())
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not contain %q", msg, w)
				}
			}
			if strings.Contains(msg, testSecret) || strings.Contains(msg, "\x1b") || strings.Contains(msg, "\n") {
				t.Errorf("error shows the key, an escape or a newline: %q", msg)
			}
			var pe *PlatformError
			if !errors.As(err, &pe) && tt.name != "redirect to another host" {
				t.Errorf("%T is not a *PlatformError", err)
			}
			for _, h := range hits {
				if strings.Contains(h, "steal") {
					t.Error("the redirect was followed")
				}
			}
		})
	}
}

// A cancelled context stops the call; the deadline of the caller is the limit.
func TestPlatformEnvContext(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	defer srv.Close()
	p := newTestPlatform(t, srv.URL, "k|"+testSecret)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := p.List(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the deadline", err)
	}
}

// The key goes only to the deployment's origin: a URL from the control plane on plain http
// off this machine is refused before the key is sent there.
func TestPlatformEnvControlPlaneURLChecked(t *testing.T) {
	cp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `"http://deployment.example.com"`)
	}))
	defer cp.Close()
	k, err := PlatformKeyFromEnv(envOf(map[string]string{"CONVEX_DEPLOY_KEY": "prod:happy-otter-123|" + testSecret, "CONVEX_PROVISION_HOST": cp.URL}))
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPlatformEnv(k, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Set(context.Background(), "A", "b")
	if err == nil || !strings.Contains(err.Error(), "plain http") {
		t.Errorf("err = %v, want the plain-http URL refused", err)
	}
}

// NpxEnv is the CLI path: Set passes the value as an argument, SetSecret on stdin.
func TestNpxEnvSecretOnStdin(t *testing.T) {
	f := &fakeRunner{res: run.Result{Stderr: []byte("✔ Successfully set S\n")}}
	n := NpxEnv{Runner: f, Dir: ".", Deployment: Deployment{Prod: true}}
	if _, err := n.SetSecret(context.Background(), "S", "whsec_"+testSecret); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(f.calls[0].Args, " "); got != "convex env set S --prod" || f.stdin[0] != "whsec_"+testSecret {
		t.Errorf("args %q stdin %q", got, f.stdin)
	}
}
