package wiring

import (
	"errors"
	"testing"
)

func TestUpgradeConvexProvider(t *testing.T) {
	cases := []struct {
		name, src string
		withClerk bool
		want      string // "": an UncertainError
	}{
		{"only name in its import, Clerk outside",
			"import { ConvexProvider } from \"convex/react\";\nimport { convex } from \"./convex\";\n\nexport const App = () => (\n  <ConvexProvider client={convex}>\n    <Main />\n  </ConvexProvider>\n);\n",
			false,
			"import { convex } from \"./convex\";\nimport { useAuth } from \"@clerk/nextjs\";\nimport { ConvexProviderWithClerk } from \"convex/react-clerk\";\n\nexport const App = () => (\n  <ConvexProviderWithClerk client={convex} useAuth={useAuth}>\n    <Main />\n  </ConvexProviderWithClerk>\n);\n"},
		{"last of two names",
			"import { ConvexReactClient, ConvexProvider } from \"convex/react\";\nconst c = new ConvexReactClient(\"u\");\nexport const A = ({ children }) => <ConvexProvider client={c}>{children}</ConvexProvider>;\n",
			false,
			"import { ConvexReactClient } from \"convex/react\";\nimport { useAuth } from \"@clerk/nextjs\";\nimport { ConvexProviderWithClerk } from \"convex/react-clerk\";\nconst c = new ConvexReactClient(\"u\");\nexport const A = ({ children }) => <ConvexProviderWithClerk client={c} useAuth={useAuth}>{children}</ConvexProviderWithClerk>;\n"},
		{"renamed import", "import { ConvexProvider as CP } from \"convex/react\";\nconst a = <CP client={c}><B /></CP>;\n", true, ""},
		{"two providers", "import { ConvexProvider } from \"convex/react\";\nconst a = <ConvexProvider client={c}><B /></ConvexProvider>;\nconst b = <ConvexProvider client={d}><B /></ConvexProvider>;\n", true, ""},
		{"no client prop", "import { ConvexProvider } from \"convex/react\";\nconst a = <ConvexProvider {...props}><B /></ConvexProvider>;\n", true, ""},
	}
	for _, c := range cases {
		got, err := UpgradeConvexProvider([]byte(c.src), "@clerk/nextjs", c.withClerk)
		if c.want == "" {
			var ue *UncertainError
			if !errors.As(err, &ue) {
				t.Errorf("%s: got %q, %v; want an UncertainError", c.name, got, err)
			}
			continue
		}
		if err != nil || string(got) != c.want {
			t.Errorf("%s: %v\ngot:\n%s\nwant:\n%s", c.name, err, got, c.want)
		}
	}
}
