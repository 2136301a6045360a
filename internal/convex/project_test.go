package convex

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFunctionsDir(t *testing.T) {
	cases := []struct {
		name       string
		files      map[string]string // path -> content; "" content with trailing / makes a folder
		wantRel    string
		wantExists bool
		wantErr    []string // substrings
	}{
		{name: "default, missing", wantRel: "convex"},
		{name: "default, present", files: map[string]string{"convex/": ""}, wantRel: "convex", wantExists: true},
		{name: "convex.json without functions", files: map[string]string{"convex.json": `{"node": {"externalPackages": []}}`, "convex/": ""}, wantRel: "convex", wantExists: true},
		{name: "convex.json with empty functions", files: map[string]string{"convex.json": `{"functions": ""}`}, wantRel: "convex"},
		{name: "convex.json names src/convex/", files: map[string]string{"convex.json": "\xef\xbb\xbf" + `{"functions": "src/convex/"}`, "src/convex/": ""}, wantRel: "src/convex", wantExists: true},
		{name: "convex.json names a missing folder", files: map[string]string{"convex.json": `{"functions": "src/convex/"}`},
			wantRel: "src/convex", wantErr: []string{"convex.json", `"src/convex/"`, "does not exist"}},
		{name: "convex.json names a file", files: map[string]string{"convex.json": `{"functions": "fns"}`, "fns": "x"},
			wantRel: "fns", wantErr: []string{"convex.json", "not a folder"}},
		{name: "invalid JSON", files: map[string]string{"convex.json": `{"functions": `}, wantErr: []string{"convex.json", "not valid JSON"}},
		{name: "functions not a string", files: map[string]string{"convex.json": `{"functions": 3}`}, wantErr: []string{"convex.json", "must be a string", "3"}},
		{name: "default is a file", files: map[string]string{"convex": "x"}, wantRel: "convex", wantErr: []string{"is a file"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			for name, content := range tc.files {
				p := filepath.Join(root, filepath.FromSlash(name))
				if strings.HasSuffix(name, "/") {
					if err := os.MkdirAll(p, 0o755); err != nil {
						t.Fatal(err)
					}
					continue
				}
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			dir, exists, err := FunctionsDir(root)
			if len(tc.wantErr) > 0 {
				if err == nil {
					t.Fatalf("FunctionsDir = %q, %v, nil; want an error", dir, exists)
				}
				for _, w := range tc.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not mention %q", err, w)
					}
				}
				if strings.Contains(err.Error(), "\n") {
					t.Errorf("error spans lines: %q", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("FunctionsDir: %v", err)
			}
			if want := filepath.Join(root, filepath.FromSlash(tc.wantRel)); dir != want {
				t.Errorf("dir = %q, want %q", dir, want)
			}
			if exists != tc.wantExists {
				t.Errorf("exists = %v, want %v", exists, tc.wantExists)
			}
		})
	}
}

func TestFindAuthConfig(t *testing.T) {
	cases := []struct {
		name       string
		files      []string
		wantFile   string
		wantTS     bool
		wantExists bool
	}{
		{name: "neither", wantFile: "auth.config.ts", wantTS: true},
		{name: "ts", files: []string{"auth.config.ts"}, wantFile: "auth.config.ts", wantTS: true, wantExists: true},
		{name: "js", files: []string{"auth.config.js"}, wantFile: "auth.config.js", wantExists: true},
		{name: "both prefers ts", files: []string{"auth.config.js", "auth.config.ts"}, wantFile: "auth.config.ts", wantTS: true, wantExists: true},
		{name: "other names ignored", files: []string{"auth.config.mjs", "auth.ts"}, wantFile: "auth.config.ts", wantTS: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range tc.files {
				if err := os.WriteFile(filepath.Join(dir, f), []byte("export default { providers: [] };\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			path, ts, exists := FindAuthConfig(dir)
			if path != filepath.Join(dir, tc.wantFile) || ts != tc.wantTS || exists != tc.wantExists {
				t.Errorf("FindAuthConfig = %q, %v, %v; want %q, %v, %v", path, ts, exists, filepath.Join(dir, tc.wantFile), tc.wantTS, tc.wantExists)
			}
		})
	}
}
