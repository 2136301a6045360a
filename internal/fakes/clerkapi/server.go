// Package clerkapi is a fake Clerk Backend API for tests.
//
// It follows the parts of Clerk's OpenAPI spec (version 2026-05-12, see
// /work/shared/reference/clerk-bapi-2026-05-12.yml) that clerkconvex uses:
//
//	GET    /v1/domains
//	GET    /v1/jwt_templates            (bare array, or {data,total_count} with paginated=true)
//	POST   /v1/jwt_templates
//	GET    /v1/jwt_templates/{id}
//	PATCH  /v1/jwt_templates/{id}
//	DELETE /v1/jwt_templates/{id}
//
// Requests must carry "Authorization: Bearer <secret key>". Several Clerk
// instances can live on one server; each secret key sees only its own
// instance's domains and templates. Errors use Clerk's envelope
// {"errors":[{"message","long_message","code","meta"}],"clerk_trace_id":"..."}.
//
// Server.URL is the server root: clients must use Server.URL + "/v1" as the
// Clerk API base URL (clerk-sdk-go wants the /v1 in its base URL).
//
// The test controls (AddTemplate, Templates, Requests, InjectFault, ...) are
// safe for concurrent use with requests in flight.
package clerkapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/clerkconvex/clerkconvex/internal/fakes/delay"
	"github.com/clerkconvex/clerkconvex/internal/fakes/fakeid"
)

// Instance is one Clerk instance served by the fake.
type Instance struct {
	// SecretKey is the Backend API key (sk_test_… / sk_live_…) that selects
	// this instance. Required and unique per server.
	SecretKey string
	// FrontendAPIURL is the primary domain's frontend_api_url, which is also
	// the instance's JWT issuer, e.g. "https://happy-hippo-1.clerk.accounts.dev"
	// or an issuer fake's URL. Required.
	FrontendAPIURL string
	// Satellites are satellite domain names (e.g. "satellite.example.com");
	// each is listed by GET /v1/domains with is_satellite true.
	Satellites []string
}

// Options configure a Server.
type Options struct {
	Instances []Instance
	// Latency is added before every response (the wait ends early if the
	// client gives up or the server closes).
	Latency time.Duration
	// Now returns the current time, for created_at/updated_at; nil means time.Now.
	Now func() time.Time
}

// Template is a JWT template as stored by the fake. Its JSON form is the
// spec's JWTTemplate object.
type Template struct {
	Object           string          `json:"object"`
	ID               string          `json:"id"`
	Name             string          `json:"name"`
	Claims           json.RawMessage `json:"claims"`
	Lifetime         int64           `json:"lifetime"`
	AllowedClockSkew int64           `json:"allowed_clock_skew"`
	CustomSigningKey bool            `json:"custom_signing_key"`
	SigningAlgorithm string          `json:"signing_algorithm"`
	CreatedAt        int64           `json:"created_at"`
	UpdatedAt        int64           `json:"updated_at"`
}

// Request is one request the server received. The secret key itself is never
// stored: Auth holds a masked form.
type Request struct {
	Method      string
	Path        string // URL path, e.g. "/v1/jwt_templates/jtmp_…"
	RawQuery    string // e.g. "paginated=true&limit=10"
	Body        string
	ContentType string
	HasAuth     bool   // an Authorization header was present
	Auth        string // masked header value, e.g. "Bearer sk_test_…abcd"; "" if absent
	Status      int    // status code the fake answered with
}

// Fault makes matching requests fail (or slow down) before normal handling,
// including before authentication, like a proxy or rate limiter would.
type Fault struct {
	Method     string // "" matches any method
	PathPrefix string // matched against the URL path, e.g. "/v1/jwt_templates"; "" matches all
	// Status to answer with. 0 means: after Delay, handle the request normally.
	Status int
	// Header is added to the response (e.g. {"Retry-After": "2"} for 429).
	Header map[string]string
	// Body is sent as is. If empty, a Clerk error envelope for Status is sent.
	Body string
	// ContentType of Body; default "application/json" (use "text/html" for
	// a proxy's 502 page).
	ContentType string
	// Times is how many requests the fault applies to; 0 means every request.
	Times int
	// Delay before answering; the wait ends early if the client gives up, so
	// a Delay longer than the client's timeout simulates a timeout.
	Delay time.Duration
	// Endless: after Body, the body never ends (bytes keep coming until the
	// client hangs up). Needs a Status.
	Endless bool
	// Stall: after Body, the body stops arriving (the connection stays open)
	// until the client hangs up. Needs a Status.
	Stall bool
}

