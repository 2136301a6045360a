//go:build linux

package main

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/clerkconvex/clerkconvex/internal/doctor/doctortest"
	"github.com/clerkconvex/clerkconvex/internal/fakes/clerkapi"
	"github.com/clerkconvex/clerkconvex/internal/fakes/issuer"
	"github.com/clerkconvex/clerkconvex/internal/safetext"
)

// badInput is one row of the bad-input matrix: a project, a command line, maybe Clerk faults
// or a Ctrl-C, and what must come out: the exit code, a message on stderr that names the input
// (input) and says how to fix it (fix), and the project tree byte for byte as it was except
// the paths in changed.
type badInput struct {
	name  string
	files string // the project, as txtar; default viteProject
	prep  func(t *testing.T, h *harness)
	args  []string // default initArgs()
	env   map[string]string
	// faults are injected into the Clerk fake before the run.
	faults []clerkapi.Fault
	// interrupt, e.g. "POST /v1/jwt_templates": press Ctrl-C once that request reaches Clerk
	// (inject a Delay fault for it so the fake holds it).
	interrupt string
	// npxHang: the fake npx hangs; Ctrl-C once it is running.
	npxHang bool

	// onStdout: input and fix are matched against stdout instead of stderr (doctor prints a
	// bad input it judges as a failing check, with its Fix line, in its report).
	onStdout bool
	// within, when set, is how long the run may take (a read that blocks would not end).
	within time.Duration

	code     int
	input    string   // regexp that stderr must match: the input named
	fix      string   // regexp that stderr must match: the fix
	changed  []string // project paths that may differ afterwards
	mutating int      // Clerk requests that may change something (POST/PATCH/DELETE), failed or not
	// secretFiles are the files that may hold the key (default .env.local): the canary scan
	// skips them.
	secretFiles []string
	// clerkCalls, when set, is the exact number of requests Clerk must have seen (noCalls: 0).
	// init lists the JWT templates while it lists the domains: one request more than the
	// domain listing's tries.
	clerkCalls int
	check      func(t *testing.T, h *harness, r result)
}

const noCalls = -1

// written is what a successful or half-successful init leaves in a fresh Vite project.
var written = []string{".env.local", "convex", "convex/auth.config.ts"}

func with(args ...string) []string { return initArgs(args...) }

// keyArgs is init with these keys.
func keyArgs(secret, pub string, extra ...string) []string {
	return append([]string{"init", "--no-input", "--secret-key", secret, "--publishable-key", pub}, extra...)
}

func b64(s string) string { return base64.RawStdEncoding.EncodeToString([]byte(s)) }

