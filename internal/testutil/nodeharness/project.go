package nodeharness

import (
	"os"
	"path/filepath"
	"testing"
)

// NewProject makes a temporary Convex project the real CLI accepts: a package.json that
// depends on convex (the CLI refuses `env` commands without one) and a node_modules symlink
// to the harness, so `npx convex` in it runs the pinned CLI and never downloads anything.
func NewProject(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	LinkNodeModules(t, dir)
	pkg := `{"name": "clerkconvex-test-project", "private": true, "dependencies": {"convex": "1.48.0"}}` + "\n"
	if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(pkg), 0o644); err != nil {
		t.Fatalf("nodeharness: writing package.json: %v", err)
	}
	return dir
}

// LinkNodeModules makes dir/node_modules a symlink to the harness's node_modules, unless dir
// already has a node_modules. The link is removed when the test ends.
func LinkNodeModules(t testing.TB, dir string) {
	t.Helper()
	linkTo(t, dir, NodeModules(t))
}

// linkTo makes dir/node_modules a symlink to target, unless dir already has a node_modules.
func linkTo(t testing.TB, dir, target string) {
	t.Helper()
	link := filepath.Join(dir, "node_modules")
	if _, err := os.Lstat(link); err == nil {
		return
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatalf("nodeharness: linking %s to the harness: %v", link, err)
	}
	t.Cleanup(func() { os.Remove(link) })
}

// CLIEnv is the environment for running the real `npx convex` against a self-hosted
// deployment at url with adminKey (for example the fake in internal/fakes/convexdeploy).
// Entries are NAME=value, to be added to the current environment (run.Cmd.Env):
//
//   - CONVEX_SELF_HOSTED_URL and CONVEX_SELF_HOSTED_ADMIN_KEY select the deployment;
//   - CONVEX_DEPLOYMENT and CONVEX_DEPLOY_KEY are blanked (the CLI treats "" as unset), since
//     either one next to the self-hosted pair is an error;
//   - CI=1 turns off the CLI's Sentry error reporting. Without a network, an uncaught error
//     (such as `env get` with a rejected key) otherwise leaves the CLI hanging while Sentry
//     tries to send its report;
//   - npm_config_update_notifier=false and npm_config_loglevel=error keep npx from checking
//     the registry for a newer npm and from adding warnings to stderr.
func CLIEnv(url, adminKey string) []string {
	return []string{
		"CONVEX_SELF_HOSTED_URL=" + url,
		"CONVEX_SELF_HOSTED_ADMIN_KEY=" + adminKey,
		"CONVEX_DEPLOYMENT=",
		"CONVEX_DEPLOY_KEY=",
		"CI=1",
		"npm_config_update_notifier=false",
		"npm_config_loglevel=error",
	}
}
