package templates

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clerkconvex/clerkconvex/internal/testutil/nodeharness"
)

// Every golden file (what clerkconvex writes into a project, see TestRenderGolden) compiles
// with the real tsc: the TypeScript ones under the strict settings of a Convex project, the
// JavaScript ones with checkJs. Each is placed as convex/auth.config.<ext> in its own folder of
// one project whose node_modules is the harness's, so "convex/server" resolves as in a real
// project. Without `npm ci --prefix test/node` this fails with that hint (it never skips).
func TestGoldensTypeCheck(t *testing.T) {
	goldens, err := filepath.Glob(filepath.Join("testdata", "*.golden"))
	if err != nil {
		t.Fatal(err)
	}
	project := t.TempDir()
	var ts, js []string
	for _, g := range goldens {
		// auth.config.<ext>.<case>.golden
		parts := strings.Split(filepath.Base(g), ".")
		if len(parts) != 5 || parts[0] != "auth" || parts[1] != "config" {
			t.Fatalf("%s: want a name like auth.config.ts.<case>.golden, to know which file it is", g)
		}
		ext, name := parts[2], parts[3]
		rel := filepath.Join(ext+"-"+name, "convex", "auth.config."+ext)
		src, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(project, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, src, 0o644); err != nil {
			t.Fatal(err)
		}
		switch ext {
		case "ts":
			ts = append(ts, rel)
		case "js":
			js = append(js, rel)
		default:
			t.Fatalf("%s: unknown extension %q (want ts or js)", g, ext)
		}
	}
	// The two-provider file (the Clerk provider plus a literal domain) is what init writes when
	// more providers are asked for; it must be among the checked ones.
	for _, want := range []string{"ts-two", "js-two", "ts-clerk", "js-clerk"} {
		if !containsPrefix(append(ts, js...), want+string(filepath.Separator)) {
			t.Fatalf("no golden for %s in testdata (found %v): TestRenderGolden's files were renamed?", want, goldens)
		}
	}
	nodeharness.LinkNodeModules(t, project)
	t.Run("ts", func(t *testing.T) {
		t.Parallel()
		nodeharness.TypeCheck(t, project, ts...)
	})
	t.Run("js", func(t *testing.T) {
		t.Parallel()
		nodeharness.TypeCheckJS(t, project, js...)
	})
}

func containsPrefix(list []string, prefix string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}
