package clerk

import (
	"errors"
	"net"
	"strings"
	"testing"
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
		{&APIError{Status: 422}, ""},
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
