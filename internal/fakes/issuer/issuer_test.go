package issuer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// One key for the whole test binary keeps the tests fast.
var sharedKey = sync.OnceValue(mustRSAKey)

func start(t *testing.T, opts Options) *Issuer {
	t.Helper()
	if opts.Key == nil {
		opts.Key = sharedKey()
	}
	i := New(opts)
	t.Cleanup(i.Close)
	return i
}

func getJSON(t *testing.T, c *http.Client, url string, v any) int {
	t.Helper()
	res, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	if res.StatusCode == http.StatusOK {
		if ct := res.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("GET %s: Content-Type %q", url, ct)
		}
		if err := json.NewDecoder(res.Body).Decode(v); err != nil {
			t.Fatalf("GET %s: decode: %v", url, err)
		}
	}
	return res.StatusCode
}

// verify checks a token the way Convex does: discovery issuer must equal the
// token's iss, the signature must verify with the JWKS key named by kid
// (RS256), and aud must contain audience; exp/nbf are checked with no leeway.
func verify(c *http.Client, issuerURL, token, audience string) error {
	tok, err := jwt.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		return fmt.Errorf("parse: %w", err)
	}
	var disc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := fetch(c, strings.TrimSuffix(issuerURL, "/")+DiscoveryPath, &disc); err != nil {
		return err
	}
	if disc.Issuer != issuerURL {
		return fmt.Errorf("discovery issuer %q != %q", disc.Issuer, issuerURL)
	}
	var set jose.JSONWebKeySet
	if err := fetch(c, disc.JWKSURI, &set); err != nil {
		return err
	}
	keys := set.Key(tok.Headers[0].KeyID)
	if len(keys) == 0 {
		return errors.New("no key with the token's kid")
	}
	var claims jwt.Claims
	if err := tok.Claims(keys[0].Key, &claims); err != nil {
		return fmt.Errorf("signature: %w", err)
	}
	return claims.ValidateWithLeeway(jwt.Expected{Issuer: issuerURL, AnyAudience: jwt.Audience{audience}, Time: time.Now()}, 0)
}

func fetch(c *http.Client, url string, v any) error {
	res, err := c.Get(url)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, res.Status)
	}
	return json.NewDecoder(res.Body).Decode(v)
}

func TestDiscovery(t *testing.T) {
	tests := []struct {
		name       string
		opts       Options
		wantIssuer func(*Issuer) string
	}{
		{"own URL", Options{}, func(i *Issuer) string { return i.URL }},
		{"override", Options{Issuer: "https://other.clerk.accounts.dev"}, func(*Issuer) string { return "https://other.clerk.accounts.dev" }},
		{"tls", Options{TLS: true}, func(i *Issuer) string { return i.URL }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			i := start(t, tt.opts)
			var doc map[string]any
			if st := getJSON(t, i.Client(), i.URL+DiscoveryPath, &doc); st != 200 {
				t.Fatalf("status %d", st)
			}
			if doc["issuer"] != tt.wantIssuer(i) || doc["jwks_uri"] != i.URL+JWKSPath || i.JWKSURL() != i.URL+JWKSPath {
				t.Errorf("doc = %v", doc)
			}
			if strings.HasSuffix(i.URL, "/") || (tt.opts.TLS != strings.HasPrefix(i.URL, "https://")) {
				t.Errorf("URL = %q", i.URL)
			}
		})
	}
}

func TestJWKS(t *testing.T) {
	t.Run("rsa", func(t *testing.T) {
		i := New(Options{}) // generates its own key
		defer i.Close()
		var set jose.JSONWebKeySet
		if st := getJSON(t, i.Client(), i.JWKSURL(), &set); st != 200 {
			t.Fatalf("status %d", st)
		}
		if len(set.Keys) != 1 {
			t.Fatalf("%d keys", len(set.Keys))
		}
		k := set.Keys[0]
		if k.KeyID != i.KeyID || k.KeyID == "" || k.Algorithm != "RS256" || k.Use != "sig" || !k.IsPublic() {
			t.Errorf("key = %+v", k)
		}
		if !i.PublicKey().Equal(k.Key) || i.PublicKey().N.BitLen() != 2048 {
			t.Errorf("published key is not the 2048-bit signing key")
		}
	})
	t.Run("no rs256", func(t *testing.T) {
		i := start(t, Options{NoRS256Key: true})
		var set jose.JSONWebKeySet
		getJSON(t, i.Client(), i.JWKSURL(), &set)
		if len(set.Keys) != 1 || set.Keys[0].Algorithm != "ES256" || set.Keys[0].KeyID == i.KeyID {
			t.Fatalf("keys = %+v", set.Keys)
		}
		if err := verify(i.Client(), i.URL, i.Sign(i.Claims("convex", time.Minute)), "convex"); err == nil {
			t.Fatal("token verified although no RS256 key is published")
		}
	})
}

