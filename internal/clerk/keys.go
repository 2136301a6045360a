// Package clerk is the Clerk side of the tool: key parsing and masking, issuer discovery and
// the JWT template, on top of github.com/clerk/clerk-sdk-go/v2.
package clerk

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/httpx"
)

// SecretKeyEnv is the environment variable that holds the secret key, in the process
// environment and in the env file.
const SecretKeyEnv = "CLERK_SECRET_KEY"

// SecretKey is a Clerk secret key. Its String form is masked, so it can't leak through %v.
type SecretKey struct {
	raw  string
	Live bool
}

// String returns the masked key, e.g. sk_test_…abcd.
func (k SecretKey) String() string { return Mask(k.raw) }

// GoString masks too, so %#v can't leak it.
func (k SecretKey) GoString() string { return "clerk.SecretKey(" + Mask(k.raw) + ")" }

// Reveal returns the key itself, for the Authorization header and the env file only.
func (k SecretKey) Reveal() string { return k.raw }

// IsZero tells whether the key is empty.
func (k SecretKey) IsZero() bool { return k.raw == "" }

// Kind returns "test" or "live".
func (k SecretKey) Kind() string { return kind(k.Live) }

func kind(live bool) string {
	if live {
		return "live"
	}
	return "test"
}

// Mask shows at most a key's prefix and its last four characters: sk_test_…abcd.
func Mask(s string) string {
	if s == "" {
		return ""
	}
	prefix := ""
	for _, p := range []string{"sk_test_", "sk_live_", "pk_test_", "pk_live_"} {
		if strings.HasPrefix(s, p) {
			prefix = p
			break
		}
	}
	rest := s[len(prefix):]
	if len(rest) < 12 {
		return prefix + "…"
	}
	return prefix + "…" + rest[len(rest)-4:]
}

// KeyError says what is wrong with a key without showing the key.
type KeyError struct {
	Which  string // "secret key" or "publishable key"
	Reason string
}

func (e *KeyError) Error() string { return "the Clerk " + e.Which + " " + e.Reason }

func keyShapeHint(s string) string {
	switch {
	case strings.TrimSpace(s) != s:
		return " (it has leading or trailing spaces)"
	case strings.HasPrefix(s, `"`) || strings.HasPrefix(s, `'`):
		return " (it is wrapped in quotes)"
	}
	return ""
}

// ParseSecretKey checks the shape of a secret key: sk_test_ or sk_live_ and a body.
func ParseSecretKey(s string) (SecretKey, error) {
	fail := func(reason string) (SecretKey, error) {
		return SecretKey{}, &KeyError{Which: "secret key", Reason: reason}
	}
	switch {
	case s == "":
		return fail("is empty")
	case strings.HasPrefix(s, "pk_"):
		return fail("starts with pk_: that is the publishable key; the secret key starts with sk_test_ or sk_live_")
	case !strings.HasPrefix(s, "sk_test_") && !strings.HasPrefix(s, "sk_live_"):
		return fail("must start with sk_test_ or sk_live_" + keyShapeHint(s))
	}
	body := s[len("sk_test_"):]
	if len(body) < 20 {
		return fail("is too short: copy the whole key from the Clerk dashboard (API keys)")
	}
	for _, r := range body {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return fail("has a character that is not a letter or digit after its prefix" + keyShapeHint(s))
		}
	}
	return SecretKey{raw: s, Live: strings.HasPrefix(s, "sk_live_")}, nil
}

// PublishableKey is a parsed Clerk publishable key: pk_test_/pk_live_ + base64("<host>$").
type PublishableKey struct {
	Raw  string
	Live bool
	Host string // the instance's Frontend API host
}

// Kind returns "test" or "live".
func (p PublishableKey) Kind() string { return kind(p.Live) }

