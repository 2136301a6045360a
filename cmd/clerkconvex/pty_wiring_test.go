package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
)

// ptyWiredMain is a Vite entry wired as Clerk's and Convex's guides show.
const ptyWiredMain = `import { createRoot } from "react-dom/client";
import { ClerkProvider, useAuth } from "@clerk/clerk-react";
import { ConvexProviderWithClerk } from "convex/react-clerk";
import { ConvexReactClient } from "convex/react";
import App from "./App";

const convex = new ConvexReactClient(import.meta.env.VITE_CONVEX_URL as string);

createRoot(document.getElementById("root")!).render(
  <ClerkProvider publishableKey={import.meta.env.VITE_CLERK_PUBLISHABLE_KEY}>
    <ConvexProviderWithClerk client={convex} useAuth={useAuth}>
      <App />
    </ConvexProviderWithClerk>
  </ClerkProvider>,
);
`

const promptWiring = "Write the client wiring (app/ConvexClientProvider.tsx, app/layout.tsx)?"

const ptyNextLayout = `export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        {children}
      </body>
    </html>
  );
}
`

// nextPTYEnv is a Next.js App Router app without client wiring (Clerk's middleware present),
// its keys in the environment.
func nextPTYEnv(t *testing.T) *ptyEnv {
	t.Helper()
	e := newPTYEnv(t, "CLERK_SECRET_KEY="+sk1, "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY="+clerk.EncodePublishableKey(host1, false))
	if err := os.RemoveAll(filepath.Join(e.dir, "src")); err != nil { // newPTYEnv's wired Vite entry
		t.Fatal(err)
	}
	for name, data := range map[string]string{
		"package.json":   `{"dependencies":{"next":"15.5.4","@clerk/nextjs":"6.39.8","convex":"1.48.0"}}` + "\n",
		"tsconfig.json":  "{}\n",
		"app/layout.tsx": ptyNextLayout,
		"middleware.ts":  "import { clerkMiddleware } from \"@clerk/nextjs/server\";\nexport default clerkMiddleware();\n",
	} {
		path := filepath.Join(e.dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// On a terminal, init shows the wiring's diff, then asks; yes writes it.
func TestInteractiveInitWiringDiffThenConfirm(t *testing.T) {
	e := nextPTYEnv(t)
	s := e.start("init")
	s.answer(keyEnter, promptDomain)
	s.answer(keyEnter, promptAppID)
	s.answer(keyEnter, promptAnother)
	// The diff is drawn before the question.
	s.expect("+++ b/app/layout.tsx", "+        <ConvexClientProvider>", "+          {children}")
	s.answer("y"+keyEnter, promptWiring)
	s.wantExit(0)
	s.checkScreen(
		"✓ app/ConvexClientProvider.tsx created",
		"✓ app/layout.tsx updated: {children} wrapped in <ConvexClientProvider>",
	)
	s.checkNoSecret()
	layout := e.readFile("app/layout.tsx")
	if !strings.Contains(layout, "        <ConvexClientProvider>\n          {children}\n        </ConvexClientProvider>\n") {
		t.Fatalf("layout:\n%s", layout)
	}
	if !strings.Contains(e.readFile("app/ConvexClientProvider.tsx"), "useAuth={useAuth}") {
		t.Fatal("the provider component was not written")
	}
}

// Ctrl-C at the wiring question: exit 130, no file written, nothing created in Clerk, no npx.
func TestInteractiveInitWiringCtrlC(t *testing.T) {
	e := nextPTYEnv(t)
	before := e.snapshot()
	s := e.start("init")
	s.answer(keyEnter, promptDomain)
	s.answer(keyEnter, promptAppID)
	s.answer(keyEnter, promptAnother)
	s.answer(keyCtrlC, promptWiring)
	s.wantExit(130)
	s.checkScreen("interrupted: nothing was changed")
	s.checkNoSecret()
	e.wantUnchanged(before)
	if n := e.clerk.MutatingRequests(); n != 0 {
		t.Errorf("Clerk got %d mutating requests, want 0: %v", n, e.requests())
	}
	e.wantNoNpx()
}
