package httpx

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock records sleeps instead of sleeping.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	slept  []time.Duration
	cancel bool
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.slept = append(c.slept, d)
	c.now = c.now.Add(d)
	return nil
}

// script answers with the given statuses in order, then 200.
type script struct {
	mu       sync.Mutex
	statuses []int
	headers  []map[string]string
	bodies   []string
	calls    int
}

func (s *script) RoundTrip(req *http.Request) (*http.Response, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.calls
	s.calls++
	if req.Body != nil {
		b, _ := io.ReadAll(req.Body)
		s.bodies = append(s.bodies, string(b))
	}
	status := 200
	h := http.Header{}
	if i < len(s.statuses) {
		status = s.statuses[i]
		if i < len(s.headers) {
			for k, v := range s.headers[i] {
				h.Set(k, v)
			}
		}
	}
	return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(strings.NewReader("x")), Request: req}, nil
}

func TestRetryStatuses(t *testing.T) {
	for _, tc := range []struct {
		name      string
		statuses  []int
		wantCalls int
		wantFinal int
	}{
		{"200 at once", nil, 1, 200},
		{"429 then ok", []int{429}, 2, 200},
		{"502 503 504 then ok", []int{502, 503, 504}, 4, 200},
		{"500 is not retried", []int{500}, 1, 500},
		{"401 is not retried", []int{401}, 1, 401},
		{"422 is not retried", []int{422}, 1, 422},
		{"gives up after 5 tries", []int{503, 503, 503, 503, 503, 503, 503}, 5, 503},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &script{statuses: tc.statuses}
			clk := &fakeClock{now: time.Unix(1e9, 0)}
			r := &Retry{Next: s, Clock: clk, Jitter: func() float64 { return 0.5 }}
			req, _ := http.NewRequest("GET", "http://127.0.0.1/x", nil)
			resp, err := r.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.wantFinal || s.calls != tc.wantCalls {
				t.Fatalf("status %d after %d calls, want %d after %d", resp.StatusCode, s.calls, tc.wantFinal, tc.wantCalls)
			}
			if len(clk.slept) != tc.wantCalls-1 {
				t.Fatalf("slept %d times, want %d", len(clk.slept), tc.wantCalls-1)
			}
		})
	}
}

func TestRetryHonoursRetryAfterAndBackoff(t *testing.T) {
	s := &script{statuses: []int{429, 429, 502}, headers: []map[string]string{{"Retry-After": "3"}, {"Retry-After": "0"}, {}}}
	clk := &fakeClock{now: time.Unix(1e9, 0)}
	r := &Retry{Next: s, Clock: clk, BaseDelay: time.Second, Jitter: func() float64 { return 0 }}
	req, _ := http.NewRequest("GET", "http://127.0.0.1/x", nil)
	if _, err := r.RoundTrip(req); err != nil {
		t.Fatal(err)
	}
	// try 1: max(3s, 0.5s) = 3s; try 2: max(0, 1s) = 1s; try 3: backoff 2s*0.5 = 2s.
	want := []time.Duration{3 * time.Second, time.Second, 2 * time.Second}
	if len(clk.slept) != len(want) {
		t.Fatalf("slept %v, want %v", clk.slept, want)
	}
	for i := range want {
		if clk.slept[i] != want[i] {
			t.Fatalf("sleep %d = %v, want %v (all %v)", i, clk.slept[i], want[i], clk.slept)
		}
	}
}

func TestRetryStopsAtTotalWait(t *testing.T) {
	s := &script{statuses: []int{429, 429, 429}, headers: []map[string]string{{"Retry-After": "20"}, {"Retry-After": "20"}, {"Retry-After": "20"}}}
	clk := &fakeClock{now: time.Unix(1e9, 0)}
	r := &Retry{Next: s, Clock: clk}
	req, _ := http.NewRequest("GET", "http://127.0.0.1/x", nil)
	resp, err := r.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 429 || s.calls != 2 {
		t.Fatalf("got %d after %d calls; want the 429 after 2 calls (20s + 20s > 30s)", resp.StatusCode, s.calls)
	}
	var total time.Duration
	for _, d := range clk.slept {
		total += d
	}
	if total > DefaultMaxWait {
		t.Fatalf("waited %v in all, more than %v", total, DefaultMaxWait)
	}
}

func TestRetryReplaysBody(t *testing.T) {
	s := &script{statuses: []int{503}}
	r := &Retry{Next: s, Clock: &fakeClock{}}
	req, _ := http.NewRequest("POST", "http://127.0.0.1/x", strings.NewReader(`{"a":1}`))
	if _, err := r.RoundTrip(req); err != nil {
		t.Fatal(err)
	}
	if len(s.bodies) != 2 || s.bodies[0] != `{"a":1}` || s.bodies[1] != `{"a":1}` {
		t.Fatalf("bodies %q, want the same body twice", s.bodies)
	}
}

func TestRetryAfterDate(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	d, ok := RetryAfter(now.Add(7*time.Second).Format(http.TimeFormat), now)
	if !ok || d != 7*time.Second {
		t.Fatalf("got %v %v", d, ok)
	}
	if _, ok := RetryAfter("soon", now); ok {
		t.Fatal("garbage parsed")
	}
}

func TestDelayGrowsAndStaysInBand(t *testing.T) {
	r := &Retry{BaseDelay: 100 * time.Millisecond}
	for try := 1; try <= 4; try++ {
		step := 100 * time.Millisecond << (try - 1)
		for i := 0; i < 50; i++ {
			d := r.Delay(try, nil)
			if d < step/2 || d > step {
				t.Fatalf("try %d delay %v outside [%v,%v]", try, d, step/2, step)
			}
		}
	}
}

func TestClientTimeout(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(block)
	c := NewClient(Options{Timeout: 100 * time.Millisecond})
	_, err := c.Get(srv.URL)
	if err == nil {
		t.Fatal("want a timeout")
	}
	if !strings.Contains(err.Error(), "no answer from") {
		t.Fatalf("error %q does not say it timed out", err)
	}
}
