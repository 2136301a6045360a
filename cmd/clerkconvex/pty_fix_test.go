//go:build linux

package main

// doctor --fix on an 80×24 pseudo-terminal, driven like a user: each fix asked before any is
// applied (auth.config's diff shown before its question), a question answered no, a fix the
// first round revealed asked in the next; and Ctrl-C at a question, which changes nothing.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clerkconvex/clerkconvex/internal/doctor/doctortest"
)

// auth0Only is an auth.config whose only provider is the team's Auth0: doctor's
// authconfig.provider fails, and --fix merges Clerk's provider in.
const auth0Only = `import type { AuthConfig } from "convex/server";

export default {
  providers: [
    // The admin tool signs in with Auth0.
    {
      domain: process.env.AUTH0_DOMAIN!,
      applicationID: "convex",
    },
  ],
} satisfies AuthConfig;
`

const (
	qMode     = "Fix env.file?"
	qProvider = "Fix authconfig.provider?"
	qAud      = "Fix clerk.template_aud?"
)

// newFixPTYEnv is the doctorfake project, broken three ways: .env.local readable by others,
// auth.config without Clerk's provider, and the template's aud not "convex" (which doctor can
// judge only once the provider is there).
func newFixPTYEnv(t *testing.T) (*ptyEnv, *doctortest.Env) {
	t.Helper()
	e := newPTYEnv(t)
	d, err := doctortest.Start(doctortest.Options{TemplateClaims: `{"aud":"my-app"}`})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	if err := d.WriteProject(e.dir); err != nil {
		t.Fatal(err)
	}
	if err := doctortest.WriteFile(e.dir, "convex/auth.config.ts", auth0Only); err != nil {
		t.Fatal(err)
	}
	if err := doctortest.GitAdd(e.dir); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(e.dir, ".env.local"), 0o644); err != nil {
		t.Fatal(err)
	}
	store := `{"dev":{"CLERK_JWT_ISSUER_DOMAIN":"` + d.IssuerURL() + `","AUTH0_DOMAIN":"https://example.us.auth0.com/"}}`
	for i, kv := range e.env {
		switch {
		case strings.HasPrefix(kv, "CLERK_API_URL="):
			e.env[i] = "CLERK_API_URL=" + d.Clerk.URL
		case strings.HasPrefix(kv, "FAKE_NPX_STORE="):
			if err := os.WriteFile(strings.TrimPrefix(kv, "FAKE_NPX_STORE="), []byte(store), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	e.clerk = d.Clerk
	return e, d
}

func (e *ptyEnv) mode(rel string) os.FileMode {
	e.t.Helper()
	st, err := os.Stat(filepath.Join(e.dir, rel))
	if err != nil {
		e.t.Fatal(err)
	}
	return st.Mode().Perm()
}

func (e *ptyEnv) npxSets() int {
	n := 0
	for _, c := range e.npxCalls() {
		if len(c.Args) > 2 && c.Args[2] == "set" {
			n++
		}
	}
	return n
}

func TestPTY80DoctorFixAsksThenChecksAgain(t *testing.T) {
	e, _ := newFixPTYEnv(t)
	s := e.startSized(cols80, rows24, "doctor", "--fix")
	// Round one: the mode (answered no), then auth.config, its diff drawn first (yes).
	s.answer("n"+keyEnter, qMode)
	s.expect("+++ b/convex/auth.config.ts", "+      domain: process.env.CLERK_JWT_ISSUER_DOMAIN!,")
	s.answer(keyEnter, qProvider)
	s.expect("fixed authconfig.provider")
	// Round two: the template's aud, judged now that the provider is there.
	s.answer("y"+keyEnter, qAud)
	s.expect("fixed clerk.template_aud", "After 2 fixes, doctor checked again")
	s.wantExit(0) // the mode is left a warning
	s.checkFits()
	s.checkWords("warning", "0 failed")
	s.checkNoSecret()

	if m := e.mode(".env.local"); m != 0o644 {
		t.Errorf(".env.local has mode %04o after its fix was declined, want 0644", m)
	}
	if got := e.readFile("convex/auth.config.ts"); !strings.Contains(got, "process.env.CLERK_JWT_ISSUER_DOMAIN!") || !strings.Contains(got, "// The admin tool signs in with Auth0.") {
		t.Errorf("auth.config after the fix:\n%s", got)
	}
	if n := e.clerk.MutatingRequests(); n != 1 {
		t.Errorf("%d Clerk writes, want 1 (the template's aud): %v", n, e.requests())
	}
	var aud any
	for _, tm := range e.clerk.Templates(doctortest.SecretKey) {
		if tm.Name == "convex" {
			aud = string(tm.Claims)
		}
	}
	if aud != `{"aud":"convex"}` {
		t.Errorf("template claims %v, want aud convex", aud)
	}
	if n := e.npxSets(); n != 0 {
		t.Errorf("%d npx convex env set calls, want none", n)
	}
}

// Ctrl-C at the second question of a round: nothing was written (the first was answered yes,
// but every question comes before any change), no Clerk write, no npx set; exit 130.
func TestPTY80DoctorFixCtrlCAtTheQuestion(t *testing.T) {
	e, _ := newFixPTYEnv(t)
	before := e.snapshot()
	s := e.startSized(cols80, rows24, "doctor", "--fix")
	s.answer("y"+keyEnter, qMode)
	s.answer(keyCtrlC, qProvider)
	s.expect("interrupted: nothing was changed")
	s.wantExit(130)
	s.checkFits()
	s.checkNoSecret()
	e.wantUnchanged(before)
	if n := e.clerk.MutatingRequests(); n != 0 {
		t.Errorf("%d Clerk writes after Ctrl-C, want 0: %v", n, e.requests())
	}
	if n := e.npxSets(); n != 0 {
		t.Errorf("%d npx convex env set calls after Ctrl-C, want none", n)
	}
}