// Issuer is the Frontend API URL the key names: https://<host> (http:// for a host on this
// machine, as the test fakes are).
func (p PublishableKey) Issuer() string {
	h := strings.ToLower(p.Host)
	name := h
	if hh, _, err := net.SplitHostPort(h); err == nil {
		name = hh
	}
	if IsLoopback(strings.Trim(name, "[]")) {
		return "http://" + h
	}
	return "https://" + h
}

// NamesIssuer tells whether an issuer URL (any scheme, a trailing slash or path ignored) is on
// the host this key names: false means the key and the issuer come from two instances.
func (p PublishableKey) NamesIssuer(issuer string) bool {
	s := strings.TrimSpace(issuer)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "https://"), "http://")
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	return s != "" && strings.EqualFold(s, p.Host)
}

// ParsePublishableKey decodes a publishable key; both padded and unpadded base64 are accepted.
func ParsePublishableKey(s string) (PublishableKey, error) {
	fail := func(reason string) (PublishableKey, error) {
		return PublishableKey{}, &KeyError{Which: "publishable key", Reason: reason}
	}
	switch {
	case s == "":
		return fail("is empty")
	case strings.HasPrefix(s, "sk_"):
		return fail("starts with sk_: that is the secret key; the publishable key starts with pk_test_ or pk_live_")
	case !strings.HasPrefix(s, "pk_test_") && !strings.HasPrefix(s, "pk_live_"):
		return fail("must start with pk_test_ or pk_live_" + keyShapeHint(s))
	}
	enc := s[len("pk_test_"):]
	dec, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(enc, "="))
	if err != nil || enc == "" {
		return fail("is not valid: the part after pk_test_/pk_live_ must be base64; copy the whole key from the Clerk dashboard (API keys)")
	}
	str := string(dec)
	if !strings.HasSuffix(str, "$") {
		return fail("is not valid: its decoded body must end with $; copy the whole key from the Clerk dashboard (API keys)")
	}
	host := strings.TrimSuffix(str, "$")
	if err := checkHost(host); err != nil {
		return fail("names an invalid Frontend API host: " + err.Error())
	}
	return PublishableKey{Raw: s, Live: strings.HasPrefix(s, "pk_live_"), Host: host}, nil
}

// EncodePublishableKey builds a publishable key for a host (tests and fakes use it).
func EncodePublishableKey(host string, live bool) string {
	return "pk_" + kind(live) + "_" + base64.RawStdEncoding.EncodeToString([]byte(host+"$"))
}

func checkHost(h string) error {
	if h == "" {
		return errors.New("empty host")
	}
	name := h
	if hh, port, err := net.SplitHostPort(h); err == nil {
		name = hh
		if port == "" {
			return errors.New("empty port")
		}
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-') {
			return fmt.Errorf("%q is not a host name", h)
		}
	}
	return nil
}

// NormalizeIssuer checks an issuer URL and returns it without a trailing slash. It must be
// https, except on a loopback host where http is allowed; it may not have a path, query or
// fragment.
func NormalizeIssuer(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return "", fmt.Errorf("%q is not a URL like https://your-app.clerk.accounts.dev", raw)
	}
	if u.User != nil {
		return "", fmt.Errorf("%q has a user name or password in it: use only https://host", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return "", fmt.Errorf("%q has a query or fragment: the issuer is only https://host", raw)
	}
	if strings.Trim(u.Path, "/") != "" {
		return "", fmt.Errorf("%q has a path (%s): the issuer is only https://host, without a path", raw, u.Path)
	}
	if u.Scheme == "http" && !IsLoopback(u.Hostname()) {
		return "", fmt.Errorf("%q uses http: Convex requires https for an issuer that is not on this machine (use https://%s)", raw, u.Host)
	}
	if err := checkHost(u.Host); err != nil {
		return "", fmt.Errorf("%q: %v", raw, err)
	}
	return u.Scheme + "://" + strings.ToLower(u.Host), nil
}

// IsLoopback tells whether a host name is this machine.
func IsLoopback(host string) bool { return httpx.IsLoopback(host) }
