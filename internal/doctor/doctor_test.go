package doctor_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/convex"
	"github.com/clerkconvex/clerkconvex/internal/doctor"
	"github.com/clerkconvex/clerkconvex/internal/doctor/doctortest"
	"github.com/clerkconvex/clerkconvex/internal/fakes/issuer"
)

// fixture is a healthy project plus the fakes it talks to; tests break one link.
type fixture struct {
	t      *testing.T
	dir    string
	env    *doctortest.Env
	in     doctor.Inputs
	vars   map[string]string // the Convex dev deployment's variables
	prod   map[string]string // the prod deployment's (none by default)
	envErr error
	calls  atomic.Int32
	noGit  bool
}

func newFixture(t *testing.T, o doctortest.Options) *fixture {
	t.Helper()
	env, err := doctortest.Start(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(env.Close)
	f := &fixture{t: t, dir: t.TempDir(), env: env}
	if err := env.WriteProject(f.dir); err != nil {
		t.Fatal(err)
	}
	if err := doctortest.WriteInstalledConvex(f.dir); err != nil {
		t.Fatal(err)
	}
	f.vars = map[string]string{"CLERK_JWT_ISSUER_DOMAIN": env.IssuerURL()}
	f.in = doctor.Inputs{
		Dir:     f.dir,
		EnvFile: ".env.local",
		Getenv:  func(string) string { return "" },
		NewClerk: func(k clerk.SecretKey) (doctor.ClerkAPI, error) {
			return clerk.New(clerk.Config{BaseURL: env.Clerk.URL, SecretKey: k, HTTPClient: &http.Client{}})
		},
		HTTPClient: &http.Client{},
		ConvexEnvList: func(ctx context.Context, dep convex.Deployment) (map[string]string, error) {
			f.calls.Add(1)
			if f.envErr != nil {
				return nil, f.envErr
			}
			if dep.Prod {
				return maps.Clone(f.prod), nil
			}
			return maps.Clone(f.vars), nil
		},
		Timeout: 10 * time.Second,
	}
	return f
}

func (f *fixture) write(name, body string) {
	f.t.Helper()
	if err := doctortest.WriteFile(f.dir, name, body); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) remove(name string) {
	f.t.Helper()
	if err := os.RemoveAll(filepath.Join(f.dir, name)); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) envFile(replace map[string]string) {
	f.t.Helper()
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(f.env.EnvFile()), "\n") {
		k, _, _ := strings.Cut(line, "=")
		if v, ok := replace[k]; ok {
			if v != "" {
				b.WriteString(v + "\n")
			}
			continue
		}
		b.WriteString(line + "\n")
	}
	f.write(".env.local", b.String())
}

func (f *fixture) run() *doctor.Report {
	f.t.Helper()
	if !f.noGit {
		if err := doctortest.GitAdd(f.dir); err != nil {
			f.t.Fatal(err)
		}
	}
	rep, err := doctor.Run(context.Background(), f.in)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, c := range rep.Checks {
		for _, secret := range []string{doctortest.SecretKey, doctortest.OtherSecretKey, doctortest.UnknownSecretKey} {
			if strings.Contains(c.Message+c.Fix, secret) {
				f.t.Fatalf("%s prints the secret key: %s / %s", c.ID, c.Message, c.Fix)
			}
		}
	}
	return rep
}

