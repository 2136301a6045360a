// Package httpx builds the HTTP clients the tool uses: timeouts on every call, the proxy from
// HTTPS_PROXY/NO_PROXY, and retries of 429/502/503/504 that honour Retry-After.
package httpx

import (
	"context"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Defaults for the retry policy.
const (
	DefaultMaxTries  = 5
	DefaultMaxWait   = 30 * time.Second
	DefaultBaseDelay = 500 * time.Millisecond
	DefaultTimeout   = 15 * time.Second
)

// Clock lets tests replace time: Now and Sleep.
type Clock interface {
	Now() time.Time
	Sleep(ctx context.Context, d time.Duration) error
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }
func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Retry is an http.RoundTripper that retries throttled and gateway failures.
type Retry struct {
	Next      http.RoundTripper
	Clock     Clock
	MaxTries  int           // total attempts, including the first
	MaxWait   time.Duration // total time spent waiting between attempts
	BaseDelay time.Duration
	// Jitter returns a number in [0,1); nil means math/rand.
	Jitter func() float64
}

// Retryable reports whether a status is worth another try.
func Retryable(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// RetryAfter parses a Retry-After header: whole seconds or an HTTP date.
func RetryAfter(h string, now time.Time) (time.Duration, bool) {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(h); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(h); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

// Delay returns the wait before attempt number try+1 (try counts from 1): the larger of
// Retry-After and exponential backoff with full jitter on top of half the step.
func (r *Retry) Delay(try int, resp *http.Response) time.Duration {
	base := r.BaseDelay
	if base <= 0 {
		base = DefaultBaseDelay
	}
	step := float64(base) * math.Pow(2, float64(try-1))
	j := r.Jitter
	if j == nil {
		j = rand.Float64
	}
	backoff := time.Duration(step/2 + step/2*j())
	if resp != nil {
		if ra, ok := RetryAfter(resp.Header.Get("Retry-After"), r.clock().Now()); ok && ra > backoff {
			return ra
		}
	}
	return backoff
}

func (r *Retry) clock() Clock {
	if r.Clock == nil {
		return realClock{}
	}
	return r.Clock
}

// RoundTrip sends the request, retrying as the policy allows.
func (r *Retry) RoundTrip(req *http.Request) (*http.Response, error) {
	next := r.Next
	if next == nil {
		next = http.DefaultTransport
	}
	maxTries := r.MaxTries
	if maxTries <= 0 {
		maxTries = DefaultMaxTries
	}
	maxWait := r.MaxWait
	if maxWait <= 0 {
		maxWait = DefaultMaxWait
	}
	var waited time.Duration
	for try := 1; ; try++ {
		attempt := req
		if try > 1 && req.Body != nil && req.Body != http.NoBody {
			if req.GetBody == nil {
				return nil, errors.New("httpx: cannot retry a request whose body cannot be replayed")
			}
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			attempt = req.Clone(req.Context())
			attempt.Body = body
		}
		resp, err := next.RoundTrip(attempt)
		if err != nil || !Retryable(resp.StatusCode) || try >= maxTries {
			return resp, err
		}
		d := r.Delay(try, resp)
		if waited+d > maxWait {
			return resp, nil
		}
		// Drain and close before waiting so the connection can be reused.
		drain(resp)
		if err := r.clock().Sleep(req.Context(), d); err != nil {
			return nil, err
		}
		waited += d
	}
}

func drain(resp *http.Response) {
	buf := make([]byte, 4096)
	for i := 0; i < 16; i++ {
		if _, err := resp.Body.Read(buf); err != nil {
			break
		}
	}
	resp.Body.Close()
}

// Options configure NewClient.
type Options struct {
	Timeout time.Duration // each attempt (headers and body); waits between retries are not counted
	Clock   Clock
	// BaseDelay is the first backoff step (default 500ms).
	BaseDelay time.Duration
}

// NewClient returns an http.Client with dial/TLS/header timeouts, the environment's proxy, and
// the retry policy. Each attempt is bounded by Timeout.
func NewClient(o Options) *http.Client {
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	base := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: timeout,
		IdleConnTimeout:       30 * time.Second,
		MaxIdleConnsPerHost:   4,
		ForceAttemptHTTP2:     true,
	}
	var rt http.RoundTripper = &attemptTimeout{next: base, d: timeout}
	return &http.Client{Transport: &Retry{Next: rt, Clock: o.Clock, BaseDelay: o.BaseDelay}}
}

// attemptTimeout bounds one attempt (headers and body) without bounding the retry waits.
type attemptTimeout struct {
	next http.RoundTripper
	d    time.Duration
}

func (a *attemptTimeout) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(req.Context(), a.d)
	resp, err := a.next.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel()
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, context.DeadlineExceeded) {
			return nil, &TimeoutError{URL: req.URL.Redacted(), After: a.d}
		}
		return nil, err
	}
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c *cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}

// TimeoutError says a request got no answer in time.
type TimeoutError struct {
	URL   string
	After time.Duration
}

func (e *TimeoutError) Error() string {
	return "no answer from " + e.URL + " within " + e.After.String()
}

// Timeout marks it as a net.Error-style timeout.
func (e *TimeoutError) Timeout() bool { return true }
