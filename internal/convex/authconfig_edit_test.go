package convex

import "testing"

const staleTS = `import type { AuthConfig } from "convex/server";

export default {
  providers: [
    {
      // the starter author's instance
      domain: "https://fond-owl-31.clerk.accounts.dev",
      applicationID: "convex",
    },
    { type: "customJwt", issuer: "https://auth.example.com", jwks: "https://auth.example.com/jwks", algorithm: "RS256", applicationID: "api" },
  ],
} satisfies AuthConfig;
`

func TestReplaceProvider(t *testing.T) {
	out, err := ReplaceProvider([]byte(staleTS), true, 0, clerkEnv)
	if err != nil {
		t.Fatal(err)
	}
	want := `import type { AuthConfig } from "convex/server";

export default {
  providers: [
    {
      domain: process.env.CLERK_JWT_ISSUER_DOMAIN!,
      applicationID: "convex",
    },
    { type: "customJwt", issuer: "https://auth.example.com", jwks: "https://auth.example.com/jwks", algorithm: "RS256", applicationID: "api" },
  ],
} satisfies AuthConfig;
`
	if string(out) != want {
		t.Errorf("ReplaceProvider:\n%s\nwant:\n%s", out, want)
	}
	if _, o, _, _ := MergeAuthConfig(out, true, clerkEnv); o != MergeUnchanged {
		t.Errorf("merging the Clerk provider after the replacement: %v", o)
	}
}

func TestRemoveProvider(t *testing.T) {
	cases := []struct {
		name, src string
		i         int
		want      string
	}{
		{"own lines, comma after", staleTS, 0, `import type { AuthConfig } from "convex/server";

export default {
  providers: [
    { type: "customJwt", issuer: "https://auth.example.com", jwks: "https://auth.example.com/jwks", algorithm: "RS256", applicationID: "api" },
  ],
} satisfies AuthConfig;
`},
		{"one line, middle", "export default { providers: [{ domain: \"a\" }, { domain: \"b\" }, { domain: \"c\" }] };\n", 1,
			"export default { providers: [{ domain: \"a\" }, { domain: \"c\" }] };\n"},
		{"one line, last without comma", "export default { providers: [{ domain: \"a\" }, { domain: \"b\" }] };\n", 1,
			"export default { providers: [{ domain: \"a\" }] };\n"},
		{"last on its own line, no trailing comma", "export default {\n  providers: [\n    a,\n    b // old\n  ]\n};\n", 1,
			"export default {\n  providers: [\n    a\n  ]\n};\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := RemoveProvider([]byte(tc.src), tc.i)
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tc.want {
				t.Errorf("RemoveProvider:\n%q\nwant:\n%q", out, tc.want)
			}
			if _, err := ParseAuthConfig(out); err != nil {
				t.Errorf("the result does not parse: %v", err)
			}
		})
	}
}
