package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/clerkconvex/clerkconvex/internal/doctor/doctortest"
)

// doctor reads the deployment with the real `npx convex env list` (one call): every variable
// auth.config reads must be set there, the ones in a fallback and a stray console.log too, and
// values the CLI prints quoted (a '#') read back right.
func TestRealCLIDoctorReadsEveryAuthConfigVariable(t *testing.T) {
	t.Parallel()
	e := newRealEnv(t)
	env := startDoctorEnv(t)
	d := newDeployment(t)
	files := map[string]string{}
	for rel, body := range doctortest.Project {
		files[rel] = body
	}
	files["convex/auth.config.ts"] = `import type { AuthConfig } from "convex/server";

console.log("auth debug:", process.env.AUTH_DEBUG);

export default {
  providers: [
    {
      domain: process.env.CLERK_FRONTEND_API_URL ?? process.env.CLERK_JWT_ISSUER_DOMAIN!,
      applicationID: "convex",
    },
  ],
} satisfies AuthConfig;
`
	files[".env.local"] = selfHostedEnvLocal(d) + env.EnvFile()
	dir := realProject(t, files)
	writeFile(t, dir, "package.json", []byte(doctortest.Project["package.json"]), 0o600)
	cenv := e.environ("CLERK_API_URL=" + env.Clerk.URL)

	// A generous --timeout: on a loaded machine one real npx call can take most of the default
	// 30 s, and this test is about what doctor reads, not how fast.
	d.SetEnv("CLERK_FRONTEND_API_URL", env.IssuerURL())
	d.SetEnv("UNRELATED", "a # b")
	r := run(t, dir, cenv, e.bin, "doctor", "--json", "--timeout", "5m")
	c := doctorChecks(t, r)
	if r.code != 1 {
		t.Fatalf("doctor with two unset variables: exit %d, want 1\n%s", r.code, r)
	}
	if c["convex.env_var"]["status"] != "pass" {
		t.Errorf("convex.env_var (CLERK_FRONTEND_API_URL set, the fallback not): %v", c["convex.env_var"])
	}
	got := c["convex.auth_env"]
	for _, want := range []string{"AUTH_DEBUG (convex/auth.config.ts:3)", "CLERK_JWT_ISSUER_DOMAIN (convex/auth.config.ts:8)", "not set on the Convex dev deployment"} {
		if got["status"] != "fail" || !strings.Contains(got["message"], want) {
			t.Errorf("convex.auth_env = %v, want a failure naming %q", got, want)
		}
	}
	if !strings.Contains(got["fix"], "npx convex env set AUTH_DEBUG <value>") || !strings.Contains(got["fix"], "npx convex env set CLERK_JWT_ISSUER_DOMAIN "+env.IssuerURL()) {
		t.Errorf("convex.auth_env fix = %q", got["fix"])
	}

	d.SetEnv("AUTH_DEBUG", "1")
	d.SetEnv("CLERK_JWT_ISSUER_DOMAIN", env.IssuerURL())
	r = run(t, dir, cenv, e.bin, "doctor", "--json", "--timeout", "5m")
	c = doctorChecks(t, r)
	if r.code != 0 || c["convex.auth_env"]["status"] != "pass" {
		t.Fatalf("doctor with every variable set: exit %d, convex.auth_env %v\n%s", r.code, c["convex.auth_env"], r)
	}
	noSecret(t, "doctor's output", r.stdout+r.stderr)
}

// startDoctorEnv starts doctortest's fakes (Clerk's API and the issuer), closed when tb ends.
func startDoctorEnv(tb testing.TB) *doctortest.Env {
	tb.Helper()
	env, err := doctortest.Start(doctortest.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(env.Close)
	return env
}

// doctorChecks reads doctor --json's checks from r's stdout, by id.
func doctorChecks(t *testing.T, r runResult) map[string]map[string]string {
	t.Helper()
	var rep struct {
		Checks []map[string]string `json:"checks"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("doctor --json: %v\n%s", err, r)
	}
	out := map[string]map[string]string{}
	for _, c := range rep.Checks {
		out[c["id"]] = c
	}
	return out
}
