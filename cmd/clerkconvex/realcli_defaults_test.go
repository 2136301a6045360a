package main

import (
	"reflect"
	"strings"
	"testing"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
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
