package convex

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/clerkconvex/clerkconvex/internal/fakes/convexdeploy"
	"github.com/clerkconvex/clerkconvex/internal/testutil/nodeharness"
)

// The contract between the two paths: the real Convex CLI (test/node, through NpxEnv) and the
// Deployment Platform API client (PlatformEnv) run against the same fake deployment, chosen by
// the same environment, and what one sets the other reads — values with newlines, quotes, a
// leading dash and an empty one included. Two ways of naming the deployment:
//
//   - self-hosted: CONVEX_SELF_HOSTED_URL + CONVEX_SELF_HOSTED_ADMIN_KEY;
//   - a production deploy key in CONVEX_DEPLOY_KEY, the URL from the (fake) control plane at
//     CONVEX_PROVISION_HOST, which the CLI asks with url_for_key and so does the API client.
func TestPlatformContractWithRealCLI(t *testing.T) {
	// Six real CLI calls per subtest; one can take 30-100 s on a loaded 2-core machine.
	ctx, cancel := context.WithTimeout(context.Background(), 12*time.Minute)
	t.Cleanup(cancel)
	values := map[string]string{
		"CLERK_JWT_ISSUER_DOMAIN": "https://happy-cat-12.clerk.accounts.dev",
		"MULTILINE":               "line 1\nline 2",
		"QUOTES":                  `it's "quoted" $HOME # not a comment`,
		"DASHED":                  "-starts with a dash=and has an equals sign",
		"EMPTY":                   "",
	}

	run := func(t *testing.T, d *convexdeploy.Deployment, env map[string]string) {
		dir := nodeharness.NewProject(t)
		var cliEnv []string
		for k, v := range env {
			cliEnv = append(cliEnv, k+"="+v)
		}
		cliEnv = append(cliEnv, "CI=1", "CONVEX_DEPLOYMENT=", "npm_config_update_notifier=false", "npm_config_loglevel=error")
		npx := NpxEnv{Runner: envRunner{cliEnv}, Dir: dir}
		client, err := ChooseEnv(EnvChoice{Getenv: func(k string) string { return env[k] }, Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		api, ok := client.(*PlatformEnv)
		if !ok {
			t.Fatalf("ChooseEnv chose %T (%s), want the API client", client, client.Via())
		}

		// Set by the CLI, read by the API.
		for _, name := range []string{"CLERK_JWT_ISSUER_DOMAIN", "MULTILINE", "DASHED"} {
			if _, err := npx.Set(ctx, name, values[name]); err != nil {
				t.Fatalf("CLI set %s: %v", name, err)
			}
		}
		got, err := api.List(ctx)
		if err != nil {
			t.Fatalf("API list: %v", err)
		}
		want := map[string]string{"CLERK_JWT_ISSUER_DOMAIN": values["CLERK_JWT_ISSUER_DOMAIN"], "MULTILINE": values["MULTILINE"], "DASHED": values["DASHED"]}
		if !maps.Equal(got, want) {
			t.Errorf("API list after the CLI set = %q, want %q", got, want)
		}

		// Set by the API, read by the CLI (get and list).
		for _, name := range []string{"QUOTES", "EMPTY"} {
			if _, err := api.Set(ctx, name, values[name]); err != nil {
				t.Fatalf("API set %s: %v", name, err)
			}
		}
		if _, err := api.SetSecret(ctx, "MULTILINE", "changed\nby the API"); err != nil {
			t.Fatalf("API set MULTILINE: %v", err)
		}
		for name, want := range map[string]string{"QUOTES": values["QUOTES"], "MULTILINE": "changed\nby the API"} {
			v, found, err := npx.Get(ctx, name)
			if err != nil || !found || v != want {
				t.Errorf("CLI get %s = %q, %v, %v; want %q", name, v, found, err, want)
			}
		}
		cliList, err := npx.List(ctx)
		if err != nil {
			t.Fatalf("CLI list: %v", err)
		}
		apiList, err := api.List(ctx)
		if err != nil {
			t.Fatalf("API list: %v", err)
		}
		if v, ok := cliList["EMPTY"]; !ok || v != "" {
			t.Errorf("CLI list: EMPTY = %q, %v; the API set it to \"\"", v, ok)
		}
		if !maps.Equal(cliList, apiList) || !maps.Equal(apiList, d.Env()) {
			t.Errorf("the paths disagree:\nCLI list %q\nAPI list %q\ndeployment %q", cliList, apiList, d.Env())
		}
		if _, found, err := api.Get(ctx, "NOT_SET"); err != nil || found {
			t.Errorf("API get NOT_SET: found %v, %v", found, err)
		}

		// Both paths sent the key the same way, on the same routes' state.
		var apiCalls int
		for _, r := range d.Requests() {
			if strings.HasPrefix(r.Path, "/api/v1/") {
				apiCalls++
				if r.Header.Get("Authorization") != "Convex "+d.AdminKey {
					t.Errorf("%s %s: Authorization is not \"Convex <key>\"", r.Method, r.Path)
				}
			}
		}
		if apiCalls == 0 {
			t.Error("the API client sent nothing to /api/v1/")
		}
	}

	t.Run("self-hosted", func(t *testing.T) {
		t.Parallel()
		d := convexdeploy.New(convexdeploy.Options{})
		defer d.Close()
		run(t, d, map[string]string{"CONVEX_SELF_HOSTED_URL": d.URL, "CONVEX_SELF_HOSTED_ADMIN_KEY": d.AdminKey, "CONVEX_DEPLOY_KEY": ""})
	})

	t.Run("production deploy key", func(t *testing.T) {
		t.Parallel()
		var b [24]byte
		_, _ = rand.Read(b[:])
		dev := convexdeploy.New(convexdeploy.Options{AdminKey: convexdeploy.DeployKey("dev", "happy-otter-123", hex.EncodeToString(b[:12]))})
		defer dev.Close()
		prod := convexdeploy.New(convexdeploy.Options{AdminKey: convexdeploy.DeployKey("prod", "clever-heron-456", hex.EncodeToString(b[12:]))})
		defer prod.Close()
		bb := convexdeploy.NewBigBrain(convexdeploy.BigBrainOptions{Dev: dev, Prod: prod})
		defer bb.Close()
		run(t, prod, map[string]string{"CONVEX_DEPLOY_KEY": prod.AdminKey, "CONVEX_PROVISION_HOST": bb.URL, "CONVEX_SELF_HOSTED_URL": "", "CONVEX_SELF_HOSTED_ADMIN_KEY": ""})
		if n := len(dev.Requests()); n != 0 {
			t.Errorf("the dev deployment got %d requests; the production key reaches production only", n)
		}
		var urlForKey int
		for _, r := range bb.Requests() {
			if r.Path == "/api/deployment/url_for_key" {
				urlForKey++
			}
		}
		if urlForKey < 2 { // at least one from the CLI, exactly one from the API client
			t.Errorf("the control plane was asked url_for_key %d times, want the CLI's and the API client's", urlForKey)
		}
	})
}