func withStatus(rep *doctor.Report, st doctor.Status) []string {
	var ids []string
	for _, c := range rep.Checks {
		if c.Status == st {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

func find(rep *doctor.Report, id string) doctor.Result {
	for _, c := range rep.Checks {
		if c.ID == id {
			return c
		}
	}
	return doctor.Result{}
}

func dump(rep *doctor.Report) string {
	var b strings.Builder
	for _, c := range rep.Checks {
		fmt.Fprintf(&b, "  %-4s %-26s %s", c.Status, c.ID, c.Message)
		if c.Fix != "" {
			fmt.Fprintf(&b, " [fix: %s]", c.Fix)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestHealthyProjectPassesEverything(t *testing.T) {
	f := newFixture(t, doctortest.Options{})
	good := f.env.Issuer.Sign(f.env.Issuer.Claims("convex", time.Minute))
	f.in.Token = good
	rep := f.run()
	if got := withStatus(rep, doctor.Pass); len(got) != len(rep.Checks) {
		t.Fatalf("not every check passed:\n%s", dump(rep))
	}
	if !reflect.DeepEqual(ids(rep), doctor.IDs(true)) {
		t.Fatalf("checks %v, want %v", ids(rep), doctor.IDs(true))
	}
	if n := f.calls.Load(); n != 1 {
		t.Errorf("npx convex env list ran %d times, want once", n)
	}
	// Only reads reach Clerk, and each endpoint once.
	seen := map[string]int{}
	for _, r := range f.env.Clerk.Requests() {
		seen[r.Method+" "+r.Path]++
	}
	if !reflect.DeepEqual(seen, map[string]int{"GET /v1/domains": 1, "GET /v1/jwt_templates": 1}) {
		t.Errorf("Clerk requests: %v", seen)
	}
	if got := f.env.Issuer.Requests(); len(got) != 2 {
		t.Errorf("issuer requests: %v, want discovery and JWKS once each", got)
	}
	if f.env.Other.Requests() != nil {
		t.Errorf("the other instance's issuer was called: %v", f.env.Other.Requests())
	}
}

func ids(rep *doctor.Report) []string {
	var out []string
	for _, c := range rep.Checks {
		out = append(out, c.ID)
	}
	return out
}

// Every check id has a broken project that fails exactly that check, with its fix.
func TestEachBrokenLinkFailsExactlyItsCheck(t *testing.T) {
	type tc struct {
		id      string
		opts    doctortest.Options
		token   func(e *doctortest.Env) string
		mutate  func(f *fixture)
		status  doctor.Status // default Fail
		message string
		fix     string
	}
	claims := func(e *doctortest.Env, k string, v any) map[string]any {
		c := e.Issuer.Claims("convex", time.Minute)
		c[k] = v
		return c
	}
	cases := []tc{
		{id: "project.package_json", mutate: func(f *fixture) { f.remove("package.json") },
			message: "no package.json", fix: "pass -C"},
		{id: "project.convex_dependency", mutate: func(f *fixture) {
			f.write("package.json", `{"dependencies":{"@clerk/clerk-react":"^5.0.0"},"devDependencies":{"vite":"^7.0.0"}}`)
		}, message: "does not depend on convex", fix: "npm install convex"},
		{id: "project.clerk_package", mutate: func(f *fixture) {
			f.write("package.json", `{"dependencies":{"convex":"^1.48.0"},"devDependencies":{"vite":"^7.0.0"}}`)
		}, message: "no Clerk package", fix: "npm install @clerk/react"},
		{id: "project.convex_version", status: doctor.Warn, mutate: func(f *fixture) {
			f.write("node_modules/convex/package.json", `{"name":"convex","version":"1.33.0"}`)
		}, message: "convex 1.33.0 is installed", fix: "npm install convex@latest"},
		{id: "project.functions_dir", mutate: func(f *fixture) { f.remove("convex") },
			message: "convex/ does not exist", fix: "npx convex dev"},
		// Missing with both keys in the environment (a CI run) is a warning; see
		// TestMissingEnvFile for the failures.
		{id: "env.file", status: doctor.Warn, mutate: func(f *fixture) {
			f.remove(".env.local")
			vals := map[string]string{"CLERK_SECRET_KEY": doctortest.SecretKey, "VITE_CLERK_PUBLISHABLE_KEY": f.env.PublishableKey()}
			f.in.Getenv = func(k string) string { return vals[k] }
		}, message: "the keys come from the environment; the app reads .env.local, which is missing", fix: "clerkconvex init"},
		{id: "env.publishable_key", mutate: func(f *fixture) {
			f.envFile(map[string]string{"VITE_CLERK_PUBLISHABLE_KEY": "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=" + f.env.PublishableKey()})
		}, message: "but Vite reads VITE_CLERK_PUBLISHABLE_KEY", fix: "rename NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY to VITE_CLERK_PUBLISHABLE_KEY"},
		{id: "env.secret_key", mutate: func(f *fixture) { f.envFile(map[string]string{"CLERK_SECRET_KEY": ""}) },
			message: "no Clerk secret key", fix: "add CLERK_SECRET_KEY="},
		{id: "env.key_kinds", mutate: func(f *fixture) {
			f.envFile(map[string]string{"VITE_CLERK_PUBLISHABLE_KEY": "VITE_CLERK_PUBLISHABLE_KEY=" + f.env.LivePublishableKey()})
		}, message: "publishable key is a live key, the secret key a test key", fix: "same Clerk instance"},
		{id: "env.gitignored", mutate: func(f *fixture) { f.write(".gitignore", "node_modules\n") },
			message: "git does not ignore .env.local", fix: "add /.env.local to .gitignore"},
		{id: "env.gitignored", mutate: func(f *fixture) {
			// .gitignore lists .env.local, a link; the secret is in the file it leads to.
			if err := os.MkdirAll(filepath.Join(f.dir, "config"), 0o755); err != nil {
				f.t.Fatal(err)
			}
			if err := os.Rename(filepath.Join(f.dir, ".env.local"), filepath.Join(f.dir, "config", "dev.env")); err != nil {
				f.t.Fatal(err)
			}
			if err := os.Symlink(filepath.Join("config", "dev.env"), filepath.Join(f.dir, ".env.local")); err != nil {
				f.t.Fatal(err)
			}
		}, message: "git does not ignore .env.local (a link to config/dev.env)", fix: "add /config/dev.env to .gitignore"},
		{id: "env.temp_files", mutate: func(f *fixture) {
			// The lines init writes keep it out of git; it is still a copy of the secret on disk.
			f.write(".gitignore", "node_modules\n/.env.local\n/.env.clerkconvex-tmp-*.local\n")
			f.write(".env.clerkconvex-tmp-123.local", "CLERK_SECRET_KEY="+doctortest.SecretKey+"\n")
		}, message: "1 temporary copy of .env.local left by an interrupted write, which may hold the secret key: .env.clerkconvex-tmp-123.local", fix: "delete .env.clerkconvex-tmp-123.local"},
		{id: "env.secret_tracked", mutate: func(f *fixture) {
			f.write("src/clerk.ts", "export const key = \""+doctortest.SecretKey+"\";\n")
		}, message: "tracked by git: src/clerk.ts", fix: "roll it in the Clerk dashboard"},
		{id: "authconfig.exists", mutate: func(f *fixture) { f.remove("convex/auth.config.ts") },
			message: "convex/auth.config.ts does not exist", fix: "process.env.CLERK_JWT_ISSUER_DOMAIN!"},
		{id: "authconfig.provider", mutate: func(f *fixture) {
			f.write("convex/auth.config.ts", "export default { providers: [{ domain: process.env.AUTH0_DOMAIN!, applicationID: \"convex\" }] };\n")
			f.vars["AUTH0_DOMAIN"] = "https://example.us.auth0.com/"
		}, message: "no provider for Clerk: its domains are process.env.AUTH0_DOMAIN", fix: "add this provider"},
		{id: "authconfig.application_id", mutate: func(f *fixture) {
			f.write("convex/auth.config.ts", "export default { providers: [{ domain: process.env.CLERK_JWT_ISSUER_DOMAIN! }] };\n")
		}, message: "has no applicationID", fix: `add applicationID: "convex"`},
		{id: "authconfig.other_instance", mutate: func(f *fixture) {
			// A starter's leftover provider: its author's own development instance.
			f.write("convex/auth.config.ts", strings.Replace(doctortest.Project["convex/auth.config.ts"], "  providers: [\n",
				"  providers: [\n    { domain: \"https://fond-owl-31.clerk.accounts.dev\", applicationID: \"convex\" },\n", 1))
		}, message: `convex/auth.config.ts:5 domain "https://fond-owl-31.clerk.accounts.dev": another Clerk instance than this project's 127.0.0.1:`,
			fix: "replace that provider with { domain: process.env.CLERK_JWT_ISSUER_DOMAIN!"},
		{id: "client.publishable_key", status: doctor.Warn, mutate: func(f *fixture) {
			f.write("src/clerk.ts", "export const publishableKey = \""+f.env.OtherPublishableKey()+"\";\n")
		}, message: "hard-codes a publishable key of another Clerk instance than this project's 127.0.0.1:", fix: "read VITE_CLERK_PUBLISHABLE_KEY instead"},
		{id: "client.provider_wiring", mutate: func(f *fixture) {
			f.write("src/main.tsx", strings.NewReplacer(
				`import { ConvexProviderWithClerk } from "convex/react-clerk";`, "",
				`import { ConvexReactClient } from "convex/react";`, `import { ConvexProvider, ConvexReactClient } from "convex/react";`,
				"ConvexProviderWithClerk client={convex} useAuth={useAuth}", "ConvexProvider client={convex}",
				"</ConvexProviderWithClerk>", "</ConvexProvider>").Replace(doctortest.MainTSX))
		}, message: "src/main.tsx:14 uses ConvexProvider from convex/react", fix: "ConvexProviderWithClerk"},
		{id: "clerk.secret_key", mutate: func(f *fixture) { f.in.SecretKey = doctortest.UnknownSecretKey },
			message: "Clerk rejected the secret key sk_test_…9999 (from --secret-key)", fix: "copy a current secret key"},
		{id: "clerk.same_instance", mutate: func(f *fixture) {
			f.envFile(map[string]string{"VITE_CLERK_PUBLISHABLE_KEY": "VITE_CLERK_PUBLISHABLE_KEY=" + f.env.OtherPublishableKey()})
		}, message: "the keys come from two Clerk instances", fix: "same Clerk instance"},
		{id: "clerk.template", opts: doctortest.Options{TemplateName: "Convex"},
			message: `no JWT template named "convex" (there is "Convex"`, fix: "clerkconvex init"},
		{id: "clerk.template_aud", opts: doctortest.Options{TemplateClaims: `{"aud":"my-app"}`},
			message: `has aud "my-app", but convex/auth.config.ts's applicationID is "convex"`, fix: `set the aud claim of JWT template "convex" to "convex"`},
		{id: "issuer.discovery", opts: doctortest.Options{Issuer: issuer.Options{Issuer: "https://elsewhere.example"}},
			message: `announces issuer "https://elsewhere.example"`, fix: "exactly"},
		{id: "issuer.jwks", opts: doctortest.Options{Issuer: issuer.Options{NoRS256Key: true}},
			message: "has no RS256 key (it has ins_", fix: "RS256"},
		{id: "convex.env_var", mutate: func(f *fixture) { delete(f.vars, "CLERK_JWT_ISSUER_DOMAIN") },
			message: "CLERK_JWT_ISSUER_DOMAIN is not set on the Convex dev deployment", fix: "npx convex env set CLERK_JWT_ISSUER_DOMAIN http://127.0.0.1:"},
		{id: "convex.auth_env", mutate: func(f *fixture) {
			f.write("convex/auth.config.ts", "console.log(process.env.DEBUG_AUTH);\n"+doctortest.Project["convex/auth.config.ts"])
		}, message: "convex/auth.config.ts reads DEBUG_AUTH (convex/auth.config.ts:1), not set on the Convex dev deployment", fix: "npx convex env set DEBUG_AUTH <value>"},
		{id: "convex.env_matches_file", mutate: func(f *fixture) {
			f.envFile(map[string]string{"CLERK_JWT_ISSUER_DOMAIN": "CLERK_JWT_ISSUER_DOMAIN=https://old.clerk.accounts.dev"})
		}, message: `is "https://old.clerk.accounts.dev" in .env.local but "http://127.0.0.1:`, fix: "set CLERK_JWT_ISSUER_DOMAIN=http://127.0.0.1:"},
		{id: "token.format", token: func(e *doctortest.Env) string { return "hello.world" },
			message: "a JWT has 3", fix: "getToken"},
		{id: "token.alg", token: func(e *doctortest.Env) string {
			return "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0." + strings.Split(e.Issuer.Sign(e.Issuer.Claims("convex", time.Minute)), ".")[1] + "."
		}, message: `not signed (alg "none")`, fix: "without a custom signing key"},
		{id: "token.signature", token: func(e *doctortest.Env) string {
			return e.Issuer.SignWithOtherKey(e.Issuer.Claims("convex", time.Minute))
		},
			message: "does not verify", fix: "instance of your publishable key"},
		{id: "token.iss", token: func(e *doctortest.Env) string {
			return e.Issuer.Sign(claims(e, "iss", "https://other.clerk.accounts.dev"))
		},
			message: `iss is "https://other.clerk.accounts.dev"`, fix: "same Clerk instance"},
		{id: "token.aud", token: func(e *doctortest.Env) string { return e.Issuer.Sign(claims(e, "aud", "my-app")) },
			message: `aud is "my-app"`, fix: `getToken({ template: "convex" })`},
		{id: "token.exp", token: func(e *doctortest.Env) string {
			return e.Issuer.Sign(claims(e, "exp", time.Now().Add(-5*time.Minute).Unix()))
		}, message: "expired at", fix: "fresh token"},
	}
	covered := map[string]bool{}
	for _, c := range cases {
		covered[c.id] = true
	}
	for _, id := range doctor.IDs(true) {
		if !covered[id] {
			t.Errorf("no broken-project case for %s", id)
		}
	}
	for _, c := range cases {
		t.Run(c.id, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, c.opts)
			if c.token != nil {
				f.in.Token = c.token(f.env)
			}
			if c.mutate != nil {
				c.mutate(f)
			}
			rep := f.run()
			want := c.status
			if want == "" {
				want = doctor.Fail
			}
			var problems []string
			for _, r := range rep.Checks {
				if r.Status == doctor.Fail || r.Status == doctor.Warn {
					problems = append(problems, r.ID)
				}
			}
			if !reflect.DeepEqual(problems, []string{c.id}) {
				t.Fatalf("checks with a problem: %v, want only %s:\n%s", problems, c.id, dump(rep))
			}
			r := find(rep, c.id)
			if r.Status != want || !strings.Contains(r.Message, c.message) || !strings.Contains(r.Fix, c.fix) {
				t.Fatalf("%s = %s %q (fix %q); want %s, message with %q, fix with %q", c.id, r.Status, r.Message, r.Fix, want, c.message, c.fix)
			}
			if rep.OK() != (want != doctor.Fail) {
				t.Errorf("OK() = %v", rep.OK())
			}
			if n := f.calls.Load(); n > 1 {
				t.Errorf("npx convex env list ran %d times", n)
			}
		})
	}
}

// A failed check skips what depends on it and says which check it waits on.
func TestDependentsAreSkippedWithTheirReason(t *testing.T) {
	f := newFixture(t, doctortest.Options{})
	f.envFile(map[string]string{"CLERK_SECRET_KEY": ""})
	rep := f.run()
	for id, want := range map[string]string{
		"env.key_kinds":      "waits on env.secret_key, which failed",
		"clerk.secret_key":   "waits on env.secret_key, which failed",
		"clerk.template_aud": "waits on clerk.template, which was skipped",
		"issuer.jwks":        "waits on issuer.discovery, which was skipped",
		"convex.env_var":     "waits on clerk.secret_key, which was skipped",
	} {
		if r := find(rep, id); r.Status != doctor.Skip || r.Message != want {
			t.Errorf("%s = %s %q, want skip %q", id, r.Status, r.Message, want)
		}
	}
	// The deployment variable is read as soon as auth.config names it, even though no check
	// can use it now: it costs time only in the background, and only once.
	if n := f.calls.Load(); n != 1 {
		t.Errorf("npx convex env list ran %d times, want once", n)
	}
	if len(f.env.Clerk.Requests()) != 0 {
		t.Errorf("Clerk was called without a secret key: %v", f.env.Clerk.Requests())
	}
}

func TestOfflineMakesNoCalls(t *testing.T) {
	f := newFixture(t, doctortest.Options{})
	f.in.Offline = true
	f.in.Token = f.env.Issuer.Sign(f.env.Issuer.Claims("convex", time.Minute))
	rep := f.run()
	if fails := withStatus(rep, doctor.Fail); fails != nil {
		t.Fatalf("failures offline: %v\n%s", fails, dump(rep))
	}
	var skipped []string
	for _, r := range rep.Checks {
		if r.Status == doctor.Skip {
			skipped = append(skipped, r.ID)
			if r.Message != "not checked: --offline" && !strings.HasPrefix(r.Message, "waits on") {
				t.Errorf("%s: %q", r.ID, r.Message)
			}
		}
	}
	sort.Strings(skipped)
	want := []string{"clerk.same_instance", "clerk.secret_key", "clerk.template", "clerk.template_aud", "convex.auth_env", "convex.env_matches_file", "convex.env_var", "issuer.discovery", "issuer.jwks", "token.iss", "token.signature"}
	if !reflect.DeepEqual(skipped, want) {
		t.Errorf("skipped %v, want %v", skipped, want)
	}
	if f.calls.Load() != 0 || len(f.env.Clerk.Requests()) != 0 || len(f.env.Issuer.Requests()) != 0 {
		t.Errorf("offline run made calls: npx %d, clerk %v, issuer %v", f.calls.Load(), f.env.Clerk.Requests(), f.env.Issuer.Requests())
	}
}

func TestProdReadsTheProdDeployment(t *testing.T) {
	f := newFixture(t, doctortest.Options{})
	f.in.Prod = true
	rep := f.run()
	if r := find(rep, "env.key_kinds"); r.Status != doctor.Warn || !strings.Contains(r.Message, "--prod with test keys") {
		t.Errorf("env.key_kinds = %s %q", r.Status, r.Message)
	}
	if r := find(rep, "convex.env_var"); r.Status != doctor.Fail || !strings.Contains(r.Message, "prod deployment") || !strings.HasSuffix(r.Fix, " --prod") {
		t.Errorf("convex.env_var = %s %q fix %q", r.Status, r.Message, r.Fix)
	}
}

// --prod with test keys: the issuer doctor learns is the development instance's. It must
// never be offered as production's value; doctor says to check with the production keys.
// The env file (development values) is compared with production only when named.
func TestProdWithTestKeys(t *testing.T) {
	const liveFix = "CLERK_SECRET_KEY=sk_live_… VITE_CLERK_PUBLISHABLE_KEY=pk_live_… clerkconvex doctor --prod"
	for _, tc := range []struct {
		name     string
		prod     string // the prod deployment's CLERK_JWT_ISSUER_DOMAIN ("" unset, "dev" the dev issuer)
		explicit bool   // --env-file given
		envVar   doctor.Status
		message  string
		matches  doctor.Status
		matchMsg string
	}{
		{name: "unset", envVar: doctor.Fail, message: "CLERK_JWT_ISSUER_DOMAIN is not set on the Convex prod deployment",
			matches: doctor.Skip, matchMsg: "waits on convex.env_var, which failed"},
		{name: "the development issuer", prod: "dev", envVar: doctor.Warn,
			message: "is http://127.0.0.1:", matches: doctor.Skip,
			matchMsg: "--prod: .env.local holds development values, so it is not compared with the prod deployment; pass --env-file with your production env file to compare them"},
		{name: "another issuer", prod: "https://clerk.example.com", envVar: doctor.Warn,
			message: `the prod deployment's CLERK_JWT_ISSUER_DOMAIN is "https://clerk.example.com"; with test keys doctor knows only the development issuer`,
			matches: doctor.Skip, matchMsg: "--prod: .env.local holds development values"},
		{name: "another issuer, --env-file named", prod: "https://clerk.example.com", explicit: true, envVar: doctor.Warn,
			message: "cannot tell whether that is your production instance's", matches: doctor.Fail,
			matchMsg: `CLERK_JWT_ISSUER_DOMAIN is "http://127.0.0.1:`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, doctortest.Options{})
			f.in.Prod, f.in.EnvFileExplicit = true, tc.explicit
			dev := f.env.IssuerURL()
			switch tc.prod {
			case "":
			case "dev":
				f.prod = map[string]string{"CLERK_JWT_ISSUER_DOMAIN": dev}
			default:
				f.prod = map[string]string{"CLERK_JWT_ISSUER_DOMAIN": tc.prod}
			}
			rep := f.run()
			r := find(rep, "convex.env_var")
			if r.Status != tc.envVar || !strings.Contains(r.Message, tc.message) || !strings.Contains(r.Fix, liveFix) {
				t.Errorf("convex.env_var = %s %q fix %q; want %s %q, fix with %q", r.Status, r.Message, r.Fix, tc.envVar, tc.message, liveFix)
			}
			devHost := strings.TrimPrefix(dev, "http://")
			if tc.prod == "dev" && (!strings.Contains(r.Message, "the issuer of your development Clerk instance "+devHost+" (the one your test keys belong to)") ||
				!strings.Contains(r.Message, "production needs your production instance's issuer, https://clerk.<your-domain>")) {
				t.Errorf("convex.env_var does not name the development instance production trusts, or what belongs there: %q", r.Message)
			}
			m := find(rep, "convex.env_matches_file")
			if m.Status != tc.matches || !strings.Contains(m.Message, tc.matchMsg) {
				t.Errorf("convex.env_matches_file = %s %q; want %s %q", m.Status, m.Message, tc.matches, tc.matchMsg)
			}
			for _, c := range rep.Checks {
				if strings.Contains(c.Fix, "convex env set") || strings.Contains(c.Fix, dev) {
					t.Errorf("%s offers the development issuer for production: %q", c.ID, c.Fix)
				}
			}
			if n := f.calls.Load(); n != 1 {
				t.Errorf("npx convex env list ran %d times, want once", n)
			}
		})
	}
}

// The env file's secret key, when another key is in use (a flag or the environment), is
// searched for in the tracked files too, and env.secret_key says the two differ.
func TestEnvFileSecretKeyDiffersFromTheOneInUse(t *testing.T) {
	for _, tc := range []struct {
		name        string
		flag        bool // the key in use comes from --secret-key (else $CLERK_SECRET_KEY)
		leak        string
		tracked     doctor.Status
		trackedMsg  string
		keyMsgExtra string
	}{
		{name: "flag; the file's key in a tracked file", flag: true, leak: doctortest.OtherSecretKey, tracked: doctor.Fail,
			trackedMsg:  ".env.local's other secret key sk_test_…2222 is in files tracked by git: src/leak.ts",
			keyMsgExtra: "--secret-key: sk_test_…1111 (test instance); CLERK_SECRET_KEY in .env.local is another key (sk_test_…2222): the checks below use the one from --secret-key"},
		{name: "environment; the file's key in a tracked file", leak: doctortest.OtherSecretKey, tracked: doctor.Fail,
			trackedMsg:  ".env.local's other secret key sk_test_…2222 is in files tracked by git: src/leak.ts",
			keyMsgExtra: "$CLERK_SECRET_KEY: sk_test_…1111 (test instance); CLERK_SECRET_KEY in .env.local is another key (sk_test_…2222)"},
		{name: "the key in use in a tracked file", flag: true, leak: doctortest.SecretKey, tracked: doctor.Fail,
			trackedMsg: "the secret key sk_test_…1111 is in files tracked by git: src/leak.ts", keyMsgExtra: "is another key"},
		{name: "neither tracked", flag: true, tracked: doctor.Pass,
			trackedMsg: "no file tracked by git contains the secret key or .env.local's other one", keyMsgExtra: "is another key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, doctortest.Options{})
			f.envFile(map[string]string{"CLERK_SECRET_KEY": "CLERK_SECRET_KEY=" + doctortest.OtherSecretKey})
			if tc.flag {
				f.in.SecretKey = doctortest.SecretKey
			} else {
				f.in.Getenv = func(k string) string {
					if k == "CLERK_SECRET_KEY" {
						return doctortest.SecretKey
					}
					return ""
				}
			}
			if tc.leak != "" {
				f.write("src/leak.ts", "export const k = \""+tc.leak+"\";\n")
			}
			rep := f.run()
			if r := find(rep, "env.secret_key"); r.Status != doctor.Pass || !strings.Contains(r.Message, tc.keyMsgExtra) {
				t.Errorf("env.secret_key = %s %q; want pass with %q", r.Status, r.Message, tc.keyMsgExtra)
			}
			if r := find(rep, "env.secret_tracked"); r.Status != tc.tracked || !strings.Contains(r.Message, tc.trackedMsg) {
				t.Errorf("env.secret_tracked = %s %q; want %s %q\n%s", r.Status, r.Message, tc.tracked, tc.trackedMsg, dump(rep))
			}
		})
	}
	// The same key in the file and the flag: nothing more to say.
	f := newFixture(t, doctortest.Options{})
	f.in.SecretKey = doctortest.SecretKey
	rep := f.run()
	if r := find(rep, "env.secret_key"); strings.Contains(r.Message, "another key") {
		t.Errorf("env.secret_key = %q", r.Message)
	}
	if r := find(rep, "env.secret_tracked"); r.Message != "no file tracked by git contains the secret key" {
		t.Errorf("env.secret_tracked = %q", r.Message)
	}
}

// --timeout limits every check, the local ones too. A scan of the tracked files that runs out
// of time is a warning that names the limit; a check that fails for lack of time says to
// rerun with a longer --timeout.
func TestTimeoutLimitsLocalChecksToo(t *testing.T) {
	f := newFixture(t, doctortest.Options{})
	f.in.Timeout = time.Nanosecond // every check's time is up before it starts
	rep := f.run()
	if r := find(rep, "env.secret_tracked"); r.Status != doctor.Warn || r.Message != "could not finish scanning tracked files in 1ns" || !strings.Contains(r.Fix, "rerun with a longer --timeout") {
		t.Errorf("env.secret_tracked = %s %q fix %q", r.Status, r.Message, r.Fix)
	}
	if r := find(rep, "client.provider_wiring"); r.Status != doctor.Warn || r.Message != "could not finish reading the client code in 1ns" || !strings.Contains(r.Fix, "rerun with a longer --timeout") {
		t.Errorf("client.provider_wiring = %s %q fix %q", r.Status, r.Message, r.Fix)
	}
	for _, r := range rep.Checks {
		if r.Status == doctor.Fail && !strings.Contains(r.Fix, "--timeout") {
			t.Errorf("%s failed without the --timeout fix: %q / %q", r.ID, r.Message, r.Fix)
		}
	}
}

func TestConvexEnvVarVariants(t *testing.T) {
	for _, tc := range []struct {
		name    string
		set     func(f *fixture)
		status  doctor.Status
		message string
	}{
		{"trailing slash", func(f *fixture) { f.vars["CLERK_JWT_ISSUER_DOMAIN"] = f.env.IssuerURL() + "/" }, doctor.Warn, "the issuer with a trailing slash"},
		{"other issuer", func(f *fixture) { f.vars["CLERK_JWT_ISSUER_DOMAIN"] = "https://x.clerk.accounts.dev" }, doctor.Fail, `is "https://x.clerk.accounts.dev", but the issuer is`},
		{"npx fails", func(f *fixture) { f.envErr = errors.New("npx convex exited with status 1: No CONVEX_DEPLOYMENT set") }, doctor.Fail, "could not read the variables of the dev deployment: npx convex exited"},
		{"literal domain", func(f *fixture) {
			f.write("convex/auth.config.ts", fmt.Sprintf("export default { providers: [{ domain: %q, applicationID: \"convex\" }] };\n", f.env.IssuerURL()))
		}, doctor.Pass, "names the issuer literally"},
		{"a variable named freely, found by its value", func(f *fixture) {
			f.write("convex/auth.config.ts", "export default { providers: [{ domain: process.env.AUTH_ISSUER!, applicationID: \"convex\" }] };\n")
			f.vars = map[string]string{"AUTH_ISSUER": f.env.IssuerURL()}
			f.envFile(map[string]string{"CLERK_JWT_ISSUER_DOMAIN": "AUTH_ISSUER=" + f.env.IssuerURL()})
		}, doctor.Pass, "the dev deployment's AUTH_ISSUER is http://127.0.0.1:"},
		{"other variable name", func(f *fixture) {
			f.write("convex/auth.config.ts", "export default { providers: [{ domain: process.env.CLERK_FRONTEND_API_URL!, applicationID: \"convex\" }] };\n")
			f.vars = map[string]string{"CLERK_FRONTEND_API_URL": f.env.IssuerURL()}
			f.envFile(map[string]string{"CLERK_JWT_ISSUER_DOMAIN": "CLERK_FRONTEND_API_URL=" + f.env.IssuerURL()})
		}, doctor.Pass, "CLERK_FRONTEND_API_URL is http://127.0.0.1:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, doctortest.Options{})
			tc.set(f)
			rep := f.run()
			r := find(rep, "convex.env_var")
			if r.Status != tc.status || !strings.Contains(r.Message, tc.message) {
				t.Fatalf("convex.env_var = %s %q, want %s %q\n%s", r.Status, r.Message, tc.status, tc.message, dump(rep))
			}
		})
	}
}

