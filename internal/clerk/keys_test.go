package clerk

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
)

const testSecret = "sk_test_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789wxyz"

func TestParseSecretKey(t *testing.T) {
	for _, tc := range []struct {
		in, wantErr string
		live        bool
	}{
		{in: testSecret},
		{in: "sk_live_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789", live: true},
		{in: "", wantErr: "is empty"},
		{in: "pk_test_Y2xlcmsuZXhhbXBsZS5jb20k", wantErr: "that is the publishable key"},
		{in: "sk_prod_AbCdEfGhIjKlMnOpQrStUvWxYz0123", wantErr: "must start with sk_test_ or sk_live_"},
		{in: " " + testSecret, wantErr: "leading or trailing spaces"},
		{in: `"` + testSecret + `"`, wantErr: "wrapped in quotes"},
		{in: "sk_test_short", wantErr: "too short"},
		{in: "sk_test_AbCdEfGhIjKlMnOpQrStUvWxYz-0123456789", wantErr: "not a letter or digit"},
	} {
		k, err := ParseSecretKey(tc.in)
		if tc.wantErr == "" {
			if err != nil || k.Live != tc.live || k.Reveal() != tc.in {
				t.Errorf("ParseSecretKey(%s) = %v, %v", Mask(tc.in), k, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("ParseSecretKey(%s) error %v, want it to contain %q", Mask(tc.in), err, tc.wantErr)
			continue
		}
		if len(tc.in) > 12 && strings.Contains(err.Error(), strings.Trim(tc.in, `" `)) {
			t.Errorf("error leaks the key: %v", err)
		}
	}
}

func TestSecretKeyNeverFormatsRaw(t *testing.T) {
	k, err := ParseSecretKey(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{fmt.Sprint(k), fmt.Sprintf("%v %+v %#v %s", k, k, k, k), k.String()} {
		if strings.Contains(s, testSecret) || strings.Contains(s, "0123456789") {
			t.Fatalf("formatted key leaks: %s", s)
		}
	}
	if got := k.String(); got != "sk_test_…wxyz" {
		t.Fatalf("mask = %q", got)
	}
}

func TestMask(t *testing.T) {
	for in, want := range map[string]string{
		"":                            "",
		"sk_test_abc":                 "sk_test_…",
		"sk_live_0123456789abcdefgh":  "sk_live_…efgh",
		"whatever-unknown-0123456789": "…6789",
	} {
		if got := Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParsePublishableKey(t *testing.T) {
	host := "happy-cat-12.clerk.accounts.dev"
	padded := "pk_test_" + base64.StdEncoding.EncodeToString([]byte(host+"$"))
	unpadded := "pk_test_" + base64.RawStdEncoding.EncodeToString([]byte(host+"$"))
	if padded == unpadded {
		t.Fatal("test host must need padding")
	}
	for _, in := range []string{padded, unpadded} {
		pk, err := ParsePublishableKey(in)
		if err != nil || pk.Host != host || pk.Live || pk.Issuer() != "https://"+host {
			t.Fatalf("ParsePublishableKey(%q) = %+v, %v", in, pk, err)
		}
	}
	live := EncodePublishableKey("clerk.example.com", true)
	if pk, err := ParsePublishableKey(live); err != nil || !pk.Live || pk.Host != "clerk.example.com" {
		t.Fatalf("live: %+v %v", pk, err)
	}
	for in, want := range map[string]string{
		"":                            "is empty",
		testSecret:                    "that is the secret key",
		"pk_prod_abc":                 "must start with pk_test_ or pk_live_",
		"pk_test_":                    "must be base64",
		"pk_test_!!!!":                "must be base64",
		"pk_test_" + b64("x.y"):       "must end with $",
		"pk_test_" + b64("bad host$"): "invalid Frontend API host",
	} {
		_, err := ParsePublishableKey(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParsePublishableKey(%q) = %v, want %q", in, err, want)
		}
	}
}

func b64(s string) string { return base64.RawStdEncoding.EncodeToString([]byte(s)) }

func TestNormalizeIssuer(t *testing.T) {
	for in, want := range map[string]string{
		"https://happy-cat-12.clerk.accounts.dev":  "https://happy-cat-12.clerk.accounts.dev",
		"https://happy-cat-12.clerk.accounts.dev/": "https://happy-cat-12.clerk.accounts.dev",
		"https://Clerk.Example.com":                "https://clerk.example.com",
		"http://127.0.0.1:8080/":                   "http://127.0.0.1:8080",
		"http://localhost:3000":                    "http://localhost:3000",
	} {
		got, err := NormalizeIssuer(in)
		if err != nil || got != want {
			t.Errorf("NormalizeIssuer(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, want := range map[string]string{
		"http://clerk.example.com":          "uses http",
		"https://clerk.example.com/v1":      "has a path",
		"https://clerk.example.com/?x=1":    "query",
		"https://clerk.example.com/#x":      "query or fragment",
		"clerk.example.com":                 "is not a URL",
		"ftp://clerk.example.com":           "is not a URL",
		"https://user:pw@clerk.example.com": "user name or password",
	} {
		_, err := NormalizeIssuer(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("NormalizeIssuer(%q) = %v, want %q", in, err, want)
		}
	}
}

func FuzzParsePublishableKey(f *testing.F) {
	for _, s := range []string{"pk_test_" + b64("a.b$"), "pk_live_Y2xlcmsuZXhhbXBsZS5jb20k", "pk_test_", "pk_test_====", "sk_test_x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		pk, err := ParsePublishableKey(s)
		if err != nil {
			return
		}
		// A key that parses names a host that round-trips.
		again, err := ParsePublishableKey(EncodePublishableKey(pk.Host, pk.Live))
		if err != nil || again.Host != pk.Host || again.Live != pk.Live {
			t.Fatalf("round trip of %q: %+v %v", s, again, err)
		}
		if _, err := NormalizeIssuer(pk.Issuer()); err != nil && !strings.Contains(pk.Host, ":") {
			t.Fatalf("issuer of a valid key is invalid: %q: %v", pk.Issuer(), err)
		}
	})
}

func TestPublishableKeyIssuerAndNamesIssuer(t *testing.T) {
	remote, _ := ParsePublishableKey(EncodePublishableKey("Happy-Cat-12.clerk.accounts.dev", false))
	local, _ := ParsePublishableKey(EncodePublishableKey("127.0.0.1:8443", false))
	if got := remote.Issuer(); got != "https://happy-cat-12.clerk.accounts.dev" {
		t.Errorf("remote Issuer = %q", got)
	}
	if got := local.Issuer(); got != "http://127.0.0.1:8443" {
		t.Errorf("loopback Issuer = %q", got)
	}
	for iss, want := range map[string]bool{
		"https://happy-cat-12.clerk.accounts.dev":   true,
		"https://HAPPY-cat-12.clerk.accounts.dev/":  true,
		"http://happy-cat-12.clerk.accounts.dev/x":  true,
		" https://happy-cat-12.clerk.accounts.dev":  true,
		"https://other-app-99.clerk.accounts.dev":   false,
		"https://happy-cat-12.clerk.accounts.dev.x": false,
		"": false,
	} {
		if got := remote.NamesIssuer(iss); got != want {
			t.Errorf("NamesIssuer(%q) = %v, want %v", iss, got, want)
		}
	}
	if !local.NamesIssuer("http://127.0.0.1:8443") || local.NamesIssuer("http://127.0.0.1:9999") {
		t.Error("loopback NamesIssuer wrong")
	}
}

func TestIsFrontendAPIHost(t *testing.T) {
	for host, want := range map[string]bool{
		"happy-cat-12.clerk.accounts.dev":          true,
		"https://happy-cat-12.clerk.accounts.dev/": true,
		"clerk.example.com":                        true,
		"https://clerk.my-app.co.uk":               true,
		"frontend-api.clerk.services":              true,
		"clerk.happy.lcl.dev":                      true,
		"auth.example.com":                         false,
		"https://example.com":                      false,
		"clerk.com":                                false,
		"clerkish.example.com":                     false,
		"":                                         false,
		"http://127.0.0.1:8080":                    false,
	} {
		if got := IsFrontendAPIHost(host); got != want {
			t.Errorf("IsFrontendAPIHost(%q) = %v, want %v", host, got, want)
		}
	}
}
