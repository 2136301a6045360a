package users

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
)

// A route answering 400 to a correctly signed event, with terminal escapes (C0 and a C1 CSI), a
// bidi override and a long body:
// users test exits 1 naming the step and the cause, and the answer reaches the terminal inert
// and cut short.
func TestUsersTestHostileAnswer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte("\x1b[2J\x1b]0;pwned\x07bad\r\nsig\u202enruter\u202c \u009b2Jnature " + strings.Repeat("x", 5000)))
	}))
	defer srv.Close()
	opts, out, errOut := testOptions(t, srv.URL, testSecret)
	opts.JSON = true
	err := runTest(context.Background(), opts)
	if cmdutil.ExitCode(err) != 1 || !strings.Contains(err.Error(), "signed user.created: got 400") || !strings.Contains(err.Error(), "is not this secret") {
		t.Fatalf("err = %v", err)
	}
	for name, s := range map[string]string{"error": err.Error(), "stdout": out.String(), "stderr": errOut.String()} {
		if strings.ContainsAny(s, "\x1b\x07\r\u202e\u202c\u009b") || strings.Count(s, "x") > 1000 {
			t.Errorf("%s carries the raw answer: %q", name, s)
		}
	}
	if !strings.Contains(out.String(), `"ok": false`) || strings.Count(out.String(), `"version"`) != 1 {
		t.Errorf("--json: %s", out)
	}
}
