package clerk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	sdk "github.com/clerk/clerk-sdk-go/v2"
	"github.com/clerk/clerk-sdk-go/v2/domain"
	"github.com/clerk/clerk-sdk-go/v2/jwttemplate"

	"github.com/clerkconvex/clerkconvex/internal/httpx"
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

// New builds a client. The SDK is configured per client: no package-level key or backend.
func New(cfg Config) (*Client, error) {
	base, err := NormalizeAPIURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{}
	}
	// Rewrite non-JSON error bodies into Clerk's envelope so the SDK keeps the status code.
	wrapped := *hc
	wrapped.Transport = &envelopeTransport{next: hc.Transport}
	key := cfg.SecretKey.Reveal()
	bc := sdk.BackendConfig{HTTPClient: &wrapped, URL: sdk.String(base), Key: sdk.String(key)}
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

// APIError is an error answer from Clerk: its status, code, message and trace id.
type APIError struct {
	Op          string
	Status      int
	Code        string
	Message     string
	LongMessage string
	TraceID     string
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

var skPattern = regexp.MustCompile(`sk_(test|live)_[A-Za-z0-9]+`)

// RedactSecrets masks anything shaped like a secret key in s (text from elsewhere: Clerk's
// messages, error strings).
func RedactSecrets(s string) string {
	return skPattern.ReplaceAllStringFunc(s, Mask)
}

func wrapErr(op string, err error) error {
	if err == nil {
		return nil
	}
	var ae *sdk.APIErrorResponse
	if errors.As(err, &ae) {
		out := &APIError{Op: op, Status: ae.HTTPStatusCode, TraceID: ae.TraceID}
		if len(ae.Errors) > 0 {
			out.Code = ae.Errors[0].Code
			out.Message = RedactSecrets(ae.Errors[0].Message)
			out.LongMessage = RedactSecrets(ae.Errors[0].LongMessage)
		}
		return out
	}
	msg := err.Error()
	var te *httpx.TimeoutError
	if errors.As(err, &te) {
		msg = te.Error() // not url.Error's `Get "<url>": no answer from <url> …`
	}
	return &transportError{msg: fmt.Sprintf("Clerk API: %s failed: %s", op, RedactSecrets(msg)), err: err}
}

// transportError is a call that got no answer (network, timeout, cancel). Its text is redacted;
// the cause stays reachable with errors.Is/As (context.Canceled, net.Error, …).
type transportError struct {
	msg string
	err error
}

func (e *transportError) Error() string { return e.msg }
func (e *transportError) Unwrap() error { return e.err }

// envelopeTransport turns an error answer that is not Clerk's JSON envelope (an HTML page from
// a proxy, say) into one, so the status code and a readable message survive the SDK.
type envelopeTransport struct{ next http.RoundTripper }

func (t *envelopeTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	next := t.next
	if next == nil {
		next = http.DefaultTransport
	}
	resp, err := next.RoundTrip(req)
	if err != nil || resp.StatusCode < 400 {
		return resp, err
	}
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if rerr != nil {
		body = nil
	}
	var env struct {
		Errors []json.RawMessage `json:"errors"`
	}
	if json.Unmarshal(body, &env) != nil || env.Errors == nil {
		snippet := summarize(body)
		msg := fmt.Sprintf("%s (the answer was not Clerk's JSON", http.StatusText(resp.StatusCode))
		if snippet != "" {
			msg += ": " + strconv.Quote(snippet)
		}
		msg += ")"
		env := map[string]any{
			"errors":         []map[string]string{{"code": "", "message": msg, "long_message": msg}},
			"clerk_trace_id": resp.Header.Get("X-Clerk-Trace-Id"),
		}
		body, _ = json.Marshal(env)
		resp.Header.Set("Content-Type", "application/json")
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	return resp, nil
}

var tagPattern = regexp.MustCompile(`<[^>]*>`)

func summarize(body []byte) string {
	s := tagPattern.ReplaceAllString(string(body), " ")
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return RedactSecrets(s)
}

// Issuer returns the instance's primary Frontend API URL from GET /v1/domains, normalised.
func (c *Client) Issuer(ctx context.Context) (string, error) {
	list, err := c.domains.List(ctx, &domain.ListParams{})
	if err != nil {
		return "", wrapErr("listing domains (GET /v1/domains)", err)
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

// pageSize of template list requests.
const pageSize = 100

// Templates lists every JWT template, across all pages.
func (c *Client) Templates(ctx context.Context) ([]*sdk.JWTTemplate, error) {
	var all []*sdk.JWTTemplate
	for offset := int64(0); ; {
		req := sdk.NewAPIRequest(http.MethodGet, "/jwt_templates?paginated=true")
		req.SetParams(&listParams{limit: pageSize, offset: offset})
		page := &sdk.JWTTemplateList{}
		if err := c.backend.Call(ctx, req, page); err != nil {
			return nil, wrapErr("listing JWT templates (GET /v1/jwt_templates)", err)
		}
		all = append(all, page.JWTTemplates...)
		offset += int64(len(page.JWTTemplates))
		if len(page.JWTTemplates) == 0 || offset >= page.TotalCount {
			return all, nil
		}
	}
}