// BadGatewayHTML is a proxy error page, for Fault{Status: 502, Body: BadGatewayHTML, ContentType: "text/html"}.
const BadGatewayHTML = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"

type instanceState struct {
	inst      Instance
	domainIDs []string // primary first, then satellites
	templates []*Template
}

type faultState struct {
	f    Fault
	left int // remaining uses; -1 = unlimited
}

// Server is a running fake Clerk Backend API.
type Server struct {
	// URL is the server root, e.g. "http://127.0.0.1:1234". The Clerk API
	// base URL is URL + "/v1".
	URL string

	srv     *httptest.Server
	handler http.Handler
	now     func() time.Time
	done    chan struct{}
	once    sync.Once

	inFlight atomic.Int32 // requests being handled (for tests)

	mu        sync.Mutex
	instances map[string]*instanceState // by secret key
	latency   time.Duration
	requests  []Request
	faults    []*faultState
	// ignoreOffset, when > 0, is the total_count the template list claims
	// while answering every page from offset 0 (SetIgnoreOffset).
	ignoreOffset int
}

// New starts a fake server. It panics if an instance has no SecretKey or
// FrontendAPIURL, or if two instances share a key (a broken test setup).
// Call Close when done.
func New(opts Options) *Server {
	s := NewUnstarted(opts)
	s.srv = httptest.NewServer(s.handler)
	s.URL = s.srv.URL
	return s
}

// NewUnstarted builds the fake without starting a listener: mount Handler()
// yourself. URL is empty and Close only stops pending delays.
func NewUnstarted(opts Options) *Server {
	s := &Server{
		now:       opts.Now,
		done:      make(chan struct{}),
		instances: map[string]*instanceState{},
		latency:   opts.Latency,
	}
	if s.now == nil {
		s.now = time.Now
	}
	for _, in := range opts.Instances {
		if err := s.AddInstance(in); err != nil {
			panic(err)
		}
	}
	s.handler = http.HandlerFunc(s.serveHTTP)
	return s
}

// Handler returns the fake's http.Handler; it expects paths starting with /v1.
func (s *Server) Handler() http.Handler { return s.handler }

// Close stops the server and ends pending delays.
func (s *Server) Close() {
	s.once.Do(func() { close(s.done) })
	if s.srv != nil {
		s.srv.Close()
	}
}

// AddInstance adds an instance after New.
func (s *Server) AddInstance(in Instance) error {
	if in.SecretKey == "" {
		return fmt.Errorf("clerkapi fake: instance with frontend API URL %q has no SecretKey", in.FrontendAPIURL)
	}
	if in.FrontendAPIURL == "" {
		return fmt.Errorf("clerkapi fake: instance %s has no FrontendAPIURL", MaskKey(in.SecretKey))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.instances[in.SecretKey]; dup {
		return fmt.Errorf("clerkapi fake: two instances share the secret key %s", MaskKey(in.SecretKey))
	}
	in.Satellites = append([]string(nil), in.Satellites...)
	st := &instanceState{inst: in}
	for range 1 + len(in.Satellites) {
		st.domainIDs = append(st.domainIDs, "dmn_"+fakeid.New(27))
	}
	s.instances[in.SecretKey] = st
	return nil
}

// SetLatency changes the latency added before every response.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	s.latency = d
	s.mu.Unlock()
}

