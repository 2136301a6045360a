package initcmd

import (
	"strings"
	"testing"
)

func TestShownValue(t *testing.T) {
	pk := "pk_test_aGFwcHktY2F0LTEyLmNsZXJrLmFjY291bnRzLmRldiQ"
	for _, tc := range []struct{ key, value, want string }{
		{"VITE_CLERK_PUBLISHABLE_KEY", pk, pk},
		{"CLERK_JWT_ISSUER_DOMAIN", "https://happy-cat-12.clerk.accounts.dev", "https://happy-cat-12.clerk.accounts.dev"},
		{"CONVEX_DEPLOYMENT", "dev:happy-cat-123", "dev:happy-cat-123"},
		{"VITE_CONVEX_URL", "https://happy-cat-123.convex.cloud", "https://happy-cat-123.convex.cloud"},
		{"DATABASE_URL", "postgres://admin:pgpass@db.example.com:5432/app?sslpassword=q#frag", "postgres://…@db.example.com:5432/app?…#…"},
		{"REDIS_URL", "redis://:redispass@cache:6379", "redis://…@cache:6379"},
		{"SOME_URL", "not a url with secret", "…cret"},
		{"CLERK_SECRET_KEY", "sk_test_abcdefghijklmnopqrstuvwxyz1111", "sk_test_…1111"},
		{"CLERK_WEBHOOK_SECRET", "whsec_abcdefghijklmnop", "whsec_…mnop"},
		{"CONVEX_DEPLOY_KEY", "prod:abc|secretsecret", "…cret"},
		{"MY-API.TOKEN", "short", "…"},
		{"CONVEX_DEPLOYMENT", "dev:x secret", "…cret"},
		{"STRIPE_PUBLISHABLE_KEY", "pk_test_notaclerkkey", "…kkey"},
		{"", "a line that is not an assignment", "… (a line that is not KEY=value, not shown)"},
		{"MULTI", "line one\nline two secret", "…cret"},
	} {
		if got := shownValue(tc.key, tc.value); got != tc.want {
			t.Errorf("shownValue(%q, %q) = %q, want %q", tc.key, tc.value, got, tc.want)
		}
	}
}

// TestMaskEnvValuesEveryOccurrence: duplicates, odd names and commented-out values are all
// masked, and the caller is told.
func TestMaskEnvValuesEveryOccurrence(t *testing.T) {
	in := "T=firstsecret1\nT=secondsecret2\nA-B.C=dashsecret3\n# OLD=commentsecret4\nexport Q=\"quotedsecret5\" # note\n"
	out, masked := maskEnvValues([]byte(in))
	for _, s := range []string{"firstsecret", "secondsecret", "dashsecret", "commentsecret", "quotedsecret"} {
		if strings.Contains(string(out), s) {
			t.Errorf("%s shown:\n%s", s, out)
		}
	}
	if !masked || !strings.Contains(string(out), "export Q=…ret5 # note\n") {
		t.Errorf("masked %v:\n%s", masked, out)
	}
	if _, masked := maskEnvValues([]byte("CLERK_JWT_ISSUER_DOMAIN=https://x.clerk.accounts.dev\n# hello\n")); masked {
		t.Error("a file with nothing secret reports masking")
	}
}
