package convexdeploy

import (
	"fmt"
	"net/http"
	"strings"
)

// Named deployments: the project's deployments beyond its default dev and production ones — a
// teammate's dev deployment ("dev/james"), a second production-type one ("staging") — as the
// real CLI reaches them with `--deployment <selector>` (convex 1.48, cli/lib/deploymentSelector.js
// parses the selector, cli/lib/api.js resolves it):
//
//   - a deployment name (<adjective>-<animal>-<number>): GET team_and_project for that name, then
//     POST authorize_within_current_project {"selectedDeploymentName": <name>, "projectSelection"}.
//   - a reference (dev/james, staging), "dev", or [team:]project:<reference>: the project from
//     CONVEX_DEPLOYMENT (team_and_project), then the Management API
//     GET /v1/teams/<team>/projects/<project>/deployment?reference=<ref> (or ?defaultDev=true
//     for "dev") → {"name", …}, then authorize_within_current_project with that name. A
//     project:<ref> form first checks GET /v1/teams/<team>/projects/<project>.
//   - "prod": authorize_prod, as --prod.
//
// An unknown reference answers 404 {"code":"DeploymentNotFound"}, which the CLI turns into
// "Deployment “<ref>” not found".

// Named is one of the project's other deployments.
type Named struct {
	// Name is the deployment's name (<adjective>-<animal>-<number>).
	Name string
	// Reference is what --deployment names it by: "dev/james", "staging".
	Reference string
	// Type is "dev" or "prod" (a staging deployment is of type prod, not the default one).
	Type string
	// Deployment is the fake deployment whose URL and admin key the control plane hands out.
	Deployment *Deployment
}

// deploymentInfo is what the control plane knows of one deployment of the project.
type deploymentInfo struct {
	name, reference, typ string
	isDefault            bool
	d                    *Deployment
}

// lookup finds a deployment of the project by name.
func (b *BigBrain) lookup(name string) (deploymentInfo, bool) {
	for _, i := range b.all() {
		if i.name == name {
			return i, true
		}
	}
	return deploymentInfo{}, false
}

func (b *BigBrain) all() []deploymentInfo {
	out := []deploymentInfo{
		{name: b.DevName, reference: "dev", typ: "dev", isDefault: true, d: b.dev},
		{name: b.ProdName, reference: "production", typ: "prod", isDefault: true, d: b.prod},
	}
	for _, n := range b.named {
		out = append(out, deploymentInfo{name: n.Name, reference: n.Reference, typ: n.Type, d: n.Deployment})
	}
	return out
}

func (i deploymentInfo) creds() credentials {
	return credentials{DeploymentName: i.name, AdminKey: i.d.AdminKey, URL: i.d.URL, DeploymentType: i.typ, Reference: i.reference, IsDefault: i.isDefault}
}

// serveProjectRoutes answers the Management API's project and deployment-by-reference routes
// (already authenticated); false when the path is not one of them.
func (b *BigBrain) serveProjectRoutes(w http.ResponseWriter, r *http.Request) bool {
	rest, ok := strings.CutPrefix(r.URL.Path, "/v1/teams/")
	if !ok || r.Method != http.MethodGet {
		return false
	}
	parts := strings.Split(rest, "/")
	if len(parts) < 3 || parts[1] != "projects" || (len(parts) == 4 && parts[3] != "deployment") || len(parts) > 4 {
		return false
	}
	if parts[0] != b.Team || parts[2] != b.Project {
		code := "ProjectNotFound"
		if parts[0] != b.Team {
			code = "TeamNotFound"
		}
		writeJSON(w, http.StatusNotFound, errorBody{Code: code, Message: fmt.Sprintf("Project %s:%s not found (fake Convex control plane)", parts[0], parts[2])})
		return true
	}
	if len(parts) == 3 { // GET /v1/teams/<team>/projects/<project>
		writeJSON(w, http.StatusOK, map[string]any{"id": 1, "name": b.Project, "slug": b.Project, "teamId": 1})
		return true
	}
	q := r.URL.Query()
	var found *deploymentInfo
	for _, i := range b.all() {
		if (q.Get("defaultDev") == "true" && i.typ == "dev" && i.isDefault) ||
			(q.Get("defaultProd") == "true" && i.typ == "prod" && i.isDefault) ||
			(q.Has("reference") && q.Get("reference") == i.reference) {
			found = &i
			break
		}
	}
	if found == nil {
		writeJSON(w, http.StatusNotFound, errorBody{Code: "DeploymentNotFound", Message: fmt.Sprintf("No deployment matching %s (fake Convex control plane)", r.URL.RawQuery)})
		return true
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"name": found.name, "deploymentType": found.typ, "reference": found.reference,
		"isDefault": found.isDefault, "projectId": 1, "kind": "cloud", "createTime": 0,
	})
	return true
}
