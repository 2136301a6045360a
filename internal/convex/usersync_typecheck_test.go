package convex

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/clerkconvex/clerkconvex/internal/testutil/nodeharness"
)

// Every testdata/users/<case>/after is a convex/ folder that the real Convex CLI generates
// code for offline and type-checks with tsc (Convex's strict convex/tsconfig.json, real convex
// and svix 2.x types from test/users). test/users also runs the "merge" case under svix 1.x's
// types and convex-test.
func TestUsersFilesTypeCheck(t *testing.T) {
	users := nodeharness.UsersDir(t)
	cases, err := filepath.Glob(filepath.Join("testdata", "users", "*", "after"))
	if err != nil || len(cases) < 2 {
		t.Fatalf("cases: %v %v", cases, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	t.Cleanup(cancel)
	for _, after := range cases {
		t.Run(filepath.Base(filepath.Dir(after)), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"name":"app","private":true,"dependencies":{"convex":"1.48.0","svix":"2.5.0"}}`), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(filepath.Join(users, "node_modules"), filepath.Join(dir, "node_modules")); err != nil {
				t.Fatal(err)
			}
			files, _ := filepath.Glob(filepath.Join(after, "*.ts"))
			for _, f := range files {
				b, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.MkdirAll(filepath.Join(dir, "convex"), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, "convex", filepath.Base(f)), b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			cmd := exec.CommandContext(ctx, filepath.Join(users, "node_modules", ".bin", "convex"), "codegen", "--system-udfs", "--init", "--typecheck", "enable")
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "CI=1", "CONVEX_DEPLOYMENT=", "CONVEX_DEPLOY_KEY=", "npm_config_update_notifier=false")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("convex codegen --typecheck enable: %v\n%s", err, out)
			}
			if _, err := os.Stat(filepath.Join(dir, "convex", "_generated", "api.d.ts")); err != nil {
				t.Fatalf("no convex/_generated: %v\n%s", err, out)
			}
		})
	}
}
