package convex

import (
	"reflect"
	"testing"
)

func TestEnvReads(t *testing.T) {
	cases := []struct {
		name string
		src  string
		want []EnvRead
	}{
		{name: "init's own file", src: tsDefault, want: []EnvRead{{DefaultIssuerEnv, []int{6}}}},
		{name: "expo starter, satisfies, fallback and a stray console.log", src: `import { AuthConfig } from "convex/server";

console.log("issuer", process.env.EXPO_PUBLIC_CLERK_FRONTEND_API_URL);

export default {
  providers: [
    {
      // Clerk
      domain: process.env.EXPO_PUBLIC_CLERK_FRONTEND_API_URL ?? process.env.CLERK_JWT_ISSUER_DOMAIN!,
      applicationID: "convex",
    },
  ],
} satisfies AuthConfig;
`, want: []EnvRead{{"EXPO_PUBLIC_CLERK_FRONTEND_API_URL", []int{3, 9}}, {DefaultIssuerEnv, []int{9}}}},
		{name: "const then export default, index and optional forms", src: `const authConfig = {
  providers: [
    { domain: process.env["NEXT_PUBLIC_CLERK_FRONTEND_API_URL"], applicationID: "convex" },
    { domain: process?.env?.AUTH0_DOMAIN, applicationID: process.env?.["AUTH0_CLIENT_ID"] },
  ],
};
export default authConfig;
`, want: []EnvRead{{"NEXT_PUBLIC_CLERK_FRONTEND_API_URL", []int{3}}, {"AUTH0_DOMAIN", []int{4}}, {"AUTH0_CLIENT_ID", []int{4}}}},
		{name: "template literal and destructuring", src: "const { CLERK_HOST, OTHER: o = \"x\" } = process.env;\n" +
			"export default { providers: [{ domain: `https://${process.env.CLERK_SLUG}.clerk.accounts.dev`, applicationID: \"convex\" }] };\n",
			want: []EnvRead{{"CLERK_HOST", []int{1}}, {"OTHER", []int{1}}, {"CLERK_SLUG", []int{2}}}},
		{name: "comments and strings are not reads", src: "// process.env.OLD_VAR\n/* process.env.GONE */\nconst s = \"process.env.NOPE\";\n" +
			"export default { providers: [] };\n", want: nil},
		{name: "a computed name is unknowable; another object's process is not Node's", src: "const k = \"X\";\nconsole.log(process.env[k], foo.process.env.Y, globalThis.process.env.Z);\nexport default { providers: [] };\n",
			want: []EnvRead{{"Z", []int{2}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := EnvReads([]byte(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("EnvReads = %+v, want %+v", got, tc.want)
			}
		})
	}
	if _, err := EnvReads([]byte("export default { providers: [\"oops] };")); err == nil {
		t.Error("an untokenizable file gave no error")
	}
}

func TestParseDomainEnvs(t *testing.T) {
	cases := []struct {
		name string
		src  string
		want [][]string // DomainEnvs of each provider
		env  []string   // DomainEnv of each provider
	}{
		{name: "fallback", src: "export default { providers: [{ domain: process.env.A ?? process.env.B, applicationID: \"convex\" }] };\n",
			want: [][]string{{"A", "B"}}, env: []string{"A"}},
		{name: "shorthand domain from a const, as a real starter writes it", src: `const rawDomain = process.env.NEXT_PUBLIC_CLERK_FRONTEND_API_URL;
const domain = rawDomain?.replace(/^https?:\/\//, "").replace(/\/$/, "");

if (!domain) {
  throw new Error("NEXT_PUBLIC_CLERK_FRONTEND_API_URL is not defined");
}

const config = {
  providers: [
    {
      applicationID: "convex",
      domain,
    },
  ],
};

export default config;
`, want: [][]string{{"NEXT_PUBLIC_CLERK_FRONTEND_API_URL"}}, env: []string{""}},
		{name: "provider object in a const", src: `const clerk = {
  domain: process.env.CLERK_FRONTEND_API_URL as string,
  applicationID: "convex",
};
export default { providers: [clerk] };
`, want: [][]string{{"CLERK_FRONTEND_API_URL"}}, env: []string{"CLERK_FRONTEND_API_URL"}},
		{name: "typed const and a template literal", src: "const slug: string = process.env.CLERK_SLUG!;\nexport default { providers: [{ domain: `https://${slug}.clerk.accounts.dev`, applicationID: \"convex\" }] };\n",
			want: [][]string{{"CLERK_SLUG"}}, env: []string{""}},
		{name: "literal", src: "export default { providers: [{ domain: \"https://a.clerk.accounts.dev\", applicationID: \"convex\" }] };\n",
			want: [][]string{nil}, env: []string{""}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ps, err := ParseAuthConfig([]byte(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			if len(ps) != len(tc.want) {
				t.Fatalf("%d providers, want %d", len(ps), len(tc.want))
			}
			for i, p := range ps {
				if len(p.DomainEnvs) == 0 && len(tc.want[i]) == 0 {
					p.DomainEnvs = nil
				}
				if !reflect.DeepEqual(p.DomainEnvs, tc.want[i]) || p.DomainEnv != tc.env[i] || p.Expr != "" {
					t.Errorf("provider %d: DomainEnvs %q DomainEnv %q Expr %q, want %q %q", i, p.DomainEnvs, p.DomainEnv, p.Expr, tc.want[i], tc.env[i])
				}
			}
		})
	}
}
