package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/clerkconvex/clerkconvex/internal/convex"
)

// otherIssuer is a Clerk instance that is not the project's (a starter author's, say).
const otherIssuer = "https://fond-owl-31.clerk.accounts.dev"

type doctorCheck struct {
	ID, Status, Message, Fix string
}

// break-links [DOCTOR ARGS...]: the project passes `clerkconvex doctor ARGS --json` (after
// doctorfake and init). Break one link of the chain at a time — unset each variable
// auth.config reads on the fake deployment, point the Clerk variable at another instance, add a
// provider of another instance, rename the JWT template, change its aud — and assert that
// doctor exits 1 with a failed check naming what broke; mend it, and at the end assert doctor
// passes again. A doctor that passes a broken chain fails the script.
func cmdBreakLinks(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("break-links does not support !")
	}
	doctor := func() (int, map[string]doctorCheck, []doctorCheck) {
		err := ts.Exec("clerkconvex", append([]string{"doctor", "--json"}, args...)...)
		code := 0
		var ee *exec.ExitError
		switch {
		case errors.As(err, &ee):
			code = ee.ExitCode()
		case err != nil:
			ts.Fatalf("doctor: %v", err)
		}
		var rep struct{ Checks []doctorCheck }
		if jerr := json.Unmarshal([]byte(ts.ReadFile("stdout")), &rep); jerr != nil {
			ts.Fatalf("doctor --json: %v\n%s", jerr, ts.ReadFile("stdout"))
		}
		byID := map[string]doctorCheck{}
		var failed []doctorCheck
		for _, c := range rep.Checks {
			byID[c.ID] = c
			if c.Status == "fail" {
				failed = append(failed, c)
			}
		}
		return code, byID, failed
	}
	// expectFail runs doctor on the broken project: exit 1, and a failed check naming want.
	expectFail := func(link, want string) {
		code, _, failed := doctor()
		var named bool
		var got []string
		for _, c := range failed {
			got = append(got, c.ID+": "+c.Message)
			named = named || strings.Contains(c.Message+" "+c.Fix, want)
		}
		if code != 1 || !named {
			ts.Fatalf("FALSE PASS: %s: doctor exited %d, failed %q; want exit 1 and a failure naming %q", link, code, got, want)
		}
		ts.Logf("broken link caught: %s (%s)", link, strings.Join(got, "; "))
	}

	code, checks, failed := doctor()
	if code != 0 {
		ts.Fatalf("break-links needs a project doctor passes: exit %d, failed %v", code, failed)
	}
	dir := ts.MkAbs(".")
	for i, a := range args {
		if (a == "-C" || a == "--dir") && i+1 < len(args) {
			dir = ts.MkAbs(args[i+1])
		}
	}
	authRel, ok := strings.CutSuffix(checks["authconfig.exists"].Message, " found")
	if !ok {
		ts.Fatalf("authconfig.exists says %q: no auth.config", checks["authconfig.exists"].Message)
	}
	authPath := filepath.Join(dir, filepath.FromSlash(authRel))
	src, err := os.ReadFile(authPath)
	ts.Check(err)
	reads, err := convex.EnvReads(src)
	ts.Check(err)

	// 1. Each variable auth.config reads, unset on the deployment.
	store := readNpxStore(ts)["dev"]
	issuer := ts.Getenv("DISSUER")
	var issuerVars []string
	for _, r := range reads {
		v, ok := store[r.Name]
		if !ok {
			ts.Fatalf("%s reads %s, which the deployment lacks, yet doctor passed", authRel, r.Name)
		}
		if v == issuer {
			issuerVars = append(issuerVars, r.Name)
		}
		setNpxVar(ts, "dev", r.Name, "\x00")
		expectFail("unset "+r.Name+" on the deployment", r.Name)
		setNpxVar(ts, "dev", r.Name, v)
	}
	// 2. The Clerk variable pointed at another instance on the deployment.
	for _, name := range issuerVars {
		setNpxVar(ts, "dev", name, otherIssuer)
		expectFail(name+" = another instance's issuer on the deployment", name)
		setNpxVar(ts, "dev", name, issuer)
	}
	// 3. A provider of another instance in auth.config (a starter's leftover).
	if i := bytes.Index(src, []byte("providers: [")); i >= 0 {
		at := i + len("providers: [")
		broken := string(src[:at]) + "\n    { domain: \"" + otherIssuer + "\", applicationID: \"convex\" }," + string(src[at:])
		ts.Check(os.WriteFile(authPath, []byte(broken), 0o644))
		expectFail("a provider of another instance in "+authRel, "fond-owl-31.clerk.accounts.dev")
		ts.Check(os.WriteFile(authPath, src, 0o644))
	}
	// 4. The JWT template renamed, then its aud changed.
	tmpl := findTemplate(ts, "convex")
	patchTemplate(ts, tmpl["id"].(string), "Convex", tmpl["claims"])
	expectFail("JWT template renamed to Convex", `"convex"`)
	var claims map[string]any
	ts.Check(json.Unmarshal(mustJSON(ts, tmpl["claims"]), &claims))
	oldAud := claims["aud"]
	claims["aud"] = "someone-elses-app"
	patchTemplate(ts, tmpl["id"].(string), "convex", claims)
	expectFail("JWT template aud changed", "someone-elses-app")
	claims["aud"] = oldAud
	patchTemplate(ts, tmpl["id"].(string), "convex", claims)

	if code, _, failed := doctor(); code != 0 {
		ts.Fatalf("doctor fails after every link was mended: exit %d, %v", code, failed)
	}
}

func readNpxStore(ts *testscript.TestScript) map[string]map[string]string {
	store := map[string]map[string]string{}
	if b, err := os.ReadFile(ts.Getenv("FAKE_NPX_STORE")); err == nil {
		ts.Check(json.Unmarshal(b, &store))
	}
	return store
}

func mustJSON(ts *testscript.TestScript, v any) []byte {
	b, err := json.Marshal(v)
	ts.Check(err)
	return b
}

// clerkCall calls the fake Clerk API as the main instance (DSK).
func clerkCall(ts *testscript.TestScript, method, path string, body any) []byte {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(mustJSON(ts, body))
	}
	base := strings.TrimSuffix(ts.Getenv("CLERK_API_URL"), "/")
	if !strings.HasSuffix(base, "/v1") {
		base += "/v1"
	}
	req, err := http.NewRequest(method, base+path, rd)
	ts.Check(err)
	req.Header.Set("Authorization", "Bearer "+ts.Getenv("DSK"))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	ts.Check(err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	ts.Check(err)
	if resp.StatusCode/100 != 2 {
		ts.Fatalf("%s %s: %s: %s", method, path, resp.Status, b)
	}
	return b
}

func findTemplate(ts *testscript.TestScript, name string) map[string]any {
	var all []map[string]any
	ts.Check(json.Unmarshal(clerkCall(ts, http.MethodGet, "/jwt_templates", nil), &all))
	for _, t := range all {
		if t["name"] == name {
			return t
		}
	}
	ts.Fatalf("no JWT template %q at the fake Clerk", name)
	return nil
}

func patchTemplate(ts *testscript.TestScript, id, name string, claims any) {
	clerkCall(ts, http.MethodPatch, "/jwt_templates/"+id, map[string]any{"name": name, "claims": claims})
}
