package doctor

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clerkconvex/clerkconvex/internal/project"
)

const nextLayout = `import { ClerkProvider } from "@clerk/nextjs";
import ConvexClientProvider from "./ConvexClientProvider";

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <ClerkProvider>
          <ConvexClientProvider>{children}</ConvexClientProvider>
        </ClerkProvider>
      </body>
    </html>
  );
}
`

const nextClient = `"use client";

import { ReactNode } from "react";
import { ConvexReactClient } from "convex/react";
import { ConvexProviderWithClerk } from "convex/react-clerk";
import { useAuth } from "@clerk/nextjs";

const convex = new ConvexReactClient(process.env.NEXT_PUBLIC_CONVEX_URL!);

export default function ConvexClientProvider({ children }: { children: ReactNode }) {
  return (
    <ConvexProviderWithClerk client={convex} useAuth={useAuth}>
      {children}
    </ConvexProviderWithClerk>
  );
}
`

// providersWithClerk is an app's Providers component: ClerkProvider around the provider
// component of components/providers/convex-provider.tsx (nextClient).
const providersWithClerk = `import ConvexProvider from "./convex-provider";
import { ClerkProvider } from "@clerk/nextjs";

export default function Providers({ children }: { children: React.ReactNode }) {
  return (
    <ClerkProvider>
      <ConvexProvider>{children}</ConvexProvider>
    </ClerkProvider>
  );
}
`

// clerkWrapper is an app's Providers component that is ClerkProvider around its children;
// clerkWrapperLayout renders the provider component of components/ inside it.
const clerkWrapper = `"use client";
import { ClerkProvider } from "@clerk/nextjs";

export function Providers({ children }: { children: React.ReactNode }) {
  return <ClerkProvider afterSignOutUrl="/">{children}</ClerkProvider>;
}
`

const clerkWrapperLayout = `import { Providers } from "./providers";
import { ConvexClientProvider } from "@/components/ConvexClientProvider";

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>
          <ConvexClientProvider>{children}</ConvexClientProvider>
        </Providers>
      </body>
    </html>
  );
}
`

