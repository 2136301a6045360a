package main

import (
	"strings"
	"testing"

	"github.com/clerkconvex/clerkconvex/internal/convex"
	"github.com/clerkconvex/clerkconvex/internal/doctor/doctortest"
	"github.com/clerkconvex/clerkconvex/internal/fakes/convexdeploy"
)

// --deployment through the real convex CLI, in a cloud project whose control plane (the fake)
// knows two more deployments than dev and prod: a teammate's dev deployment (reference
// dev/james) and a production-type "staging". init --deployment dev/james sets the issuer on
// that deployment and no other; doctor reads the deployment it is told to — by its name it
// passes, on staging (nothing set) it fails naming staging. The CLI resolves each reference
// through the control plane as Convex's does (GET …/deployment?reference=…).
func TestRealCLIDeploymentNamed(t *testing.T) {
	t.Parallel()
	e := newRealEnv(t)
	env := startDoctorEnv(t)
	james := convexdeploy.New(convexdeploy.Options{InstanceName: "quiet-lynx-321"})
	staging := convexdeploy.New(convexdeploy.Options{InstanceName: "brave-tiger-654"})
	t.Cleanup(func() { james.Close(); staging.Close() })
	files := map[string]string{}
	for rel, body := range doctortest.Project {
		files[rel] = body
	}
	dir, cenv, dev, prod, bb := cloudProjectBB(t, e, env.Clerk, files,
		convexdeploy.Named{Name: "quiet-lynx-321", Reference: "dev/james", Type: "dev", Deployment: james},
		convexdeploy.Named{Name: "brave-tiger-654", Reference: "staging", Type: "prod", Deployment: staging})
	writeFile(t, dir, "package.json", []byte(doctortest.Project["package.json"]), 0o600)
	writeFile(t, dir, ".env.local", []byte(bb.DotEnvLine()+"\n"+env.EnvFile()), 0o600)
	issuer := map[string]string{convex.DefaultIssuerEnv: env.IssuerURL()}

	r := run(t, dir, cenv, e.bin, "init", "--no-input", "--deployment", "dev/james", "--npx-timeout", "5m")
	if r.code != 0 || !strings.Contains(r.stdout, "quiet-lynx-321") {
		t.Fatalf("init --deployment dev/james (want the deployment the CLI resolved named):\n%s", r)
	}
	noSecret(t, "init's output", r.stdout+r.stderr)
	wantEnv(t, "dev/james", james, issuer)
	wantEnv(t, "default dev", dev, nil)
	wantEnv(t, "prod", prod, nil)
	wantEnv(t, "staging", staging, nil)
	for what, d := range map[string]*convexdeploy.Deployment{"default dev": dev, "prod": prod, "staging": staging} {
		if n := len(d.Requests()); n != 0 {
			t.Errorf("the %s deployment got %d requests", what, n)
		}
	}
	resolved := false
	for _, q := range bb.Requests() {
		if q.Path == "/v1/teams/clerkconvex-team/projects/clerkconvex-project/deployment" && q.Query == "reference=dev%2Fjames" {
			resolved = true
		}
	}
	if !resolved {
		t.Errorf("the CLI never asked the control plane for reference dev/james: %v", bb.Requests())
	}

	doctorCheck := func(ref string, wantCode int) map[string]string {
		t.Helper()
		r := run(t, dir, cenv, e.bin, "doctor", "--json", "--timeout", "5m", "--deployment", ref)
		c := doctorChecks(t, r)
		if r.code != wantCode {
			t.Errorf("doctor --deployment %s: exit %d, want %d\n%s", ref, r.code, wantCode, r)
		}
		noSecret(t, "doctor's output", r.stdout+r.stderr)
		if c["convex.env_var"] == nil {
			t.Fatalf("no convex.env_var check:\n%s", r)
		}
		return c["convex.env_var"]
	}
	// By the deployment's name: the issuer init set is read back.
	if c := doctorCheck("quiet-lynx-321", 0); c["status"] != "pass" || !strings.Contains(c["message"], env.IssuerURL()) {
		t.Errorf("doctor --deployment quiet-lynx-321: convex.env_var = %v", c)
	}
	// staging has nothing: a failure that names staging and the command for it.
	c := doctorCheck("staging", 1)
	if c["status"] != "fail" || !strings.Contains(c["message"], "not set on the Convex staging deployment") ||
		c["fix"] != "npx convex env set "+convex.DefaultIssuerEnv+" "+env.IssuerURL()+" --deployment staging" {
		t.Errorf("doctor --deployment staging: convex.env_var = %v", c)
	}
	if n := len(dev.Requests()); n != 0 {
		t.Errorf("doctor --deployment read the default dev deployment (%d requests)", n)
	}
	wantEnv(t, "staging", staging, nil)
}
