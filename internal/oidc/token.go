package oidc

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// Token is a JWT read without trusting it: its header and claims, for checking one by one.
type Token struct {
	Alg    string // header "alg"
	KeyID  string // header "kid"
	Claims jwt.Claims
	raw    string
}

// ErrNotJWT is returned by ParseToken for text that is not a compact JWS.
var ErrNotJWT = errors.New("not a JWT")

// ParseToken reads a compact JWT (header.payload.signature) without verifying it. A leading
// "Bearer " and surrounding spaces are dropped. The header and payload are only decoded here,
// to explain what is wrong with a token; VerifySignature is what trusts it.
func ParseToken(raw string) (*Token, error) {
	s := strings.TrimSpace(raw)
	if len(s) > 7 && strings.EqualFold(s[:7], "bearer ") {
		s = strings.TrimSpace(s[7:])
	}
	if s == "" {
		return nil, fmt.Errorf("%w: the token is empty", ErrNotJWT)
	}
	parts := strings.Split(s, ".")
	switch len(parts) {
	case 3:
	case 5:
		return nil, fmt.Errorf("%w: it has 5 parts, so it is an encrypted token (JWE); Convex needs a signed JWT of 3 parts", ErrNotJWT)
	default:
		return nil, fmt.Errorf("%w: it has %d part(s) separated by dots; a JWT has 3 (header.payload.signature)", ErrNotJWT, len(parts))
	}
	var hdr struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}
	if err := decodeSegment(parts[0], &hdr); err != nil {
		return nil, fmt.Errorf("%w: its header %v", ErrNotJWT, err)
	}
	t := &Token{Alg: hdr.Alg, KeyID: hdr.Kid, raw: s}
	if err := decodeSegment(parts[1], &t.Claims); err != nil {
		return nil, fmt.Errorf("%w: its payload %v", ErrNotJWT, err)
	}
	return t, nil
}

func decodeSegment(seg string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(seg, "="))
	if err != nil {
		return errors.New("is not base64url")
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("is not the JSON a JWT carries: %v", err)
	}
	return nil
}

// CheckAlg requires RS256, the algorithm Clerk signs with and Convex verifies.
func (t *Token) CheckAlg() error {
	switch t.Alg {
	case string(jose.RS256):
		return nil
	case "", "none":
		return fmt.Errorf("the token is not signed (alg %q): Convex accepts only tokens signed by the issuer with RS256", t.Alg)
	case "HS256", "HS384", "HS512":
		return fmt.Errorf("the token is signed with a shared secret (alg %s): Convex verifies RS256 signatures against the issuer's public keys; a Clerk JWT template with a custom signing key is not what Convex trusts", t.Alg)
	}
	return fmt.Errorf("the token is signed with %s: Convex expects RS256, the algorithm of Clerk's own keys", t.Alg)
}

// VerifySignature checks the signature with go-jose against the RS256 keys of set: the key
// named by the token's kid, or every RS256 key when the token names none.
func (t *Token) VerifySignature(set *jose.JSONWebKeySet) error {
	if err := t.CheckAlg(); err != nil {
		return err
	}
	if set == nil {
		return errors.New("there is no key set to verify the signature with")
	}
	tok, err := jwt.ParseSigned(t.raw, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		return fmt.Errorf("the token cannot be read as a signed JWT: %v", err)
	}
	var candidates []jose.JSONWebKey
	if t.KeyID != "" {
		for _, k := range set.Key(t.KeyID) {
			if usableRS256(k) {
				candidates = append(candidates, k)
			}
		}
		if len(candidates) == 0 {
			return fmt.Errorf("the issuer's key set has no RS256 key with kid %q (it has %s): the token comes from another Clerk instance, or its key was rotated", t.KeyID, listOrNone(KeyIDs(set)))
		}
	} else {
		candidates = RS256Keys(set)
		if len(candidates) == 0 {
			return errors.New("the issuer's key set has no RS256 key to verify the token with")
		}
	}
	for _, k := range candidates {
		var ignored map[string]any
		if err := tok.Claims(k.Key, &ignored); err == nil {
			return nil
		}
	}
	if t.KeyID != "" {
		return fmt.Errorf("the signature does not verify with the issuer's key %q: the token was signed by another key, or edited after signing", t.KeyID)
	}
	return errors.New("the signature verifies with none of the issuer's RS256 keys: the token was signed by another key, or edited after signing")
}

