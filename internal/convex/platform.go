package convex

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	neturl "net/url"
	"strings"
	"sync"

	"github.com/clerkconvex/clerkconvex/internal/httpx"
	"github.com/clerkconvex/clerkconvex/internal/safetext"
)

// PlatformEnv reads and sets a deployment's environment variables through Convex's Deployment
// Platform API, without Node:
//
//	GET  <deployment>/api/v1/list_environment_variables   → {"environmentVariables": {"NAME": "value", …}}
//	POST <deployment>/api/v1/update_environment_variables   {"changes": [{"name": N, "value": V}]}
//
// both with "Authorization: Convex <key>". The key travels only in that header, attached by an
// httpx.ForOrigin client to requests for the deployment's origin, over https (plain http only
// to this machine). The base client brings the time limit of each attempt, retries of 429 and
// 502/503/504 honouring Retry-After, and the cap on every answer's body.
type PlatformEnv struct {
	key  PlatformKey
	base *http.Client

	mu  sync.Mutex
	url string
	hc  *http.Client
}

// NewPlatformEnv returns the API client for key (see PlatformKeyFromEnv). base is the client
// every request is built on (nil: httpx.NewClient's defaults). Nothing is sent until the first
// call.
func NewPlatformEnv(key PlatformKey, base *http.Client) (*PlatformEnv, error) {
	if key.Kind != "deployment" && key.Kind != "self-hosted" {
		return nil, fmt.Errorf("%s is a %s deploy key: it names no single deployment whose variables could be read; use a deployment's deploy key, or --via npx", key.Source, key.Kind)
	}
	if base == nil {
		base = httpx.NewClient(httpx.Options{})
	}
	return &PlatformEnv{key: key, base: base}, nil
}

// Via is "api".
func (p *PlatformEnv) Via() string { return ViaAPI }

// Key is the credential the client uses (its String form hides the secret).
func (p *PlatformEnv) Key() PlatformKey { return p.key }

// maxEnvAnswer caps what is read of an answer: a deployment holds at most 100 variables of at
// most 8 KiB each.
const maxEnvAnswer = 2 << 20

// PlatformError is a Deployment Platform API call that got an answer other than success, or
// none. Its text is one line, safe for a terminal, and never holds the key.
type PlatformError struct {
	Op      string // "list the variables", "set NAME", "find the deployment's URL"
	Service string // who was asked: "" is the deployment's Platform API, else e.g. "the Convex control plane"
	URL     string // the request's URL
	Status  int    // 0 when no answer came
	Code    string // the deployment's error code (BadDeployKey, …), when it sent one
	Message string
	// Fix says what to do.
	Fix string
}

func (e *PlatformError) Error() string {
	var b strings.Builder
	svc := e.Service
	if svc == "" {
		svc = "the Convex Deployment Platform API"
	}
	fmt.Fprintf(&b, "could not %s through %s (%s)", e.Op, svc, e.URL)
	if e.Status != 0 {
		fmt.Fprintf(&b, ": HTTP %d", e.Status)
	}
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.Fix != "" {
		b.WriteString(" — " + e.Fix)
	}
	return b.String()
}

// client resolves the deployment's URL (asking the control plane only when
// CONVEX_PROVISION_HOST is set) and builds the origin-bound client, once; a failure is not
// kept, so a later call (with a live context) tries again.
func (p *PlatformEnv) client(ctx context.Context) (string, *http.Client, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.hc != nil {
		return p.url, p.hc, nil
	}
	u := p.key.URL
	if u == "" {
		var err error
		if u, err = p.urlForKey(ctx); err != nil {
			return "", nil, err
		}
	}
	u = strings.TrimRight(u, "/")
	hc, err := httpx.ForOrigin(p.base, u, httpx.Credential{Header: "Authorization", Value: "Convex " + p.key.secret})
	if err != nil {
		return "", nil, fmt.Errorf("the Convex deployment URL %s: %w", u, err)
	}
	p.url, p.hc = u, hc
	return p.url, p.hc, nil
}

// urlForKey asks the control plane at CONVEX_PROVISION_HOST for the deployment's URL, as the
// CLI does: POST /api/deployment/url_for_key {"deployKey": key}, "Authorization: Bearer <key>";
// the answer is the URL as a JSON string.
func (p *PlatformEnv) urlForKey(ctx context.Context) (string, error) {
	base := p.key.ProvisionHost
	hc, err := httpx.ForOrigin(p.base, base, httpx.Credential{Header: "Authorization", Value: "Bearer " + p.key.secret})
	if err != nil {
		return "", fmt.Errorf("CONVEX_PROVISION_HOST: %w", err)
	}
	body, _ := json.Marshal(map[string]string{"deployKey": p.key.secret})
	var u string
	if err := p.do(ctx, hc, http.MethodPost, base+"/api/deployment/url_for_key", body, "find the deployment's URL", &u); err != nil {
		var pe *PlatformError
		if errors.As(err, &pe) {
			pe.Service = "the Convex control plane at CONVEX_PROVISION_HOST"
		}
		return "", err
	}
	if err := checkBaseURL(u); err != nil {
		return "", fmt.Errorf("the Convex control plane at %s answered a deployment URL clerkconvex will not send the key to: %w", base, err)
	}
	return u, nil
}

