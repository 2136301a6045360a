package clerk

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"

	"github.com/clerkconvex/clerkconvex/internal/httpx"
)

// apiURLFix is the advice when something other than Clerk's Backend API answered.
const apiURLFix = "check the Clerk API URL (--clerk-api-url or $CLERK_API_URL; leave both unset for https://api.clerk.com)"

// Fix says what to do about an error from a Clerk call: a rejected or unauthorised key, a
// wrong API URL, an answer that is not Clerk's, a redirect refused, throttling, a Clerk outage,
// or no answer at all. It is "" for errors it has no advice for (a request the caller built
// wrong, say: the caller knows its inputs best).
func Fix(err error, key SecretKey) string {
	var ae *APIError
	var re *httpx.RedirectError
	var oe *httpx.OriginError
	var answer *AnswerError
	var large *httpx.BodyTooLargeError
	var jt *json.UnmarshalTypeError
	var ne net.Error
	switch {
	case errors.As(err, &re) && re.Reason == httpx.ReasonMutating:
		return apiURLFix + ": it must be Clerk's Backend API itself, not an address that redirects. The redirect was not followed; check in the Clerk dashboard (JWT templates) that nothing changed, then run the command again"
	case errors.As(err, &re), errors.As(err, &oe):
		return apiURLFix + ": it must be Clerk's Backend API itself, over https, not an address that redirects elsewhere; the secret key was not sent there"
	case errors.As(err, &answer), errors.As(err, &large), errors.As(err, &jt):
		return apiURLFix + "; if it is right, a proxy or captive portal on your network answered instead of Clerk"
	case errors.As(err, &ae):
		switch s := ae.Status; {
		case s == http.StatusUnauthorized:
			return "copy a current secret key from the Clerk dashboard, API keys"
		case s == http.StatusForbidden:
			return "check that the secret key " + key.String() + " is this instance's and still active (Clerk dashboard, API keys)"
		case s == http.StatusNotFound:
			return apiURLFix
		case (s == http.StatusTooManyRequests || s >= 500) && ae.RetryAfter > httpx.DefaultMaxWait:
			return fmt.Sprintf("Clerk asked to wait %s before the next request (Retry-After), longer than clerkconvex waits (%s): run the command again after that", ae.RetryAfter, httpx.DefaultMaxWait)
		case s == http.StatusTooManyRequests:
			return "Clerk is limiting requests for this key: wait a minute and run the command again"
		case s >= 500:
			return "Clerk, or a proxy on the way, failed: try again in a minute (https://status.clerk.com)"
		case (s == http.StatusBadRequest || s == http.StatusUnprocessableEntity) && !httpx.Mutating(ae.Method):
			return fmt.Sprintf("Clerk refused a read that sends no input (HTTP %d on %s): %s; if it is right, try again later, and if it persists report it to Clerk support with the trace id", s, ae.Method, apiURLFix)
		}
	case errors.As(err, &ne):
		return "check your network and proxy (HTTPS_PROXY, NO_PROXY) and try again (CLERKCONVEX_HTTP_TIMEOUT sets the time limit)"
	}
	return ""
}