func badInputRows() []badInput {
	const dash = `Clerk dashboard`
	clerkFault := func(status int, method, prefix string) []clerkapi.Fault {
		return []clerkapi.Fault{{Method: method, PathPrefix: prefix, Status: status}}
	}
	return append([]badInput{
		// --- the secret key
		{name: "secret key empty", args: keyArgs("", pk1),
			code: 2, input: `--secret-key`, fix: `set CLERK_SECRET_KEY.*` + dash},
		{name: "secret key is the publishable key", args: keyArgs(pk1, pk1),
			code: 2, input: `--secret-key: the Clerk secret key starts with pk_`, fix: `secret key starts with sk_test_ or sk_live_`},
		{name: "secret key with an unknown prefix", args: keyArgs("sk_prod_CANARYabcdefghijklmnopqrstuv", pk1),
			code: 2, input: `--secret-key: the Clerk secret key`, fix: `must start with sk_test_ or sk_live_`},
		{name: "secret key wrapped in quotes", args: keyArgs(`"`+sk1+`"`, pk1),
			code: 2, input: `--secret-key`, fix: `wrapped in quotes`},
		{name: "secret key with a trailing space", args: keyArgs(sk1+" ", pk1),
			code: 2, input: `--secret-key`, fix: `leading or trailing spaces`},
		{name: "secret key too short", args: keyArgs("sk_test_CANARYshort", pk1),
			code: 2, input: `--secret-key: the Clerk secret key is too short`, fix: `copy the whole key from the ` + dash},
		{name: "secret key with a stray character", args: keyArgs(sk1[:20]+"-"+sk1[20:], pk1),
			code: 2, input: `--secret-key: the Clerk secret key has a character that is not a letter or digit`, fix: `copy the whole key from the ` + dash},
		{name: "secret key malformed in the env file", files: viteProject + "-- .env.local --\nCLERK_SECRET_KEY=sk_test_CANARY.x\n",
			args: []string{"init", "--no-input", "--publishable-key", pk1},
			code: 2, input: `CLERK_SECRET_KEY in \.env\.local`, fix: `copy the whole key from the ` + dash},

		// --- the publishable key
		{name: "publishable key is the secret key", args: keyArgs(sk1, sk1),
			code: 2, input: `--publishable-key: the Clerk publishable key starts with sk_`, fix: `publishable key starts with pk_test_ or pk_live_`},
		{name: "publishable key with an unknown prefix", args: keyArgs(sk1, "pk_prod_"+b64(host1+"$")),
			code: 2, input: `--publishable-key`, fix: `must start with pk_test_ or pk_live_`},
		{name: "publishable key not base64", args: keyArgs(sk1, "pk_test_!!!notbase64"),
			code: 2, input: `--publishable-key: the Clerk publishable key is not valid`, fix: `copy the whole key from the ` + dash},
		{name: "publishable key without its closing $", args: keyArgs(sk1, "pk_test_"+b64(host1)),
			code: 2, input: `--publishable-key: the Clerk publishable key is not valid`, fix: `copy the whole key from the ` + dash},
		{name: "publishable key naming a bad host", args: keyArgs(sk1, "pk_test_"+b64("bad host/x$")),
			code: 2, input: `--publishable-key: the Clerk publishable key names an invalid Frontend API host`, fix: `copy the whole key from the ` + dash},
		{name: "publishable key from the framework variable in the env file, malformed",
			files: viteProject + "-- .env.local --\nVITE_CLERK_PUBLISHABLE_KEY=pk_test_%%%\n",
			args:  []string{"init", "--no-input", "--secret-key", sk1},
			code:  2, input: `VITE_CLERK_PUBLISHABLE_KEY in \.env\.local`, fix: `copy the whole key from the ` + dash},

		// --- keys that do not belong together
		{name: "live publishable key with a test secret key", args: keyArgs(sk1, pkL),
			code: 2, input: `publishable key \(--publishable-key\) is a live key but the secret key \(--secret-key\) is a test key`, fix: `same instance`,
			clerkCalls: noCalls},
		{name: "keys from two instances", args: keyArgs(sk1, pk2),
			code: 2, input: `the secret key belongs to https://happy-cat-12\.clerk\.accounts\.dev but the publishable key \(--publishable-key\) to https://other-app-99`, fix: `copy both keys from the same instance`},
		{name: "test keys with --prod: allowed, with a warning", args: with("--prod"),
			code: 0, input: `--prod with test keys`, fix: `use the sk_live_/pk_live_ keys of your production instance`,
			changed: written, mutating: 1,
			check: func(t *testing.T, h *harness, r result) {
				if calls := h.npxCalls(); len(calls) != 1 || !slices.Contains(calls[0].Args, "--prod") {
					t.Errorf("want one npx call with --prod, got %+v", calls)
				}
			}},

		// --- the identity provider URL (issuer)
		{name: "issuer over http off this machine", args: with("--identity-provider-url", "http://"+host1),
			code: 2, input: `--identity-provider-url: "http://happy-cat-12\.clerk\.accounts\.dev" uses http`, fix: `use https://happy-cat-12\.clerk\.accounts\.dev`},
		{name: "issuer with a path", args: with("--identity-provider-url", "https://"+host1+"/oauth"),
			code: 2, input: `--identity-provider-url: .* has a path \(/oauth\)`, fix: `the issuer is only https://host, without a path`},
		{name: "issuer with a query", args: with("--identity-provider-url", "https://"+host1+"?tenant=1"),
			code: 2, input: `--identity-provider-url: .* has a query`, fix: `the issuer is only https://host`},
		{name: "issuer of another instance", args: with("--identity-provider-url", "https://"+host2),
			code: 2, input: `--identity-provider-url https://other-app-99\.clerk\.accounts\.dev is not this Clerk instance's issuer`, fix: `omit the flag or pass https://happy-cat-12`},
		{name: "issuer with a trailing slash: normalised", args: with("--identity-provider-url", "https://"+host1+"/"),
			code: 0, input: `Issuer: https://happy-cat-12\.clerk\.accounts\.dev\n`, fix: `Convex dev deployment: CLERK_JWT_ISSUER_DOMAIN=https://happy-cat-12\.clerk\.accounts\.dev\n`,
			changed: written, mutating: 1,
			check: func(t *testing.T, h *harness, r result) {
				if env := h.read(".env.local"); !strings.Contains(env, "CLERK_JWT_ISSUER_DOMAIN=https://"+host1+"\n") {
					t.Errorf(".env.local has no issuer without a trailing slash:\n%s", env)
				}
				if got := h.npxStore("dev")["CLERK_JWT_ISSUER_DOMAIN"]; got != "https://"+host1 {
					t.Errorf("Convex got issuer %q", got)
				}
			}},

		// --- the application ID
		{name: "application ID empty", args: with("--application-id", ""),
			code: 2, input: `--application-id is empty`, fix: `use "convex"`},
		{name: "application ID with a space", args: with("--application-id", "my app"),
			code: 2, input: `--application-id "my app" has spaces`, fix: `use a plain identifier such as "convex"`},
		{name: "application ID with a quote", args: with("--application-id", `a"b`),
			code: 2, input: `--application-id .* has spaces, quotes or backslashes`, fix: `use a plain identifier`},
		{name: "application ID too long", args: with("--application-id", strings.Repeat("a", 200)),
			code: 2, input: `--application-id is 200 characters long`, fix: `keep it under 128`},
		{name: "application IDs not paired with provider URLs", args: with("--application-id", "a", "--application-id", "b"),
			code: 2, input: `--application-id was given 2 times but --identity-provider-url 0 times`, fix: `repeat them in pairs`},

		// --- the template claims
		{name: "claims not JSON", args: with("--claims", "{org: 1}"),
			code: 2, input: `--claims: it must be a JSON object`, fix: `like '\{"org":"\{\{org\.slug\}\}"\}'`},
		{name: "claims a JSON array", args: with("--claims", `["org"]`),
			code: 2, input: `--claims: it must be a JSON object`, fix: `like '\{"org"`},
		{name: "claims with text after the object", args: with("--claims", `{"a":1} {"b":2}`),
			code: 2, input: `--claims: it has text after the JSON object`, fix: `pass one JSON object, like '\{"org"`},
		{name: "claims with reserved iss", args: with("--claims", `{"iss":"https://x"}`),
			code: 2, input: `--claims: it uses the reserved claim "iss"`, fix: `Clerk sets .* itself`},
		{name: "claims with reserved sub and exp", args: with("--claims", `{"sub":"x","exp":1,"org":"y"}`),
			code: 2, input: `--claims: it uses the reserved claim "exp", "sub"|--claims: it uses the reserved claim "sub", "exp"`, fix: `Clerk sets .* itself`},

		// --- the env file
		{name: "env file unreadable", prep: func(t *testing.T, h *harness) {
			h.write(".env.local", "A=1\n")
			if err := os.Chmod(filepath.Join(h.dir, ".env.local"), 0); err != nil {
				t.Fatal(err)
			}
			h.dropPrivileges()
		},
			code: 2, input: `--env-file \.env\.local: .*permission denied`, fix: `make it readable by you \(chmod 600 \.env\.local\) or pass another --env-file`},
		{name: "env file is a folder", prep: func(t *testing.T, h *harness) {
			h.write(".env.local/keep", "")
		},
			code: 2, input: `--env-file \.env\.local: .* is a folder, not a file`, fix: `move it away or choose another path`},
		{name: "env file is a link leading outside the project", prep: func(t *testing.T, h *harness) {
			outside := filepath.Join(h.aux, "home", "shared.env")
			if err := os.WriteFile(outside, []byte("A=1\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(outside, filepath.Join(h.dir, ".env.local")); err != nil {
				t.Fatal(err)
			}
		},
			code: 2, input: `--env-file \.env\.local: .*the link leads outside the project folder`, fix: `replace the link with a regular file inside`,
			check: func(t *testing.T, h *harness, r result) {
				if b, _ := os.ReadFile(filepath.Join(h.aux, "home", "shared.env")); string(b) != "A=1\n" {
					t.Errorf("the file outside the project changed: %q", b)
				}
			}},
		{name: "env file path climbing out of the project", args: with("--env-file", "../elsewhere.env"),
			code: 2, input: `--env-file \.\./elsewhere\.env is outside the project folder`, fix: `name a file inside it, such as \.env\.local`},
		{name: "env file empty name", args: with("--env-file", ""),
			code: 2, input: `--env-file is empty`, fix: `pass a file name such as \.env\.local`},
		{name: "env file with malformed lines: kept as they are",
			files: viteProject + "-- .env.local --\n# top\nthis is not an assignment\n=novalue\nA=1\n'unterminated\nB=2\n",
			code:  0, input: `\.env\.local: lines 2, 3, 5 are not KEY=value`, fix: `left as they are`,
			changed: written, mutating: 1,
			check: func(t *testing.T, h *harness, r result) {
				want := "# top\nthis is not an assignment\n=novalue\nA=1\n'unterminated\nB=2\n"
				if got := h.read(".env.local"); !strings.HasPrefix(got, want) {
					t.Errorf(".env.local lost or changed the lines that were there:\n%s", got)
				}
			}},

		{name: "env file is a named pipe", prep: func(t *testing.T, h *harness) { mkfifo(t, filepath.Join(h.dir, ".env.local")) },
			code: 2, input: `--env-file \.env\.local: .*\.env\.local is not a regular file`, fix: `replace it with a plain file`},
		{name: "project folder not writable", prep: func(t *testing.T, h *harness) {
			h.dropPrivileges()
			if err := os.Chmod(h.dir, 0o555); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = os.Chmod(h.dir, 0o755) })
		},
			code: 1, input: `writing \.env\.local: .*create a temporary file in \$WORK`, fix: `check that the folder exists and is writable`,
			mutating: 1},

		// --- the Convex side of the project
		{name: "auth.config.ts that cannot be edited safely: left alone",
			files: viteProject + "-- convex/auth.config.ts --\nimport { providers } from \"./providers\";\nexport default { providers };\n",
			code:  0, input: `convex/auth\.config\.ts can't be edited safely`, fix: `add this provider to its providers array by hand`,
			changed: []string{".env.local"}, mutating: 1},
		{name: "auth.config.ts with a syntax error: left alone",
			files: viteProject + "-- convex/auth.config.ts --\nexport default { providers: [ { domain: \"x\" ] };\n",
			code:  0, input: `convex/auth\.config\.ts can't be edited safely`, fix: `by hand`,
			changed: []string{".env.local"}, mutating: 1},
		{name: "auth.config.ts is a named pipe", prep: func(t *testing.T, h *harness) {
			h.write("convex/keep", "")
			mkfifo(t, filepath.Join(h.dir, "convex", "auth.config.ts"))
		},
			code: 2, input: `convex/auth\.config\.ts is not a regular file`, fix: `replace it with a plain file`},
		{name: "convex.json names a missing functions folder", files: viteProject + "-- convex.json --\n{\"functions\": \"src/convex/\"}\n",
			code: 2, input: `convex\.json sets "functions" to "src/convex/", but .* does not exist`, fix: `create the folder or fix convex\.json`},
		{name: "convex.json not JSON", files: viteProject + "-- convex.json --\n{functions: src}\n",
			code: 2, input: `convex\.json is not valid JSON`, fix: `fix it or remove it`},
		{name: "no package.json", files: "-- README.md --\nhello\n",
			code: 2, input: `no package\.json in `, fix: `run clerkconvex in your app's folder, or pass -C <folder>`},
		{name: "package.json not JSON", files: "-- package.json --\n{\"dependencies\": \n",
			code: 2, input: `package\.json is not valid JSON`, fix: `fix package\.json`},
		{name: "project folder missing", args: with("-C", "nowhere"),
			code: 2, input: `-C/--dir nowhere: no such folder`, fix: `pass the folder that holds your app's package\.json`},

		// --- npx
		{name: "npx missing", prep: func(t *testing.T, h *harness) { h.env["PATH"] = h.pathWithoutNpx() },
			code: 1, input: `npx not found on PATH`, fix: `(?s)install Node\.js.*Set it by hand.*\n +npx convex env set CLERK_JWT_ISSUER_DOMAIN https://happy-cat-12\.clerk\.accounts\.dev`,
			changed: written, mutating: 1},
		{name: "npx convex fails: not logged in", env: map[string]string{"FAKE_NPX_FAIL": "✖ Error: No CONVEX_DEPLOYMENT set, run `npx convex dev` to configure a Convex project"},
			code: 1, input: `Convex variable CLERK_JWT_ISSUER_DOMAIN not set on the dev deployment: npx convex exited with status 1: .*No CONVEX_DEPLOYMENT set`, fix: `Set it by hand, in .*\n +npx convex env set CLERK_JWT_ISSUER_DOMAIN https://happy-cat-12\.clerk\.accounts\.dev`,
			changed: written, mutating: 1},
		{name: "npx does not finish in time (CLERKCONVEX_NPX_TIMEOUT)", env: map[string]string{"FAKE_NPX_HANG": "1", "CLERKCONVEX_NPX_TIMEOUT": "1s"},
			code: 1, input: `Convex variable CLERK_JWT_ISSUER_DOMAIN not set on the dev deployment: npx convex env set CLERK_JWT_ISSUER_DOMAIN: stopped after 1s, its time limit`,
			fix:     `(?s)run it by hand to see, or allow it longer with --npx-timeout or CLERKCONVEX_NPX_TIMEOUT.*Set it by hand, in .*\n +npx convex env set CLERK_JWT_ISSUER_DOMAIN https://happy-cat-12\.clerk\.accounts\.dev`,
			changed: written, mutating: 1},
		{name: "npx does not finish in time (--npx-timeout over the variable)", env: map[string]string{"FAKE_NPX_HANG": "1", "CLERKCONVEX_NPX_TIMEOUT": "1h"},
			args: with("--npx-timeout", "1s"),
			code: 1, input: `npx convex env set CLERK_JWT_ISSUER_DOMAIN: stopped after 1s, its time limit`, fix: `allow it longer with --npx-timeout`,
			changed: written, mutating: 1},
		{name: "--npx-timeout 0", args: with("--npx-timeout", "0"), clerkCalls: noCalls,
			code: 2, input: `--npx-timeout 0s: it must be positive`, fix: `pass a duration such as 2m`},
		{name: "CLERKCONVEX_NPX_TIMEOUT not a duration", env: map[string]string{"CLERKCONVEX_NPX_TIMEOUT": "soon"}, clerkCalls: noCalls,
			code: 2, input: `CLERKCONVEX_NPX_TIMEOUT="soon" is not a positive duration`, fix: `set it like 2m or 90s, or unset it`},

		{name: "npx convex fails with escape sequences and a bare CR in its output", env: map[string]string{"FAKE_NPX_FAIL": "✖ Error\x1b]0;pwned\x07: not logged in\r\x1b[2K✓ all good \u202e"},
			code: 1, input: `npx convex exited with status 1: Error\\x1b\]0;pwned\\x07: not logged in\\r✓ all good \\u202e`, fix: `Set it by hand`,
			changed: written, mutating: 1, check: noRawControl},

		// --- Clerk answering with errors
		{name: "Clerk 401: key rejected", faults: clerkFault(401, "GET", "/v1/domains"),
			code: 4, input: `Clerk rejected the secret key sk_test_…1111 \(from --secret-key\)`, fix: `copy a current secret key from the ` + dash},
		{name: "Clerk 401: unknown key", args: keyArgs("sk_test_CANARYunknownAbCdEfGhIjKlMnOp0000", pk1),
			code: 4, input: `Clerk rejected the secret key sk_test_…0000`, fix: `copy a current secret key`},
		{name: "Clerk 403", faults: clerkFault(403, "GET", "/v1/domains"),
			code: 1, input: `GET /v1/domains\) failed: HTTP 403`, fix: `check that the secret key sk_test_…1111 is this instance's and still active \(Clerk dashboard, API keys\)`},
		{name: "Clerk 404", faults: clerkFault(404, "GET", "/v1/"),
			code: 1, input: `GET /v1/domains\) failed: HTTP 404`, fix: `check the Clerk API URL \(--clerk-api-url or \$CLERK_API_URL`},
		{name: "Clerk 422 on creating the template", faults: clerkFault(422, "POST", "/v1/jwt_templates"),
			code: 1, input: `POST /v1/jwt_templates\) failed: HTTP 422`, fix: `fix --claims or the JWT template in the Clerk dashboard`, mutating: 1},
		{name: "Clerk 429 on every try", faults: []clerkapi.Fault{{Method: "GET", PathPrefix: "/v1/domains", Status: 429, Header: map[string]string{"Retry-After": "0"}}},
			code: 1, input: `GET /v1/domains\) failed: HTTP 429`, fix: `wait a minute and run the command again`, clerkCalls: 5 + 1},
		{name: "Clerk 500", faults: clerkFault(500, "GET", "/v1/jwt_templates"),
			code: 1, input: `GET /v1/jwt_templates\) failed: HTTP 500`, fix: `try again in a minute`},
		{name: "Clerk 502 with an HTML page", faults: []clerkapi.Fault{{Method: "GET", PathPrefix: "/v1/domains", Status: 502, Body: clerkapi.BadGatewayHTML, ContentType: "text/html"}},
			code: 1, input: `GET /v1/domains\) failed: HTTP 502: Bad Gateway`, fix: `try again in a minute`, clerkCalls: 5 + 1,
			check: func(t *testing.T, h *harness, r result) {
				if strings.Contains(r.stderr, "<") {
					t.Errorf("stderr shows the HTML:\n%s", r.stderr)
				}
			}},
		{name: "Clerk does not answer in time", env: map[string]string{"CLERKCONVEX_HTTP_TIMEOUT": "200ms"},
			faults: []clerkapi.Fault{{Method: "GET", PathPrefix: "/v1/domains", Delay: time.Minute}},
			code:   1, input: `no answer from http://127\.0\.0\.1:\d+/v1/domains within 200ms`, fix: `check your network and proxy \(HTTPS_PROXY, NO_PROXY\) and try again`, clerkCalls: 1 + 1},
		// --- Clerk (or something in its place) answering misleadingly: each says what the
		// server did and what to do (hostile answers from the fake's options)
		{name: "Clerk answers an HTML page with 200", faults: []clerkapi.Fault{{Method: "GET", PathPrefix: "/v1/domains", Status: 200, Body: clerkapi.LoginPageHTML, ContentType: "text/html"}},
			code: 1, input: `GET /v1/domains\) failed: the answer \(HTTP 200\) is an HTML page, not Clerk's JSON: "Sign in Sign in to continue"`,
			fix:   `check the Clerk API URL \(--clerk-api-url or \$CLERK_API_URL.*a proxy or captive portal`,
			check: all(domainsOnce, notSaid("invalid character"))},
		{name: "Clerk answers JSON cut short", faults: []clerkapi.Fault{{Method: "GET", PathPrefix: "/v1/domains", Status: 200, Body: clerkapi.TruncatedJSON}},
			code: 1, input: `GET /v1/domains\) failed: the answer \(HTTP 200\) was cut short: its JSON ends after \d+ bytes`,
			fix: `check the Clerk API URL`, check: all(domainsOnce, notSaid("unexpected end of JSON"))},
		{name: "Clerk answers an array where an object is expected", faults: []clerkapi.Fault{{Method: "GET", PathPrefix: "/v1/domains", Status: 200, Body: `[{"id":"dmn_1"}]`}},
			code: 1, input: `GET /v1/domains\) failed: the answer \(HTTP 200\) is a JSON array where Clerk's API sends a JSON object`,
			fix: `check the Clerk API URL`, check: all(domainsOnce, notSaid("cannot unmarshal"))},
		{name: "Clerk's answer stops arriving", env: map[string]string{"CLERKCONVEX_HTTP_TIMEOUT": "300ms"},
			faults: []clerkapi.Fault{{Method: "GET", PathPrefix: "/v1/domains", Status: 200, Body: `{"data":[`, Stall: true}},
			code:   1, input: `the answer from http://127\.0\.0\.1:\d+/v1/domains stopped arriving: it was not complete within 300ms`,
			fix: `check your network and proxy`, check: all(domainsOnce, notSaid("context deadline exceeded"))},
		{name: "Clerk's answer never ends", faults: []clerkapi.Fault{{Method: "GET", PathPrefix: "/v1/jwt_templates", Status: 200, Body: `{"data":[`, Endless: true}},
			code: 1, input: `GET /v1/jwt_templates\) failed: the answer from http://127\.0\.0\.1:\d+/v1/jwt_templates\?\S+ is larger than 4 MiB`,
			fix: `check the Clerk API URL`, clerkCalls: 2},
		{name: "Clerk's template list ignores offset", prep: func(t *testing.T, h *harness) {
			for i := range 100 {
				if _, err := h.clerk.AddTemplate(sk1, clerkapi.Template{Name: fmt.Sprintf("t%03d", i)}); err != nil {
					t.Fatal(err)
				}
			}
			h.clerk.SetIgnoreOffset(1_000_000)
		},
			code: 1, input: `GET /v1/jwt_templates\) failed: the page at offset 100 repeats templates already listed, although total_count says 1000000; the server ignores offset, so the list stopped after 2 pages`,
			fix: `check the Clerk API URL`, clerkCalls: 3},
		{name: "Clerk 429 with Retry-After: 3600", faults: []clerkapi.Fault{{Method: "GET", PathPrefix: "/v1/domains", Status: 429, Header: map[string]string{"Retry-After": "3600"}}},
			code: 1, input: `GET /v1/domains\) failed: HTTP 429`,
			fix:   `Clerk asked to wait 1h0m0s before the next request \(Retry-After\), longer than clerkconvex waits \(30s\): run the command again after that`,
			check: all(domainsOnce, notSaid("wait a minute"))},
		{name: "Clerk 422 on listing domains", faults: clerkFault(422, "GET", "/v1/domains"),
			code: 1, input: `GET /v1/domains\) failed: HTTP 422`, fix: `Clerk refused a read that sends no input \(HTTP 422 on GET\): check the Clerk API URL`,
			check: all(domainsOnce, notSaid("--claims"))},
		{name: "Clerk answers the template POST with a 302", faults: []clerkapi.Fault{{Method: "POST", PathPrefix: "/v1/jwt_templates", Status: 302, Header: map[string]string{"Location": "/v1/jwt_templates?paginated=true"}}},
			code: 1, input: `POST http://127\.0\.0\.1:\d+/v1/jwt_templates was answered with a redirect \(HTTP 302\) to http://127\.0\.0\.1:\d+/v1/jwt_templates\?paginated=true: a request that changes something is never followed through a redirect`,
			fix:      `The redirect was not followed; check in the Clerk dashboard \(JWT templates\) that nothing changed`,
			mutating: 1, clerkCalls: 3,
			check: func(t *testing.T, h *harness, r result) {
				notSaid("created")(t, h, r)
				if reqs := h.clerk.Requests(); reqs[len(reqs)-1].Method != "POST" {
					t.Errorf("the redirect was followed: %+v", reqs[len(reqs)-1])
				}
			}},
		{name: "Clerk's error carries escape sequences, a bare CR and a bidi override",
			faults: []clerkapi.Fault{{Method: "GET", PathPrefix: "/v1/domains", Status: 400, Body: clerkapi.EscapeEnvelope}},
			code:   1, input: `HTTP 400 evil\\x1b\[31mcode: Invalid request\.\\r\\x1b\[1A\\x1b\[2K✓ all good \\u202egnp\.exe \(trace id trace\\x1b\]8;;http://evil\.example/\\x07id\)`,
			fix: `Clerk refused a read`, check: all(domainsOnce, noRawControl)},
		{name: "doctor: Clerk's error carries escape sequences", prep: doctorProject, args: []string{"doctor"}, onStdout: true,
			faults: []clerkapi.Fault{{Method: "GET", PathPrefix: "/v1/", Status: 400, Body: clerkapi.EscapeEnvelope}},
			code:   1, input: `(?m)^  FAIL clerk\.secret_key +Clerk API: listing domains \(GET /v1/domains\) failed: HTTP 400 evil\\x1b\[31mcode`,
			fix: `Fix: Clerk refused a read`, check: noRawControl},
		{name: "doctor: Clerk answers an HTML page with 200", prep: doctorProject, args: []string{"doctor"}, onStdout: true,
			faults: []clerkapi.Fault{{Method: "GET", PathPrefix: "/v1/", Status: 200, Body: clerkapi.LoginPageHTML, ContentType: "text/html"}},
			code:   1, input: `(?m)^  FAIL clerk\.secret_key +Clerk API: listing domains \(GET /v1/domains\) failed: the answer \(HTTP 200\) is an HTML page`,
			fix: `Fix: check the Clerk API URL`},
		{name: "doctor: Clerk's answer never ends", prep: doctorProject, args: []string{"doctor"}, onStdout: true,
			faults: []clerkapi.Fault{{Method: "GET", PathPrefix: "/v1/jwt_templates", Status: 200, Body: `{"data":[`, Endless: true}},
			code:   1, input: `(?m)^  FAIL clerk\.template +Clerk API: listing JWT templates \(GET /v1/jwt_templates\) failed: the answer from \S+ is larger than 4 MiB`,
			fix: `Fix: check the Clerk API URL`},

		{name: "doctor: the issuer's key ids carry escape sequences", args: []string{"doctor"}, onStdout: true,
			prep: doctorProjectWith(doctortest.Options{Issuer: issuer.Options{KeyID: "kid\x1b]0;pwned\x07\r\u202e"}}),
			code: 0, input: `(?m)^  pass issuer\.jwks +1 RS256 key\(s\) at \S+ \(kid kid\\x1b\]0;pwned\\x07\\r\\u202e\)$`,
			fix: ` 0 failed`, check: noRawControl},
		{name: "doctor: the issuer's key set never ends", args: []string{"doctor"}, onStdout: true,
			prep: doctorProjectWith(doctortest.Options{Issuer: issuer.Options{Answers: map[string]issuer.Answer{issuer.JWKSPath: {Body: `{"keys":[`, Endless: true}}}}),
			code: 1, input: `(?m)^  FAIL issuer\.jwks +GET \S+/\.well-known/jwks\.json: the answer is larger than 1024 KiB, more than such a document ever is`,
			fix: `Fix: the issuer must be the instance's Frontend API URL .*a proxy or captive portal`},
		{name: "doctor: the issuer answers an HTML page with 200", args: []string{"doctor"}, onStdout: true,
			prep: doctorProjectWith(doctortest.Options{Issuer: issuer.Options{Answers: map[string]issuer.Answer{issuer.DiscoveryPath: {ContentType: "text/html; charset=utf-8", Body: clerkapi.LoginPageHTML}}}}),
			code: 1, input: `(?m)^  FAIL issuer\.discovery +GET \S+/\.well-known/openid-configuration: the answer is an HTML page, not JSON`,
			fix: `Fix: the issuer must be the instance's Frontend API URL`},
		{name: "Clerk API URL over http off this machine", env: map[string]string{"CLERK_API_URL": "http://api.clerk.example.com"},
			code: 2, input: `\$CLERK_API_URL: "http://api\.clerk\.example\.com" uses http`, fix: `https`},

		// --- other refusals
		{name: "existing template needs a change, no --yes", prep: func(t *testing.T, h *harness) {
			if _, err := h.clerk.AddTemplate(sk1, clerkapi.Template{Name: "convex", Claims: []byte(`{"aud":"x"}`)}); err != nil {
				t.Fatal(err)
			}
		},
			code: 2, input: `JWT template "convex" needs a change \(aud: "x" → "convex"\)`, fix: `rerun with --yes`},
		{name: "template name empty", args: with("--template-name", ""),
			code: 2, input: `--template-name is empty`, fix: `"convex"`},
		{name: "unknown flag", args: with("--secret", sk1),
			code: 2, input: `unknown flag: --secret`, fix: `see clerkconvex init --help`},

		// --- Ctrl-C
		{name: "Ctrl-C while Clerk creates the template", interrupt: "POST /v1/jwt_templates",
			faults: []clerkapi.Fault{{Method: "POST", PathPrefix: "/v1/jwt_templates", Delay: time.Minute}},
			code:   130, input: `interrupted`, fix: `stopped before the next step; run clerkconvex init again to finish \(nothing else was changed; JWT template "convex" may or may not be changed\)`, mutating: 1},
		{name: "Ctrl-C while npx runs", npxHang: true,
			code: 130, input: `interrupted`, fix: `stopped before the next step; run clerkconvex init again to finish \(already changed: JWT template "convex" created, \.env\.local created, convex/auth\.config\.ts created; the Convex variable CLERK_JWT_ISSUER_DOMAIN may or may not be changed\)`, changed: written, mutating: 1},

		// --- doctor, on the healthy project init leaves behind (doctorProject). A bad key or
		// token is one of doctor's checks (exit 1, in the report); bad flags are usage errors.
		{name: "doctor: malformed --secret-key", prep: doctorProject,
			args: []string{"doctor", "--secret-key", "sk_test_CANARYshort"}, onStdout: true, clerkCalls: noCalls,
			code: 1, input: `(?m)^  FAIL env\.secret_key +--secret-key: the Clerk secret key is too short`,
			fix: `(?m)^ +Fix: copy the secret key again from the Clerk dashboard \(API keys\)$`,
			check: func(t *testing.T, h *harness, r result) {
				// Its Convex variable is read early, in the background: the call must have
				// been cancelled and waited for (the matrix checks no npx outlived the CLI).
				if !strings.Contains(r.stdout, "skip convex.env_var") {
					t.Errorf("convex.env_var not skipped:\n%s", r.stdout)
				}
			}},
		{name: "doctor: --secret-key that is the publishable key", prep: doctorProject,
			args: []string{"doctor", "--secret-key", pk1}, onStdout: true, clerkCalls: noCalls,
			code: 1, input: `(?m)^  FAIL env\.secret_key +--secret-key: the Clerk secret key starts with pk_`,
			fix: `(?m)^ +Fix: copy the secret key again from the Clerk dashboard`},
		{name: "doctor: --token with garbage", prep: doctorProject,
			args: []string{"doctor", "--token", "garbage"}, onStdout: true,
			code: 1, input: `(?m)^  FAIL token\.format +--token: not a JWT: it has 1 part\(s\)`,
			fix: `(?m)^ +Fix: pass the token itself \(three base64url parts separated by dots\)`},
		{name: "doctor: --token with a header that is not base64url", prep: doctorProject,
			args: []string{"doctor", "--token", "a.b.c"}, onStdout: true,
			code: 1, input: `(?m)^  FAIL token\.format +--token: not a JWT: its header is not base64url`,
			fix: `(?m)^ +Fix: pass the token itself`},
		{name: "doctor: --timeout 0", prep: doctorProject, args: []string{"doctor", "--timeout", "0"}, clerkCalls: noCalls,
			code: 2, input: `--timeout 0s: it must be positive`, fix: `pass a duration such as 30s`},
		{name: "doctor: --timeout negative", prep: doctorProject, args: []string{"doctor", "--timeout", "-5s"}, clerkCalls: noCalls,
			code: 2, input: `--timeout -5s: it must be positive`, fix: `pass a duration such as 30s`},
		{name: "doctor: -C to a missing folder", prep: doctorProject, args: []string{"doctor", "-C", "nowhere"}, clerkCalls: noCalls,
			code: 2, input: `-C/--dir nowhere: no such folder`, fix: `pass the folder that holds your app's package\.json`},
		{name: "doctor: --clerk-api-url over http off this machine", prep: doctorProject,
			args: []string{"doctor", "--clerk-api-url", "http://api.clerk.example.com"}, clerkCalls: noCalls,
			code: 2, input: `--clerk-api-url: "http://api\.clerk\.example\.com" uses http`, fix: `must be reached over https`},
		{name: "doctor: Ctrl-C while npx convex env get runs", prep: doctorProject, args: []string{"doctor"}, npxHang: true,
			code: 130, input: `interrupted: the checks were stopped`, fix: `run clerkconvex doctor again`,
			check: func(t *testing.T, h *harness, r result) {
				if r.stdout != "" {
					t.Errorf("an interrupted doctor printed a report:\n%s", r.stdout)
				}
			}},
		{name: "doctor: named pipes as .env.local and auth.config.ts", within: 8 * time.Second,
			prep: func(t *testing.T, h *harness) {
				doctorProject(t, h)
				for _, rel := range []string{".env.local", "convex/auth.config.ts"} {
					p := filepath.Join(h.dir, filepath.FromSlash(rel))
					if err := os.Remove(p); err != nil {
						t.Fatal(err)
					}
					mkfifo(t, p)
				}
			},
			args: []string{"doctor"}, onStdout: true, clerkCalls: noCalls,
			code: 1, input: `(?m)^  FAIL env\.file +reading \.env\.local: it is not a regular file \(a named pipe\)$`,
			fix: `(?m)^ +Fix: replace \.env\.local with a plain file`,
			check: func(t *testing.T, h *harness, r result) {
				for _, re := range []string{
					`(?m)^  FAIL authconfig\.provider +reading convex/auth\.config\.ts: it is not a regular file \(a named pipe\)$`,
					`(?m)^ +Fix: replace convex/auth\.config\.ts with a plain file`,
				} {
					if !regexp.MustCompile(re).MatchString(r.stdout) {
						t.Errorf("stdout does not match %s", re)
					}
				}
			}},
	}, fileSafetyRows()...)
}

