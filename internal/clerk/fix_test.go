package clerk

import (
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/clerkconvex/clerkconvex/internal/httpx"
)

func TestFix(t *testing.T) {
	key, _ := ParseSecretKey("sk_test_FIXabcdefghijklmnopqrstuvwxyz0123")
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&APIError{Status: 401}, "copy a current secret key"},
		{&APIError{Status: 403}, "sk_test_…0123 is this instance's"},
		{&APIError{Status: 404}, "--clerk-api-url"},
		{&APIError{Status: 429}, "wait a minute"},
		{&APIError{Status: 502}, "status.clerk.com"},
		{&transportError{msg: "x", err: &net.OpError{Op: "dial", Err: errors.New("refused")}}, "HTTPS_PROXY"},
		{&APIError{Status: 422, Method: "POST"}, ""},
		{&APIError{Status: 422, Method: "GET"}, "Clerk refused a read that sends no input (HTTP 422 on GET)"},
		{&APIError{Status: 429, RetryAfter: time.Hour}, "Clerk asked to wait 1h0m0s before the next request (Retry-After), longer than clerkconvex waits (30s)"},
		{&APIError{Status: 429, RetryAfter: 10 * time.Second}, "wait a minute"},
		{&transportError{msg: "x", err: &httpx.RedirectError{Reason: httpx.ReasonMutating}}, "The redirect was not followed"},
		{&transportError{msg: "x", err: &httpx.RedirectError{Reason: httpx.ReasonOrigin + "https://x"}}, "the secret key was not sent there"},
		{&transportError{msg: "x", err: &AnswerError{Status: 200}}, "a proxy or captive portal"},
		{&transportError{msg: "x", err: &httpx.BodyTooLargeError{}}, "a proxy or captive portal"},
		{errors.New("other"), ""},
	} {
		got := Fix(tc.err, key)
		if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
			t.Errorf("Fix(%v) = %q, want %q", tc.err, got, tc.want)
		}
		if strings.Contains(got, "FIXabc") {
			t.Errorf("Fix leaks the key: %q", got)
		}
	}
}
