package initcmd

import (
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
		if u, ok := dotenv.PublicURL(value); ok {
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

// maskValue hides v (dotenv.Mask), keeping a key RedactSecrets already masked as it is.
func maskValue(v string) string {
	for _, p := range []string{"sk_test_", "sk_live_", "whsec_"} {
		if strings.HasPrefix(v, p+"…") && len(v) <= len(p+"…abcd") {
			return v
		}
	}
	return dotenv.Mask(v)
}
