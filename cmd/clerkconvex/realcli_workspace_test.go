package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/testutil/nodeharness"
)

// A Turborepo-shaped workspace under the real convex CLI: the deployment is configured only in
// packages/backend/.env.local (where `npx convex dev` put it), so the variable reaches the
// deployment only if init runs npx there, not in the app's folder. auth.config goes into the
// backend's convex/, the keys into the app's .env.local, and the generated file type-checks.
func TestRealCLIWorkspace(t *testing.T) {
	t.Parallel()
	e := newRealEnv(t)
	c := newClerk(t)
	d := newDeployment(t)
	root := nodeharness.NewProject(t) // node_modules at the workspace root, as hoisting leaves it
	writeFile(t, root, "package.json", []byte(`{"name":"mono","private":true,"workspaces":["apps/*","packages/*"],"devDependencies":{"turbo":"2.7.4"}}`+"\n"), 0o644)
	writeFile(t, root, "turbo.json", []byte("{}\n"), 0o644)
	writeFile(t, root, "apps/web/package.json", []byte(`{"name":"web","private":true,"dependencies":{"@clerk/clerk-react":"5.0.0","@mono/backend":"*"},"devDependencies":{"vite":"7.0.0"}}`+"\n"), 0o644)
	writeFile(t, root, "packages/backend/package.json", []byte(`{"name":"@mono/backend","private":true,"dependencies":{"convex":"1.48.0"}}`+"\n"), 0o644)
	writeFile(t, root, "packages/backend/convex/schema.ts", []byte("import { defineSchema } from \"convex/server\";\nexport default defineSchema({});\n"), 0o644)
	backendEnv := selfHostedEnvLocal(d)
	writeFile(t, root, "packages/backend/.env.local", []byte(backendEnv), 0o600)
	env := e.environ("CLERK_API_URL=" + c.URL)
	pk := clerk.EncodePublishableKey(host1, false)
	app := filepath.Join(root, "apps", "web")

	r := run(t, app, env, e.bin, "init", "--no-input", "--secret-key", sk1, "--publishable-key", pk)
	if r.code != 0 {
		t.Fatalf("init:\n%s", r)
	}
	noSecret(t, "init's output", r.stdout+r.stderr)
	wantEnv(t, "the", d, map[string]string{"CLERK_JWT_ISSUER_DOMAIN": "https://" + host1})
	wantFile(t, root, "packages/backend/convex/auth.config.ts", freshAuthConfigTS)
	wantFile(t, root, "packages/backend/.env.local", backendEnv)
	if _, err := os.Stat(filepath.Join(app, "convex")); !os.IsNotExist(err) {
		t.Errorf("init created apps/web/convex (%v)", err)
	}
	if got := readFile(t, app, ".env.local"); !strings.Contains(got, "VITE_CLERK_PUBLISHABLE_KEY="+pk+"\n") {
		t.Errorf("apps/web/.env.local:\n%s", got)
	}
	nodeharness.TypeCheck(t, filepath.Join(root, "packages", "backend"), "convex/auth.config.ts")

	// The rerun changes nothing, and the deployment still has the one variable.
	r = run(t, app, env, e.bin, "init", "--no-input")
	if r.code != 0 || !strings.Contains(r.stdout, "Nothing to change in Clerk or in your files.") {
		t.Fatalf("rerun:\n%s", r)
	}
	wantEnv(t, "the", d, map[string]string{"CLERK_JWT_ISSUER_DOMAIN": "https://" + host1})
}
