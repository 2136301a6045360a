package clerk

import (
	"errors"
	"net"
	"net/http"
)

// Fix says what to do about an error from a Clerk call: a rejected or unauthorised key, a
// wrong API URL, throttling, a Clerk outage, or no answer at all. It is "" for errors it has
// no advice for (a request the caller built wrong, say: the caller knows its inputs best).
func Fix(err error, key SecretKey) string {
	var ae *APIError
	var ne net.Error
	switch {
	case errors.As(err, &ae):
		switch s := ae.Status; {
		case s == http.StatusUnauthorized:
			return "copy a current secret key from the Clerk dashboard, API keys"
		case s == http.StatusForbidden:
			return "check that the secret key " + key.String() + " is this instance's and still active (Clerk dashboard, API keys)"
		case s == http.StatusNotFound:
			return "check the Clerk API URL (--clerk-api-url or $CLERK_API_URL; leave both unset for https://api.clerk.com)"
		case s == http.StatusTooManyRequests:
			return "Clerk is limiting requests for this key: wait a minute and run the command again"
		case s >= 500:
			return "Clerk, or a proxy on the way, failed: try again in a minute (https://status.clerk.com)"
		}
	case errors.As(err, &ne):
		return "check your network and proxy (HTTPS_PROXY, NO_PROXY) and try again (CLERKCONVEX_HTTP_TIMEOUT sets the time limit)"
	}
	return ""
}
