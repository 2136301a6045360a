package fakeid

import (
	"regexp"
	"testing"
)

func TestNew(t *testing.T) {
	valid := regexp.MustCompile(`^[0-9A-Za-z]*$`)
	for _, n := range []int{0, 1, 27, 200} {
		got := New(n)
		if len(got) != n || !valid.MatchString(got) {
			t.Errorf("New(%d) = %q, want %d characters from [0-9A-Za-z]", n, got, n)
		}
	}
	// 27 random characters from 62 repeat only by a broken generator.
	if a, b := New(27), New(27); a == b {
		t.Errorf("New(27) returned %q twice", a)
	}
}
