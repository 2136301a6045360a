package doctor

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
)

// --token - reads at most maxToken bytes and says so when stdin holds more (a 13 MB paste was
// silently cut to 1 MiB and judged "not a JWT").
func TestReadTokenTooLarge(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want string // the token, or the error's text
		code int
	}{
		{"a token with blank lines around it", "\n  eyJ.a.b \n", "eyJ.a.b", 0},
		{"exactly the limit", strings.Repeat("a", maxToken), strings.Repeat("a", maxToken), 0},
		{"one byte over", strings.Repeat("a", maxToken+1), "--token -: stdin holds more than 1024 KiB, far more than a JWT: pipe in the token alone", cmdutil.ExitUsage},
		{"13 MB", strings.Repeat("a", 13<<20), "--token -: stdin holds more than 1024 KiB", cmdutil.ExitUsage},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := readToken(context.Background(), strings.NewReader(tc.in))
			if got := cmdutil.ExitCode(err); got != tc.code {
				t.Fatalf("exit %d (%v), want %d", got, err, tc.code)
			}
			if err != nil {
				if !strings.HasPrefix(err.Error(), tc.want) {
					t.Errorf("error %q, want it to start with %q", err, tc.want)
				}
			} else if tok != tc.want {
				t.Errorf("token of %d bytes, want %d", len(tok), len(tc.want))
			}
		})
	}
}

// Ctrl-C or SIGTERM (a cancelled context) ends the wait for a stdin that never closes.
func TestReadTokenInterrupted(t *testing.T) {
	r, w := io.Pipe()
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		// Some of the token arrives, then nothing: the reader is waiting.
		w.Write([]byte("eyJ"))
		cancel()
	}()
	_, err := readToken(ctx, r)
	if !errors.Is(err, cmdutil.ErrInterrupted) || cmdutil.ExitCode(err) != cmdutil.ExitInterrupted {
		t.Fatalf("err = %v, want an interruption (exit 130)", err)
	}
	if !strings.Contains(err.Error(), "run clerkconvex doctor again") {
		t.Errorf("message %q does not say what to do", err)
	}
}
