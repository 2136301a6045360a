// Package oidc is the part of OpenID Connect that Convex uses to trust a Clerk token: the
// issuer's discovery document, its JSON Web Key Set, and the checks Convex makes on a token
// (signature against the JWKS with RS256, iss, aud, exp). Signatures are verified with
// github.com/go-jose/go-jose/v4; this package only decides which key and which algorithm.
package oidc

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/httpx"
	"github.com/clerkconvex/clerkconvex/internal/safetext"
)

// Paths of the documents under the issuer.
const (
	DiscoveryPath = "/.well-known/openid-configuration"
	// JWKSPath is where Clerk serves its key set; the discovery document is what says so.
	JWKSPath = "/.well-known/jwks.json"
)

// maxBody bounds what is read from an issuer (a discovery document or key set is a few KB).
const maxBody = 1 << 20

// Discovery is the part of the OpenID configuration document Convex reads.
type Discovery struct {
	Issuer  string `json:"issuer"`
	JWKSURI string `json:"jwks_uri"`
}

// DiscoveryURL is where the discovery document of issuer lives (a trailing slash on the
// issuer is dropped, as Convex does).
func DiscoveryURL(issuer string) string {
	return strings.TrimRight(issuer, "/") + DiscoveryPath
}

// DefaultJWKSURL is where Clerk publishes the key set of issuer. Callers may fetch it before
// the discovery document has named the real jwks_uri, and use that answer when they agree.
func DefaultJWKSURL(issuer string) string {
	return strings.TrimRight(issuer, "/") + JWKSPath
}

// HTTPError is an answer with a status other than 200.
type HTTPError struct {
	URL    string
	Status int
}

func (e *HTTPError) Error() string {
	return fmt.Sprintf("GET %s answered HTTP %d %s", e.URL, e.Status, http.StatusText(e.Status))
}

// AnswerError is an answer that is not the document asked for: an HTML page, a body larger
// than any such document, text that is not the JSON expected. Something other than the
// issuer (a wrong URL, a proxy, a captive portal) probably answered.
type AnswerError struct {
	URL     string
	Problem string
}

func (e *AnswerError) Error() string { return "GET " + e.URL + ": " + e.Problem }

// FetchDiscovery reads the discovery document of issuer. It checks the answer's shape, not
// its content: see CheckDiscovery.
func FetchDiscovery(ctx context.Context, hc *http.Client, issuer string) (*Discovery, error) {
	u := DiscoveryURL(issuer)
	body, err := get(ctx, hc, u)
	if err != nil {
		return nil, err
	}
	var d Discovery
	if err := json.Unmarshal(body, &d); err != nil {
		return nil, &AnswerError{URL: u, Problem: fmt.Sprintf("the answer is not an OpenID configuration (JSON object): %v", err)}
	}
	return &d, nil
}

// CheckDiscovery applies Convex's rules to a discovery document fetched for issuer: its
// "issuer" must equal the token's iss exactly, and jwks_uri must be an https URL (http only on
// this machine).
func CheckDiscovery(d *Discovery, issuer string) error {
	switch {
	case d.Issuer == "":
		return fmt.Errorf("the discovery document at %s has no \"issuer\"", DiscoveryURL(issuer))
	case d.Issuer != issuer:
		return fmt.Errorf("the discovery document at %s announces issuer %q, but the tokens carry iss %q; Convex requires the two to be equal, character for character", DiscoveryURL(issuer), d.Issuer, issuer)
	case d.JWKSURI == "":
		return fmt.Errorf("the discovery document at %s has no \"jwks_uri\"", DiscoveryURL(issuer))
	}
	u, err := url.Parse(d.JWKSURI)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("the discovery document at %s has jwks_uri %q, which is not an http(s) URL", DiscoveryURL(issuer), d.JWKSURI)
	}
	if u.Scheme == "http" && !clerk.IsLoopback(u.Hostname()) {
		return fmt.Errorf("the discovery document at %s has jwks_uri %q over plain http; it must be https", DiscoveryURL(issuer), d.JWKSURI)
	}
	return nil
}

// FetchJWKS reads a JSON Web Key Set.
func FetchJWKS(ctx context.Context, hc *http.Client, jwksURI string) (*jose.JSONWebKeySet, error) {
	body, err := get(ctx, hc, jwksURI)
	if err != nil {
		return nil, err
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(body, &set); err != nil {
		return nil, &AnswerError{URL: jwksURI, Problem: fmt.Sprintf("the answer is not a JSON Web Key Set: %v", err)}
	}
	return &set, nil
}

// RS256Keys returns the keys of set that can verify an RS256 signature: RSA public keys whose
// "use" is absent or "sig" and whose "alg" is absent or RS256.
func RS256Keys(set *jose.JSONWebKeySet) []jose.JSONWebKey {
	if set == nil {
		return nil
	}
	var out []jose.JSONWebKey
	for _, k := range set.Keys {
		if usableRS256(k) {
			out = append(out, k)
		}
	}
	return out
}

func usableRS256(k jose.JSONWebKey) bool {
	if k.Use != "" && k.Use != "sig" {
		return false
	}
	if k.Algorithm != "" && k.Algorithm != string(jose.RS256) {
		return false
	}
	_, ok := k.Key.(*rsa.PublicKey)
	return ok
}

// KeyIDs lists the "kid" of every key in set, for messages (made safe to print: the key set
// comes from the network).
func KeyIDs(set *jose.JSONWebKeySet) []string {
	if set == nil {
		return nil
	}
	ids := make([]string, 0, len(set.Keys))
	for _, k := range set.Keys {
		id := safetext.Line(k.KeyID)
		if id == "" {
			id = "(no kid)"
		}
		ids = append(ids, id)
	}
	return ids
}

func get(ctx context.Context, hc *http.Client, u string) ([]byte, error) {
	if hc == nil {
		hc = http.DefaultClient
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", u, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("GET %s: %w", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxBody))
		return nil, &HTTPError{URL: u, Status: resp.StatusCode}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	var large *httpx.BodyTooLargeError
	if len(body) > maxBody || errors.As(err, &large) {
		return nil, &AnswerError{URL: u, Problem: fmt.Sprintf("the answer is larger than %d KiB, more than such a document ever is; it was not read to the end", maxBody>>10)}
	}
	if err != nil {
		return nil, fmt.Errorf("GET %s: reading the answer: %w", u, err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err == nil && mt == "text/html" {
			return nil, &AnswerError{URL: u, Problem: "the answer is an HTML page, not JSON"}
		}
	}
	return body, nil
}