// TestBadInputMatrix runs every bad input end to end: the exact exit code, a message naming the
// input and the fix, the project tree unchanged (but for the row's changed paths), the Clerk
// calls bounded, and no canary key anywhere.
func TestBadInputMatrix(t *testing.T) {
	t.Parallel()
	rows := badInputRows()
	if len(rows) < 25 {
		t.Fatalf("only %d rows", len(rows))
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			files := row.files
			if files == "" {
				files = viteProject
			}
			h := newHarness(t, files)
			for k, v := range row.env {
				h.env[k] = v
			}
			if row.prep != nil {
				row.prep(t, h)
			}
			for _, f := range row.faults {
				h.clerk.InjectFault(f)
			}
			args := row.args
			if args == nil {
				args = initArgs()
			}
			before := treeState(t, h.dir)
			start := time.Now()
			var r result
			switch {
			case row.interrupt != "":
				r = h.interruptWhen(h.onClerkRequest(row.interrupt), args...)
			case row.npxHang:
				r = h.interruptWhen(h.onNpxHang(), args...)
			default:
				r = h.run(args...)
			}
			if took := time.Since(start); row.within > 0 && took > row.within {
				t.Errorf("the run took %s, want at most %s", took.Round(time.Millisecond), row.within)
			}
			if r.code != row.code {
				t.Errorf("exit %d, want %d", r.code, row.code)
			}
			if len(r.strays) > 0 {
				t.Errorf("npx (pid %v) was still running after the CLI exited", r.strays)
			}
			// The temporary folders are named after the test: keep them out of the match.
			out, outName := r.stderr, "stderr"
			if row.onStdout {
				out, outName = r.stdout, "stdout"
			}
			out = strings.NewReplacer(h.dir, "$WORK", h.aux, "$AUX").Replace(out)
			for what, re := range map[string]string{"the input": row.input, "the fix": row.fix} {
				if re == "" {
					t.Errorf("row has no regexp for %s", what)
				} else if !regexp.MustCompile(re).MatchString(out) {
					t.Errorf("%s does not name %s (%s)", outName, what, re)
				}
			}
			if diff := diffTrees(before, treeState(t, h.dir), row.changed); len(diff) > 0 {
				t.Errorf("project files changed:\n  %s", strings.Join(diff, "\n  "))
			}
			if got := h.clerk.MutatingRequests(); got != row.mutating {
				t.Errorf("%d mutating Clerk requests, want %d", got, row.mutating)
			}
			if want := max(row.clerkCalls, 0); row.clerkCalls != 0 {
				if got := len(h.clerk.Requests()); got != want {
					t.Errorf("%d Clerk requests, want %d", got, want)
				}
			}
			if row.check != nil {
				row.check(t, h, r)
			}
			h.assertNoCanary(r, row.secretFiles...)
			if t.Failed() || os.Getenv("HARDENING_SHOW") != "" {
				t.Logf("\n%s", r)
			}
		})
	}
}