// CheckIssuer compares iss with the provider's domain the way Convex does: equal once a
// trailing slash is dropped from both.
func (t *Token) CheckIssuer(domain string) error {
	iss := t.Claims.Issuer
	switch {
	case iss == "":
		return errors.New("the token has no iss claim: Convex finds the provider by it")
	case strings.TrimRight(iss, "/") != strings.TrimRight(domain, "/"):
		return fmt.Errorf("the token's iss is %q but the provider's domain is %q: Convex finds no provider for it (\"No auth provider found matching the given token\")", iss, domain)
	}
	return nil
}

// CheckAudience requires aud to contain the provider's applicationID.
func (t *Token) CheckAudience(applicationID string) error {
	aud := t.Claims.Audience
	switch {
	case len(aud) == 0:
		return fmt.Errorf("the token has no aud claim, and Convex matches aud against applicationID %q: it is a plain session token, not one from the JWT template", applicationID)
	case !aud.Contains(applicationID):
		return fmt.Errorf("the token's aud is %s but the provider's applicationID is %q: Convex finds no provider for it", showAud(aud), applicationID)
	}
	return nil
}

// CheckTime requires exp in the future, and nbf and iat not in the future, within leeway.
func (t *Token) CheckTime(now time.Time, leeway time.Duration) error {
	c := t.Claims
	if c.Expiry == nil {
		return errors.New("the token has no exp claim: Convex refuses tokens that never expire")
	}
	if exp := c.Expiry.Time(); now.After(exp.Add(leeway)) {
		return fmt.Errorf("the token expired at %s, %s ago: Clerk tokens live about a minute, so get a fresh one", exp.UTC().Format(time.RFC3339), ago(now.Sub(exp)))
	}
	if c.NotBefore != nil {
		if nbf := c.NotBefore.Time(); now.Add(leeway).Before(nbf) {
			return fmt.Errorf("the token is not valid before %s, %s from now: this machine's clock or the signer's is wrong", nbf.UTC().Format(time.RFC3339), ago(nbf.Sub(now)))
		}
	}
	if c.IssuedAt != nil {
		if iat := c.IssuedAt.Time(); now.Add(leeway).Before(iat) {
			return fmt.Errorf("the token was issued in the future (%s, %s from now): this machine's clock or the signer's is wrong", iat.UTC().Format(time.RFC3339), ago(iat.Sub(now)))
		}
	}
	return nil
}

// Expected is what a token must match.
type Expected struct {
	Issuer        string // the provider's domain
	ApplicationID string // the provider's applicationID, found in aud
	Now           time.Time
	Leeway        time.Duration
}

// Verify parses raw and makes every check Convex makes; the error joins every problem found.
func Verify(raw string, set *jose.JSONWebKeySet, want Expected) (*Token, error) {
	t, err := ParseToken(raw)
	if err != nil {
		return nil, err
	}
	now := want.Now
	if now.IsZero() {
		now = time.Now()
	}
	err = errors.Join(
		t.VerifySignature(set),
		t.CheckIssuer(want.Issuer),
		t.CheckAudience(want.ApplicationID),
		t.CheckTime(now, want.Leeway),
	)
	return t, err
}

func showAud(a jwt.Audience) string {
	if len(a) == 1 {
		return fmt.Sprintf("%q", a[0])
	}
	b, _ := json.Marshal([]string(a))
	return string(b)
}

func listOrNone(ids []string) string {
	if len(ids) == 0 {
		return "no keys"
	}
	return "kid " + strings.Join(ids, ", ")
}

func ago(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	switch {
	case d < time.Minute:
		return d.Round(time.Second).String()
	case d < 48*time.Hour:
		return d.Round(time.Minute).String()
	}
	return fmt.Sprintf("%d days", int(d.Hours()/24))
}
