// Package issuer is a fake Clerk Frontend API acting as an OIDC issuer, for
// tests: it serves /.well-known/openid-configuration and
// /.well-known/jwks.json, and signs tokens with its key (or with a key it does
// not publish) so tests can build good, expired, wrong-issuer, wrong-audience
// and wrong-key tokens.
package issuer

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/clerkconvex/clerkconvex/internal/fakes/delay"
	"github.com/clerkconvex/clerkconvex/internal/fakes/fakeid"
	jose "github.com/go-jose/go-jose/v4"
)

// Paths served.
const (
	DiscoveryPath = "/.well-known/openid-configuration"
	JWKSPath      = "/.well-known/jwks.json"
)

// Options configure an Issuer.
type Options struct {
	// Issuer overrides the discovery document's "issuer" (default: the
	// server's own URL), to test an issuer mismatch.
	Issuer string
	// NoRS256Key makes the JWKS hold only an ES256 (P-256) key, so no RS256
	// key is published. Sign still signs with the RSA key.
	NoRS256Key bool
	// Latency is added before every response (the wait ends early if the
	// client gives up or the server closes).
	Latency time.Duration
	// DiscoveryStatus, if non-zero, makes the discovery document answer with
	// this status and a plain-text body (e.g. 404 for "not an OIDC issuer").
	DiscoveryStatus int
	// TLS starts an HTTPS server; use Client() to trust its certificate.
	TLS bool
	// Key is the RSA signing key; nil generates a 2048-bit key.
	Key *rsa.PrivateKey
	// KeyID overrides the published key's "kid" (default "ins_…"), e.g. with
	// text a client must not print raw.
	KeyID string
	// Answers replace the answer for a path (DiscoveryPath, JWKSPath): what a
	// broken or hostile issuer, or a proxy in front of it, sends.
	Answers map[string]Answer
}

// Answer is a raw answer for Options.Answers.
type Answer struct {
	Status      int    // default 200
	ContentType string // default application/json
	Body        string
	// Endless: after Body, the body never ends (bytes keep coming until the
	// client hangs up).
	Endless bool
}

// Issuer is a running fake issuer.
type Issuer struct {
	// URL is the server root, e.g. "http://127.0.0.1:1234"; it is the issuer
	// (unless Options.Issuer says otherwise) and has no trailing slash.
	URL string
	// KeyID is the "kid" of the published RSA key and of tokens from Sign
	// and SignWithOtherKey.
	KeyID string

	opts  Options
	key   *rsa.PrivateKey
	ecKey *ecdsa.PrivateKey // published instead of the RSA key with NoRS256Key
	srv   *httptest.Server
	done  chan struct{}
	once  sync.Once

	otherOnce sync.Once
	otherKey  *rsa.PrivateKey

	mu       sync.Mutex
	requests []string
}

// New starts a fake issuer. Call Close when done.
func New(opts Options) *Issuer {
	i := NewUnstarted(opts)
	if opts.TLS {
		i.srv = httptest.NewTLSServer(i.Handler())
	} else {
		i.srv = httptest.NewServer(i.Handler())
	}
	i.URL = i.srv.URL
	return i
}

// NewUnstarted builds the issuer without a listener: mount Handler() yourself
// and set URL to where it is served.
func NewUnstarted(opts Options) *Issuer {
	key := opts.Key
	if key == nil {
		key = mustRSAKey()
	}
	kid := opts.KeyID
	if kid == "" {
		kid = "ins_" + fakeid.New(27)
	}
	i := &Issuer{
		KeyID: kid,
		opts:  opts,
		key:   key,
		done:  make(chan struct{}),
	}
	if opts.NoRS256Key {
		ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			panic(fmt.Sprintf("issuer fake: generate P-256 key: %v", err))
		}
		i.ecKey = ec
	}
	return i
}

// Close stops the server and ends pending delays.
func (i *Issuer) Close() {
	i.once.Do(func() { close(i.done) })
	if i.srv != nil {
		i.srv.Close()
	}
}

// Client returns an HTTP client that trusts the server (needed with TLS).
func (i *Issuer) Client() *http.Client {
	if i.srv != nil {
		return i.srv.Client()
	}
	return http.DefaultClient
}

// IssuerURL is the "issuer" the discovery document announces.
func (i *Issuer) IssuerURL() string {
	if i.opts.Issuer != "" {
		return i.opts.Issuer
	}
	return i.URL
}

// JWKSURL is the discovery document's jwks_uri.
func (i *Issuer) JWKSURL() string { return i.URL + JWKSPath }

// PublicKey is the public half of the signing key.
func (i *Issuer) PublicKey() *rsa.PublicKey { return &i.key.PublicKey }

// Requests returns "METHOD /path" for each request received, in order.
func (i *Issuer) Requests() []string {
	i.mu.Lock()
	defer i.mu.Unlock()
	return append([]string(nil), i.requests...)
}

