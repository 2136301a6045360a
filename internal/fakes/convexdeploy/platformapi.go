package convexdeploy

import (
	"net/http"
	"strings"
	"time"

	"github.com/clerkconvex/clerkconvex/internal/fakes/delay"
)

// The Deployment Platform API routes (https://docs.convex.dev/deployment-platform-api), on the
// same state the CLI's routes use: a variable set by `npx convex env set` is listed here, and
// one set here is what `npx convex env get` reads.
//
//	GET  /api/v1/list_environment_variables   → 200 {"environmentVariables": {"NAME": "value", …}}
//	POST /api/v1/update_environment_variables   {"changes": [{"name", "value"}]} → 200 {}
//
// Both take "Authorization: Convex <admin or deploy key>" and answer a wrong key with 403
// BadDeployKey, like the CLI's route. Options.FailUpdates fails the update with 500, and
// Deployment.Throttle makes the next calls answer 429 with Retry-After first.

func (d *Deployment) servePlatformAPI(w http.ResponseWriter, r *http.Request, body []byte) {
	d.mu.Lock()
	lat := d.latency
	d.mu.Unlock()
	if !delay.Wait(r, d.ctx.Done(), lat) {
		return
	}
	if d.throttled(w) {
		return
	}
	switch strings.TrimPrefix(r.URL.Path, "/api/v1") {
	case "/update_environment_variables":
		// One implementation for both paths: the CLI's route and this one change the same map
		// with the same checks.
		d.updateEnvironmentVariables(w, r, body)
	case "/list_environment_variables":
		if r.Method != http.MethodGet {
			writeJSON(w, http.StatusMethodNotAllowed, errorBody{Code: "MethodNotAllowed", Message: "use GET"})
			return
		}
		key, ok := adminKeyFromHeader(r.Header.Get("Authorization"))
		if !ok || !d.keyOK(key) {
			writeJSON(w, http.StatusForbidden, errorBody{Code: "BadDeployKey", Message: d.badKeyMessage()})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"environmentVariables": d.Env()})
	default:
		writeJSON(w, http.StatusNotFound, errorBody{Code: "NotFound", Message: "fake Convex deployment: no Deployment Platform API route for " + r.Method + " " + r.URL.Path})
	}
}

// Throttle makes the next n Deployment Platform API calls answer 429 Too Many Requests with
// "Retry-After: <retryAfter>" (whole seconds, as Convex sends it) before anything is checked.
func (d *Deployment) Throttle(n int, retryAfter string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.throttle, d.retryAfter = n, retryAfter
}

func (d *Deployment) throttled(w http.ResponseWriter) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.throttle <= 0 {
		return false
	}
	d.throttle--
	if d.retryAfter != "" {
		w.Header().Set("Retry-After", d.retryAfter)
	}
	writeJSON(w, http.StatusTooManyRequests, errorBody{Code: "RateLimited", Message: "Too many requests (fake Convex deployment)"})
	return true
}

// SetLatency holds back every Deployment Platform API answer by d, as a distant deployment
// would (benchmarks).
func (d *Deployment) SetLatency(lat time.Duration) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.latency = lat
}

// UnsetEnv removes one environment variable directly, as the dashboard would.
func (d *Deployment) UnsetEnv(name string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.env, name)
}
