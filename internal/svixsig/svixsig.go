// Package svixsig signs webhook messages the way Svix does for Clerk's webhooks (the
// Standard Webhooks scheme): HMAC-SHA256 with the endpoint's secret over
// "<msg id>.<unix seconds>.<body>", base64, sent as "v1,<signature>" in svix-signature, next
// to svix-id and svix-timestamp. No maintained Go module for it is served to this project's
// builds, so it is implemented here and held to the real svix npm library (1.x and 2.x) by
// the users test suite (internal/cli/users, TestUsersTestAgainstSvix).
package svixsig

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Prefix starts every Svix endpoint signing secret.
const Prefix = "whsec_"

// Secret is an endpoint signing secret. Its String is masked, so it cannot leak through %v.
type Secret struct {
	raw string
	key []byte
}

// ErrShape is a value that is not a signing secret.
var ErrShape = errors.New("not a webhook signing secret")

// ParseSecret checks s is "whsec_" followed by standard base64 of at least 16 bytes (Clerk's
// are 24), as the Clerk dashboard shows it.
func ParseSecret(s string) (Secret, error) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, Prefix) {
		return Secret{}, fmt.Errorf("%w: it must start with %s (copy the Signing Secret of the endpoint in Clerk's dashboard, Webhooks)", ErrShape, Prefix)
	}
	key, err := base64.StdEncoding.DecodeString(s[len(Prefix):])
	if err != nil || len(key) < 16 {
		return Secret{}, fmt.Errorf("%w: after %s it must be base64 of at least 16 bytes (was it cut short when copied?)", ErrShape, Prefix)
	}
	return Secret{raw: s, key: key}, nil
}

// Reveal is the secret itself, for the one place it must go (the deployment).
func (s Secret) Reveal() string { return s.raw }

// IsZero reports whether s is unset.
func (s Secret) IsZero() bool { return s.raw == "" }

// String is the masked secret, "whsec_…abcd".
func (s Secret) String() string { return Mask(s.raw) }

// GoString masks too.
func (s Secret) GoString() string { return "svixsig.Secret(" + Mask(s.raw) + ")" }

// Mask shows a secret as its prefix and last four characters.
func Mask(s string) string {
	if len(s) <= len(Prefix)+8 {
		return Prefix + "…"
	}
	return Prefix + "…" + s[len(s)-4:]
}

// Sign returns the svix-signature value for body sent as message id at time at.
func (s Secret) Sign(id string, at time.Time, body []byte) string {
	mac := hmac.New(sha256.New, s.key)
	fmt.Fprintf(mac, "%s.%d.", id, at.Unix())
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Headers are the three headers Svix sends with body.
func (s Secret) Headers(id string, at time.Time, body []byte) http.Header {
	h := http.Header{}
	h.Set("svix-id", id)
	h.Set("svix-timestamp", strconv.FormatInt(at.Unix(), 10))
	h.Set("svix-signature", s.Sign(id, at, body))
	return h
}