func TestTimeoutIsAFailureNamingTheLimit(t *testing.T) {
	f := newFixture(t, doctortest.Options{})
	f.in.Timeout = 50 * time.Millisecond
	f.env.Clerk.SetLatency(5 * time.Second)
	rep := f.run()
	r := find(rep, "clerk.secret_key")
	if r.Status != doctor.Fail || !strings.Contains(r.Message, "no answer within 50ms") || !strings.Contains(r.Fix, "--timeout") {
		t.Fatalf("clerk.secret_key = %s %q %q", r.Status, r.Message, r.Fix)
	}
}

func TestCancelledRunReturnsTheContextError(t *testing.T) {
	f := newFixture(t, doctortest.Options{Latency: 5 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := doctor.Run(ctx, f.in); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Run = %v, want the context's error", err)
	}
}

func TestOutsideGitTheGitChecksAreSkipped(t *testing.T) {
	f := newFixture(t, doctortest.Options{})
	f.noGit = true
	// The temporary folder may sit inside a repository; git must not look above it.
	t.Setenv("GIT_CEILING_DIRECTORIES", filepath.Dir(f.dir))
	rep := f.run()
	for _, id := range []string{"env.gitignored", "env.secret_tracked"} {
		if r := find(rep, id); r.Status != doctor.Skip || r.Message != "not in a git repository" {
			t.Errorf("%s = %s %q", id, r.Status, r.Message)
		}
	}
	if !rep.OK() {
		t.Errorf("not OK outside git:\n%s", dump(rep))
	}
}

// Run returns only after every background call it started has ended: `npx convex env get`
// starts as soon as auth.config names the variable, and when clerk.secret_key fails nobody
// waits on it, so Run itself must cancel it and wait (else npx outlives the CLI).
func TestRunWaitsForBackgroundWork(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(f *fixture)
	}{
		{"secret key rejected", func(f *fixture) { f.in.SecretKey = doctortest.UnknownSecretKey }},
		{"no secret key", func(f *fixture) { f.envFile(map[string]string{"CLERK_SECRET_KEY": ""}) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, doctortest.Options{})
			tc.mutate(f)
			var started, ended atomic.Int32
			f.in.ConvexEnvList = func(ctx context.Context, dep convex.Deployment) (map[string]string, error) {
				started.Add(1)
				<-ctx.Done()                      // a deployment that never answers: only cancellation ends the call
				time.Sleep(20 * time.Millisecond) // killing and reaping npx takes a moment
				ended.Add(1)
				return nil, ctx.Err()
			}
			rep := f.run()
			if started.Load() != 1 {
				t.Fatalf("npx convex env list started %d times, want once\n%s", started.Load(), dump(rep))
			}
			if ended.Load() != 1 {
				t.Fatalf("Run returned while npx convex env list was still running\n%s", dump(rep))
			}
			if rep.OK() {
				t.Errorf("run passed:\n%s", dump(rep))
			}
		})
	}
}

