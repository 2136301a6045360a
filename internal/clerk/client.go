package clerk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	sdk "github.com/clerk/clerk-sdk-go/v2"
	"github.com/clerk/clerk-sdk-go/v2/domain"
	"github.com/clerk/clerk-sdk-go/v2/jwttemplate"

	"github.com/clerkconvex/clerkconvex/internal/httpx"
	"github.com/clerkconvex/clerkconvex/internal/safetext"
)

// DefaultAPIURL is Clerk's Backend API.
const DefaultAPIURL = "https://api.clerk.com"

// Client talks to one Clerk instance with one secret key.
type Client struct {
	baseURL   string
	backend   sdk.Backend
	domains   *domain.Client
	templates *jwttemplate.Client
}

// Config configures New.
type Config struct {
	BaseURL    string // e.g. https://api.clerk.com (a trailing /v1 is accepted)
	SecretKey  SecretKey
	HTTPClient *http.Client // with timeouts and retries (httpx.NewClient)
}

// NormalizeAPIURL checks --clerk-api-url and returns it with /v1 appended.
func NormalizeAPIURL(raw string) (string, error) {
	if raw == "" {
		raw = DefaultAPIURL
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", fmt.Errorf("%q is not a URL like %s", raw, DefaultAPIURL)
	}
	if u.Scheme == "http" && !IsLoopback(u.Hostname()) {
		return "", fmt.Errorf("%q uses http: the Clerk API must be reached over https (http is allowed only on this machine)", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%q has a query or fragment", raw)
	}
	p := strings.TrimRight(u.Path, "/")
	p = strings.TrimSuffix(p, "/v1")
	return u.Scheme + "://" + u.Host + p + "/v1", nil
}

// New builds a client. The SDK is configured per client: no package-level key or backend. The
// secret key is not given to the SDK: httpx.ForOrigin's client attaches it, to requests for
// the API's origin only (see package httpx for the rule).
func New(cfg Config) (*Client, error) {
	base, err := NormalizeAPIURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	hc, err := httpx.ForOrigin(cfg.HTTPClient, base, httpx.Credential{Header: "Authorization", Value: "Bearer " + cfg.SecretKey.Reveal()})
	if err != nil {
		return nil, err
	}
	// Check every answer and rewrite non-JSON error bodies into Clerk's envelope so the SDK
	// keeps the status code.
	hc.Transport = &answerTransport{next: hc.Transport}
	bc := sdk.BackendConfig{HTTPClient: hc, URL: sdk.String(base), Key: sdk.String("")}
	backend := sdk.NewBackend(&bc)
	return &Client{
		baseURL:   base,
		backend:   backend,
		domains:   &domain.Client{Backend: backend},
		templates: &jwttemplate.Client{Backend: backend},
	}, nil
}

// BaseURL returns the API base URL in use (with /v1).
func (c *Client) BaseURL() string { return c.baseURL }

// APIError is an error answer from Clerk: its status, code, message and trace id (all made
// safe to print: see package safetext).
type APIError struct {
	Op          string
	Method      string // of the call, e.g. "GET"
	Status      int
	Code        string
	Message     string
	LongMessage string
	TraceID     string
	// RetryAfter is the answer's Retry-After, when it had one (429, 503).
	RetryAfter time.Duration
}

func (e *APIError) Error() string {
	msg := e.LongMessage
	if msg == "" {
		msg = e.Message
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Clerk API: %s failed: HTTP %d", e.Op, e.Status)
	if e.Code != "" {
		fmt.Fprintf(&b, " %s", e.Code)
	}
	if msg != "" {
		fmt.Fprintf(&b, ": %s", strings.TrimRight(msg, "."))
	}
	if e.TraceID != "" {
		fmt.Fprintf(&b, " (trace id %s)", e.TraceID)
	}
	return b.String()
}

// Unauthorized tells whether Clerk rejected the secret key.
func (e *APIError) Unauthorized() bool { return e.Status == http.StatusUnauthorized }

// IsUnauthorized tells whether err is Clerk rejecting the key (401).
func IsUnauthorized(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Unauthorized()
}

var (
	skPattern    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`sk_(test|live)_[A-Za-z0-9]+`) })
	whsecPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`whsec_[A-Za-z0-9+/=]+`) })
	// A Convex deploy key ("prod:name|token", "preview:team:project|token", an untyped
	// "name|token") or a self-hosted admin key ("instance|hex"): the part after "|" is the secret.
	convexKeyPattern = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`([A-Za-z0-9_.:-]+)\|([A-Za-z0-9+/=_-]{20,})`)
	})
)

// RedactSecrets masks anything shaped like a secret in s (text from elsewhere: Clerk's and
// Convex's messages, a child's output, error strings): a Clerk secret key as sk_test_…abcd, a
// webhook signing secret as whsec_…abcd, a Convex deploy or admin key as prod:name|…abcd.
func RedactSecrets(s string) string {
	if strings.Contains(s, "sk_") {
		s = skPattern().ReplaceAllStringFunc(s, Mask)
	}
	if strings.Contains(s, "whsec_") {
		s = whsecPattern().ReplaceAllStringFunc(s, func(m string) string {
			if len(m) <= len("whsec_")+8 {
				return "whsec_…"
			}
			return "whsec_…" + m[len(m)-4:]
		})
	}
	if strings.Contains(s, "|") {
		s = convexKeyPattern().ReplaceAllStringFunc(s, func(m string) string {
			i := strings.LastIndexByte(m, '|')
			return m[:i+1] + "…" + m[len(m)-4:]
		})
	}
	return s
}