func TestTokens(t *testing.T) {
	i := start(t, Options{})
	good := func() map[string]any { return i.Claims("convex", time.Minute) }
	tests := []struct {
		name    string
		token   func() string
		wantErr string
	}{
		{"good", func() string { return i.Sign(good()) }, ""},
		{"aud array", func() string { c := good(); c["aud"] = []string{"x", "convex"}; return i.Sign(c) }, ""},
		{"expired", func() string { c := good(); c["exp"] = time.Now().Add(-time.Minute).Unix(); return i.Sign(c) }, "expired"},
		{"not yet valid", func() string { c := good(); c["nbf"] = time.Now().Add(time.Hour).Unix(); return i.Sign(c) }, "not valid yet"},
		{"wrong iss", func() string { c := good(); c["iss"] = "https://evil.example"; return i.Sign(c) }, "issuer"},
		{"wrong aud", func() string { c := good(); c["aud"] = "other"; return i.Sign(c) }, "audience"},
		{"other key", func() string { return i.SignWithOtherKey(good()) }, "signature"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := tt.token()
			h, err := jwt.ParseSigned(tok, []jose.SignatureAlgorithm{jose.RS256})
			if err != nil {
				t.Fatal(err)
			}
			if h.Headers[0].KeyID != i.KeyID || h.Headers[0].ExtraHeaders["typ"] != "JWT" || h.Headers[0].Algorithm != "RS256" {
				t.Errorf("header = %+v", h.Headers[0])
			}
			err = verify(i.Client(), i.URL, tok, "convex")
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("verify: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("verify err = %v, want it to mention %q", err, tt.wantErr)
			}
		})
	}
	// The other key is stable: two tokens from it share a signing key.
	a, b := i.SignWithOtherKey(good()), i.SignWithOtherKey(good())
	ta, _ := jwt.ParseSigned(a, []jose.SignatureAlgorithm{jose.RS256})
	tb, _ := jwt.ParseSigned(b, []jose.SignatureAlgorithm{jose.RS256})
	var out map[string]any
	if err := tb.Claims(i.otherKey.Public(), &out); err != nil || ta.Claims(i.otherKey.Public(), &out) != nil {
		t.Fatal("SignWithOtherKey used different keys")
	}
}

func TestIssuerOverrideFailsVerification(t *testing.T) {
	i := start(t, Options{Issuer: "https://someone-else.example"})
	err := verify(i.Client(), i.URL, i.Sign(i.Claims("convex", time.Minute)), "convex")
	if err == nil || !strings.Contains(err.Error(), "discovery issuer") {
		t.Fatalf("err = %v", err)
	}
}

func TestDiscoveryStatusAndUnknownPaths(t *testing.T) {
	i := start(t, Options{DiscoveryStatus: http.StatusNotFound})
	var v any
	if st := getJSON(t, i.Client(), i.URL+DiscoveryPath, &v); st != 404 {
		t.Fatalf("discovery status %d", st)
	}
	if st := getJSON(t, i.Client(), i.JWKSURL(), &v); st != 200 {
		t.Fatalf("jwks status %d", st)
	}
	if st := getJSON(t, i.Client(), i.URL+"/v1/client", &v); st != 404 {
		t.Fatalf("unknown path status %d", st)
	}
	res, err := i.Client().Post(i.JWKSURL(), "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("POST status %d", res.StatusCode)
	}
	want := []string{"GET " + DiscoveryPath, "GET " + JWKSPath, "GET /v1/client", "POST " + JWKSPath}
	if got := i.Requests(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("Requests = %v", got)
	}
}

func TestLatency(t *testing.T) {
	i := start(t, Options{Latency: 80 * time.Millisecond})
	startT := time.Now()
	var v any
	getJSON(t, i.Client(), i.JWKSURL(), &v)
	if d := time.Since(startT); d < 80*time.Millisecond {
		t.Fatalf("latency not applied: %v", d)
	}
	// A client with a shorter timeout gives up.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", i.JWKSURL(), nil)
	if _, err := i.Client().Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want deadline exceeded", err)
	}
}

func TestCloseEndsPendingDelays(t *testing.T) {
	i := New(Options{Key: sharedKey(), Latency: time.Hour})
	go func() {
		if res, err := http.Get(i.JWKSURL()); err == nil {
			res.Body.Close()
		}
	}()
	deadline := time.Now().Add(10 * time.Second)
	for len(i.Requests()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("request never arrived")
		}
		time.Sleep(5 * time.Millisecond)
	}
	done := make(chan struct{})
	go func() { i.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Close hung on a pending delay")
	}
}