// Claims returns the claims of a good token for audience aud: iss (the
// server's URL), sub, aud, iat, nbf (now) and exp (now + ttl). Change or
// delete entries to build bad tokens.
func (i *Issuer) Claims(aud string, ttl time.Duration) map[string]any {
	now := time.Now()
	return map[string]any{
		"iss": i.URL,
		"sub": "user_2fakeUserForTests",
		"aud": aud,
		"iat": now.Unix(),
		"nbf": now.Unix(),
		"exp": now.Add(ttl).Unix(),
		"azp": "http://localhost:3000",
	}
}

// Sign returns a compact RS256 JWT of claims, signed with the published key
// (header kid = KeyID, typ JWT). It panics if claims cannot be encoded.
func (i *Issuer) Sign(claims map[string]any) string {
	return sign(i.key, i.KeyID, claims)
}

// SignWithOtherKey is Sign with an RSA key that is not in the JWKS; the
// header still names KeyID, so verifiers find the published key and reject
// the signature.
func (i *Issuer) SignWithOtherKey(claims map[string]any) string {
	i.otherOnce.Do(func() { i.otherKey = mustRSAKey() })
	return sign(i.otherKey, i.KeyID, claims)
}

func sign(key *rsa.PrivateKey, kid string, claims map[string]any) string {
	payload, err := json.Marshal(claims)
	if err != nil {
		panic(fmt.Sprintf("issuer fake: encode claims: %v", err))
	}
	signer, err := jose.NewSigner(
		jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: kid, Algorithm: string(jose.RS256)}},
		(&jose.SignerOptions{}).WithType("JWT"),
	)
	if err != nil {
		panic(fmt.Sprintf("issuer fake: signer: %v", err))
	}
	obj, err := signer.Sign(payload)
	if err != nil {
		panic(fmt.Sprintf("issuer fake: sign: %v", err))
	}
	out, err := obj.CompactSerialize()
	if err != nil {
		panic(fmt.Sprintf("issuer fake: serialize: %v", err))
	}
	return out
}

// JWKS is the key set the server publishes.
func (i *Issuer) JWKS() jose.JSONWebKeySet {
	if i.ecKey != nil {
		return jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{
			Key: &i.ecKey.PublicKey, KeyID: i.KeyID + "_es", Algorithm: string(jose.ES256), Use: "sig",
		}}}
	}
	return jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{
		Key: &i.key.PublicKey, KeyID: i.KeyID, Algorithm: string(jose.RS256), Use: "sig",
	}}}
}

// Discovery is the OpenID configuration document the server publishes.
func (i *Issuer) Discovery() map[string]any {
	return map[string]any{
		"issuer":                                i.IssuerURL(),
		"jwks_uri":                              i.JWKSURL(),
		"authorization_endpoint":                i.URL + "/oauth/authorize",
		"token_endpoint":                        i.URL + "/oauth/token",
		"userinfo_endpoint":                     i.URL + "/oauth/userinfo",
		"response_types_supported":              []string{"code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"scopes_supported":                      []string{"openid", "profile", "email"},
		"grant_types_supported":                 []string{"authorization_code", "refresh_token"},
	}
}

// Handler serves the well-known documents.
func (i *Issuer) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i.mu.Lock()
		i.requests = append(i.requests, r.Method+" "+r.URL.Path)
		i.mu.Unlock()
		if !delay.Wait(r, i.done, i.opts.Latency) {
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if a, ok := i.opts.Answers[r.URL.Path]; ok {
			i.writeAnswer(w, r, a)
			return
		}
		switch r.URL.Path {
		case DiscoveryPath:
			if i.opts.DiscoveryStatus != 0 {
				http.Error(w, http.StatusText(i.opts.DiscoveryStatus), i.opts.DiscoveryStatus)
				return
			}
			writeJSON(w, i.Discovery())
		case JWKSPath:
			writeJSON(w, i.JWKS())
		default:
			http.NotFound(w, r)
		}
	})
}

func (i *Issuer) writeAnswer(w http.ResponseWriter, r *http.Request, a Answer) {
	ct, status := a.ContentType, a.Status
	if ct == "" {
		ct = "application/json"
	}
	if status == 0 {
		status = http.StatusOK
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(status)
	_, _ = io.WriteString(w, a.Body)
	chunk := []byte(strings.Repeat(`{"kid":"x"},`, 1000))
	for a.Endless {
		select {
		case <-r.Context().Done():
			return
		case <-i.done:
			return
		default:
		}
		if _, err := w.Write(chunk); err != nil {
			return
		}
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "issuer fake: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=60")
	_, _ = w.Write(body)
}

func mustRSAKey() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(fmt.Sprintf("issuer fake: generate RSA key: %v", err))
	}
	return k
}