// AddTemplate stores a template for the instance with the given key, as if
// created earlier. Zero fields get the API's defaults: ID "jtmp_…", Object
// "jwt_template", Claims {}, Lifetime 60, AllowedClockSkew 5,
// SigningAlgorithm "RS256", CreatedAt/UpdatedAt now. It does not apply the
// API's validation (so tests can plant odd data), except that Claims must be
// valid JSON and the key must belong to an instance. Returns the stored template.
func (s *Server) AddTemplate(secretKey string, t Template) (Template, error) {
	if len(t.Claims) == 0 {
		t.Claims = json.RawMessage(`{}`)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, t.Claims); err != nil {
		return Template{}, fmt.Errorf("clerkapi fake: template %q: claims are not valid JSON: %w", t.Name, err)
	}
	t.Claims = buf.Bytes()
	if t.Object == "" {
		t.Object = "jwt_template"
	}
	if t.ID == "" {
		t.ID = newTemplateID()
	}
	if t.Lifetime == 0 {
		t.Lifetime = defaultLifetime
	}
	if t.AllowedClockSkew == 0 {
		t.AllowedClockSkew = defaultClockSkew
	}
	if t.SigningAlgorithm == "" {
		t.SigningAlgorithm = "RS256"
	}
	now := s.now().UnixMilli()
	if t.CreatedAt == 0 {
		t.CreatedAt = now
	}
	if t.UpdatedAt == 0 {
		t.UpdatedAt = t.CreatedAt
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.instances[secretKey]
	if !ok {
		return Template{}, fmt.Errorf("clerkapi fake: no instance has the secret key %s", MaskKey(secretKey))
	}
	stored := t
	st.templates = append(st.templates, &stored)
	return stored.clone(), nil
}

// Templates returns copies of the instance's templates in list order, or nil
// for an unknown key.
func (s *Server) Templates(secretKey string) []Template {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.instances[secretKey]
	if !ok {
		return nil
	}
	out := make([]Template, 0, len(st.templates))
	for _, t := range st.templates {
		out = append(out, t.clone())
	}
	return out
}

// Requests returns a copy of the requests received so far, in arrival order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// ClearRequests forgets the recorded requests.
func (s *Server) ClearRequests() {
	s.mu.Lock()
	s.requests = nil
	s.mu.Unlock()
}

// MutatingRequests counts the POST, PATCH, PUT and DELETE requests received,
// whatever their outcome (failed and faulted ones included).
func (s *Server) MutatingRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.requests {
		switch r.Method {
		case http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete:
			n++
		}
	}
	return n
}

// InjectFault adds a fault. Faults are tried in the order added; the first
// match with uses left applies.
func (s *Server) InjectFault(f Fault) {
	left := f.Times
	if left <= 0 {
		left = -1
	}
	s.mu.Lock()
	s.faults = append(s.faults, &faultState{f: f, left: left})
	s.mu.Unlock()
}

// ClearFaults removes all faults.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	s.faults = nil
	s.mu.Unlock()
}

// MaskKey masks a secret key for display: "sk_test_…abcd". Keys too short to
// mask safely become "…".
func MaskKey(key string) string {
	prefix := ""
	for _, p := range []string{"sk_test_", "sk_live_"} {
		if strings.HasPrefix(key, p) {
			prefix = p
		}
	}
	rest := key[len(prefix):]
	if len(rest) < 12 {
		return prefix + "…"
	}
	return prefix + "…" + rest[len(rest)-4:]
}

func maskAuthHeader(v string) string {
	if v == "" {
		return ""
	}
	if scheme, cred, ok := strings.Cut(v, " "); ok && strings.EqualFold(scheme, "Bearer") {
		return scheme + " " + MaskKey(strings.TrimSpace(cred))
	}
	return MaskKey(v)
}

func (t *Template) clone() Template {
	c := *t
	c.Claims = append(json.RawMessage(nil), t.Claims...)
	return c
}

// statusRecorder remembers the status code written.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the real writer (to flush).
func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

