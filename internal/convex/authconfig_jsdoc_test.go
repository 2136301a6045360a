package convex_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clerkconvex/clerkconvex/internal/convex"
	"github.com/clerkconvex/clerkconvex/internal/testutil/nodeharness"
)

// A JavaScript auth.config typed with JSDoc may be checked with checkJs, where process.env.X is
// string | undefined and AuthConfig's domain a string: the merged provider casts it, the real
// tsc accepts the result, and a second merge finds the provider and changes nothing.
func TestMergeIntoJSDocTypedConfig(t *testing.T) {
	src := []byte(`/** @type {import("convex/server").AuthConfig} */
const authConfig = {
  providers: [
    {
      type: "customJwt",
      applicationID: "cli",
      issuer: "https://auth.example.com",
      jwks: "https://auth.example.com/.well-known/jwks.json",
      algorithm: "RS256",
    },
  ],
};
export default authConfig;
`)
	p := convex.Provider{DomainEnv: "CLERK_JWT_ISSUER_DOMAIN", ApplicationID: "convex"}
	out, outcome, reason, err := convex.MergeAuthConfig(src, false, p)
	if err != nil || outcome != convex.MergeAdded {
		t.Fatalf("merge: %v %s %v", outcome, reason, err)
	}
	if !strings.Contains(string(out), "domain: /** @type {string} */ (process.env.CLERK_JWT_ISSUER_DOMAIN),") {
		t.Fatalf("no cast:\n%s", out)
	}
	again, outcome, reason, _ := convex.MergeAuthConfig(out, false, p)
	if outcome != convex.MergeUnchanged || string(again) != string(out) {
		t.Fatalf("second merge: %v %s", outcome, reason)
	}
	parsed, err := convex.ParseAuthConfig(out)
	if err != nil || len(parsed) != 2 || parsed[1].DomainEnv != "CLERK_JWT_ISSUER_DOMAIN" {
		t.Fatalf("parse: %+v %v", parsed, err)
	}

	// Untyped JavaScript keeps the plain form.
	plain := []byte("export default {\n  providers: [],\n};\n")
	out2, _, _, _ := convex.MergeAuthConfig(plain, false, p)
	if strings.Contains(string(out2), "@type") || !strings.Contains(string(out2), "domain: process.env.CLERK_JWT_ISSUER_DOMAIN,") {
		t.Fatalf("untyped JS got a cast:\n%s", out2)
	}

	dir := nodeharness.NewProject(t)
	if err := os.MkdirAll(filepath.Join(dir, "convex"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "convex", "auth.config.js"), out, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := nodeharness.CheckTypesJS(t, dir, "convex/auth.config.js"); err != nil {
		t.Fatal(err)
	}
	// The check is live: without the cast, strict checkJs rejects the same file.
	bare := strings.Replace(string(out), "/** @type {string} */ (process.env.CLERK_JWT_ISSUER_DOMAIN)", "process.env.CLERK_JWT_ISSUER_DOMAIN", 1)
	if err := os.WriteFile(filepath.Join(dir, "convex", "auth.config.js"), []byte(bare), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := nodeharness.CheckTypesJS(t, dir, "convex/auth.config.js"); err == nil {
		t.Fatal("tsc --checkJs accepted process.env.X (string | undefined) as a domain: the check is not live")
	}
}