// netText is text from the network made safe for an error message: one line, secrets masked.
func netText(s string) string { return safetext.Line(RedactSecrets(s)) }

func wrapErr(method, op string, err error) error {
	if err == nil {
		return nil
	}
	var ae *sdk.APIErrorResponse
	if errors.As(err, &ae) {
		out := &APIError{Op: op, Method: method, Status: ae.HTTPStatusCode, TraceID: netText(ae.TraceID)}
		if len(ae.Errors) > 0 {
			out.Code = netText(ae.Errors[0].Code)
			out.Message = netText(ae.Errors[0].Message)
			out.LongMessage = netText(ae.Errors[0].LongMessage)
		}
		if ae.Response != nil {
			if d, ok := httpx.RetryAfter(ae.Response.Header.Get("Retry-After"), time.Now()); ok {
				out.RetryAfter = d
			}
		}
		return out
	}
	// url.Error's `Get "<url>": …` repeats the URL the cause already names.
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	msg := err.Error()
	var jt *json.UnmarshalTypeError
	if errors.As(err, &jt) {
		msg = fmt.Sprintf("the answer has a JSON %s where Clerk's API has %s", jt.Value, jsonKind(jt.Type.Kind()))
	}
	return &transportError{msg: fmt.Sprintf("Clerk API: %s failed: %s", op, netText(msg)), err: err}
}

func jsonKind(k reflect.Kind) string {
	switch k {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	}
	return "a number"
}

// transportError is a call that got no usable answer (network, timeout, cancel, a redirect
// refused, an answer that is not Clerk's). Its text is redacted; the cause stays reachable with
// errors.Is/As (context.Canceled, net.Error, *httpx.RedirectError, *AnswerError, …).
type transportError struct {
	msg string
	err error
}

func (e *transportError) Error() string { return e.msg }
func (e *transportError) Unwrap() error { return e.err }

// Issuer returns the instance's primary Frontend API URL from GET /v1/domains, normalised.
func (c *Client) Issuer(ctx context.Context) (string, error) {
	list, err := c.domains.List(ctx, &domain.ListParams{})
	if err != nil {
		return "", wrapErr(http.MethodGet, "listing domains (GET /v1/domains)", err)
	}
	for _, d := range list.Domains {
		if d != nil && !d.IsSatellite {
			iss, err := NormalizeIssuer(d.FrontendAPIURL)
			if err != nil {
				return "", fmt.Errorf("Clerk's primary domain has an unusable frontend_api_url: %w", err)
			}
			return iss, nil
		}
	}
	return "", errors.New("Clerk API: GET /v1/domains listed no primary domain (is_satellite false); check the instance in the Clerk dashboard (Domains)")
}

type listParams struct {
	sdk.APIParams
	limit, offset int64
}

func (p *listParams) ToQuery() url.Values {
	return url.Values{"limit": {strconv.FormatInt(p.limit, 10)}, "offset": {strconv.FormatInt(p.offset, 10)}}
}

// pageSize of template list requests; maxPages bounds the listing (10,000 templates, far
// more than an instance has).
const (
	pageSize = 100
	maxPages = 100
)

// Templates lists every JWT template, across all pages. It stops, with an error saying why,
// when a page adds no template it has not seen (a server that ignores offset) or after
// maxPages pages.
func (c *Client) Templates(ctx context.Context) ([]*sdk.JWTTemplate, error) {
	const op = "listing JWT templates (GET /v1/jwt_templates)"
	var all []*sdk.JWTTemplate
	seen := map[string]bool{}
	for offset, pages := int64(0), 1; ; pages++ {
		req := sdk.NewAPIRequest(http.MethodGet, "/jwt_templates?paginated=true")
		req.SetParams(&listParams{limit: pageSize, offset: offset})
		page := &sdk.JWTTemplateList{}
		if err := c.backend.Call(ctx, req, page); err != nil {
			return nil, wrapErr(http.MethodGet, op, err)
		}
		added := 0
		for _, t := range page.JWTTemplates {
			if t != nil && !seen[t.ID] {
				seen[t.ID] = true
				all = append(all, t)
				added++
			}
		}
		offset += int64(len(page.JWTTemplates))
		switch {
		case len(page.JWTTemplates) == 0 || offset >= page.TotalCount:
			return all, nil
		case added == 0:
			return nil, &transportError{err: &AnswerError{Status: http.StatusOK}, msg: fmt.Sprintf(
				"Clerk API: %s failed: the page at offset %d repeats templates already listed, although total_count says %d; the server ignores offset, so the list stopped after %d pages",
				op, offset-int64(len(page.JWTTemplates)), page.TotalCount, pages)}
		case pages >= maxPages:
			return nil, &transportError{err: &AnswerError{Status: http.StatusOK}, msg: fmt.Sprintf(
				"Clerk API: %s failed: stopped after %d pages (%d templates) although total_count says %d, more than an instance has",
				op, pages, len(all), page.TotalCount)}
		}
	}
}
