package main

import (
	"reflect"
	"strings"
	"testing"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/doctor/doctortest"
)

// init --defaults dev,preview in a cloud project, through the real convex CLI: the issuer lands
// on the dev deployment and in the project's defaults for new dev and preview deployments (the
// fake control plane's), not in production's; a rerun changes nothing.
func TestRealCLIInitDefaults(t *testing.T) {
	t.Parallel()
	e := newRealEnv(t)
	c := newClerk(t)
	dir, env, dev, prod, bb := cloudProjectBB(t, e, c, map[string]string{})
	pk := clerk.EncodePublishableKey(host1, false)
	want := map[string]string{"CLERK_JWT_ISSUER_DOMAIN": "https://" + host1}

	r := run(t, dir, env, e.bin, "init", "--no-input", "--secret-key", sk1, "--publishable-key", pk, "--defaults", "dev,preview", "--npx-timeout", "5m")
	if r.code != 0 {
		t.Fatalf("init --defaults dev,preview:\n%s", r)
	}
	for _, line := range []string{"Defaults for new dev deployments: CLERK_JWT_ISSUER_DOMAIN set\n", "Defaults for new preview deployments: CLERK_JWT_ISSUER_DOMAIN set\n"} {
		if !strings.Contains(r.stdout, line) {
			t.Errorf("stdout lacks %q:\n%s", line, r)
		}
	}
	wantEnv(t, "dev", dev, want)
	wantEnv(t, "prod", prod, nil)
	for _, typ := range []string{"dev", "preview"} {
		if got := bb.Defaults(typ); !reflect.DeepEqual(got, want) {
			t.Errorf("%s defaults = %v, want %v", typ, got, want)
		}
	}
	if got := bb.Defaults("prod"); len(got) != 0 {
		t.Errorf("prod defaults = %v, want none", got)
	}

	r = run(t, dir, env, e.bin, "init", "--no-input", "--defaults", "preview", "--npx-timeout", "5m")
	if r.code != 0 || !strings.Contains(r.stdout, "Defaults for new preview deployments: CLERK_JWT_ISSUER_DOMAIN already set\n") {
		t.Fatalf("rerun:\n%s", r)
	}
	noSecret(t, "init's output", r.stdout+r.stderr)
}

// doctor in a cloud project built for Vercel preview deployments reads the project defaults
// through the real convex CLI: new preview deployments without the issuer are a warning naming
// vercel.json, and dev's default (set on the fake control plane) is read back.
func TestRealCLIDoctorDefaults(t *testing.T) {
	t.Parallel()
	e := newRealEnv(t)
	env := startDoctorEnv(t)
	files := map[string]string{"vercel.json": `{"buildCommand":"npx convex deploy --cmd 'npm run build'"}`}
	for rel, body := range doctortest.Project {
		files[rel] = body
	}
	dir, cenv, dev, _, bb := cloudProjectBB(t, e, env.Clerk, files)
	writeFile(t, dir, "package.json", []byte(doctortest.Project["package.json"]), 0o600)
	writeFile(t, dir, ".env.local", []byte(bb.DotEnvLine()+"\n"+env.EnvFile()), 0o600)
	dev.SetEnv("CLERK_JWT_ISSUER_DOMAIN", env.IssuerURL())

	check := func() map[string]string {
		t.Helper()
		r := run(t, dir, cenv, e.bin, "doctor", "--json", "--timeout", "5m")
		c := doctorChecks(t, r)
		noSecret(t, "doctor's output", r.stdout+r.stderr)
		if c["convex.defaults"] == nil {
			t.Fatalf("no convex.defaults check:\n%s", r)
		}
		return c["convex.defaults"]
	}
	// One run (each reads three lists through the real CLI): dev's default holds the issuer,
	// preview's has none.
	bb.SetDefault("dev", "CLERK_JWT_ISSUER_DOMAIN", env.IssuerURL())
	c := check()
	if c["status"] != "warn" || !strings.Contains(c["message"], "new preview deployments start without CLERK_JWT_ISSUER_DOMAIN") ||
		!strings.Contains(c["message"], "vercel.json") || !strings.Contains(c["message"], "dev: CLERK_JWT_ISSUER_DOMAIN set; preview: no CLERK_JWT_ISSUER_DOMAIN") {
		t.Errorf("convex.defaults = %v", c)
	}
}
