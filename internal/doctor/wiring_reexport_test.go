package doctor

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clerkconvex/clerkconvex/internal/project"
)

// writeFiles writes files (slash paths relative to dir) into dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Real apps reach the providers through their own modules: a lib/ file that re-exports
// convex/react-clerk's ConvexProviderWithClerk or Clerk's hooks, a barrel index.ts, export *.
// A correct app wired that way must not fail; a broken one must not pass.
func TestProviderWiringThroughReexports(t *testing.T) {
	layoutWith := func(imp string) string {
		return imp + "\nexport default function RootLayout({ children }: { children: React.ReactNode }) {\n  return <html><body><ConvexClientProvider>{children}</ConvexClientProvider></body></html>;\n}\n"
	}
	provider := `"use client";
import { ConvexReactClient } from "convex/react";
import { ClerkProvider, ConvexProviderWithClerk, useAuth } from "@/lib/auth";

const convex = new ConvexReactClient(process.env.NEXT_PUBLIC_CONVEX_URL!);

export function ConvexClientProvider({ children }: { children: React.ReactNode }) {
  return (
    <ClerkProvider>
      <ConvexProviderWithClerk client={convex} useAuth={useAuth}>
        {children}
      </ConvexProviderWithClerk>
    </ClerkProvider>
  );
}
`
	for _, tc := range []struct {
		name   string
		files  map[string]string
		status Status
		want   string
	}{
		{name: "providers and useAuth re-exported by lib/auth.ts", status: Pass, files: map[string]string{
			"app/layout.tsx":                      layoutWith(`import { ConvexClientProvider } from "@/components/ConvexClientProvider";`),
			"components/ConvexClientProvider.tsx": provider,
			"lib/auth.ts":                         "export { ClerkProvider, useAuth } from \"@clerk/nextjs\";\nexport { ConvexProviderWithClerk } from \"convex/react-clerk\";\n",
		}, want: "<ConvexProviderWithClerk> at components/ConvexClientProvider.tsx:10 with useAuth from @clerk/nextjs, <ClerkProvider> at components/ConvexClientProvider.tsx:9"},
		{name: "export * barrels, two hops", status: Pass, files: map[string]string{
			"app/layout.tsx":                      layoutWith(`import { ConvexClientProvider } from "@/components/ConvexClientProvider";`),
			"components/ConvexClientProvider.tsx": provider,
			"lib/auth/index.ts":                   "export * from \"./clerk\";\nexport * from \"./convex\";\n",
			"lib/auth/clerk.ts":                   "export * from \"@clerk/nextjs\";\n",
			"lib/auth/convex.ts":                  "export * from \"convex/react-clerk\";\n",
		}, want: "with useAuth from @clerk/nextjs"},
		{name: "imported, then exported under another name", status: Pass, files: map[string]string{
			"app/layout.tsx":                      layoutWith(`import { ConvexClientProvider } from "@/components/ConvexClientProvider";`),
			"components/ConvexClientProvider.tsx": provider,
			"lib/auth.ts":                         "import { ClerkProvider as CP, useAuth } from \"@clerk/nextjs\";\nimport * as CR from \"convex/react-clerk\";\nexport const ConvexProviderWithClerk = CR.ConvexProviderWithClerk;\nexport { CP as ClerkProvider, useAuth };\n",
		}, want: "with useAuth from @clerk/nextjs"},
		{name: "the re-export names the wrong hook", status: Fail, files: map[string]string{
			"app/layout.tsx":                      layoutWith(`import { ConvexClientProvider } from "@/components/ConvexClientProvider";`),
			"components/ConvexClientProvider.tsx": provider,
			"lib/auth.ts":                         "export { ClerkProvider, useSession as useAuth } from \"@clerk/nextjs\";\nexport { ConvexProviderWithClerk } from \"convex/react-clerk\";\n",
		}, want: "which is @clerk/nextjs's useSession, not useAuth"},
		{name: "the re-exported provider is plain ConvexProvider", status: Fail, files: map[string]string{
			"app/layout.tsx":                      layoutWith(`import { ConvexClientProvider } from "@/components/ConvexClientProvider";`),
			"components/ConvexClientProvider.tsx": provider,
			"lib/auth.ts":                         "export { ClerkProvider, useAuth } from \"@clerk/nextjs\";\nexport { ConvexProvider as ConvexProviderWithClerk } from \"convex/react\";\n",
		}, want: "uses ConvexProvider from convex/react"},
		{name: "the component re-exported by a barrel", status: Pass, files: map[string]string{
			"app/layout.tsx":                  "import { ClerkProvider } from \"@clerk/nextjs\";\nimport { ConvexClientProvider } from \"@/components\";\nexport default function RootLayout({ children }) {\n  return <ClerkProvider><html><body><ConvexClientProvider>{children}</ConvexClientProvider></body></html></ClerkProvider>;\n}\n",
			"components/index.ts":             "export * from \"./Button\";\nexport { ConvexClientProvider } from \"./providers/convex\";\n",
			"components/Button.tsx":           "export function Button() { return <button />; }\n",
			"components/providers/convex.tsx": strings.Replace(nextClient, "export default function ConvexClientProvider", "export function ConvexClientProvider", 1),
		}, want: "<ConvexProviderWithClerk> at components/providers/convex.tsx:12 with useAuth from @clerk/nextjs, <ClerkProvider> at app/layout.tsx:4"},
		{name: "the component re-exported by a barrel, rendered outside ClerkProvider", status: Fail, files: map[string]string{
			"app/layout.tsx":                  "import { ClerkProvider } from \"@clerk/nextjs\";\nimport { ConvexClientProvider } from \"@/components\";\nexport default function RootLayout({ children }) {\n  return <html><body><ConvexClientProvider><ClerkProvider>{children}</ClerkProvider></ConvexClientProvider></body></html>;\n}\n",
			"components/index.ts":             "export * from \"./Button\";\nexport * from \"./providers/convex\";\n",
			"components/Button.tsx":           "export function Button() { return <button />; }\n",
			"components/providers/convex.tsx": strings.Replace(nextClient, "export default function ConvexClientProvider", "export function ConvexClientProvider", 1),
		}, want: "no <ClerkProvider> encloses <ConvexProviderWithClerk> at components/providers/convex.tsx:12"},
		{name: "a local module that does not re-export it", status: Fail, files: map[string]string{
			"app/layout.tsx":                      layoutWith(`import { ConvexClientProvider } from "@/components/ConvexClientProvider";`),
			"components/ConvexClientProvider.tsx": provider,
			"lib/auth.ts":                         "export { ClerkProvider, useAuth } from \"@clerk/nextjs\";\n",
		}, want: "no <ConvexProviderWithClerk>"},
		// The provider component in lib/, outside the folders doctor walks, reached by a
		// re-export from app/: it is followed (a false fail before).
		{name: "the provider component in lib/, re-exported by app/providers.ts", status: Pass, files: map[string]string{
			"app/layout.tsx":   "import { ClerkProvider } from \"@clerk/nextjs\";\nimport { ConvexClientProvider } from \"./providers\";\nexport default function RootLayout({ children }) {\n  return <ClerkProvider><html><body><ConvexClientProvider>{children}</ConvexClientProvider></body></html></ClerkProvider>;\n}\n",
			"app/providers.ts": "export { ConvexClientProvider } from \"../lib/convex\";\n",
			"lib/convex.tsx":   strings.Replace(nextClient, "export default function ConvexClientProvider", "export function ConvexClientProvider", 1),
		}, want: "<ConvexProviderWithClerk> at lib/convex.tsx:12 with useAuth from @clerk/nextjs, <ClerkProvider> at app/layout.tsx:4"},
		{name: "the provider component in lib/ uses plain ConvexProvider", status: Fail, files: map[string]string{
			"app/layout.tsx":   "import { ClerkProvider } from \"@clerk/nextjs\";\nimport { ConvexClientProvider } from \"./providers\";\nexport default function RootLayout({ children }) {\n  return <ClerkProvider><html><body><ConvexClientProvider>{children}</ConvexClientProvider></body></html></ClerkProvider>;\n}\n",
			"app/providers.ts": "export { ConvexClientProvider } from \"../lib/convex\";\n",
			"lib/convex.tsx":   "\"use client\";\nimport { ConvexProvider, ConvexReactClient } from \"convex/react\";\nconst convex = new ConvexReactClient(process.env.NEXT_PUBLIC_CONVEX_URL!);\nexport function ConvexClientProvider({ children }) {\n  return <ConvexProvider client={convex}>{children}</ConvexProvider>;\n}\n",
		}, want: "lib/convex.tsx:5 uses ConvexProvider from convex/react"},
		{name: "the provider component in lib/, rendered outside ClerkProvider", status: Fail, files: map[string]string{
			"app/layout.tsx": "import { ClerkProvider } from \"@clerk/nextjs\";\nimport { ConvexClientProvider } from \"@/lib/convex\";\nexport default function RootLayout({ children }) {\n  return <html><body><ConvexClientProvider><ClerkProvider>{children}</ClerkProvider></ConvexClientProvider></body></html>;\n}\n",
			"lib/convex.tsx": strings.Replace(nextClient, "export default function ConvexClientProvider", "export function ConvexClientProvider", 1),
		}, want: "no <ClerkProvider> encloses <ConvexProviderWithClerk> at lib/convex.tsx:12"},
		// What cannot be followed is a warning naming the module, neither a pass nor a fail.
		{name: "an alias doctor cannot resolve", status: Warn, files: map[string]string{
			"app/layout.tsx":                      layoutWith(`import { ConvexClientProvider } from "@/components/ConvexClientProvider";`),
			"components/ConvexClientProvider.tsx": strings.Replace(provider, "@/lib/auth", "#/auth", 1),
		}, want: "<ConvexProviderWithClerk> at components/ConvexClientProvider.tsx:10 is imported from #/auth, which doctor could not follow to convex/react-clerk"},
		{name: "export * from a module that is not there", status: Warn, files: map[string]string{
			"app/layout.tsx":                      layoutWith(`import { ConvexClientProvider } from "@/components/ConvexClientProvider";`),
			"components/ConvexClientProvider.tsx": provider,
			"lib/auth.ts":                         "export { ClerkProvider, useAuth } from \"@clerk/nextjs\";\nexport * from \"./generated/convex\";\n",
		}, want: "is imported from @/lib/auth, which doctor could not follow"},
		{name: "a re-export loop", status: Warn, files: map[string]string{
			"app/layout.tsx":                      layoutWith(`import { ConvexClientProvider } from "@/components/ConvexClientProvider";`),
			"components/ConvexClientProvider.tsx": provider,
			"lib/auth.ts":                         "export { ClerkProvider, useAuth } from \"@clerk/nextjs\";\nexport * from \"./more\";\n",
			"lib/more.ts":                         "export * from \"./auth\";\n",
		}, want: "which doctor could not follow"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tc.files)
			s := &state{in: Inputs{Dir: dir}, proj: &project.Project{Dir: dir, Deps: map[string]string{"@clerk/nextjs": "6"}, Framework: project.Next}}
			o := checkProviderWiring(context.Background(), s)
			if o.status != tc.status || !strings.Contains(o.message, tc.want) {
				t.Fatalf("= %s %q (fix %q); want %s %q", o.status, o.message, o.fix, tc.status, tc.want)
			}
			if o.status != Pass && o.fix == "" {
				t.Error("a problem without a fix")
			}
		})
	}
}