// notSaid is a check that neither stdout nor stderr contains s (a misleading message).
func notSaid(s string) func(t *testing.T, h *harness, r result) {
	return func(t *testing.T, h *harness, r result) {
		if strings.Contains(r.stdout, s) || strings.Contains(r.stderr, s) {
			t.Errorf("the output says %q", s)
		}
	}
}

// domainsOnce checks that Clerk got one GET /v1/domains: the answer was not retried (the
// template listing init starts beside it may or may not have reached Clerk).
func domainsOnce(t *testing.T, h *harness, r result) {
	n := 0
	for _, req := range h.clerk.Requests() {
		if req.Path == "/v1/domains" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d requests for /v1/domains, want 1", n)
	}
}

// all runs every check.
func all(checks ...func(t *testing.T, h *harness, r result)) func(t *testing.T, h *harness, r result) {
	return func(t *testing.T, h *harness, r result) {
		for _, c := range checks {
			c(t, h, r)
		}
	}
}

// noRawControl checks that no escape sequence, bare CR, other control character or bidi
// override reached stdout or stderr (text from the network is shown escaped).
func noRawControl(t *testing.T, h *harness, r result) {
	for name, out := range map[string]string{"stdout": r.stdout, "stderr": r.stderr} {
		if safetext.Text(out) != out {
			t.Errorf("%s carries raw control text: %q", name, out)
		}
	}
}

func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Fatal(err)
	}
}
