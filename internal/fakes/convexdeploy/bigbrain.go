package convexdeploy

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
)

// BigBrain is a fake of Convex's control plane, the service the convex CLI calls "big brain"
// (https://api.convex.dev/api/…): just the calls with which the real CLI turns a cloud project
// configuration — CONVEX_DEPLOYMENT=dev:<name> in .env.local plus a login — into a
// deployment URL and admin key, for the dev deployment or, with --prod, the production one.
//
// This is how `--prod` can be tested without the internet: the CLI refuses --prod for a
// self-hosted deployment, but for a cloud project it asks the control plane for the
// production deployment's credentials, and the control plane's address comes from
// CONVEX_PROVISION_HOST. Point the CLI at a BigBrain with CLIEnv and the project's
// .env.local line DotEnvLine; the credentials it hands out are those of two fake
// Deployments, Dev and Prod.
//
// Routes (all under /api/, bearer auth with AccessToken; docs/testing.md has the contract):
//
//	GET  /api/deployment/<name>/team_and_project   → {"team","project","teamId","projectId"}
//	POST /api/deployment/authorize_within_current_project {"selectedDeploymentName": <name>, "projectSelection": …}
//	GET  /v1/teams/<team>/projects/<project>[/deployment?reference=R|defaultDev=true]  (--deployment, bigbrain_named.go)
//	POST /api/deployment/authorize_prod            {"deploymentName": <any deployment of the project>}
//	POST /api/deployment/provision_and_authorize   {"teamSlug","projectSlug","deploymentType":"dev"|"prod"}
//
// and, under /v1/, the project's default variables per deployment type (defaults.go).
//
// The authorize calls answer {"deploymentName","adminKey","url","deploymentType","reference","isDefault"}.
// Anything else is 404 {"code":"NotFound"}.
type BigBrain struct {
	// URL is http://127.0.0.1:<port>: the value for CONVEX_PROVISION_HOST.
	URL string
	// AccessToken is the only bearer token accepted: the value for
	// CONVEX_OVERRIDE_ACCESS_TOKEN (what `npx convex login` would have stored).
	AccessToken string
	// Team and Project are the slugs of the one project the fake knows.
	Team, Project string
	// DevName and ProdName are the names of the project's two deployments.
	DevName, ProdName string

	dev, prod *Deployment
	named     []Named // bigbrain_named.go
	srv       *httptest.Server

	mu       sync.Mutex
	requests []Request
	defaults map[string]map[string]string // deployment type → name → value (defaults.go)
}

// BigBrainOptions configures NewBigBrain. Dev and Prod are required.
type BigBrainOptions struct {
	// Dev and Prod are the deployments whose URL and admin key the control plane hands out.
	Dev, Prod *Deployment
	// AccessToken is the accepted bearer token. Default: 64 random hex digits.
	AccessToken string
	// Team and Project slugs. Default "clerkconvex-team" and "clerkconvex-project".
	Team, Project string
	// DevName and ProdName name the deployments. Default "happy-otter-123" and
	// "clever-heron-456" (the <adjective>-<animal>-<number> shape of real names).
	DevName, ProdName string
	// Named are the project's other deployments, reached with --deployment (bigbrain_named.go).
	Named []Named
}

// NewBigBrain starts the fake control plane on 127.0.0.1. Call Close when done.
func NewBigBrain(opts BigBrainOptions) *BigBrain {
	if opts.Dev == nil || opts.Prod == nil {
		panic("convexdeploy: NewBigBrain needs both a Dev and a Prod deployment")
	}
	b := &BigBrain{
		AccessToken: opts.AccessToken,
		Team:        orDefault(opts.Team, "clerkconvex-team"),
		Project:     orDefault(opts.Project, "clerkconvex-project"),
		DevName:     orDefault(opts.DevName, "happy-otter-123"),
		ProdName:    orDefault(opts.ProdName, "clever-heron-456"),
		dev:         opts.Dev,
		prod:        opts.Prod,
		named:       append([]Named(nil), opts.Named...),
	}
	if b.AccessToken == "" {
		var r [32]byte
		if _, err := rand.Read(r[:]); err != nil {
			panic(fmt.Sprintf("convexdeploy: reading a random access token: %v", err))
		}
		b.AccessToken = hex.EncodeToString(r[:])
	}
	b.srv = startLocal(b.serveHTTP)
	b.URL = b.srv.URL
	return b
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Close stops the server (not the deployments).
func (b *BigBrain) Close() { b.srv.Close() }

// DotEnvLine is the line `npx convex dev` writes to .env.local for the dev deployment:
// CONVEX_DEPLOYMENT=dev:<DevName> # team: <Team>, project: <Project>
func (b *BigBrain) DotEnvLine() string {
	return fmt.Sprintf("CONVEX_DEPLOYMENT=dev:%s # team: %s, project: %s", b.DevName, b.Team, b.Project)
}

// CLIEnv is what the real CLI needs in its environment to use this control plane, as
// NAME=value entries: CONVEX_PROVISION_HOST (the control plane's address; it also makes the
// CLI keep its login under ~/.convex-test-<port> instead of ~/.convex and turns Sentry
// off) and CONVEX_OVERRIDE_ACCESS_TOKEN (a login without ~/.convex*/config.json).
// The deployment itself is chosen by CONVEX_DEPLOYMENT, normally from .env.local
// (DotEnvLine); for that, CONVEX_DEPLOYMENT, CONVEX_DEPLOY_KEY and the self-hosted
// variables must be absent from the environment — not empty: dotenv never overrides a
// variable that is set, even to "".
func (b *BigBrain) CLIEnv() []string {
	return []string{
		"CONVEX_PROVISION_HOST=" + b.URL,
		"CONVEX_OVERRIDE_ACCESS_TOKEN=" + b.AccessToken,
	}
}

// Requests returns a copy of the requests received so far.
func (b *BigBrain) Requests() []Request {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]Request, len(b.requests))
	for i, r := range b.requests {
		out[i] = Request{Method: r.Method, Path: r.Path, Query: r.Query, Header: r.Header.Clone(), Body: append([]byte(nil), r.Body...)}
	}
	return out
}

