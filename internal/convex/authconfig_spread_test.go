package convex

import (
	"strings"
	"testing"
)

func TestParseAuthConfigSpreads(t *testing.T) {
	cases := []struct {
		name, src string
		want      []ParsedProvider
	}{
		{"object spread of a const", `const clerk = {
  domain: process.env.CLERK_JWT_ISSUER_DOMAIN!,
  applicationID: "convex",
};
export default { providers: [{ ...clerk }] } satisfies AuthConfig;
`, []ParsedProvider{{DomainEnv: "CLERK_JWT_ISSUER_DOMAIN", DomainEnvs: []string{"CLERK_JWT_ISSUER_DOMAIN"}, ApplicationID: "convex", ApplicationIDLine: 3, Line: 5, DomainLine: 2}}},
		{"a later key wins over the spread", `const base = { domain: "https://a.clerk.accounts.dev", applicationID: "convex" } as const;
export default { providers: [{ ...base, applicationID: "other" }] };
`, []ParsedProvider{{DomainURL: "https://a.clerk.accounts.dev", ApplicationID: "other", ApplicationIDLine: 2, Line: 2, DomainLine: 1}}},
		{"a spread after a key wins over it", `const base = { domain: "https://a.clerk.accounts.dev", applicationID: "convex" };
export default { providers: [{ applicationID: "other", ...base }] };
`, []ParsedProvider{{DomainURL: "https://a.clerk.accounts.dev", ApplicationID: "convex", ApplicationIDLine: 1, Line: 2, DomainLine: 1}}},
		{"nested spreads", `const d = { domain: process.env.CLERK_FRONTEND_API_URL };
const clerk = { ...d, applicationID: "convex" };
export default { providers: [{ ...clerk }] };
`, []ParsedProvider{{DomainEnv: "CLERK_FRONTEND_API_URL", DomainEnvs: []string{"CLERK_FRONTEND_API_URL"}, ApplicationID: "convex", ApplicationIDLine: 2, Line: 3, DomainLine: 1}}},
		{"an unknown spread clears what came before it", `import { base } from "./base";
export default { providers: [{ domain: "https://a.clerk.accounts.dev", ...base }] };
`, []ParsedProvider{{Line: 2}}},
		{"array spread of a const", `const clerkProviders = [
  { domain: "https://dev-one.clerk.accounts.dev", applicationID: "convex" },
  { domain: "https://clerk.example.com", applicationID: "convex" },
];
export default {
  providers: [...clerkProviders, { domain: process.env.AUTH0_DOMAIN!, applicationID: "a0" }],
};
`, []ParsedProvider{
			{DomainURL: "https://dev-one.clerk.accounts.dev", ApplicationID: "convex", ApplicationIDLine: 2, Line: 2, DomainLine: 2, Via: "clerkProviders"},
			{DomainURL: "https://clerk.example.com", ApplicationID: "convex", ApplicationIDLine: 3, Line: 3, DomainLine: 3, Via: "clerkProviders"},
			{DomainEnv: "AUTH0_DOMAIN", DomainEnvs: []string{"AUTH0_DOMAIN"}, ApplicationID: "a0", ApplicationIDLine: 6, Line: 6, DomainLine: 6, Elem: 1},
		}},
		{"applicationID from a variable", `export default { providers: [{ domain: process.env.CLERK_JWT_ISSUER_DOMAIN!, applicationID: process.env.CONVEX_AUD! }] };
`, []ParsedProvider{{DomainEnv: "CLERK_JWT_ISSUER_DOMAIN", DomainEnvs: []string{"CLERK_JWT_ISSUER_DOMAIN"}, ApplicationIDEnv: "CONVEX_AUD", ApplicationIDLine: 1, Line: 1, DomainLine: 1}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseAuthConfig([]byte(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d providers %+v, want %d", len(got), got, len(tc.want))
			}
			for i := range got {
				g, w := got[i], tc.want[i]
				if g.DomainEnv != w.DomainEnv || g.DomainURL != w.DomainURL || g.ApplicationID != w.ApplicationID ||
					g.ApplicationIDEnv != w.ApplicationIDEnv || g.ApplicationIDLine != w.ApplicationIDLine ||
					g.Line != w.Line || g.DomainLine != w.DomainLine || g.Elem != w.Elem || g.Via != w.Via ||
					strings.Join(g.DomainEnvs, ",") != strings.Join(w.DomainEnvs, ",") || g.Expr != w.Expr {
					t.Errorf("provider %d:\n got %+v\nwant %+v", i, g, w)
				}
			}
		})
	}
}

// A provider read through ...NAME is not edited in the providers array (that would drop the
// others NAME holds); the element after it is, by its ParseAuthConfig index.
func TestEditThroughArraySpread(t *testing.T) {
	src := []byte(`const clerkProviders = [
  { domain: "https://dev-one.clerk.accounts.dev", applicationID: "convex" },
];
export default {
  providers: [
    ...clerkProviders,
    { domain: "https://fond-owl-31.clerk.accounts.dev", applicationID: "convex" },
  ],
};
`)
	if _, err := ReplaceProvider(src, true, 0, clerkEnv); err == nil || !strings.Contains(err.Error(), "...clerkProviders") {
		t.Fatalf("ReplaceProvider through a spread: err %v, want one naming ...clerkProviders", err)
	}
	if _, err := RemoveProvider(src, 0); err == nil {
		t.Fatal("RemoveProvider through a spread: no error")
	}
	out, err := RemoveProvider(src, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(string(src), "    { domain: \"https://fond-owl-31.clerk.accounts.dev\", applicationID: \"convex\" },\n", "", 1)
	if string(out) != want {
		t.Fatalf("RemoveProvider(1):\n%s\nwant\n%s", out, want)
	}
}
