package svixsig

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// The example of Svix's "verifying payloads manually" documentation: this secret, id,
// timestamp and body give this signature.
func TestSignDocumentedExample(t *testing.T) {
	s, err := ParseSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	if err != nil {
		t.Fatal(err)
	}
	got := s.Sign("msg_p5jXN8AQM9LWM0D4loKWxJek", time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`))
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
}

func TestParseSecret(t *testing.T) {
	for _, bad := range []string{"", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_", "whsec_MfKQ9r8G", "whsec_not base64!!", "sk_test_abc"} {
		if _, err := ParseSecret(bad); !errors.Is(err, ErrShape) {
			t.Errorf("ParseSecret(%q) = %v, want ErrShape", bad, err)
		}
	}
	s, err := ParseSecret("  whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n")
	if err != nil {
		t.Fatal(err)
	}
	for _, shown := range []string{s.String(), fmt.Sprintf("%v %+v %#v %s", s, s, s, s)} {
		if strings.Contains(shown, "MfKQ9r8GKYqrTwjUPD8ILPZIo2La") {
			t.Errorf("the secret leaks: %s", shown)
		}
	}
	if s.String() != "whsec_…LaSw" {
		t.Errorf("String = %s", s)
	}
}