// List returns every variable of the deployment: one request.
func (p *PlatformEnv) List(ctx context.Context) (map[string]string, error) {
	base, hc, err := p.client(ctx)
	if err != nil {
		return nil, err
	}
	var out struct {
		EnvironmentVariables map[string]string `json:"environmentVariables"`
	}
	if err := p.do(ctx, hc, http.MethodGet, base+"/api/v1/list_environment_variables", nil, "list the variables", &out); err != nil {
		return nil, err
	}
	if out.EnvironmentVariables == nil {
		return nil, &PlatformError{Op: "list the variables", URL: base + "/api/v1/list_environment_variables", Status: http.StatusOK, Message: "the answer has no environmentVariables object"}
	}
	return out.EnvironmentVariables, nil
}

// Get returns one variable: the list, read once (the API has no call for one variable).
func (p *PlatformEnv) Get(ctx context.Context, name string) (string, bool, error) {
	if err := checkEnvName(name); err != nil {
		return "", false, err
	}
	vars, err := p.List(ctx)
	if err != nil {
		return "", false, err
	}
	v, ok := vars[name]
	return v, ok, nil
}

// Set sets one variable: one request.
func (p *PlatformEnv) Set(ctx context.Context, name, value string) (Target, error) {
	if err := checkEnvName(name); err != nil {
		return Target{}, err
	}
	base, hc, err := p.client(ctx)
	if err != nil {
		return Target{}, err
	}
	body, err := json.Marshal(map[string]any{"changes": []map[string]string{{"name": name, "value": value}}})
	if err != nil {
		return Target{}, err
	}
	if err := p.do(ctx, hc, http.MethodPost, base+"/api/v1/update_environment_variables", body, "set "+name, nil); err != nil {
		return Target{}, err
	}
	t := Target{Type: p.key.Type, Name: p.key.Name, Message: "Successfully set " + name}
	if t.Name != "" {
		t.Message += " (on " + t.Type + " deployment " + t.Name + ")"
	}
	return t, nil
}

// SetSecret is Set: the value travels in the request body, never in a process's arguments.
func (p *PlatformEnv) SetSecret(ctx context.Context, name, value string) (Target, error) {
	return p.Set(ctx, name, value)
}

// do sends one request and decodes a 200's JSON body into out (nil: any body is success).
func (p *PlatformEnv) do(ctx context.Context, hc *http.Client, method, url string, body []byte, op string, out any) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("%s through the Convex Deployment Platform API: %w", op, ctx.Err())
		}
		return &PlatformError{Op: op, URL: url, Message: p.key.redact(safetext.Line(unwrapURLError(err).Error())), Fix: p.networkFix()}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxEnvAnswer+1))
	if err == nil && len(data) > maxEnvAnswer {
		err = &httpx.BodyTooLargeError{URL: url, Limit: maxEnvAnswer}
	}
	if err != nil {
		return &PlatformError{Op: op, URL: url, Status: resp.StatusCode, Message: p.key.redact(safetext.Line(err.Error()))}
	}
	if resp.StatusCode != http.StatusOK {
		return p.statusError(op, url, resp.StatusCode, data)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return &PlatformError{Op: op, URL: url, Status: resp.StatusCode, Message: "the answer is not the JSON expected: " + safetext.Line(err.Error())}
	}
	return nil
}

// statusError reads the deployment's error envelope {"code","message"} and says what to do.
func (p *PlatformEnv) statusError(op, url string, status int, data []byte) error {
	var env struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	e := &PlatformError{Op: op, URL: url, Status: status}
	if json.Unmarshal(data, &env) == nil && (env.Code != "" || env.Message != "") {
		e.Code, e.Message = p.key.redact(safetext.Line(env.Code)), p.key.redact(safetext.Line(env.Message))
	} else if t := strings.TrimSpace(string(data)); t != "" {
		e.Message = truncate(p.key.redact(safetext.Line(t)))
	}
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		e.Fix = fmt.Sprintf("Convex refused the key in %s: create a new deploy key in the Convex dashboard (the deployment's Settings → Deploy keys), put it in %s, and run the command again", p.key.Source, p.key.Source)
		if p.key.Kind == "self-hosted" {
			e.Fix = "the backend refused CONVEX_SELF_HOSTED_ADMIN_KEY: generate a new admin key for it (generate_admin_key.sh) and run the command again"
		}
	case status == http.StatusNotFound && p.key.Kind == "deployment" && p.key.ProvisionHost == "":
		e.Fix = fmt.Sprintf("no deployment %s answers there: check %s, or, for a deployment outside the default region, set CONVEX_URL to its URL (https://%s.<region>.convex.cloud); or pass --via npx", p.key.Name, p.key.Source, p.key.Name)
	case status == http.StatusNotFound:
		e.Fix = "the backend has no Deployment Platform API (an old self-hosted version?): pass --via npx"
	case status == http.StatusTooManyRequests || status >= 500:
		e.Fix = "Convex is busy or failing; run the command again in a minute"
	}
	return e
}

func (p *PlatformEnv) networkFix() string {
	if p.key.Kind == "deployment" && p.key.ProvisionHost == "" {
		return fmt.Sprintf("check the network; for a deployment outside the default region set CONVEX_URL to its URL (https://%s.<region>.convex.cloud), or pass --via npx", p.key.Name)
	}
	return "check the network and the URL, or pass --via npx"
}

// unwrapURLError drops net/http's `Get "url": ` wrapper (the URL is said once, by PlatformError).
func unwrapURLError(err error) error {
	var ue *neturl.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// WithoutFix is a copy of e without its fix, for a report that shows the fix apart.
func (e *PlatformError) WithoutFix() *PlatformError {
	c := *e
	c.Fix = ""
	return &c
}
