package httpx

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// maxRedirects is how many redirects a GET follows (as net/http's default).
const maxRedirects = 10

// IsLoopback tells whether host (without a port) is this machine: localhost, *.localhost or a
// loopback IP. Only these may be reached over plain http.
func IsLoopback(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Origin is u's scheme, host and port, with the scheme's default port made explicit:
// "https://api.clerk.com:443".
func Origin(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		switch scheme {
		case "https":
			port = "443"
		case "http":
			port = "80"
		}
	}
	return scheme + "://" + net.JoinHostPort(strings.ToLower(strings.TrimSuffix(u.Hostname(), ".")), port)
}

// Mutating tells whether a request with this method changes something on the server.
func Mutating(method string) bool {
	switch strings.ToUpper(method) {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		return true
	}
	return false
}

// RedirectError is a redirect the client refused to follow. Nothing was sent to To.
type RedirectError struct {
	Method string // of the request that was redirected
	From   string // its URL
	To     string // where the server sent it
	Status int    // the redirect's status, e.g. 302
	Reason string
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("%s %s was answered with a redirect (HTTP %d) to %s: %s", e.Method, e.From, e.Status, e.To, e.Reason)
}

// Reasons of a RedirectError.
const (
	ReasonMutating  = "a request that changes something is never followed through a redirect (it would be resent as a GET, or its body sent elsewhere)"
	ReasonOrigin    = "a redirect that changes scheme, host or port is refused, because the request carries a credential that goes only to "
	ReasonDowngrade = "a redirect from https to plain http is refused"
	ReasonTooMany   = "stopped after 10 redirects"
)

// checkRedirect is the base client's redirect policy (see the package documentation).
func checkRedirect(req *http.Request, via []*http.Request) error {
	for _, r := range via {
		if Mutating(r.Method) {
			e := refused(req, via, ReasonMutating)
			e.Method = r.Method
			return e
		}
	}
	prev := via[len(via)-1]
	if strings.EqualFold(prev.URL.Scheme, "https") && !strings.EqualFold(req.URL.Scheme, "https") && !IsLoopback(req.URL.Hostname()) {
		return refused(req, via, ReasonDowngrade)
	}
	if len(via) >= maxRedirects {
		return refused(req, via, ReasonTooMany)
	}
	return nil
}

// refused is the error for not following the redirect to req.
func refused(req *http.Request, via []*http.Request, reason string) *RedirectError {
	prev := via[len(via)-1]
	e := &RedirectError{Method: prev.Method, From: prev.URL.Redacted(), To: req.URL.Redacted(), Reason: reason}
	if req.Response != nil {
		e.Status = req.Response.StatusCode
	}
	return e
}

// Credential is a header that must reach one origin only, e.g. Authorization: Bearer sk_….
// Its String form never shows the value.
type Credential struct {
	Header string
	Value  string
}

func (c Credential) String() string   { return c.Header + ": …" }
func (c Credential) GoString() string { return "httpx.Credential{" + c.Header + ": …}" }

// OriginError is a request for another origin than the one a client's credential belongs to.
// It was not sent.
type OriginError struct {
	URL    string
	Origin string
}

func (e *OriginError) Error() string {
	return fmt.Sprintf("refused to send a request to %s: this client's credential goes only to %s", e.URL, e.Origin)
}

// ForOrigin returns a client built on base that sends cred with every request for the origin of
// baseURL (its scheme, host and port), and refuses any request for another origin and any
// redirect that changes scheme, host or port (a *RedirectError naming both URLs). baseURL must be
// https, or http on this machine. base keeps its transport, retries and body cap; it is not
// changed.
func ForOrigin(base *http.Client, baseURL string, cred Credential) (*http.Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("%q is not an http(s) URL", baseURL)
	}
	switch {
	case strings.EqualFold(u.Scheme, "https"):
	case strings.EqualFold(u.Scheme, "http") && IsLoopback(u.Hostname()):
	case strings.EqualFold(u.Scheme, "http"):
		return nil, fmt.Errorf("%q uses plain http: a credential is sent only over https (http only to this machine)", baseURL)
	default:
		return nil, fmt.Errorf("%q is not an http(s) URL", baseURL)
	}
	if cred.Header == "" {
		return nil, errors.New("httpx.ForOrigin: the credential has no header name")
	}
	if base == nil {
		base = NewClient(Options{})
	}
	origin := Origin(u)
	shown := strings.ToLower(u.Scheme) + "://" + u.Host
	next := base.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	c := *base
	c.Jar = nil
	c.Transport = &originGuard{next: next, origin: origin, shown: shown, cred: cred}
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if Origin(req.URL) != origin {
			return refused(req, via, ReasonOrigin+shown)
		}
		return checkRedirect(req, via)
	}
	return &c, nil
}

// originGuard attaches the credential to requests for its origin and refuses all others.
type originGuard struct {
	next   http.RoundTripper
	origin string
	shown  string
	cred   Credential
}

func (g *originGuard) RoundTrip(req *http.Request) (*http.Response, error) {
	if Origin(req.URL) != g.origin {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, &OriginError{URL: req.URL.Redacted(), Origin: g.shown}
	}
	out := req.Clone(req.Context())
	out.Header.Set(g.cred.Header, g.cred.Value)
	return g.next.RoundTrip(out)
}
