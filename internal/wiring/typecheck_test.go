package wiring_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clerkconvex/clerkconvex/internal/testutil/nodeharness"
)

// stubs declares, as untyped modules, what the fixtures import that test/wiring does not
// install: the frameworks themselves (Expo, React Native, TanStack Router/Start, which are
// Clerk's peers and are not installed) and the apps' own assets. Nothing the wiring writes
// comes from them: ClerkProvider, useAuth and tokenCache are checked against the real Clerk
// packages, ConvexReactClient and ConvexProviderWithClerk against the real convex. vite/client's
// ImportMeta.env is declared as Vite declares it (an index signature of any).
const stubs = `declare module "expo-router";
declare module "expo-font";
declare module "expo-status-bar";
declare module "expo-splash-screen";
declare module "@expo/vector-icons/FontAwesome";
declare module "@react-navigation/native";
declare module "react-native";
declare module "react-native-reanimated";
declare module "@/hooks/useColorScheme";
declare module "@tanstack/react-router";
declare module "@tanstack/react-start";
declare module "*.css";
declare module "*?url" {
  const url: string;
  export default url;
}
interface ImportMetaEnv {
  [key: string]: any;
}
interface ImportMeta {
  readonly env: ImportMetaEnv;
}
`

// TestWiredFixturesTypeCheck compiles every file the planners write (the want/ files of the
// fixtures, with the rest of each fixture's project beside them) with the real tsc, strict,
// against the real Clerk and convex packages of test/wiring. Without `npm ci --prefix
// test/wiring` it fails with that hint; it never skips.
func TestWiredFixturesTypeCheck(t *testing.T) {
	root := t.TempDir()
	var files []string
	for _, fw := range []string{"vite", "expo", "tanstack"} {
		for _, f := range loadFixtures(t, fw) {
			if len(f.want) == 0 {
				continue
			}
			dir := filepath.Join(root, fw+"-"+f.name())
			tree := map[string][]byte{}
			for name, data := range f.files {
				tree[name] = data
			}
			for name, data := range f.want {
				tree[name] = data
				files = append(files, filepath.Join(dir, filepath.FromSlash(name)))
			}
			for name, data := range tree {
				// The one reference the harness cannot resolve (vite is not installed);
				// the stubs declare what it would.
				data = []byte(strings.ReplaceAll(string(data), "/// <reference types=\"vite/client\" />\n", ""))
				p := filepath.Join(dir, filepath.FromSlash(name))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if len(files) < 10 {
		t.Fatalf("only %d wired files among the fixtures: renamed?", len(files))
	}
	stubFile := filepath.Join(root, "stubs.d.ts")
	if err := os.WriteFile(stubFile, []byte(stubs), 0o644); err != nil {
		t.Fatal(err)
	}
	nodeharness.TypeCheckWiring(t, root, append(files, stubFile)...)
}
