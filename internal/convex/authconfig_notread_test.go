package convex

import (
	"strings"
	"testing"
)

// Providers built where this file does not spell them are not read, and ParseAuthConfig says
// so with a ProvidersNotReadError (a caller warns: Convex may well find a Clerk provider
// there); a file that is wrong on its face stays a plain error. An import list naming
// providers is a binding, not a second providers key.
func TestProvidersNotRead(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		notRead   bool
		want      string // in the error; "" when the file parses
		providers int
	}{
		{name: "imported, shorthand", notRead: true,
			src:  "import type { AuthConfig } from \"convex/server\";\nimport { providers } from \"./providers\";\n\nexport default {\n  providers,\n} satisfies AuthConfig;\n",
			want: "providers (line 5) is imported from ./providers, not an array literal in this file"},
		{name: "imported among others, as the value", notRead: true,
			src:  "import { other, providers as clerkProviders } from \"./auth/providers\";\nexport default { providers: clerkProviders };\n",
			want: "providers (line 2) is not an array literal (clerkProviders is imported from ./auth/providers)"},
		{name: "a call", notRead: true,
			src:  "export default { providers: getProviders() };\n",
			want: "providers (line 1) is not an array literal (it is what getProviders() returns)"},
		{name: "a filtered array", notRead: true,
			src:  "export default { providers: [clerk, process.env.AUTH0_DOMAIN && auth0].filter(Boolean) };\n",
			want: "providers (line 1) is not a plain array literal"},
		{name: "the whole config imported", notRead: true,
			src:  "import config from \"../shared/auth.config\";\nexport default config;\n",
			want: "no providers array was found"},
		{name: "a local variable", notRead: true,
			src:  "const providers = [];\nexport default { providers };\n",
			want: "refers to a variable"},
		{name: "no providers, nothing imported", notRead: false,
			src:  "import type { AuthConfig } from \"convex/server\";\nexport default {} satisfies AuthConfig;\n",
			want: "no providers array was found"},
		{name: "two providers keys", notRead: false,
			src:  "export const a = { providers: [] };\nexport default { providers: [] };\n",
			want: "more than one providers key (lines 1, 2)"},
		{name: "import list beside an array literal", notRead: false, providers: 1,
			src: "import { providers as shared } from \"./shared\";\nexport { providers } from \"./shared\";\nexport default {\n  providers: [{ domain: process.env.CLERK_JWT_ISSUER_DOMAIN!, applicationID: \"convex\" }],\n};\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseAuthConfig([]byte(tc.src))
			if tc.want == "" {
				if err != nil || len(got) != tc.providers {
					t.Fatalf("= %v, %v; want %d providers", got, err, tc.providers)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if IsProvidersNotRead(err) != tc.notRead {
				t.Fatalf("IsProvidersNotRead(%v) = %v, want %v", err, !tc.notRead, tc.notRead)
			}
		})
	}
}