// A missing env file is a warning when both keys come from a flag or the environment (CI),
// and a failure when a key is missing too.
func TestMissingEnvFile(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string // the process environment
		secret  string            // --secret-key
		pub     string            // --publishable-key
		status  doctor.Status
		message string
	}{
		{name: "both keys in the environment", status: doctor.Warn,
			env:     map[string]string{"CLERK_SECRET_KEY": doctortest.SecretKey, "VITE_CLERK_PUBLISHABLE_KEY": "pk"},
			message: "the keys come from the environment; the app reads .env.local, which is missing — fine in CI, needed for local dev"},
		{name: "keys from the flags", status: doctor.Warn, secret: doctortest.SecretKey, pub: "pk",
			message: "the keys come from the environment; the app reads .env.local, which is missing"},
		{name: "secret key from the flag, publishable key from the environment", status: doctor.Warn, secret: doctortest.SecretKey,
			env:     map[string]string{"VITE_CLERK_PUBLISHABLE_KEY": "pk"},
			message: "the keys come from the environment"},
		{name: "only the secret key", status: doctor.Fail,
			env:     map[string]string{"CLERK_SECRET_KEY": doctortest.SecretKey},
			message: ".env.local does not exist, and the environment does not hold both Clerk keys"},
		{name: "only the publishable key", status: doctor.Fail,
			env:     map[string]string{"VITE_CLERK_PUBLISHABLE_KEY": "pk"},
			message: ".env.local does not exist"},
		{name: "the publishable key under another framework's name", status: doctor.Fail,
			env:     map[string]string{"CLERK_SECRET_KEY": doctortest.SecretKey, "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY": "pk"},
			message: ".env.local does not exist"},
		{name: "no keys", status: doctor.Fail, message: ".env.local does not exist"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, doctortest.Options{})
			f.remove(".env.local")
			vals := map[string]string{}
			for k, v := range tc.env {
				if v == "pk" {
					v = f.env.PublishableKey()
				}
				vals[k] = v
			}
			f.in.Getenv = func(k string) string { return vals[k] }
			f.in.SecretKey = tc.secret
			if tc.pub == "pk" {
				f.in.PublishableKey = f.env.PublishableKey()
			}
			rep := f.run()
			r := find(rep, "env.file")
			if r.Status != tc.status || !strings.Contains(r.Message, tc.message) || !strings.Contains(r.Fix, "clerkconvex init") {
				t.Fatalf("env.file = %s %q (fix %q); want %s %q\n%s", r.Status, r.Message, r.Fix, tc.status, tc.message, dump(rep))
			}
			if tc.status == doctor.Warn {
				// Nothing else to say about a file that is not there.
				for id, want := range map[string]string{
					"env.gitignored":          ".env.local does not exist",
					"convex.env_matches_file": ".env.local does not exist: nothing to compare with the dev deployment",
				} {
					if r := find(rep, id); r.Status != doctor.Skip || r.Message != want {
						t.Errorf("%s = %s %q, want skip %q", id, r.Status, r.Message, want)
					}
				}
				if !rep.OK() {
					t.Errorf("a CI run without the env file fails:\n%s", dump(rep))
				}
			}
		})
	}
}

