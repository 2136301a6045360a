package dotenv

import (
	"net/url"
	"strings"
)

// Values read from env files and deployments may be secrets whatever their names say. What may
// be printed of one is decided here, by an allow-list: only a value that is certainly public is
// shown as it is.

// IsPublic reports whether value is certainly not a secret: a URL with a host and no user
// name, password, query or fragment, or a bare host name (happy-cat-12.clerk.accounts.dev).
func IsPublic(value string) bool {
	if u, ok := PublicURL(value); ok {
		return u == value
	}
	return isHostName(value)
}

// Shown is what may be printed of value: the value itself when IsPublic; a URL with its user
// name, password, query and fragment replaced by "…"; anything else masked, keeping at most a
// known secret's prefix and the last four characters (sk_test_…abcd, whsec_…abcd, …abcd).
func Shown(value string) string {
	if IsPublic(value) {
		return value
	}
	if u, ok := PublicURL(value); ok {
		return u
	}
	return Mask(value)
}

// secretPrefixes are kept in front of a mask: they say what the value is without revealing it.
var secretPrefixes = []string{"sk_test_", "sk_live_", "whsec_"}

// Mask hides value: a known secret prefix, "…", and the last four characters when the rest is
// long enough that they give little away (12 or more) and are printable ASCII.
func Mask(value string) string {
	if value == "" {
		return ""
	}
	prefix := ""
	for _, p := range secretPrefixes {
		if strings.HasPrefix(value, p) {
			prefix = p
			break
		}
	}
	rest := []rune(value[len(prefix):])
	if len(rest) < 12 {
		return prefix + "…"
	}
	tail := rest[len(rest)-4:]
	for _, r := range tail {
		if r <= ' ' || r >= 0x7f { // printable ASCII only: no escape, no broken character
			return prefix + "…"
		}
	}
	return prefix + "…" + string(tail)
}

// PublicURL is an absolute URL (any scheme, with a host) with its user name and password,
// query and fragment replaced by "…"; ok is false when value is not such a URL, or holds
// spaces or control characters.
func PublicURL(value string) (string, bool) {
	if strings.ContainsFunc(value, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return "", false
	}
	u, err := url.Parse(value)
	if err != nil || u.Scheme == "" || u.Host == "" || u.Opaque != "" {
		return "", false
	}
	var b strings.Builder
	b.WriteString(u.Scheme + "://")
	if u.User != nil {
		b.WriteString("…@")
	}
	b.WriteString(u.Host)
	b.WriteString(u.EscapedPath())
	if u.RawQuery != "" || u.ForceQuery {
		b.WriteString("?…")
	}
	if u.Fragment != "" || strings.HasSuffix(value, "#") {
		b.WriteString("#…")
	}
	return b.String(), true
}

// isHostName: dot-separated labels of letters, digits and inner hyphens, at most 63 each, the
// last all letters (a top-level domain), 253 in all.
func isHostName(s string) bool {
	if len(s) > 253 || !strings.Contains(s, ".") {
		return false
	}
	labels := strings.Split(s, ".")
	for i, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, c := range l {
			letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
			if !letter && (i == len(labels)-1 || !(c >= '0' && c <= '9' || c == '-')) {
				return false
			}
		}
	}
	return true
}
