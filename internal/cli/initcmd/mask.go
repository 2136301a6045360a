package initcmd

import (
	"net/url"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/dotenv"
)

// maskEnvValues hides, for the dry run's diff, every value of an env file that is not certainly
// public (an allow-list: see shownValue), in every assignment of a key however often it is
// assigned, in commented-out assignments, and whole lines that are not KEY=value. It reports
// whether it hid anything.
func maskEnvValues(data []byte) ([]byte, bool) {
	masked := false
	out := dotenv.Parse(data).Redact(func(key, value string) string {
		shown := shownValue(key, value)
		if shown != value {
			masked = true
		}
		return shown
	})
	return out, masked
}

// shownValue is what the dry run may show of key's value: the value itself for publishable
// keys and CONVEX_DEPLOYMENT; for URLs (the issuer variables, *_URL) the URL without user
// name, password, query or fragment; a mask for everything else.
func shownValue(key, value string) string {
	switch {
	case value == "":
		return value
	case key == "":
		return "… (a line that is not KEY=value, not shown)"
	case strings.HasPrefix(value, "pk_test_") || strings.HasPrefix(value, "pk_live_"):
		if _, err := clerk.ParsePublishableKey(value); err == nil {
			return value
		}
	case key == "CONVEX_DEPLOYMENT":
		if isDeploymentName(value) {
			return value
		}
	case strings.HasSuffix(key, "_URL") || isClerkIssuerVar(key) || strings.HasSuffix(key, "_ISSUER_DOMAIN"):
		if u, ok := publicURL(value); ok {
			return u
		}
	}
	return maskValue(value)
}

// isDeploymentName: "dev:happy-cat-123", "prod:x", "local:y", or a bare name.
func isDeploymentName(v string) bool {
	for _, c := range v {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == ':' || c == '_') {
			return false
		}
	}
	return true
}

// publicURL shows an absolute URL with its user name and password, query and fragment
// replaced by "…"; ok is false when value is not such a URL.
func publicURL(value string) (string, bool) {
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
	if u.Fragment != "" {
		b.WriteString("#…")
	}
	return b.String(), true
}

func maskValue(v string) string {
	if strings.HasPrefix(v, "sk_") {
		if strings.Contains(v, "…") && len(v) <= len("sk_test_…abcd") {
			return v // already masked, by RedactSecrets
		}
		return clerk.Mask(v)
	}
	if len(v) < 12 || strings.ContainsAny(v, "\r\n") {
		return "…"
	}
	return "…" + v[len(v)-4:]
}