// A folder where package.json or convex.json should be fails the check with the file's
// name and a fix for that file.
func TestProjectFileIsAFolder(t *testing.T) {
	for _, tc := range []struct{ path, id string }{
		{"package.json", "project.package_json"},
		{"convex.json", "project.functions_dir"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			f := newFixture(t, doctortest.Options{})
			f.noGit = true
			t.Setenv("GIT_CEILING_DIRECTORIES", filepath.Dir(f.dir))
			f.remove(tc.path)
			if err := os.Mkdir(filepath.Join(f.dir, tc.path), 0o755); err != nil {
				t.Fatal(err)
			}
			c := find(f.run(), tc.id)
			message, fix := "reading "+tc.path+": it is a folder, not a file", "move the folder "+tc.path+" away and put a plain file there"
			if c.Status != doctor.Fail || c.Message != message || c.Fix != fix {
				t.Fatalf("%s = %s %q (fix %q); want fail %q, fix %q", tc.id, c.Status, c.Message, c.Fix, message, fix)
			}
		})
	}
}

// --deployment REF: the one env list reads that deployment, and what doctor says and
// suggests names it (a teammate's dev deployment without the issuer fails).
func TestNamedDeployment(t *testing.T) {
	f := newFixture(t, doctortest.Options{})
	f.in.Deployment = "dev/james"
	var got []convex.Deployment
	f.in.ConvexEnvList = func(ctx context.Context, dep convex.Deployment) (map[string]string, error) {
		got = append(got, dep)
		return map[string]string{}, nil
	}
	rep := f.run()
	if len(got) != 1 || got[0] != (convex.Deployment{Ref: "dev/james"}) {
		t.Fatalf("env list calls %+v, want one for dev/james", got)
	}
	r := find(rep, "convex.env_var")
	if r.Status != doctor.Fail || !strings.Contains(r.Message, "dev/james deployment") || !strings.Contains(r.Fix, "npx convex env set CLERK_JWT_ISSUER_DOMAIN ") || !strings.HasSuffix(r.Fix, " --deployment dev/james") {
		t.Errorf("convex.env_var = %s %q fix %q", r.Status, r.Message, r.Fix)
	}
}
