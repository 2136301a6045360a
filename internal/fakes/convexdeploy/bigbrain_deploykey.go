package convexdeploy

import (
	"encoding/json"
	"net/http"
	"strings"
)

// The two control-plane calls the real CLI makes for a deployment's deploy key in
// CONVEX_DEPLOY_KEY (convex 1.48, cli/lib/deploymentSelection.js and api.js), authorised by the
// key itself ("Authorization: Bearer <deploy key>", the key again in the body):
//
//	POST /api/deployment/url_for_key              {"deployKey": K} → 200 "<deployment URL>" (a JSON string)
//	POST /api/deployment/team_and_project_for_key {"deployKey": K} → 200 {"team","project","teamId","projectId","reference","isDefault"}
//
// A deploy key is the admin key of the fake's Dev or Prod deployment: create them with
// Options.AdminKey set to "dev:<DevName>|…" and "prod:<ProdName>|…" (see DeployKey). Any other
// key answers 401, as the control plane does for a key it does not know.

// DeployKey is the deploy-key form of a deployment's admin key for the deployment named name
// of type typ ("dev" or "prod"): "<typ>:<name>|<secret>".
func DeployKey(typ, name, secret string) string { return typ + ":" + name + "|" + secret }

func (b *BigBrain) serveDeployKeyRoute(w http.ResponseWriter, r *http.Request, body []byte) bool {
	if r.Method != http.MethodPost || (r.URL.Path != "/api/deployment/url_for_key" && r.URL.Path != "/api/deployment/team_and_project_for_key") {
		return false
	}
	var req struct {
		DeployKey string `json:"deployKey"`
	}
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	_ = json.Unmarshal(body, &req)
	var d *Deployment
	kind := ""
	switch {
	case req.DeployKey == "" || tok != req.DeployKey:
	case req.DeployKey == b.dev.AdminKey:
		d, kind = b.dev, "dev"
	case req.DeployKey == b.prod.AdminKey:
		d, kind = b.prod, "prod"
	}
	if d == nil {
		writeJSON(w, http.StatusUnauthorized, errorBody{Code: "BadDeployKey", Message: "Invalid deploy key (fake Convex control plane)"})
		return true
	}
	if r.URL.Path == "/api/deployment/url_for_key" {
		writeJSON(w, http.StatusOK, d.URL)
		return true
	}
	c := b.creds(kind)
	writeJSON(w, http.StatusOK, map[string]any{"team": b.Team, "project": b.Project, "teamId": 1, "projectId": 1, "reference": c.Reference, "isDefault": c.IsDefault})
	return true
}
