// Package convexdeploy is a fake Convex deployment for tests: an HTTP server
// on 127.0.0.1 that answers the requests the real `convex` npm CLI makes for
// `npx convex env set|get|list|remove` when it is pointed at a self-hosted
// backend (CONVEX_SELF_HOSTED_URL + CONVEX_SELF_HOSTED_ADMIN_KEY).
//
// It implements exactly two things of the real deployment API, and checks
// the admin key on both:
//
//   - POST /api/update_environment_variables (env set, env remove);
//   - the sync protocol WebSocket at /api/<client-version>/sync (env get,
//     env list), enough of it to answer subscriptions to the system queries
//     _system/cli/queryEnvironmentVariables and ..:get.
//
// docs/testing.md describes the wire contract and how each answer maps to the
// real deployment's.
package convexdeploy

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// DefaultInstanceName is the deployment name used when Options.InstanceName
// is empty. A self-hosted backend's default is "convex-self-hosted"; the fake
// uses its own so that messages in test output say where they came from.
const DefaultInstanceName = "clerkconvex-fake"

// Options configures a fake deployment. The zero value is a working,
// empty deployment with a random admin key.
type Options struct {
	// InstanceName names the deployment in error messages and at
	// GET /instance_name. Default DefaultInstanceName.
	InstanceName string
	// AdminKey is the only key the deployment accepts. Default:
	// "<InstanceName>|<64 random hex digits>", the shape of a self-hosted
	// backend's generated admin key.
	AdminKey string
	// Env is the initial set of deployment environment variables (copied).
	Env map[string]string
	// RejectAllKeys makes every request fail authentication as if the key
	// were wrong, even the right one: a deployment whose key was rotated.
	RejectAllKeys bool
	// FailUpdates makes POST /api/update_environment_variables answer
	// 500 InternalServerError (after the key check) and change nothing.
	FailUpdates bool
}

// Request is one request the deployment received, in arrival order.
// For the sync WebSocket, the upgrade is recorded as a GET and each client
// message as a Request with Method "WS" and the JSON message as Body.
type Request struct {
	Method string
	Path   string
	Query  string // the raw query, without "?"
	Header http.Header
	Body   []byte
}

// Deployment is a running fake deployment.
type Deployment struct {
	// URL is the deployment URL, http://127.0.0.1:<port>: the value for
	// CONVEX_SELF_HOSTED_URL.
	URL string
	// AdminKey is the accepted admin key: the value for
	// CONVEX_SELF_HOSTED_ADMIN_KEY.
	AdminKey string

	instanceName  string
	rejectAllKeys bool
	failUpdates   bool

	srv    *httptest.Server
	ctx    context.Context // canceled by Close; ends live WebSockets
	cancel context.CancelFunc
	wsWG   sync.WaitGroup

	mu       sync.Mutex
	env      map[string]string
	requests []Request
	// throttle is how many more Platform API calls answer 429 (see Throttle).
	throttle   int
	retryAfter string
	latency    time.Duration // before each Platform API answer (see SetLatency)
}

// New starts a fake deployment on 127.0.0.1. Call Close when done
// (t.Cleanup(d.Close)).
func New(opts Options) *Deployment {
	d := &Deployment{
		instanceName:  opts.InstanceName,
		AdminKey:      opts.AdminKey,
		rejectAllKeys: opts.RejectAllKeys,
		failUpdates:   opts.FailUpdates,
		env:           map[string]string{},
	}
	if d.instanceName == "" {
		d.instanceName = DefaultInstanceName
	}
	if d.AdminKey == "" {
		var b [32]byte
		if _, err := rand.Read(b[:]); err != nil {
			panic(fmt.Sprintf("convexdeploy: reading random admin key: %v", err))
		}
		d.AdminKey = d.instanceName + "|" + hex.EncodeToString(b[:])
	}
	maps.Copy(d.env, opts.Env)
	d.ctx, d.cancel = context.WithCancel(context.Background())

	d.srv = startLocal(d.serveHTTP)
	d.URL = d.srv.URL
	return d
}

// startLocal starts a server for h that listens on 127.0.0.1.
func startLocal(h http.HandlerFunc) *httptest.Server {
	srv := httptest.NewUnstartedServer(h)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("convexdeploy: listening on 127.0.0.1: %v", err))
	}
	srv.Listener.Close() // NewUnstartedServer's own listener may be on [::1]; use IPv4
	srv.Listener = l
	srv.Start()
	return srv
}

// Close ends open WebSockets and stops the server.
func (d *Deployment) Close() {
	d.cancel()
	d.srv.Close()
	d.wsWG.Wait()
}

// Env returns a copy of the deployment's environment variables.
func (d *Deployment) Env() map[string]string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return maps.Clone(d.env)
}

// SetEnv sets one environment variable directly, as the dashboard would.
func (d *Deployment) SetEnv(name, value string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.env[name] = value
}

// Requests returns a copy of the requests received so far.
func (d *Deployment) Requests() []Request {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]Request, len(d.requests))
	for i, r := range d.requests {
		out[i] = Request{Method: r.Method, Path: r.Path, Query: r.Query, Header: r.Header.Clone(), Body: bytes.Clone(r.Body)}
	}
	return out
}

func (d *Deployment) record(r Request) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.requests = append(d.requests, r)
}

// errorBody is the JSON body of every error a Convex deployment returns over
// HTTP: {"code": <ErrorMetadata short_msg>, "message": <msg>}.
type errorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// badKeyMessage is the real deployment's message for a key it does not
// accept (ErrorMetadata::forbidden("BadDeployKey", ...), HTTP 403).
func (d *Deployment) badKeyMessage() string {
	return fmt.Sprintf("The provided deploy key was invalid for deployment '%s'. Double check that the environment this key was generated for matches the desired deployment.", d.instanceName)
}