// credentials is the control plane's answer to the authorize calls, with the fields the
// CLI reads (cli/lib/api.js: adminKey, url, deploymentName, deploymentType, reference,
// isDefault).
type credentials struct {
	DeploymentName string `json:"deploymentName"`
	AdminKey       string `json:"adminKey"`
	URL            string `json:"url"`
	DeploymentType string `json:"deploymentType"`
	Reference      string `json:"reference"`
	IsDefault      bool   `json:"isDefault"`
}

func (b *BigBrain) creds(kind string) credentials {
	if kind == "prod" {
		return credentials{DeploymentName: b.ProdName, AdminKey: b.prod.AdminKey, URL: b.prod.URL, DeploymentType: "prod", Reference: "production", IsDefault: true}
	}
	return credentials{DeploymentName: b.DevName, AdminKey: b.dev.AdminKey, URL: b.dev.URL, DeploymentType: "dev", Reference: "dev", IsDefault: true}
}

func (b *BigBrain) knows(name string) bool { _, ok := b.lookup(name); return ok }

func (b *BigBrain) serveHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	b.mu.Lock()
	b.requests = append(b.requests, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: body})
	b.mu.Unlock()

	if b.serveDeployKeyRoute(w, r, body) { // authorised by a deploy key, not a login
		return
	}
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); !ok || tok != b.AccessToken {
		// Status and code are the fake's choice; the CLI prints the code and message and,
		// for a 401, "Authenticate with `npx convex dev`".
		writeJSON(w, http.StatusUnauthorized, errorBody{Code: "Unauthenticated", Message: "Could not verify the access token (fake Convex control plane). Run npx convex login."})
		return
	}
	if b.serveDefaults(w, r, body) || b.serveProjectRoutes(w, r) {
		return
	}
	notFound := func(code, msg string) { writeJSON(w, http.StatusNotFound, errorBody{Code: code, Message: msg}) }
	path := r.URL.Path
	switch {
	case r.Method == http.MethodGet && strings.HasPrefix(path, "/api/deployment/") && strings.HasSuffix(path, "/team_and_project"):
		name := strings.TrimSuffix(strings.TrimPrefix(path, "/api/deployment/"), "/team_and_project")
		if !b.knows(name) {
			notFound("DeploymentNotFound", fmt.Sprintf("Deployment %q not found (fake Convex control plane)", name))
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"team": b.Team, "project": b.Project, "teamId": 1, "projectId": 1})
	case r.Method == http.MethodPost && path == "/api/deployment/provision_and_authorize":
		var req struct {
			TeamSlug       *string `json:"teamSlug"`
			ProjectSlug    *string `json:"projectSlug"`
			DeploymentType string  `json:"deploymentType"`
		}
		if err := json.Unmarshal(body, &req); err != nil || (req.DeploymentType != "dev" && req.DeploymentType != "prod") {
			writeJSON(w, http.StatusBadRequest, errorBody{Code: "BadJsonBody", Message: fmt.Sprintf("expected {teamSlug, projectSlug, deploymentType: dev|prod}: %v", err)})
			return
		}
		if req.TeamSlug == nil || req.ProjectSlug == nil || *req.TeamSlug != b.Team || *req.ProjectSlug != b.Project {
			notFound("ProjectNotFound", "Project not found (fake Convex control plane)")
			return
		}
		writeJSON(w, http.StatusOK, b.creds(req.DeploymentType))
	case r.Method == http.MethodPost && path == "/api/deployment/authorize_within_current_project":
		// The deployment of CONVEX_DEPLOYMENT=dev:<name>, or the one --deployment resolved to.
		var req struct {
			SelectedDeploymentName string `json:"selectedDeploymentName"`
		}
		info, ok := deploymentInfo{}, false
		if err := json.Unmarshal(body, &req); err == nil {
			info, ok = b.lookup(req.SelectedDeploymentName)
		}
		if !ok {
			notFound("DeploymentNotFound", fmt.Sprintf("Deployment %q not found (fake Convex control plane)", req.SelectedDeploymentName))
			return
		}
		writeJSON(w, http.StatusOK, info.creds())
	case r.Method == http.MethodPost && path == "/api/deployment/authorize_prod":
		var req struct {
			DeploymentName string `json:"deploymentName"`
		}
		if err := json.Unmarshal(body, &req); err != nil || !b.knows(req.DeploymentName) {
			notFound("DeploymentNotFound", fmt.Sprintf("Deployment %q not found (fake Convex control plane)", req.DeploymentName))
			return
		}
		writeJSON(w, http.StatusOK, b.creds("prod"))
	default:
		notFound("NotFound", "fake Convex control plane: no route for "+r.Method+" "+path)
	}
}