func TestProviderWiring(t *testing.T) {
	vite := func(body string) map[string]string { return map[string]string{"src/main.tsx": body} }
	for _, tc := range []struct {
		name   string
		fw     project.Framework
		files  map[string]string
		status Status
		want   string
	}{
		// The provider component of the guide's first step, never rendered: the layout does
		// not import it (a false pass before), so nothing sends Convex a token.
		{name: "next, provider component nothing renders", fw: project.Next, status: Fail,
			files: map[string]string{"app/layout.tsx": "export default function RootLayout({ children }: { children: React.ReactNode }) {\n  return <html><body>{children}</body></html>;\n}\n",
				"components/ConvexClientProvider.tsx": strings.NewReplacer("import { useAuth }", "import { ClerkProvider, useAuth }",
					"<ConvexProviderWithClerk", "<ClerkProvider><ConvexProviderWithClerk", "</ConvexProviderWithClerk>", "</ConvexProviderWithClerk></ClerkProvider>").Replace(nextClient)},
			want: "<ConvexProviderWithClerk> at components/ConvexClientProvider.tsx:12 is in a file that no other file imports"},
		// The same one level up: the provider component is imported only by the app's own
		// Providers component, which nothing renders (a false pass before: being imported was
		// enough, and an index file counted as an entry wherever it was).
		{name: "next, providers component nothing renders", fw: project.Next, status: Fail,
			files: map[string]string{"app/layout.tsx": "export default function RootLayout({ children }: { children: React.ReactNode }) {\n  return <html><body>{children}</body></html>;\n}\n",
				"components/providers/providers.tsx": providersWithClerk, "components/providers/convex-provider.tsx": nextClient},
			want: "nothing renders it"},
		{name: "next, providers index nothing renders", fw: project.Next, status: Fail,
			files: map[string]string{"app/layout.tsx": "export default function RootLayout({ children }: { children: React.ReactNode }) {\n  return <html><body>{children}</body></html>;\n}\n",
				"components/providers/index.tsx": providersWithClerk, "components/providers/convex-provider.tsx": nextClient},
			want: "nothing renders it"},
		// A provider file named like an entry (client.tsx, App.tsx, layout.tsx) deep in the
		// app's own folders is no entry: frameworks load those names only at the top (or a
		// layout under app/), so nothing renders it (a false pass before).
		{name: "next, provider in components/convex/client.tsx nothing renders", fw: project.Next, status: Fail,
			files: map[string]string{"app/layout.tsx": "export default function RootLayout({ children }: { children: React.ReactNode }) {\n  return <html><body>{children}</body></html>;\n}\n",
				"components/convex/client.tsx": strings.NewReplacer("import { useAuth }", "import { ClerkProvider, useAuth }",
					"<ConvexProviderWithClerk", "<ClerkProvider><ConvexProviderWithClerk", "</ConvexProviderWithClerk>", "</ConvexProviderWithClerk></ClerkProvider>").Replace(nextClient)},
			want: "nothing renders it"},
		{name: "next, provider in components/layout/App.tsx nothing renders", fw: project.Next, status: Fail,
			files: map[string]string{"app/layout.tsx": "export default function RootLayout({ children }: { children: React.ReactNode }) {\n  return <html><body>{children}</body></html>;\n}\n",
				"components/layout/App.tsx": strings.NewReplacer("import { useAuth }", "import { ClerkProvider, useAuth }",
					"<ConvexProviderWithClerk", "<ClerkProvider><ConvexProviderWithClerk", "</ConvexProviderWithClerk>", "</ConvexProviderWithClerk></ClerkProvider>").Replace(nextClient)},
			want: "nothing renders it"},
		{name: "next, a nested route layout is loaded by name", fw: project.Next, status: Pass,
			files: map[string]string{"app/layout.tsx": "export default function RootLayout({ children }: { children: React.ReactNode }) {\n  return <html><body>{children}</body></html>;\n}\n",
				"app/(app)/dashboard/layout.tsx": strings.NewReplacer("import { useAuth }", "import { ClerkProvider, useAuth }",
					"<ConvexProviderWithClerk", "<ClerkProvider><ConvexProviderWithClerk", "</ConvexProviderWithClerk>", "</ConvexProviderWithClerk></ClerkProvider>").Replace(nextClient)}},
		{name: "next, providers index the layout imports but never uses", fw: project.Next, status: Fail,
			files: map[string]string{"app/layout.tsx": "import Providers from \"@/components/providers\";\nexport default function RootLayout({ children }: { children: React.ReactNode }) {\n  return <html><body>{children}</body></html>;\n}\n",
				"components/providers/index.tsx": providersWithClerk, "components/providers/convex-provider.tsx": nextClient},
			want: "nothing renders it"},
		{name: "next, providers index the layout renders", fw: project.Next, status: Pass,
			files: map[string]string{"app/layout.tsx": "import Providers from \"@/components/providers\";\nexport default function RootLayout({ children }: { children: React.ReactNode }) {\n  return <html><body><Providers>{children}</Providers></body></html>;\n}\n",
				"components/providers/index.tsx": providersWithClerk, "components/providers/convex-provider.tsx": nextClient},
			want: "<ClerkProvider> at components/providers/index.tsx:6"},
		// Imported by a dead Providers file and by the live layout, which has no ClerkProvider:
		// the dead file's ClerkProvider encloses nothing that runs.
		{name: "next, provider used inside ClerkProvider only by a file nothing renders", fw: project.Next, status: Fail,
			files: map[string]string{"app/layout.tsx": strings.NewReplacer("<ClerkProvider>", "", "</ClerkProvider>", "", "import ConvexClientProvider from \"./ConvexClientProvider\"", "import ConvexClientProvider from \"@/components/providers/convex-provider\"").Replace(nextLayout),
				"components/providers/providers.tsx": providersWithClerk, "components/providers/convex-provider.tsx": nextClient},
			want: "no <ClerkProvider> encloses"},
		// A test helper's full wiring is no wiring of the app: only test files import it.
		{name: "vite, wiring only in a test helper", fw: project.Vite, status: Fail, files: map[string]string{
			"src/main.tsx":         "import App from \"./App\";\ncreateRoot(el).render(<App />);\n",
			"src/App.tsx":          "export default function App() { return <p />; }\n",
			"src/test/wrapper.tsx": "import { ClerkProvider, useAuth } from \"@clerk/clerk-react\";\nimport { ConvexProviderWithClerk } from \"convex/react-clerk\";\nexport function Wrapper({ children }) {\n  return <ClerkProvider publishableKey={k}><ConvexProviderWithClerk client={c} useAuth={useAuth}>{children}</ConvexProviderWithClerk></ClerkProvider>;\n}\n",
			"src/App.test.tsx":     "import { Wrapper } from \"./test/wrapper\";\nimport App from \"./App\";\nrender(<Wrapper><App /></Wrapper>);\n"},
			want: "nothing renders it"},
		// The app's own Providers component is ClerkProvider around {children}; the layout
		// renders the provider component as its child (a false fail before: only a
		// <ClerkProvider> element written around the use counted).
		{name: "next, provider component inside the app's Clerk wrapper", fw: project.Next, status: Pass,
			files: map[string]string{"app/layout.tsx": clerkWrapperLayout, "app/providers.tsx": clerkWrapper,
				"components/ConvexClientProvider.tsx": strings.Replace(nextClient, "export default function", "export function", 1)},
			want: "<ClerkProvider> at app/providers.tsx:5"},
		{name: "next, the wrapper's ClerkProvider is beside its children", fw: project.Next, status: Fail,
			files: map[string]string{"app/layout.tsx": clerkWrapperLayout,
				"app/providers.tsx":                   strings.Replace(clerkWrapper, `<ClerkProvider afterSignOutUrl="/">{children}</ClerkProvider>`, `<><ClerkProvider afterSignOutUrl="/" />{children}</>`, 1),
				"components/ConvexClientProvider.tsx": strings.Replace(nextClient, "export default function", "export function", 1)},
			want: "no <ClerkProvider> encloses"},
		// Clerk throws on a ClerkProvider inside another ("You've added multiple <ClerkProvider>
		// components"): a provider component with its own, rendered inside the app's wrapper.
		{name: "next, a second ClerkProvider inside the wrapper's", fw: project.Next, status: Fail,
			files: map[string]string{"app/layout.tsx": clerkWrapperLayout, "app/providers.tsx": clerkWrapper,
				"components/ConvexClientProvider.tsx": strings.NewReplacer("export default function", "export function", "import { useAuth }", "import { ClerkProvider, useAuth }",
					"<ConvexProviderWithClerk", "<ClerkProvider><ConvexProviderWithClerk", "</ConvexProviderWithClerk>", "</ConvexProviderWithClerk></ClerkProvider>").Replace(nextClient)},
			want: "inside another <ClerkProvider>"},
		{name: "next, a second ClerkProvider in a nested layout", fw: project.Next, status: Fail, files: map[string]string{
			"app/layout.tsx":       "import { ClerkProvider } from \"@clerk/nextjs\";\nexport default function L({ children }) { return <html><body><ClerkProvider>{children}</ClerkProvider></body></html>; }\n",
			"app/(app)/layout.tsx": "import { ClerkProvider, useAuth } from \"@clerk/nextjs\";\nimport { ConvexProviderWithClerk } from \"convex/react-clerk\";\nexport default function L({ children }) { return <ClerkProvider><ConvexProviderWithClerk client={c} useAuth={useAuth}>{children}</ConvexProviderWithClerk></ClerkProvider>; }\n"},
			want: "inside another <ClerkProvider>"},
		{name: "next, provider component imported from a folder doctor does not scan", fw: project.Next, status: Pass,
			files: map[string]string{"app/layout.tsx": nextLayout, "app/ConvexClientProvider.tsx": "export { default } from \"@/providers/convex-client\";\n",
				"components/convex-client.tsx": nextClient, "providers/convex-client.tsx": "export { default } from \"../components/convex-client\";\n"},
			want: "<ConvexProviderWithClerk> at components/convex-client.tsx:12"},
		{name: "next, two files", fw: project.Next, status: Pass,
			files: map[string]string{"app/layout.tsx": nextLayout, "app/ConvexClientProvider.tsx": nextClient},
			want:  "<ConvexProviderWithClerk> at app/ConvexClientProvider.tsx:12 with useAuth from @clerk/nextjs, <ClerkProvider> at app/layout.tsx:8"},
		{name: "aliases and multi-line imports", fw: project.Vite, status: Pass, files: vite(`import {
  ClerkProvider as CP,
  useAuth as useClerkAuth,
} from '@clerk/clerk-react'
import { ConvexProviderWithClerk as Wired } from 'convex/react-clerk'
export const Root = () => <CP publishableKey={k}><Wired useAuth={useClerkAuth} client={c}><App/></Wired></CP>
`), want: "<ConvexProviderWithClerk> at src/main.tsx:6 with useAuth from @clerk/clerk-react"},
		{name: "expo at the root", fw: project.Expo, status: Pass, files: map[string]string{"App.tsx": `import { ClerkProvider, useAuth } from "@clerk/clerk-expo";
import { ConvexProviderWithClerk } from "convex/react-clerk";
export default function App() {
  return <ClerkProvider tokenCache={tokenCache}><ConvexProviderWithClerk client={convex} useAuth={useAuth}><Home /></ConvexProviderWithClerk></ClerkProvider>;
}
`}, want: "App.tsx:4"},
		{name: "arrow function in a prop before useAuth", fw: project.Vite, status: Pass, files: vite(`import { ClerkProvider, useAuth } from "@clerk/clerk-react";
import { ConvexProviderWithClerk } from "convex/react-clerk";
<ClerkProvider><ConvexProviderWithClerk client={make(() => a > b)} useAuth={useAuth}></ConvexProviderWithClerk></ClerkProvider>
`), want: "with useAuth from @clerk/clerk-react"},
		{name: "plain ConvexProvider", fw: project.Vite, status: Fail, files: vite(`import { ClerkProvider } from "@clerk/clerk-react";
import { ConvexProvider } from "convex/react";
<ClerkProvider><ConvexProvider client={convex}><App /></ConvexProvider></ClerkProvider>
`), want: "src/main.tsx:3 uses ConvexProvider from convex/react"},
		{name: "only in a comment", fw: project.Vite, status: Fail, files: vite(`import { ClerkProvider, useAuth } from "@clerk/clerk-react";
// import { ConvexProviderWithClerk } from "convex/react-clerk";
/* <ConvexProviderWithClerk client={convex} useAuth={useAuth}> */
const url = "https://example.com/*not a comment*/";
`), want: "no <ConvexProviderWithClerk>"},
		{name: "no useAuth prop", fw: project.Vite, status: Fail, files: vite(`import { ClerkProvider } from "@clerk/clerk-react";
import { ConvexProviderWithClerk } from "convex/react-clerk";
<ClerkProvider><ConvexProviderWithClerk client={convex}><App /></ConvexProviderWithClerk></ClerkProvider>
`), want: "src/main.tsx:3 has no useAuth={…} prop"},
		{name: "useAuth from convex/react", fw: project.Vite, status: Fail, files: vite(`import { ClerkProvider } from "@clerk/clerk-react";
import { useConvexAuth as useAuth } from "convex/react";
import { ConvexProviderWithClerk } from "convex/react-clerk";
<ClerkProvider><ConvexProviderWithClerk client={convex} useAuth={useAuth}></ConvexProviderWithClerk></ClerkProvider>
`), want: "gets useAuth={useAuth} from convex/react"},
		{name: "own hook", fw: project.Vite, status: Warn, files: vite(`import { ClerkProvider } from "@clerk/clerk-react";
import { useMyAuth } from "./auth";
import { ConvexProviderWithClerk } from "convex/react-clerk";
<ClerkProvider><ConvexProviderWithClerk client={convex} useAuth={useMyAuth}></ConvexProviderWithClerk></ClerkProvider>
`), want: "useAuth={useMyAuth}, which is not imported from a Clerk package"},
		{name: "no ClerkProvider", fw: project.Vite, status: Fail, files: vite(`import { useAuth } from "@clerk/clerk-react";
import { ConvexProviderWithClerk } from "convex/react-clerk";
<ConvexProviderWithClerk client={convex} useAuth={useAuth}></ConvexProviderWithClerk>
`), want: "no <ClerkProvider>"},
		{name: "outside ClerkProvider", fw: project.Vite, status: Fail, files: vite(`import { ClerkProvider, useAuth } from "@clerk/clerk-react";
import { ConvexProviderWithClerk } from "convex/react-clerk";
<ConvexProviderWithClerk client={convex} useAuth={useAuth}><ClerkProvider><App /></ClerkProvider></ConvexProviderWithClerk>
`), want: "is outside <ClerkProvider> (src/main.tsx:3)"},
		{name: "namespace import", fw: project.Vite, status: Pass, files: vite(`import * as Clerk from "@clerk/clerk-react";
import * as CR from "convex/react-clerk";
<Clerk.ClerkProvider publishableKey={k}>
  <CR.ConvexProviderWithClerk client={convex} useAuth={ Clerk . useAuth }><App /></CR.ConvexProviderWithClerk>
</Clerk.ClerkProvider>
`), want: "<ConvexProviderWithClerk> at src/main.tsx:4 with useAuth from @clerk/clerk-react, <ClerkProvider> at src/main.tsx:3"},
		{name: "namespace import, named ClerkProvider", fw: project.Vite, status: Pass, files: vite(`import * as Clerk from "@clerk/clerk-react";
import { ClerkProvider } from "@clerk/clerk-react";
import { ConvexProviderWithClerk } from "convex/react-clerk";
<ClerkProvider><ConvexProviderWithClerk client={convex} useAuth={Clerk.useAuth}></ConvexProviderWithClerk></ClerkProvider>
`), want: "with useAuth from @clerk/clerk-react"},
		{name: "namespace import of another hook", fw: project.Vite, status: Fail, files: vite(`import * as Clerk from "@clerk/clerk-react";
import { ConvexProviderWithClerk } from "convex/react-clerk";
<Clerk.ClerkProvider><ConvexProviderWithClerk client={convex} useAuth={Clerk.useUser}></ConvexProviderWithClerk></Clerk.ClerkProvider>
`), want: "gets useAuth={Clerk.useUser}, which is @clerk/clerk-react's useUser, not useAuth"},
		{name: "another Clerk hook renamed useAuth", fw: project.Vite, status: Fail, files: vite(`import { ClerkProvider, useSession as useAuth } from "@clerk/clerk-react";
import { ConvexProviderWithClerk } from "convex/react-clerk";
<ClerkProvider><ConvexProviderWithClerk client={convex} useAuth={useAuth}></ConvexProviderWithClerk></ClerkProvider>
`), want: "src/main.tsx:3 gets useAuth={useAuth}, which is @clerk/clerk-react's useSession, not useAuth"},
		{name: "sibling ClerkProvider closed before", fw: project.Vite, status: Fail, files: vite(`import { ClerkProvider, useAuth } from "@clerk/clerk-react";
import { ConvexProviderWithClerk } from "convex/react-clerk";
export const Root = () => (
  <>
    <ClerkProvider publishableKey={k}><SignIn /></ClerkProvider>
    <ConvexProviderWithClerk client={convex} useAuth={useAuth}><App /></ConvexProviderWithClerk>
  </>
);
`), want: "<ConvexProviderWithClerk> at src/main.tsx:6 is outside <ClerkProvider> (src/main.tsx:5)"},
		{name: "self-closing sibling ClerkProvider", fw: project.Vite, status: Fail, files: vite(`import { ClerkProvider, useAuth } from "@clerk/clerk-react";
import { ConvexProviderWithClerk } from "convex/react-clerk";
<div><ClerkProvider publishableKey={k} /><ConvexProviderWithClerk client={convex} useAuth={useAuth}><App /></ConvexProviderWithClerk></div>
`), want: "is outside <ClerkProvider> (src/main.tsx:3)"},
		// The inner ClerkProvider is inside the outer one: Clerk throws at run time.
		{name: "a sibling, then the one around it", fw: project.Vite, status: Fail, files: vite(`import { ClerkProvider, useAuth } from "@clerk/clerk-react";
import { ConvexProviderWithClerk } from "convex/react-clerk";
const A = () => <ClerkProvider publishableKey={k}><SignIn /></ClerkProvider>;
const B = () => (
  <ClerkProvider publishableKey={k}>
    <ClerkProvider publishableKey={k2}><Inner /></ClerkProvider>
    <ConvexProviderWithClerk client={convex} useAuth={useAuth}><App /></ConvexProviderWithClerk>
  </ClerkProvider>
);
`), want: "<ClerkProvider> at src/main.tsx:6 is inside another <ClerkProvider> at src/main.tsx:5"},
		// Across files the nesting is followed: ClerkProvider only in App.tsx, which main.tsx
		// renders inside ConvexProviderWithClerk, leaves useAuth outside Clerk (a false pass before).
		{name: "vite, ClerkProvider only in the App rendered inside", fw: project.Vite, status: Fail, files: map[string]string{
			"src/main.tsx": `import { useAuth } from "@clerk/clerk-react";
import { ConvexProviderWithClerk } from "convex/react-clerk";
import App from "./App";
createRoot(el).render(<ConvexProviderWithClerk client={convex} useAuth={useAuth}><App /></ConvexProviderWithClerk>);
`,
			"src/App.tsx": "import { ClerkProvider } from \"@clerk/clerk-react\";\nexport default function App() {\n  return <ClerkProvider publishableKey={k}><Home /></ClerkProvider>;\n}\n"},
			want: "no <ClerkProvider> encloses <ConvexProviderWithClerk> at src/main.tsx:4"},
		{name: "vite, provider component rendered inside ClerkProvider", fw: project.Vite, status: Pass, files: map[string]string{
			"src/main.tsx": "import { ClerkProvider } from \"@clerk/clerk-react\";\nimport { Providers } from \"@/providers\";\ncreateRoot(el).render(<ClerkProvider publishableKey={k}><Providers><App /></Providers></ClerkProvider>);\n",
			"src/providers.tsx": `import { useAuth } from "@clerk/clerk-react";
import { ConvexProviderWithClerk } from "convex/react-clerk";
export function Providers({ children }) {
  return <ConvexProviderWithClerk client={convex} useAuth={useAuth}>{children}</ConvexProviderWithClerk>;
}
`}, want: "<ConvexProviderWithClerk> at src/providers.tsx:4 with useAuth from @clerk/clerk-react, <ClerkProvider> at src/main.tsx:3"},
		{name: "vite, App imported by a root-absolute path, rendered inside ClerkProvider", fw: project.Vite, status: Pass, files: map[string]string{
			"src/main.tsx": "import { ClerkProvider } from \"@clerk/clerk-react\";\nimport App from \"/src/App.tsx\";\ncreateRoot(el).render(<ClerkProvider publishableKey={k}><App /></ClerkProvider>);\n",
			"src/App.tsx":  "import { useAuth } from \"@clerk/clerk-react\";\nimport { ConvexProviderWithClerk } from \"convex/react-clerk\";\nexport default function App() {\n  return <ConvexProviderWithClerk client={convex} useAuth={useAuth}><Home /></ConvexProviderWithClerk>;\n}\n"},
			want: "<ConvexProviderWithClerk> at src/App.tsx:4 with useAuth from @clerk/clerk-react, <ClerkProvider> at src/main.tsx:3"},
		{name: "vite, provider component rendered outside ClerkProvider", fw: project.Vite, status: Fail, files: map[string]string{
			"src/main.tsx": "import { ClerkProvider } from \"@clerk/clerk-react\";\nimport { Providers } from \"./providers\";\ncreateRoot(el).render(<Providers><ClerkProvider publishableKey={k}><App /></ClerkProvider></Providers>);\n",
			"src/providers.tsx": `import { useAuth } from "@clerk/clerk-react";
import { ConvexProviderWithClerk } from "convex/react-clerk";
export function Providers({ children }) {
  return <ConvexProviderWithClerk client={convex} useAuth={useAuth}>{children}</ConvexProviderWithClerk>;
}
`}, want: "no <ClerkProvider> encloses <ConvexProviderWithClerk> at src/providers.tsx:4"},
		{name: "vite, provider component passed as a value, not rendered as JSX", fw: project.Vite, status: Warn, files: map[string]string{
			"src/main.tsx":      "import { ClerkProvider } from \"@clerk/clerk-react\";\nimport { Providers } from \"./providers\";\nconst routes = [{ element: Providers }];\n<ClerkProvider publishableKey={k}><RouterProvider routes={routes} /></ClerkProvider>;\n",
			"src/providers.tsx": "import { useAuth } from \"@clerk/clerk-react\";\nimport { ConvexProviderWithClerk } from \"convex/react-clerk\";\nexport function Providers({ children }) {\n  return <ConvexProviderWithClerk client={convex} useAuth={useAuth}>{children}</ConvexProviderWithClerk>;\n}\n"},
			want: "could not tell whether a <ClerkProvider> encloses <ConvexProviderWithClerk> at src/providers.tsx:4"},
		{name: "next, ClerkProvider only in a nested layout", fw: project.Next, status: Fail, files: map[string]string{
			"app/layout.tsx": strings.NewReplacer("<ClerkProvider>", "", "</ClerkProvider>", "").Replace(nextLayout), "app/ConvexClientProvider.tsx": nextClient,
			"app/(app)/layout.tsx": "import { ClerkProvider } from \"@clerk/nextjs\";\nexport default function L({ children }) { return <ClerkProvider>{children}</ClerkProvider>; }\n"},
			want: "no <ClerkProvider> encloses <ConvexProviderWithClerk> at app/ConvexClientProvider.tsx:12"},
		{name: "next, provider component in app/ used outside the layout's ClerkProvider", fw: project.Next, status: Fail, files: map[string]string{
			"app/layout.tsx":    "import { ClerkProvider } from \"@clerk/nextjs\";\nimport Providers from \"./providers\";\nexport default function L({ children }) { return <html><body><Providers><ClerkProvider>{children}</ClerkProvider></Providers></body></html>; }\n",
			"app/providers.tsx": nextClient},
			want: "no <ClerkProvider> encloses <ConvexProviderWithClerk> at app/providers.tsx:12"},
		{name: "expo, a nested layout under the root layout's ClerkProvider", fw: project.Expo, status: Pass, files: map[string]string{
			"app/_layout.tsx":        "import { ClerkProvider } from \"@clerk/clerk-expo\";\nimport { Slot } from \"expo-router\";\nexport default function R() { return <ClerkProvider tokenCache={tokenCache}><Slot /></ClerkProvider>; }\n",
			"app/(tabs)/_layout.tsx": "import { useAuth } from \"@clerk/clerk-expo\";\nimport { ConvexProviderWithClerk } from \"convex/react-clerk\";\nexport default function T() { return <ConvexProviderWithClerk client={convex} useAuth={useAuth}><Tabs /></ConvexProviderWithClerk>; }\n"},
			want: "<ConvexProviderWithClerk> at app/(tabs)/_layout.tsx:3 with useAuth from @clerk/clerk-expo, <ClerkProvider> at app/_layout.tsx:3"},
		{name: "next, root layout's ClerkProvider around a nested layout's provider", fw: project.Next, status: Pass, files: map[string]string{
			"app/layout.tsx":                      "import { ClerkProvider } from \"@clerk/nextjs\";\nexport default function L({ children }) { return <html><body><ClerkProvider>{children}</ClerkProvider></body></html>; }\n",
			"app/(app)/layout.tsx":                "import ConvexClientProvider from \"@/components/ConvexClientProvider\";\nexport default function L({ children }) { return <ConvexClientProvider>{children}</ConvexClientProvider>; }\n",
			"components/ConvexClientProvider.tsx": nextClient},
			want: "<ConvexProviderWithClerk> at components/ConvexClientProvider.tsx:12 with useAuth from @clerk/nextjs, <ClerkProvider> at app/layout.tsx:2"},
		{name: "another framework's package", fw: project.Next, status: Warn, files: map[string]string{
			"app/layout.tsx": nextLayout, "app/ConvexClientProvider.tsx": strings.Replace(nextClient, `import { useAuth } from "@clerk/nextjs";`, `import { useAuth } from "@clerk/clerk-react";`, 1)},
			want: "uses the useAuth of @clerk/clerk-react, but this is a Next.js app"},
		{name: "node_modules and generated code are not read", fw: project.Vite, status: Fail, files: map[string]string{
			"src/node_modules/x/index.js": "import { ConvexProviderWithClerk } from \"convex/react-clerk\";\n<ConvexProviderWithClerk useAuth={useAuth}>",
			"src/convex/_generated/a.ts":  "import { ConvexProviderWithClerk } from \"convex/react-clerk\";\n<ConvexProviderWithClerk useAuth={useAuth}>",
			"lib/provider.tsx":            "import { ConvexProviderWithClerk } from \"convex/react-clerk\";\n<ConvexProviderWithClerk useAuth={useAuth}>",
		}, want: "no <ConvexProviderWithClerk>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, body := range tc.files {
				p := filepath.Join(dir, filepath.FromSlash(name))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			pkgs := map[string]string{tc.fw.ClerkPackages[0]: "1"}
			s := &state{in: Inputs{Dir: dir}, proj: &project.Project{Dir: dir, Deps: pkgs, Framework: tc.fw}}
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

func TestParseImports(t *testing.T) {
	got := parseImports(stripComments([]byte(`import React, { useState, type FC, useAuth as ua } from "react";
import type { AuthConfig } from "convex/server";
import "./styles.css"
import { a } from './a'; import {b as c} from "b"
import * as Clerk from "@clerk/clerk-react"; import D, * as E from "e"
`)))
	want := map[string]importSpec{
		"useState": {"react", "useState"}, "ua": {"react", "useAuth"},
		"AuthConfig": {"convex/server", "AuthConfig"}, "a": {"./a", "a"}, "c": {"b", "b"},
		"Clerk": {"@clerk/clerk-react", "*"}, "E": {"e", "*"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
}

// FuzzStripComments: blanking comments keeps the length and every newline (so offsets and
// line numbers stay right), and scanning any text does not panic.
func FuzzStripComments(f *testing.F) {
	for _, s := range []string{
		"", "// x\n<a/>", "/* a\nb */ c", "'/*' /* x */ \"//\"", "`a\n${b}` // c", "/*", "'\\",
		"import { a as b } from \"c\";\n<ConvexProviderWithClerk useAuth={b}>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := stripComments([]byte(s))
		if len(out) != len(s) {
			t.Fatalf("length %d → %d", len(s), len(out))
		}
		for i := 0; i < len(s); i++ {
			if (s[i] == '\n') != (out[i] == '\n') {
				t.Fatalf("newline moved at %d", i)
			}
		}
		w := &wiringFacts{clerkPkgOf: map[site]string{}}
		w.add("f.tsx", out)
	})
}
