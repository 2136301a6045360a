package nodeharness

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestDirAndBin(t *testing.T) {
	dir := Dir(t)
	if !filepath.IsAbs(dir) || filepath.Base(dir) != "node" || filepath.Base(filepath.Dir(dir)) != "test" {
		t.Fatalf("Dir = %q, want an absolute path ending in test/node", dir)
	}
	for _, name := range []string{"convex", "tsc"} {
		bin := Bin(t, name)
		if _, err := os.Stat(bin); err != nil {
			t.Errorf("Bin(%q) = %q: %v", name, bin, err)
		}
	}
}

func TestCheckInstalled(t *testing.T) {
	write := func(t *testing.T, dir, rel, body string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name    string
		files   map[string]string
		wantErr string
	}{
		{
			name: "pinned versions installed",
			files: map[string]string{
				"package.json":                          `{"dependencies": {"convex": "1.48.0", "@types/node": "20.19.43"}}`,
				"node_modules/convex/package.json":      `{"version": "1.48.0"}`,
				"node_modules/@types/node/package.json": `{"version": "20.19.43"}`,
			},
		},
		{
			name:    "nothing installed",
			files:   map[string]string{"package.json": `{"dependencies": {"convex": "1.48.0"}}`},
			wantErr: "convex is not installed",
		},
		{
			name: "stale install",
			files: map[string]string{
				"package.json":                     `{"dependencies": {"convex": "1.48.0"}}`,
				"node_modules/convex/package.json": `{"version": "1.47.0"}`,
			},
			// The message names the harness's package.json by its path (test/node or test/wiring).
			wantErr: "convex 1.47.0 is installed but " + filepath.Join("DIR", "package.json") + " pins 1.48.0",
		},
		{
			name:    "no package.json",
			files:   map[string]string{},
			wantErr: "reading the harness package.json",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for rel, body := range tt.files {
				write(t, dir, rel, body)
			}
			err := checkInstalled(dir)
			tt.wantErr = strings.ReplaceAll(tt.wantErr, "DIR", dir)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("checkInstalled: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("checkInstalled = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestBytesHasModuleLine(t *testing.T) {
	if !bytesHasModuleLine([]byte("// comment\nmodule github.com/clerkconvex/clerkconvex\r\n\ngo 1.26\n")) {
		t.Error("module line not found")
	}
	if bytesHasModuleLine([]byte("module github.com/clerkconvex/clerkconvex/other\n")) {
		t.Error("matched another module")
	}
}

// The real tsc accepts a correct auth.config.ts (the shape templates/auth.config.ts.tmpl
// renders) and rejects broken ones with its own diagnostics.
func TestCheckTypes(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		wantDiag string // a tsc diagnostic code in the failure; "" means it must compile
	}{
		{
			name: "env domain with non-null assertion",
			src: `import type { AuthConfig } from "convex/server";

export default {
  providers: [
    {
      domain: process.env.CLERK_JWT_ISSUER_DOMAIN!,
      applicationID: "convex",
    },
  ],
} satisfies AuthConfig;
`,
		},
		{
			name: "literal domain",
			src: `import type { AuthConfig } from "convex/server";

export default {
  providers: [{ domain: "https://happy-cat-12.clerk.accounts.dev", applicationID: "convex" }],
} satisfies AuthConfig;
`,
		},
		{
			name: "env domain without assertion is string | undefined under strict",
			src: `import type { AuthConfig } from "convex/server";

export default {
  providers: [{ domain: process.env.CLERK_JWT_ISSUER_DOMAIN, applicationID: "convex" }],
} satisfies AuthConfig;
`,
			wantDiag: "TS2322",
		},
		{
			name: "misspelt field",
			src: `import type { AuthConfig } from "convex/server";

export default {
  providers: [{ domian: "https://happy-cat-12.clerk.accounts.dev", applicationID: "convex" }],
} satisfies AuthConfig;
`,
			wantDiag: "TS2353",
		},
		{
			name: "wrong import path",
			src: `import type { AuthConfig } from "convex/servr";

export default { providers: [] } satisfies AuthConfig;
`,
			wantDiag: "TS2307",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if err := os.MkdirAll(filepath.Join(dir, "convex"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "convex", "auth.config.ts"), []byte(tt.src), 0o644); err != nil {
				t.Fatal(err)
			}
			err := CheckTypes(t, dir, "convex/auth.config.ts")
			if tt.wantDiag == "" {
				if err != nil {
					t.Fatalf("want it to compile: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("tsc accepted it, want %s", tt.wantDiag)
			}
			if !strings.Contains(err.Error(), tt.wantDiag) || !strings.Contains(err.Error(), "auth.config.ts") {
				t.Fatalf("error = %v, want tsc's %s diagnostic for auth.config.ts", err, tt.wantDiag)
			}
		})
	}
}

// CheckTypesJS type-checks JavaScript (checkJs); CheckTypes only parses it. The same file with
// a possibly-undefined dereference tells them apart.
func TestCheckTypesJS(t *testing.T) {
	const bad = "export default { providers: [{ domain: process.env.CLERK_JWT_ISSUER_DOMAIN.trim(), applicationID: \"convex\" }] };\n"
	const good = "export default { providers: [{ domain: process.env.CLERK_JWT_ISSUER_DOMAIN, applicationID: \"convex\" }] };\n"
	const broken = "export default { providers: [ };\n"
	tests := []struct {
		name     string
		src      string
		check    func(testing.TB, string, ...string) error
		wantDiag string // "" means it must pass
	}{
		{"checkJs: good JavaScript", good, CheckTypesJS, ""},
		{"checkJs: possibly undefined", bad, CheckTypesJS, "TS18048"},
		{"checkJs: syntax error", broken, CheckTypesJS, "TS1137"},
		{"no checkJs: types are not checked", bad, CheckTypes, ""},
		{"no checkJs: syntax is", broken, CheckTypes, "TS1137"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "auth.config.js"), []byte(tt.src), 0o644); err != nil {
				t.Fatal(err)
			}
			err := tt.check(t, dir, "auth.config.js")
			if tt.wantDiag == "" {
				if err != nil {
					t.Fatalf("want it to pass: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantDiag) {
				t.Fatalf("error = %v, want tsc's %s", err, tt.wantDiag)
			}
		})
	}
	TypeCheckJS(t, t.TempDir(), writeTemp(t, "ok.js", good))
}

func writeTemp(t *testing.T, name, src string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TypeCheck passes on good code (its failing path is CheckTypes returning an error, above).
func TestTypeCheck(t *testing.T) {
	dir := t.TempDir()
	src := "import { v } from \"convex/values\";\nexport const name = v.string();\n"
	if err := os.WriteFile(filepath.Join(dir, "values.ts"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	TypeCheck(t, dir, filepath.Join(dir, "values.ts"))
}

// fatalTB records Fatalf and ends the goroutine, as testing.T does.
type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Helper() {}
func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// A checkout without `npm ci` fails (never skips) and says how to install the harness.
func TestDirFailsWithInstallHint(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module github.com/clerkconvex/clerkconvex\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "test", "node"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "test", "node", "package.json"), []byte(`{"dependencies": {"convex": "1.48.0"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(root, "internal", "pkg")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(sub)

	for _, call := range []func(testing.TB){
		func(tb testing.TB) { Dir(tb) },
		func(tb testing.TB) { Bin(tb, "convex") },
	} {
		ftb := &fatalTB{TB: t}
		done := make(chan struct{})
		go func() {
			defer close(done)
			call(ftb)
		}()
		<-done
		want := "convex is not installed in " + filepath.Join(root, "test", "node", "node_modules") + ": run `npm ci --prefix test/node` (needs Node.js ≥ 18 and npm)"
		if !strings.Contains(ftb.msg, want) {
			t.Errorf("Fatalf message = %q, want it to contain %q", ftb.msg, want)
		}
	}
}
