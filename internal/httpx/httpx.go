// Package httpx builds the HTTP clients the tool uses: timeouts on every call, the proxy from
// HTTPS_PROXY/NO_PROXY, retries of 429/502/503/504 that honour Retry-After, a cap on every
// answer's body, and the redirect and origin rules for credentials.
//
// # Clients and credentials
//
// NewClient returns the base client. It never follows a redirect of a request that changes
// something (POST, PUT, PATCH, DELETE): the method would silently become GET, or the body would
// be sent elsewhere. It follows a GET through at most 10 redirects, but never from https to
// plain http off this machine. Every answer's body is capped (Options.MaxBody): reading past the
// cap fails with a *BodyTooLargeError. A body that stops arriving fails with a *TimeoutError.
//
// A client that carries a credential (a secret key, a deploy key) is built with ForOrigin from
// the base client: the credential is a header that ForOrigin's client attaches itself, only to
// requests for the configured origin (scheme, host and port), only over https (plain http only
// to this machine, for tests). A request for any other origin fails before anything is sent, and
// a redirect that changes scheme, host or port is a *RedirectError naming both URLs. Callers do
// not set the header themselves. For example, the Clerk client:
//
//	hc, err := httpx.ForOrigin(base, "https://api.clerk.com/v1", httpx.Credential{
//		Header: "Authorization", Value: "Bearer " + secretKey})
//
// and a Convex Deployment API client (Authorization: Convex <deploy key>):
//
//	hc, err := httpx.ForOrigin(base, deploymentURL, httpx.Credential{
//		Header: "Authorization", Value: "Convex " + deployKey})
package httpx

import (
	"context"
	"errors"
	"fmt"
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
	// DefaultMaxBody caps every answer's body: Clerk's largest answer here (a page of 100 JWT
	// templates) and an issuer's documents are a few hundred KB at most.
	DefaultMaxBody = 4 << 20
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
	// MaxBody caps each answer's body (default DefaultMaxBody).
	MaxBody int64
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
	maxBody := o.MaxBody
	if maxBody <= 0 {
		maxBody = DefaultMaxBody
	}
	var rt http.RoundTripper = &attempt{next: base, d: timeout, maxBody: maxBody}
	return &http.Client{
		Transport:     &Retry{Next: rt, Clock: o.Clock, BaseDelay: o.BaseDelay},
		CheckRedirect: checkRedirect,
	}
}

// attempt bounds one attempt (headers and body) without bounding the retry waits, and caps
// the body.
type attempt struct {
	next    http.RoundTripper
	d       time.Duration
	maxBody int64
}

func (a *attempt) RoundTrip(req *http.Request) (*http.Response, error) {
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
	resp.Body = &body{ReadCloser: resp.Body, ctx: ctx, cancel: cancel, url: req.URL.Redacted(), after: a.d, left: a.maxBody, max: a.maxBody}
	return resp, nil
}

// body is an answer's body: reading past max bytes is a *BodyTooLargeError, and a read cut
// short by the attempt's time limit is a *TimeoutError (not "context deadline exceeded").
type body struct {
	io.ReadCloser
	ctx    context.Context
	cancel context.CancelFunc
	url    string
	after  time.Duration
	left   int64 // bytes that may still be read; -1 once the cap was hit
	max    int64
}

func (b *body) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, &BodyTooLargeError{URL: b.url, Limit: b.max}
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1] // one byte more than allowed tells "too large" from "exactly full"
	}
	n, err := b.ReadCloser.Read(p)
	if int64(n) > b.left {
		n, b.left = int(b.left), -1
		return n, &BodyTooLargeError{URL: b.url, Limit: b.max}
	}
	b.left -= int64(n)
	if err != nil && err != io.EOF && errors.Is(b.ctx.Err(), context.DeadlineExceeded) {
		err = &TimeoutError{URL: b.url, After: b.after, Body: true}
	}
	return n, err
}

func (b *body) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// BodyTooLargeError is an answer whose body is larger than the cap.
type BodyTooLargeError struct {
	URL   string
	Limit int64
}

func (e *BodyTooLargeError) Error() string {
	return fmt.Sprintf("the answer from %s is larger than %s, more than such an answer ever is; it was not read to the end", e.URL, sizeString(e.Limit))
}

func sizeString(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// TimeoutError says a request got no answer in time, or (Body) that its answer stopped
// arriving before it was complete.
type TimeoutError struct {
	URL   string
	After time.Duration
	Body  bool
}

func (e *TimeoutError) Error() string {
	if e.Body {
		return "the answer from " + e.URL + " stopped arriving: it was not complete within " + e.After.String()
	}
	return "no answer from " + e.URL + " within " + e.After.String()
}

// Timeout and Temporary make it a net.Error.
func (e *TimeoutError) Timeout() bool   { return true }
func (e *TimeoutError) Temporary() bool { return true }