const maxBody = 1 << 20

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		body = nil
	}
	auth := r.Header.Get("Authorization")
	rec := Request{
		Method:      r.Method,
		Path:        r.URL.Path,
		RawQuery:    r.URL.RawQuery,
		Body:        string(body),
		ContentType: r.Header.Get("Content-Type"),
		HasAuth:     len(r.Header.Values("Authorization")) > 0,
		Auth:        maskAuthHeader(auth),
	}
	sw := &statusRecorder{ResponseWriter: w}
	defer func() {
		rec.Status = sw.status
		s.mu.Lock()
		s.requests = append(s.requests, rec)
		s.mu.Unlock()
	}()

	s.mu.Lock()
	latency := s.latency
	fault := s.takeFault(r)
	s.mu.Unlock()

	if !delay.Wait(r, s.done, latency) {
		sw.status = 499 // client went away; nothing is written
		return
	}
	if fault != nil {
		if !delay.Wait(r, s.done, fault.Delay) {
			sw.status = 499
			return
		}
		if fault.Status != 0 {
			s.writeFault(sw, r, fault)
			return
		}
	}
	s.route(sw, r, auth, body)
}

// takeFault returns the first matching fault with uses left, consuming one use. s.mu held.
func (s *Server) takeFault(r *http.Request) *Fault {
	for _, fs := range s.faults {
		if fs.left == 0 {
			continue
		}
		if fs.f.Method != "" && !strings.EqualFold(fs.f.Method, r.Method) {
			continue
		}
		if !strings.HasPrefix(r.URL.Path, fs.f.PathPrefix) {
			continue
		}
		if fs.left > 0 {
			fs.left--
		}
		f := fs.f
		return &f
	}
	return nil
}

func (s *Server) writeFault(w http.ResponseWriter, r *http.Request, f *Fault) {
	for k, v := range f.Header {
		w.Header().Set(k, v)
	}
	if f.Endless || f.Stall {
		ct := f.ContentType
		if ct == "" {
			ct = "application/json"
		}
		w.Header().Set("Content-Type", ct)
		w.WriteHeader(f.Status)
		if f.Endless {
			s.writeBodyForever(w, r, f.Body)
		} else {
			s.stallBody(w, r, f.Body)
		}
		return
	}
	if f.Body == "" {
		writeJSON(w, f.Status, ErrorResponse{Errors: []APIError{defaultFaultError(f.Status)}, ClerkTraceID: newTraceID()})
		return
	}
	ct := f.ContentType
	if ct == "" {
		ct = "application/json"
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(f.Status)
	_, _ = io.WriteString(w, f.Body)
}

// authenticate returns the instance for the Authorization header.
func (s *Server) authenticate(auth string) (*instanceState, *apiErr) {
	if strings.TrimSpace(auth) == "" {
		return nil, errAuthenticationInvalid()
	}
	scheme, key, ok := strings.Cut(auth, " ")
	key = strings.TrimSpace(key)
	if !ok || !strings.EqualFold(scheme, "Bearer") || key == "" {
		return nil, errAuthorizationHeaderFormat()
	}
	st, found := s.instances[key]
	if !found {
		return nil, errClerkKeyInvalid()
	}
	return st, nil
}

func (s *Server) route(w http.ResponseWriter, r *http.Request, auth string, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, aerr := s.authenticate(auth)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	path := strings.TrimSuffix(r.URL.Path, "/")
	switch {
	case path == "/v1/domains" && r.Method == http.MethodGet:
		s.listDomains(w, st)
	case path == "/v1/jwt_templates" && r.Method == http.MethodGet:
		s.listTemplates(w, st, r.URL.Query())
	case path == "/v1/jwt_templates" && r.Method == http.MethodPost:
		s.createTemplate(w, r, st, body)
	case strings.HasPrefix(path, "/v1/jwt_templates/") && !strings.Contains(path[len("/v1/jwt_templates/"):], "/"):
		id, err := url.PathUnescape(path[len("/v1/jwt_templates/"):])
		if err != nil {
			writeError(w, errURLNotFound())
			return
		}
		switch r.Method {
		case http.MethodGet:
			s.getTemplate(w, st, id)
		case http.MethodPatch:
			s.updateTemplate(w, r, st, id, body)
		case http.MethodDelete:
			s.deleteTemplate(w, st, id)
		default:
			writeError(w, errURLNotFound())
		}
	default:
		writeError(w, errURLNotFound())
	}
}

func newTemplateID() string { return "jtmp_" + fakeid.New(27) }
