package convex

import (
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
	// DeployKeyKind is the kind a deploy key's prefix names (preview, prod, dev, project…);
	// "" without a key.
	DeployKeyKind string
}

// SelectionIn reads dir's selection variables; getenv is the process environment.
func SelectionIn(dir string, getenv func(string) string) Selection {
	var local *dotenv.File
	// Never a blocking read: a named pipe or device there is not read (fsutil).
	if b, ok, err := fsutil.ReadFileIfExists(filepath.Join(dir, ".env.local")); err == nil && ok {
		local = dotenv.Parse(b)
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
	if v, _ := lookup("CONVEX_DEPLOY_KEY"); v != "" {
		sel.Cloud = true
		if kind, _, ok := strings.Cut(v, ":"); ok && !strings.Contains(kind, "|") {
			sel.DeployKeyKind = kind
		}
	}
	if v, _ := lookup("CONVEX_DEPLOYMENT"); v != "" && !strings.HasPrefix(v, "local:") && !strings.HasPrefix(v, "anonymous:") {
		sel.Cloud = true
	}
	return sel
}
