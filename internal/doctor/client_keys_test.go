package doctor

import (
	"strings"
	"testing"
)

func TestKeyLiteralUsed(t *testing.T) {
	const k = "pk_test_bGl2ZWx5LWhlcm9uLTU4LmNsZXJrLmFjY291bnRzLmRldiQ"
	for _, c := range []struct {
		name, src string
		want      bool
	}{
		{"jsx prop", `<ClerkProvider publishableKey="` + k + `">`, true},
		{"jsx prop in braces", "<ClerkProvider publishableKey={`" + k + "`}>", true},
		{"object property", `const clerk = { publishableKey: '` + k + `' };`, true},
		{"const passed as prop", "const publishableKey = \"" + k + "\";\n<ClerkProvider publishableKey={publishableKey}>", true},
		{"const under another name", "const CLERK_KEY: string = \"" + k + "\";\n<ClerkProvider publishableKey={ CLERK_KEY } tokenCache={tokenCache}>", true},
		{"const as property value", "const key = \"" + k + "\";\nclerkPlugin({ publishableKey: key })", true},
		{"const shorthand", "const publishableKey = \"" + k + "\";\nnew Clerk({ publishableKey })", true},
		{"fallback", "const publishableKey = import.meta.env.VITE_CLERK_PUBLISHABLE_KEY ??\n  \"" + k + "\";\n<ClerkProvider publishableKey={publishableKey}>", false},
		{"fallback in the prop", `<ClerkProvider publishableKey={process.env.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY || "` + k + `"}>`, false},
		{"const never passed", "const OLD_KEY = \"" + k + "\";\n<ClerkProvider publishableKey={process.env.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY}>", false},
		{"stripe prop", "const publishableKey = \"" + k + "\";\n<StripeCheckout stripeKey={publishableKey} />", false},
		{"test fixture", `expect(parse("` + k + `")).toBe(true)`, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			off := strings.Index(c.src, k)
			if got := keyLiteralUsed(c.src, off); got != c.want {
				t.Errorf("keyLiteralUsed(%q) = %v, want %v", c.src, got, c.want)
			}
		})
	}
}

func TestKeyVarUses(t *testing.T) {
	srcs := map[string]string{
		"src/main.tsx": "root.render(\n  <ClerkProvider publishableKey={import.meta.env.VITE_CLERK_KEY}>\n    <App />\n  </ClerkProvider>\n);\n",
		"app/_layout.tsx": "const publishableKey = process.env.EXPO_PUBLIC_CLERK_KEY!;\n" +
			"<ClerkProvider tokenCache={tokenCache} publishableKey={publishableKey}>\n" +
			"<StripeProvider publishableKey={process.env.EXPO_PUBLIC_STRIPE_KEY!}>\n",
		"src/server.ts": "createClerkClient({ publishableKey: process.env.CLERK_PUBLISHABLE_KEY })\n",
		"src/pay.tsx":   "const key = process.env.EXPO_PUBLIC_STRIPE_KEY;\n<StripeProvider publishableKey={key} />\n",
	}
	var got []string
	for _, u := range keyVarUses(srcs) {
		got = append(got, u.site.String()+" "+u.name)
	}
	want := []string{"app/_layout.tsx:1 EXPO_PUBLIC_CLERK_KEY", "src/main.tsx:2 VITE_CLERK_KEY"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("keyVarUses = %q, want %q", got, want)
	}
}
