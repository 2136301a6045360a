package wiring_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/clerkconvex/clerkconvex/internal/testutil/nodeharness"
)

func TestNextFixtures(t *testing.T) { runFixtures(t, "next") }

// The harness has the packages' real types: a provider given Clerk's useUser instead of
// useAuth, or a ClerkProvider with a prop it does not take, does not compile.
func TestTypeCheckHasRealTypes(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"wrong_hook.tsx": "\"use client\";\nimport { ClerkProvider, useUser } from \"@clerk/nextjs\";\nimport { ConvexReactClient } from \"convex/react\";\nimport { ConvexProviderWithClerk } from \"convex/react-clerk\";\nconst convex = new ConvexReactClient(\"https://x.convex.cloud\");\nexport function P({ children }: { children: React.ReactNode }) {\n  return <ClerkProvider><ConvexProviderWithClerk client={convex} useAuth={useUser}>{children}</ConvexProviderWithClerk></ClerkProvider>;\n}\n",
		"wrong_prop.tsx": "import { ClerkProvider } from \"@clerk/nextjs\";\nexport const p = <ClerkProvider notAProp={1}><div /></ClerkProvider>;\n",
	}
	var names []string
	for name, src := range files {
		write(t, filepath.Join(dir, name), []byte(src))
		names = append(names, name)
	}
	// One tsc run (its start-up is most of its time): each file must have its own error.
	err := nodeharness.CheckTypesWiring(t, dir, names...)
	for _, name := range names {
		if err == nil || !strings.Contains(err.Error(), name+"(") {
			t.Errorf("%s type-checks, want an error (tsc: %v)", name, err)
		}
	}
}
