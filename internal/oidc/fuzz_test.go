package oidc

import (
	"strings"
	"testing"
	"time"
)

// FuzzParseToken: any text either parses or fails with ErrNotJWT, and a parsed token's checks
// never panic.
func FuzzParseToken(f *testing.F) {
	for _, s := range []string{
		"", "a.b.c", "Bearer x.y.z", "a.b.c.d.e",
		"eyJhbGciOiJub25lIn0.e30.",
		"eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJpc3MiOiJodHRwczovL3giLCJhdWQiOlsiY29udmV4Il0sImV4cCI6MX0.c2ln",
		"eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOjF9.x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tok, err := ParseToken(s)
		if err != nil {
			if !strings.Contains(err.Error(), ErrNotJWT.Error()) {
				t.Fatalf("error without ErrNotJWT: %v", err)
			}
			return
		}
		_ = tok.CheckAlg()
		_ = tok.CheckIssuer("https://x")
		_ = tok.CheckAudience("convex")
		_ = tok.CheckTime(time.Unix(0, 0), 0)
		_ = tok.VerifySignature(nil)
	})
}
