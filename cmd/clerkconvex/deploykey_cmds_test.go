package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/clerkconvex/clerkconvex/internal/fakes/convexdeploy"
)

// The deploy-key commands: a fake Convex deployment reached through the Deployment Platform
// API, the way CI reaches it with CONVEX_DEPLOY_KEY, with no Node on PATH.
func deployKeyCmds() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		"convexdeploy":  cmdConvexDeploy,
		"convex-env":    cmdConvexEnv,
		"no-deploy-key": cmdNoDeployKey,
		"convex-api":    cmdConvexAPI,
	}
}

// The canary secrets of the fake deployments' deploy keys.
const (
	devKeySecret  = "CANARYdeploykeyDEVeyJ2MiI6ImRldiJ9"
	prodKeySecret = "CANARYdeploykeyPRODeyJ2MiI6InByb2QifQ"
)

type deployHolder struct{ dev, prod *convexdeploy.Deployment }

// convexdeploy [throttle=N]: start a fake Convex control plane with a dev and a production
// deployment whose admin keys are deploy keys, and set CONVEX_DEPLOY_KEY to the production
// one (also in PRODKEY), CONVEX_PROVISION_HOST to the control plane (which the API client asks for
// the URL, as the CLI does), DEVKEY to the dev deployment's key, BADKEY to a key neither accepts, and
// NONODE_PATH to a folder holding clerkconvex and git but no node or npx. throttle=N makes the
// production deployment's next N API calls answer 429 with Retry-After: 1.
func cmdConvexDeploy(ts *testscript.TestScript, neg bool, args []string) {
	dev := convexdeploy.New(convexdeploy.Options{InstanceName: "happy-otter-123", AdminKey: convexdeploy.DeployKey("dev", "happy-otter-123", devKeySecret)})
	prod := convexdeploy.New(convexdeploy.Options{InstanceName: "clever-heron-456", AdminKey: convexdeploy.DeployKey("prod", "clever-heron-456", prodKeySecret)})
	bb := convexdeploy.NewBigBrain(convexdeploy.BigBrainOptions{Dev: dev, Prod: prod})
	ts.Defer(func() { bb.Close(); dev.Close(); prod.Close() })
	for _, a := range args {
		k, v, _ := strings.Cut(a, "=")
		switch k {
		case "throttle":
			var n int
			_, err := fmt.Sscan(v, &n)
			ts.Check(err)
			prod.Throttle(n, "1")
		default:
			ts.Fatalf("convexdeploy: unknown option %q", a)
		}
	}
	*ts.Value(deployHolder{}).(*deployHolder) = deployHolder{dev: dev, prod: prod}
	ts.Setenv("CONVEX_DEPLOY_KEY", prod.AdminKey)
	ts.Setenv("DEVKEY", dev.AdminKey)
	ts.Setenv("PRODKEY", prod.AdminKey)
	ts.Setenv("BADKEY", convexdeploy.DeployKey("prod", "clever-heron-456", "CANARYwrongKEYeyJ2MiI6Indyb25nIn0"))
	ts.Setenv("CONVEX_PROVISION_HOST", bb.URL)
	ts.Setenv("CONVEX_DEPLOYMENT", "")
	nonode := ts.MkAbs(".nonode")
	ts.Check(os.MkdirAll(nonode, 0o755))
	for _, name := range []string{"clerkconvex", "git"} {
		p, err := exec.LookPath(name)
		ts.Check(err)
		ts.Check(os.Symlink(p, filepath.Join(nonode, name)))
	}
	ts.Setenv("NONODE_PATH", nonode)
}

func deployments(ts *testscript.TestScript) *deployHolder {
	h := ts.Value(deployHolder{}).(*deployHolder)
	if h.prod == nil {
		ts.Fatalf("convexdeploy has not been started")
	}
	return h
}

// convex-env dev|prod [NAME VALUE|-]: print the deployment's variables as NAME=value lines, then
// vars=N; or set one (directly, as the dashboard would), or remove it with -.
func cmdConvexEnv(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) == 0 {
		ts.Fatalf("usage: convex-env dev|prod [NAME [VALUE]]")
	}
	d := deployments(ts).prod
	if args[0] == "dev" {
		d = deployments(ts).dev
	}
	switch {
	case len(args) == 3 && args[2] == "-":
		d.UnsetEnv(args[1])
		return
	case len(args) == 3:
		d.SetEnv(args[1], args[2])
		return
	}
	env := d.Env()
	names := make([]string, 0, len(env))
	for n := range env {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(ts.Stdout(), "%s=%s\n", n, env[n])
	}
	fmt.Fprintf(ts.Stdout(), "vars=%d\n", len(names))
}

// convex-api dev|prod: print the deployment's Deployment Platform API calls, "METHOD PATH"
// one per line, then calls=N.
func cmdConvexAPI(ts *testscript.TestScript, neg bool, args []string) {
	d := deployments(ts).prod
	if len(args) == 1 && args[0] == "dev" {
		d = deployments(ts).dev
	}
	n := 0
	for _, r := range d.Requests() {
		if strings.HasPrefix(r.Path, "/api/v1/") {
			fmt.Fprintf(ts.Stdout(), "%s %s\n", r.Method, r.Path)
			n++
		}
	}
	fmt.Fprintf(ts.Stdout(), "calls=%d\n", n)
}

// no-deploy-key FILE...: fail when a file (or stdout/stderr) holds a deploy key's secret part.
func cmdNoDeployKey(ts *testscript.TestScript, neg bool, args []string) {
	for _, name := range args {
		data, ok := scriptText(ts, name)
		if !ok {
			continue
		}
		for _, k := range []string{devKeySecret, prodKeySecret, "CANARYwrongKEY", "CANARYdeploykey"} {
			if strings.Contains(data, k) {
				ts.Fatalf("%s holds a deploy key's secret", name)
			}
		}
	}
}
