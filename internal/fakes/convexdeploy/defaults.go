package convexdeploy

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// Project-level default environment variables, per deployment type: what `npx convex env
// default set|get|list|remove` manages (convex 1.48, dist/cjs/cli/lib/defaultEnv.js). They
// are Management API calls on the control plane, under /v1/ (PLATFORM_MANAGEMENT_API_URL is
// `${CONVEX_PROVISION_HOST}/v1/`), after the CLI has asked team_and_project for the project's
// id:
//
//	GET  /v1/projects/<id>/list_default_environment_variables?deploymentType=T[&name=N]
//	     → {"items":[{"name","value","deploymentType"}…]}
//	POST /v1/projects/<id>/update_default_environment_variables
//	     {"changes":[{"name","deploymentType","value"|null}…]} → {}
//
// The fake knows one project, id 1 (what team_and_project answers). A new deployment of a
// type would start with that type's defaults; the fake keeps them for tests to read
// (Defaults) and plant (SetDefault).

// deploymentTypes are the types defaults exist for.
var deploymentTypes = map[string]bool{"dev": true, "preview": true, "prod": true}

const fakeProjectID = "1"

// Defaults returns a copy of the project's default variables of deployment type typ.
func (b *BigBrain) Defaults(typ string) map[string]string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return maps.Clone(b.defaults[typ])
}

// SetDefault sets one default variable of deployment type typ, as the dashboard would.
func (b *BigBrain) SetDefault(typ, name, value string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.setDefaultLocked(typ, name, &value)
}

func (b *BigBrain) setDefaultLocked(typ, name string, value *string) {
	if b.defaults == nil {
		b.defaults = map[string]map[string]string{}
	}
	if b.defaults[typ] == nil {
		b.defaults[typ] = map[string]string{}
	}
	if value == nil {
		delete(b.defaults[typ], name)
	} else {
		b.defaults[typ][name] = *value
	}
}

type defaultItem struct {
	Name           string `json:"name"`
	Value          string `json:"value"`
	DeploymentType string `json:"deploymentType"`
}

// serveDefaults answers the default-variable routes; false when path is not one of them.
func (b *BigBrain) serveDefaults(w http.ResponseWriter, r *http.Request, body []byte) bool {
	rest, ok := strings.CutPrefix(r.URL.Path, "/v1/projects/")
	if !ok {
		return false
	}
	id, route, _ := strings.Cut(rest, "/")
	if route != "list_default_environment_variables" && route != "update_default_environment_variables" {
		return false
	}
	if id != fakeProjectID {
		writeJSON(w, http.StatusNotFound, errorBody{Code: "ProjectNotFound", Message: fmt.Sprintf("Project %q not found (fake Convex control plane)", id)})
		return true
	}
	badRequest := func(format string, a ...any) {
		writeJSON(w, http.StatusBadRequest, errorBody{Code: "BadRequest", Message: fmt.Sprintf(format, a...)})
	}
	switch {
	case route == "list_default_environment_variables" && r.Method == http.MethodGet:
		q := r.URL.Query()
		typ := q.Get("deploymentType")
		if !deploymentTypes[typ] {
			badRequest("deploymentType must be dev, preview or prod, not %s", strconv.Quote(typ))
			return true
		}
		b.mu.Lock()
		items := []defaultItem{}
		for n, v := range b.defaults[typ] {
			if q.Has("name") && q.Get("name") != n {
				continue
			}
			items = append(items, defaultItem{Name: n, Value: v, DeploymentType: typ})
		}
		b.mu.Unlock()
		sort.Slice(items, func(i, j int) bool { return items[i].Name < items[j].Name })
		writeJSON(w, http.StatusOK, map[string]any{"items": items})
	case route == "update_default_environment_variables" && r.Method == http.MethodPost:
		var req struct {
			Changes []struct {
				Name           string  `json:"name"`
				DeploymentType string  `json:"deploymentType"`
				Value          *string `json:"value"`
			} `json:"changes"`
		}
		if err := json.Unmarshal(body, &req); err != nil || req.Changes == nil {
			badRequest("expected {\"changes\": [{\"name\", \"deploymentType\", \"value\"}]}: %v", err)
			return true
		}
		for _, c := range req.Changes {
			if !deploymentTypes[c.DeploymentType] {
				badRequest("deploymentType must be dev, preview or prod, not %s", strconv.Quote(c.DeploymentType))
				return true
			}
			if len(c.Name) > maxEnvNameLen || !envNameRE.MatchString(c.Name) {
				badRequest("Invalid environment variable name %q", c.Name)
				return true
			}
			if c.Value != nil && len(*c.Value) > maxEnvValueLen {
				badRequest("Environment variable %s is too large: at most %d bytes.", c.Name, maxEnvValueLen)
				return true
			}
		}
		b.mu.Lock()
		for _, c := range req.Changes {
			b.setDefaultLocked(c.DeploymentType, c.Name, c.Value)
		}
		b.mu.Unlock()
		writeJSON(w, http.StatusOK, struct{}{})
	default:
		writeJSON(w, http.StatusMethodNotAllowed, errorBody{Code: "MethodNotAllowed", Message: r.Method + " " + r.URL.Path})
	}
	return true
}
