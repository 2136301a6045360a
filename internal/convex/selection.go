package convex

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/dotenv"
	"github.com/clerkconvex/clerkconvex/internal/fsutil"
)

// Selection is how the Convex CLI will pick a deployment in a folder, read from the variables
// it reads (the environment first, then .env.local there, as convex 1.48's dotenv loading
// does): a cloud project (CONVEX_DEPLOYMENT, or a deploy key) or a self-hosted backend.
type Selection struct {
	// Cloud is true for a cloud project: project defaults exist only there.
	Cloud bool
	// SelfHosted says where a self-hosted backend is configured ("CONVEX_SELF_HOSTED_URL in
	// .env.local"); "" when none is.
	SelfHosted string
	// DeployKeyKind is the kind a deploy key's prefix names (preview, prod, dev, project…; a
	// key without one, "<name>|…", is a production key); "" without a key.
	DeployKeyKind string
	// DeployKeyFrom says where that key is ("$CONVEX_DEPLOY_KEY", "CONVEX_DEPLOY_KEY in
	// .env.local").
	DeployKeyFrom string
}

// DefaultsBlocked says why project defaults cannot be set or read in this selection with the
// Convex CLI: a deployment's deploy key, which the CLI prefers to the user's login for every
// control-plane call, reaches that one deployment and not the project's defaults. "" when
// nothing in the selection stands in the way (a preview or project key is left to the CLI).
func (s Selection) DefaultsBlocked() string {
	switch s.DeployKeyKind {
	case "", "preview", "project":
		return ""
	}
	return fmt.Sprintf("%s is the deploy key of one %s deployment, and project defaults belong to the Convex project: only a Convex login reaches them (the Convex CLI uses the deploy key instead of your login while it is set)", s.DeployKeyFrom, s.DeployKeyKind)
}

// SelectionFromEnv is SelectionIn without a folder: the process environment only.
func SelectionFromEnv(getenv func(string) string) Selection {
	return SelectionIn("", getenv)
}

// SelectionIn reads dir's selection variables; getenv is the process environment.
func SelectionIn(dir string, getenv func(string) string) Selection {
	var local *dotenv.File
	// Never a blocking read: a named pipe or device there is not read (fsutil). No folder
	// (SelectionFromEnv), no .env.local.
	if dir != "" {
		if b, ok, err := fsutil.ReadFileIfExists(filepath.Join(dir, ".env.local")); err == nil && ok {
			local = dotenv.Parse(b)
		}
	}
	lookup := func(name string) (string, string) {
		if getenv != nil {
			if v := strings.TrimSpace(getenv(name)); v != "" {
				return v, "$" + name
			}
		}
		if local != nil {
			if v, ok := local.Get(name); ok && strings.TrimSpace(v) != "" {
				return strings.TrimSpace(v), name + " in .env.local"
			}
		}
		return "", ""
	}
	var sel Selection
	if v, from := lookup("CONVEX_SELF_HOSTED_URL"); v != "" {
		sel.SelfHosted = from
		return sel
	}
	for _, name := range deployKeyVars {
		v, from := lookup(name)
		if v == "" || v == "<ignore_deploy_key>" {
			continue
		}
		sel.Cloud, sel.DeployKeyFrom = true, from
		if kind, _, ok := strings.Cut(v, ":"); ok && !strings.Contains(kind, "|") {
			sel.DeployKeyKind = kind
		} else if strings.Contains(v, "|") {
			sel.DeployKeyKind = "prod" // "<name>|<secret>": a production deployment's key
		}
		break
	}
	if v, _ := lookup("CONVEX_DEPLOYMENT"); v != "" && !strings.HasPrefix(v, "local:") && !strings.HasPrefix(v, "anonymous:") {
		sel.Cloud = true
	}
	return sel
}
