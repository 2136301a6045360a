package dotenv

import "testing"

func TestShown(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		public   bool
	}{
		{"https://happy-cat-12.clerk.accounts.dev", "https://happy-cat-12.clerk.accounts.dev", true},
		{"https://clerk.example.com/", "https://clerk.example.com/", true},
		{"happy-cat-12.clerk.accounts.dev", "happy-cat-12.clerk.accounts.dev", true},
		{"http://127.0.0.1:8080/x", "http://127.0.0.1:8080/x", true},
		// Secrets, whatever their shape.
		{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_…LaSw", false},
		{"sk_test_CANARYoneAbCdEfGhIjKlMnOpQrStUv1111", "sk_test_…1111", false},
		{"sk_live_short", "sk_live_…", false},
		{"0123456789abcdefXYZW", "…XYZW", false},
		{"hunter2", "…", false},
		{"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyXzEyMyJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ", "…VyZQ", false},
		// URLs carrying credentials show where they point, not the credentials.
		{"https://user:pass@clerk.example.com", "https://…@clerk.example.com", false},
		{"https://clerk.example.com/?token=abc", "https://clerk.example.com/?…", false},
		{"https://clerk.example.com/#frag", "https://clerk.example.com/#…", false},
		{"postgres://user:pass@db.example.com/app", "postgres://…@db.example.com/app", false},
		{"postgres://db.example.com/app", "postgres://db.example.com/app", true},
		{"value ending in an escape\x1b[2J", "…", false},
		{"https://clerk.example.com\x1b[2J", "…", false},
		{"not a url at all, with spaces", "…aces", false},
		{"", "", false},
	} {
		if got := IsPublic(tc.in); got != tc.public {
			t.Errorf("IsPublic(%q) = %v, want %v", tc.in, got, tc.public)
		}
		if got := Shown(tc.in); got != tc.want {
			t.Errorf("Shown(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
