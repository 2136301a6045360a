package project

import (
	"os"
	"path/filepath"
	"testing"
)

func TestViteEnvDir(t *testing.T) {
	for _, tc := range []struct{ config, want string }{
		{"export default defineConfig({\n  plugins: [react()],\n  envDir: \"../../\",\n});\n", "../../"},
		// A path with a slash earlier on the same line (a one-line config).
		{"export default defineConfig({ root: \"./src\", envDir: '../' });\n", "../"},
		{"export default defineConfig({\n  // envDir: \"../../\",\n});\n", ""},
		{"export default defineConfig({ plugins: [react()] }); // envDir: \"env\"\n", ""},
		{"export default defineConfig({ envDir: process.env.ENV_DIR });\n", ""},
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "vite.config.ts"), []byte(tc.config), 0o600); err != nil {
			t.Fatal(err)
		}
		if got, cfg := ViteEnvDir(dir); got != tc.want || cfg != "vite.config.ts" {
			t.Errorf("ViteEnvDir(%q) = %q, %q; want %q", tc.config, got, cfg, tc.want)
		}
	}
}
