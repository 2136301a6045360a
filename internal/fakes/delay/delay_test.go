package delay

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"
)

func TestWait(t *testing.T) {
	const long = time.Minute // a case that waits this long has failed
	cases := []struct {
		name      string
		d         time.Duration
		cancelReq bool
		closeDone bool
		want      bool
		atLeast   time.Duration
	}{
		{name: "no delay", d: 0, want: true},
		{name: "negative delay", d: -time.Second, want: true},
		{name: "no delay, even when closed", d: 0, closeDone: true, cancelReq: true, want: true},
		{name: "delay elapses", d: 20 * time.Millisecond, want: true, atLeast: 20 * time.Millisecond},
		{name: "client went away", d: long, cancelReq: true, want: false},
		{name: "server closed", d: long, closeDone: true, want: false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			r := httptest.NewRequest("GET", "/", nil).WithContext(ctx)
			done := make(chan struct{})
			if tc.cancelReq {
				cancel()
			}
			if tc.closeDone {
				close(done)
			}
			start := time.Now()
			got := Wait(r, done, tc.d)
			elapsed := time.Since(start)
			if got != tc.want {
				t.Errorf("Wait = %v, want %v", got, tc.want)
			}
			if elapsed < tc.atLeast || elapsed > 10*time.Second {
				t.Errorf("Wait took %v, want at least %v (and well under a minute)", elapsed, tc.atLeast)
			}
		})
	}
}
