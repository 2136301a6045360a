package oidc

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/clerkconvex/clerkconvex/internal/fakes/issuer"
)

func fetchSet(t *testing.T, iss *issuer.Issuer) *jose.JSONWebKeySet {
	t.Helper()
	d, err := FetchDiscovery(context.Background(), iss.Client(), iss.URL)
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckDiscovery(d, iss.URL); err != nil {
		t.Fatal(err)
	}
	set, err := FetchJWKS(context.Background(), iss.Client(), d.JWKSURI)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func hmacToken(t *testing.T, alg jose.SignatureAlgorithm, secret []byte, claims map[string]any, kid string) string {
	t.Helper()
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: jose.JSONWebKey{Key: secret, KeyID: kid}}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(claims)
	obj, err := s.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	out, err := obj.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func unsigned(claims map[string]any) string {
	h := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
	p, _ := json.Marshal(claims)
	return h + "." + base64.RawURLEncoding.EncodeToString(p) + "."
}

func TestVerify(t *testing.T) {
	iss := issuer.New(issuer.Options{})
	defer iss.Close()
	set := fetchSet(t, iss)
	want := Expected{Issuer: iss.URL, ApplicationID: "convex"}
	good := func() map[string]any { return iss.Claims("convex", time.Minute) }
	with := func(k string, v any) map[string]any {
		c := good()
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return c
	}
	pubDER, err := x509.MarshalPKIXPublicKey(iss.PublicKey())
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name  string
		token string
		want  Expected
		errs  []string // substrings, each must appear; nil means valid
	}{
		{name: "good", token: iss.Sign(good())},
		{name: "good with bearer prefix and slash on domain", token: "Bearer " + iss.Sign(good()) + "\n", want: Expected{Issuer: iss.URL + "/", ApplicationID: "convex"}},
		{name: "aud array containing the id", token: iss.Sign(with("aud", []string{"other", "convex"}))},
		{name: "wrong iss", token: iss.Sign(with("iss", "https://evil.example.com")), errs: []string{`iss is "https://evil.example.com"`, "No auth provider found"}},
		{name: "no iss", token: iss.Sign(with("iss", nil)), errs: []string{"no iss claim"}},
		{name: "wrong aud", token: iss.Sign(with("aud", "my-app")), errs: []string{`aud is "my-app"`, `applicationID is "convex"`}},
		{name: "no aud", token: iss.Sign(with("aud", nil)), errs: []string{"no aud claim", "plain session token"}},
		{name: "expired", token: iss.Sign(with("exp", time.Now().Add(-10*time.Minute).Unix())), errs: []string{"expired at", "10m0s ago"}},
		{name: "no exp", token: iss.Sign(with("exp", nil)), errs: []string{"no exp claim"}},
		{name: "not yet valid", token: iss.Sign(with("nbf", time.Now().Add(time.Hour).Unix())), errs: []string{"not valid before"}},
		{name: "wrong key", token: iss.SignWithOtherKey(good()), errs: []string{"does not verify with the issuer's key"}},
		{name: "HS256 with another secret", token: hmacToken(t, jose.HS256, []byte("0123456789abcdef0123456789abcdef"), good(), "k1"), errs: []string{"alg HS256"}},
		{name: "alg none", token: unsigned(good()), errs: []string{`not signed (alg "none")`}},
		{name: "HS256 with the public key as secret", token: hmacToken(t, jose.HS256, pubDER, good(), iss.KeyID), errs: []string{"shared secret (alg HS256)"}},
		{name: "several problems at once", token: iss.SignWithOtherKey(with("aud", "x")), want: Expected{Issuer: "https://other.example", ApplicationID: "convex"},
			errs: []string{"does not verify", "iss is", `aud is "x"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := want
			if tc.want.Issuer != "" {
				w = tc.want
			}
			_, err := Verify(tc.token, set, w)
			if tc.errs == nil {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("Verify accepted the token")
			}
			for _, s := range tc.errs {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not contain %q", err, s)
				}
			}
		})
	}
}

// The signature check refuses other algorithms even when asked directly, and a key set with
// the right kid but another key type.
func TestVerifySignatureRefusesAlgorithms(t *testing.T) {
	iss := issuer.New(issuer.Options{})
	defer iss.Close()
	set := fetchSet(t, iss)
	pubDER, _ := x509.MarshalPKIXPublicKey(iss.PublicKey())
	for name, raw := range map[string]string{
		"none":  unsigned(iss.Claims("convex", time.Minute)),
		"HS256": hmacToken(t, jose.HS256, pubDER, iss.Claims("convex", time.Minute), iss.KeyID),
		"HS512": hmacToken(t, jose.HS512, append(pubDER, pubDER...), iss.Claims("convex", time.Minute), iss.KeyID),
	} {
		tok, err := ParseToken(raw)
		if err != nil {
			t.Fatalf("%s: ParseToken: %v", name, err)
		}
		// Even if the header lied about the algorithm, go-jose is only allowed RS256.
		tok.Alg = "RS256"
		if err := tok.VerifySignature(set); err == nil {
			t.Errorf("%s: VerifySignature accepted the token", name)
		}
	}
	// The token names a kid the set does not have.
	tok, _ := ParseToken(iss.Sign(iss.Claims("convex", time.Minute)))
	tok.KeyID = "ins_unknown"
	if err := tok.VerifySignature(set); err == nil || !strings.Contains(err.Error(), `no RS256 key with kid "ins_unknown"`) {
		t.Errorf("unknown kid: %v", err)
	}
	// No kid: every RS256 key is tried.
	tok.KeyID = ""
	if err := tok.VerifySignature(set); err != nil {
		t.Errorf("no kid: %v", err)
	}
	// A set without RS256 keys.
	es := issuer.New(issuer.Options{NoRS256Key: true})
	defer es.Close()
	esSet := fetchSet(t, es)
	if got := RS256Keys(esSet); len(got) != 0 {
		t.Errorf("RS256Keys of an ES256-only set = %d keys", len(got))
	}
	if err := tok.VerifySignature(esSet); err == nil {
		t.Error("verified against a set without RS256 keys")
	}
}

func TestParseToken(t *testing.T) {
	for in, want := range map[string]string{
		"":                 "empty",
		"abc":              "1 part(s)",
		"a.b.c.d.e":        "encrypted token (JWE)",
		"!!!.e30.x":        "header is not base64url",
		"e30.bm90IGpzb24.": "payload is not the JSON",
	} {
		_, err := ParseToken(in)
		if !errors.Is(err, ErrNotJWT) || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseToken(%q) = %v, want %q", in, err, want)
		}
	}
}

func TestDiscovery(t *testing.T) {
	ctx := context.Background()
	t.Run("issuer mismatch", func(t *testing.T) {
		iss := issuer.New(issuer.Options{Issuer: "https://someone-else.example"})
		defer iss.Close()
		d, err := FetchDiscovery(ctx, iss.Client(), iss.URL)
		if err != nil {
			t.Fatal(err)
		}
		err = CheckDiscovery(d, iss.URL)
		if err == nil || !strings.Contains(err.Error(), `announces issuer "https://someone-else.example"`) {
			t.Fatalf("CheckDiscovery = %v", err)
		}
	})
	t.Run("trailing slash is a mismatch", func(t *testing.T) {
		iss := issuer.New(issuer.Options{})
		defer iss.Close()
		d, err := FetchDiscovery(ctx, iss.Client(), iss.URL+"/")
		if err != nil {
			t.Fatal(err)
		}
		if err := CheckDiscovery(d, iss.URL+"/"); err == nil {
			t.Fatal("issuer with a trailing slash matched the document's issuer")
		}
	})
	t.Run("404", func(t *testing.T) {
		iss := issuer.New(issuer.Options{DiscoveryStatus: 404})
		defer iss.Close()
		_, err := FetchDiscovery(ctx, iss.Client(), iss.URL)
		var he *HTTPError
		if !errors.As(err, &he) || he.Status != 404 {
			t.Fatalf("FetchDiscovery = %v", err)
		}
	})
	t.Run("html and bad json", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == DiscoveryPath {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				w.Write([]byte("<html>hello</html>"))
				return
			}
			w.Write([]byte("[1,2]"))
		}))
		defer srv.Close()
		if _, err := FetchDiscovery(ctx, srv.Client(), srv.URL); err == nil || !strings.Contains(err.Error(), "HTML page") {
			t.Errorf("html: %v", err)
		}
		if _, err := FetchJWKS(ctx, srv.Client(), srv.URL+JWKSPath); err == nil || !strings.Contains(err.Error(), "not a JSON Web Key Set") {
			t.Errorf("jwks: %v", err)
		}
	})
	t.Run("bad jwks_uri", func(t *testing.T) {
		for uri, want := range map[string]string{
			"":                             "no \"jwks_uri\"",
			"ftp://x/jwks":                 "not an http(s) URL",
			"http://clerk.example.com/jwk": "plain http",
		} {
			err := CheckDiscovery(&Discovery{Issuer: "https://i.example", JWKSURI: uri}, "https://i.example")
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("jwks_uri %q: %v, want %q", uri, err, want)
			}
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		iss := issuer.New(issuer.Options{Latency: time.Minute})
		defer iss.Close()
		c, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
		defer cancel()
		if _, err := FetchDiscovery(c, iss.Client(), iss.URL); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("FetchDiscovery = %v, want a deadline error", err)
		}
	})
}
