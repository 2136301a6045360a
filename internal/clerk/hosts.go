package clerk

import (
	"net/url"
	"strings"
)

// IsFrontendAPIHost tells whether host (a host name, or a URL) is one Clerk serves an
// instance's Frontend API from: <slug>.clerk.accounts.dev (development instances, and the
// older accounts.lclclerk.com / lcl.dev ones), clerk.<your-domain> (production instances), or
// Clerk's frontend-api.clerk.services proxy target. Such a host is some Clerk instance's
// issuer.
func IsFrontendAPIHost(host string) bool {
	h := hostName(host)
	switch {
	case h == "":
		return false
	case isDevelopmentHost(h),
		h == "frontend-api.clerk.services",
		strings.HasSuffix(h, ".clerk.services"):
		return true
	case strings.HasPrefix(h, "clerk.") && strings.Count(h, ".") >= 2:
		return true
	}
	return false
}

// IsDevelopmentHost tells whether host (a host name, or a URL) is a development instance's
// Frontend API: <slug>.clerk.accounts.dev, or the older accounts.lclclerk.com / lcl.dev ones.
// A production instance is served from clerk.<your-domain>.
func IsDevelopmentHost(host string) bool { return isDevelopmentHost(hostName(host)) }

func isDevelopmentHost(h string) bool {
	return strings.HasSuffix(h, ".clerk.accounts.dev") ||
		strings.HasSuffix(h, ".accounts.lclclerk.com") ||
		strings.HasSuffix(h, ".lcl.dev")
}

// hostName is host's lower-case host name, from a URL or a host[:port][/path]; "" for a URL
// that does not parse.
func hostName(host string) string {
	h := strings.ToLower(strings.TrimSpace(host))
	if strings.Contains(h, "://") {
		u, err := url.Parse(h)
		if err != nil {
			return ""
		}
		h = u.Hostname()
	} else if i := strings.IndexAny(h, "/:?#"); i >= 0 {
		h = h[:i]
	}
	return strings.TrimSuffix(h, ".")
}
