package clerk

import (
	"strings"
	"testing"
)

// Hot paths: every run parses both keys, and every message, diff and log line goes through
// RedactSecrets before it is printed.

func BenchmarkParsePublishableKey(b *testing.B) {
	for _, k := range []string{
		EncodePublishableKey("happy-cat-12.clerk.accounts.dev", false),
		EncodePublishableKey("clerk.example.com", true) + "==",
	} {
		b.Run(k[:8], func(b *testing.B) {
			for b.Loop() {
				if _, err := ParsePublishableKey(k); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkParseSecretKey(b *testing.B) {
	for b.Loop() {
		if _, err := ParseSecretKey(testSecret); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRedactSecrets(b *testing.B) {
	clean := strings.Repeat("+VITE_CLERK_PUBLISHABLE_KEY=pk_test_aGFwcHktY2F0LTEyLmNsZXJrLmFjY291bnRzLmRldiQ\n", 40)
	dirty := clean + "+CLERK_SECRET_KEY=" + testSecret + "\n" + clean
	for _, tc := range []struct{ name, in string }{{"no key 3KB", clean}, {"one key 6KB", dirty}} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(tc.in)))
			for b.Loop() {
				if out := RedactSecrets(tc.in); strings.Contains(out, testSecret) {
					b.Fatal("not redacted")
				}
			}
		})
	}
}

func BenchmarkMask(b *testing.B) {
	for b.Loop() {
		if Mask(testSecret) != "sk_test_…wxyz" {
			b.Fatal("bad mask")
		}
	}
}
