package convex

import (
	"strings"
	"testing"
)

// Choosing the JWT template's aud over auth.config's applicationID rewrites the literal in
// place: only its bytes change, in the file's quotes, and a rerun changes nothing.
func TestMergeAuthConfigRewritesApplicationID(t *testing.T) {
	chosen := Provider{DomainEnv: "CLERK_JWT_ISSUER_DOMAIN", ApplicationID: "convex", Replaces: "convx"}
	cases := []struct {
		name, src, want string
		ts              bool
	}{
		{"double quotes, comments kept", `import { AuthConfig } from "convex/server";

export default {
  providers: [
    {
      // the Clerk instance
      domain: process.env.CLERK_JWT_ISSUER_DOMAIN!,
      applicationID: "convx", // typo
    },
    { domain: "https://example.us.auth0.com", applicationID: "convx" },
  ],
} satisfies AuthConfig;
`, `import { AuthConfig } from "convex/server";

export default {
  providers: [
    {
      // the Clerk instance
      domain: process.env.CLERK_JWT_ISSUER_DOMAIN!,
      applicationID: "convex", // typo
    },
    { domain: "https://example.us.auth0.com", applicationID: "convx" },
  ],
} satisfies AuthConfig;
`, true},
		{"single quotes, CRLF, .js", "module.exports = {\r\n\tproviders: [{ domain: process.env.CLERK_JWT_ISSUER_DOMAIN, applicationID: 'convx' }],\r\n};\r\n",
			"module.exports = {\r\n\tproviders: [{ domain: process.env.CLERK_JWT_ISSUER_DOMAIN, applicationID: 'convex' }],\r\n};\r\n", false},
		{"in the const the provider spreads", `const clerk = {
  domain: process.env.CLERK_JWT_ISSUER_DOMAIN!,
  applicationID: ` + "`convx`" + `,
};
export default { providers: [{ ...clerk }] };
`, `const clerk = {
  domain: process.env.CLERK_JWT_ISSUER_DOMAIN!,
  applicationID: ` + "`convex`" + `,
};
export default { providers: [{ ...clerk }] };
`, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, outcome, reason, err := MergeAuthConfig([]byte(tc.src), tc.ts, chosen)
			if err != nil || outcome != MergeRewritten {
				t.Fatalf("outcome %v (%s), err %v; want rewritten", outcome, reason, err)
			}
			if string(out) != tc.want {
				t.Fatalf("got\n%s\nwant\n%s", out, tc.want)
			}
			again, outcome, _, err := MergeAuthConfig(out, tc.ts, chosen)
			if err != nil || outcome != MergeUnchanged || string(again) != string(out) {
				t.Fatalf("rerun: outcome %v, err %v, changed %v; want unchanged", outcome, err, string(again) != string(out))
			}
		})
	}
}

// Without Replaces, or when the applicationID is not the literal it replaces, nothing is
// rewritten: the disagreement is left to the user as before.
func TestMergeAuthConfigApplicationIDLeftAlone(t *testing.T) {
	cases := []struct {
		name, src string
		p         Provider
	}{
		{"no Replaces", `export default { providers: [{ domain: process.env.CLERK_JWT_ISSUER_DOMAIN!, applicationID: "convx" }] };`,
			Provider{DomainEnv: "CLERK_JWT_ISSUER_DOMAIN", ApplicationID: "convex"}},
		{"another applicationID than Replaces", `export default { providers: [{ domain: process.env.CLERK_JWT_ISSUER_DOMAIN!, applicationID: "mine" }] };`,
			Provider{DomainEnv: "CLERK_JWT_ISSUER_DOMAIN", ApplicationID: "convex", Replaces: "convx"}},
		{"applicationID from a variable", `export default { providers: [{ domain: process.env.CLERK_JWT_ISSUER_DOMAIN!, applicationID: process.env.AUD! }] };`,
			Provider{DomainEnv: "CLERK_JWT_ISSUER_DOMAIN", ApplicationID: "convex", Replaces: "convx"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, outcome, reason, err := MergeAuthConfig([]byte(tc.src), true, tc.p)
			if err != nil || outcome != MergeManual || string(out) != tc.src {
				t.Fatalf("outcome %v (%s), err %v, changed %v; want manual, unchanged", outcome, reason, err, string(out) != tc.src)
			}
			if !strings.Contains(reason, "applicationID") {
				t.Fatalf("reason %q does not name the applicationID", reason)
			}
		})
	}
}

func TestSetApplicationID(t *testing.T) {
	src := []byte(`export default { providers: [
  { domain: "https://a.clerk.accounts.dev", applicationID: "convx" },
  { domain: "https://b.example.com", applicationID: "x\"y" },
] };
`)
	out, err := SetApplicationID(src, 0, "convx", "convex")
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Replace(string(src), `"convx"`, `"convex"`, 1); string(out) != want {
		t.Fatalf("got\n%s\nwant\n%s", out, want)
	}
	out, err = SetApplicationID(src, 1, `x"y`, `a"b`)
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Replace(string(src), `"x\"y"`, `"a\"b"`, 1); string(out) != want {
		t.Fatalf("got\n%s\nwant\n%s", out, want)
	}
	if _, err := SetApplicationID(src, 0, "other", "convex"); err == nil {
		t.Fatal("SetApplicationID with the wrong from: no error")
	}
	if _, err := SetApplicationID(src, 2, "convx", "convex"); err == nil {
		t.Fatal("SetApplicationID past the last provider: no error")
	}
}