func (d *Deployment) keyOK(key string) bool {
	return !d.rejectAllKeys && key == d.AdminKey
}

var syncPath = regexp.MustCompile(`^/api/(?:[^/]+/)?sync$`)

func (d *Deployment) serveHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	d.record(Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: body})

	switch {
	case r.URL.Path == "/api/update_environment_variables":
		d.updateEnvironmentVariables(w, r, body)
	case syncPath.MatchString(r.URL.Path):
		d.serveSync(w, r)
	case strings.HasPrefix(r.URL.Path, "/api/v1/"):
		d.servePlatformAPI(w, r, body)
	case r.URL.Path == "/instance_name" && r.Method == http.MethodGet:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, d.instanceName)
	default:
		// Note: the CLI retries a 404 up to six times with backoff (about
		// 30 s), so a test hitting this is slow before it fails.
		writeJSON(w, http.StatusNotFound, errorBody{Code: "NotFound", Message: "fake Convex deployment: no route for " + r.Method + " " + r.URL.Path})
	}
}

// adminKeyFromHeader returns the key in "Authorization: Convex <key>".
func adminKeyFromHeader(h string) (string, bool) {
	key, ok := strings.CutPrefix(h, "Convex ")
	return key, ok && key != ""
}

type envChange struct {
	Name  string  `json:"name"`
	Value *string `json:"value"`
}

var envNameRE = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]*$`)

// Limits from Convex's documentation of deployment environment variables.
const (
	maxEnvNameLen  = 40
	maxEnvValueLen = 8 * 1024
)

func (d *Deployment) updateEnvironmentVariables(w http.ResponseWriter, r *http.Request, body []byte) {
	if r.Method != http.MethodPost {
		writeJSON(w, http.StatusMethodNotAllowed, errorBody{Code: "MethodNotAllowed", Message: "use POST"})
		return
	}
	key, ok := adminKeyFromHeader(r.Header.Get("Authorization"))
	if !ok || !d.keyOK(key) {
		writeJSON(w, http.StatusForbidden, errorBody{Code: "BadDeployKey", Message: d.badKeyMessage()})
		return
	}
	if d.failUpdates {
		writeJSON(w, http.StatusInternalServerError, errorBody{Code: "InternalServerError", Message: "Your request couldn't be completed. Try again later."})
		return
	}
	var req struct {
		Changes []envChange `json:"changes"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&req); err != nil || req.Changes == nil {
		writeJSON(w, http.StatusBadRequest, errorBody{Code: "BadJsonBody", Message: fmt.Sprintf("Failed to deserialize request body: expected {\"changes\": [{\"name\", \"value\"}]}: %v", err)})
		return
	}
	for _, c := range req.Changes {
		if len(c.Name) > maxEnvNameLen || !envNameRE.MatchString(c.Name) {
			writeJSON(w, http.StatusBadRequest, errorBody{Code: "InvalidEnvVarName", Message: fmt.Sprintf("Invalid environment variable name %q: names must be at most %d characters, start with a letter and contain only letters, numbers and underscores.", c.Name, maxEnvNameLen)})
			return
		}
		if c.Value != nil && len(*c.Value) > maxEnvValueLen {
			writeJSON(w, http.StatusBadRequest, errorBody{Code: "EnvVarValueTooLarge", Message: fmt.Sprintf("Environment variable %s is too large: at most %d bytes.", c.Name, maxEnvValueLen)})
			return
		}
	}
	d.mu.Lock()
	for _, c := range req.Changes {
		if c.Value == nil {
			delete(d.env, c.Name)
		} else {
			d.env[c.Name] = *c.Value
		}
	}
	d.mu.Unlock()
	writeJSON(w, http.StatusOK, struct{}{})
}

// envVar is the shape the system queries return for one variable.
type envVar struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// runSystemQuery evaluates the system queries the CLI subscribes to.
// It returns the JSON result, or a non-empty error message for QueryFailed.
func (d *Deployment) runSystemQuery(udfPath string, args []json.RawMessage) (any, string) {
	var arg map[string]json.RawMessage
	if len(args) == 1 {
		if err := json.Unmarshal(args[0], &arg); err != nil {
			return nil, "ArgumentValidationError: arguments must be an object"
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	switch canonicalUDFPath(udfPath) {
	case "_system/cli/queryEnvironmentVariables:default":
		names := make([]string, 0, len(d.env))
		for n := range d.env {
			names = append(names, n)
		}
		sort.Strings(names)
		out := make([]envVar, 0, len(names))
		for _, n := range names {
			out = append(out, envVar{Name: n, Value: d.env[n]})
		}
		return out, ""
	case "_system/cli/queryEnvironmentVariables:get":
		var name string
		if err := json.Unmarshal(arg["name"], &name); err != nil {
			return nil, "ArgumentValidationError: Object is missing the required field `name`."
		}
		v, ok := d.env[name]
		if !ok {
			return nil, ""
		}
		return envVar{Name: name, Value: v}, ""
	default:
		return nil, fmt.Sprintf("Could not find public function for '%s'. (fake Convex deployment: only the environment-variable system queries are implemented)", udfPath)
	}
}

// canonicalUDFPath mirrors the client's canonicalizeUdfPath: "mod" means
// "mod:default" and a trailing ".js" on the module is dropped.
func canonicalUDFPath(p string) string {
	mod, fn := p, "default"
	if i := strings.LastIndex(p, ":"); i >= 0 {
		mod, fn = p[:i], p[i+1:]
	}
	return strings.TrimSuffix(mod, ".js") + ":" + fn
}
