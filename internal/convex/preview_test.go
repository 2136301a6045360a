package convex

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestPreviewEvidence(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		env   map[string]string
		want  []string
	}{
		{name: "nothing", files: map[string]string{"package.json": `{"scripts":{"build":"vite build","deploy":"convex deploy"}}`}},
		{name: "preview flag in a script", files: map[string]string{"package.json": `{"scripts":{"build:preview":"convex deploy --preview-create $BRANCH --cmd 'vite build'"}}`},
			want: []string{`package.json's script "build:preview" runs convex deploy --preview-create`}},
		{name: "vercel buildCommand", files: map[string]string{"vercel.json": `{"buildCommand":"npx convex deploy --cmd 'npm run build'"}`},
			want: []string{"vercel.json's buildCommand runs convex deploy (Vercel runs it for preview builds too)"}},
		{name: "netlify command", files: map[string]string{"netlify.toml": "[build]\n  command = \"npx convex deploy --cmd 'npm run build'\"\n"},
			want: []string{"netlify.toml's build command runs convex deploy (Netlify runs it for deploy previews too)"}},
		{name: "build script on vercel", files: map[string]string{"package.json": `{"scripts":{"build":"convex deploy --cmd 'next build'"}}`, ".vercel/project.json": "{}"},
			want: []string{`package.json's script "build" runs convex deploy, and the project builds on Vercel (preview builds too)`}},
		{name: "build script, no host", files: map[string]string{"package.json": `{"scripts":{"build":"convex deploy --cmd 'next build'"}}`}},
		{name: "preview key in a workflow", files: map[string]string{".github/workflows/ci.yml": "env:\n  CONVEX_DEPLOY_KEY: preview:team:proj|abc\n"},
			want: []string{".github/workflows/ci.yml holds a preview deploy key"}},
		{name: "preview secret in a workflow", files: map[string]string{".github/workflows/pr.yaml": "env:\n  CONVEX_DEPLOY_KEY: ${{ secrets.CONVEX_PREVIEW_DEPLOY_KEY }}\n"},
			want: []string{".github/workflows/pr.yaml reads a preview deploy key (CONVEX_PREVIEW_DEPLOY_KEY)"}},
		{name: "prod key in a workflow", files: map[string]string{".github/workflows/ci.yml": "env:\n  CONVEX_DEPLOY_KEY: ${{ secrets.CONVEX_DEPLOY_KEY }}\n"}},
		{name: "preview key in the environment", env: map[string]string{"CONVEX_DEPLOY_KEY": "preview:team:proj|abc"},
			want: []string{"$CONVEX_DEPLOY_KEY is a preview deploy key"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for rel, body := range tt.files {
				p := filepath.Join(dir, filepath.FromSlash(rel))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got := PreviewEvidence(dir, []string{dir, dir}, func(k string) string { return tt.env[k] })
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("PreviewEvidence = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSelectionIn(t *testing.T) {
	dir := t.TempDir()
	write := func(s string) {
		if err := os.WriteFile(filepath.Join(dir, ".env.local"), []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	none := func(string) string { return "" }
	write("CONVEX_DEPLOYMENT=dev:happy-otter-123 # team: t, project: p\n")
	if s := SelectionIn(dir, none); !s.Cloud || s.SelfHosted != "" {
		t.Errorf("cloud project: %+v", s)
	}
	write("CONVEX_SELF_HOSTED_URL=http://127.0.0.1:3210\n")
	if s := SelectionIn(dir, none); s.Cloud || s.SelfHosted != "CONVEX_SELF_HOSTED_URL in .env.local" {
		t.Errorf("self-hosted: %+v", s)
	}
	write("CONVEX_DEPLOYMENT=local:local-me-app\n")
	if s := SelectionIn(dir, none); s.Cloud {
		t.Errorf("local deployment counted as cloud: %+v", s)
	}
	if s := SelectionIn(dir, func(k string) string {
		if k == "CONVEX_DEPLOY_KEY" {
			return "preview:team:proj|secret"
		}
		return ""
	}); !s.Cloud || s.DeployKeyKind != "preview" || s.DefaultsBlocked() != "" {
		t.Errorf("preview deploy key: %+v", s)
	}
}

// A deployment's deploy key stands between the Convex CLI and the project defaults, wherever
// the CLI would read it from; a preview or project key, or none, does not.
func TestSelectionDefaultsBlocked(t *testing.T) {
	dir := t.TempDir()
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	cases := []struct {
		name, envLocal string
		getenv         func(string) string
		wantKind       string
		wantBlocked    string // substring; "" for not blocked
	}{
		{"no key", "CONVEX_DEPLOYMENT=dev:happy-otter-123\n", env(), "", ""},
		{"dev key in the environment", "", env("CONVEX_DEPLOY_KEY", "dev:happy-otter-123|s"), "dev", "$CONVEX_DEPLOY_KEY is the deploy key of one dev deployment"},
		{"prod key, legacy form", "", env("CONVEX_DEPLOY_KEY", "clever-heron-456|s"), "prod", "$CONVEX_DEPLOY_KEY is the deploy key of one prod deployment"},
		{"the older variable", "", env("CONVEX_DEPLOYMENT_TOKEN", "prod:clever-heron-456|s"), "prod", "$CONVEX_DEPLOYMENT_TOKEN"},
		{"key in .env.local", "CONVEX_DEPLOY_KEY=prod:clever-heron-456|s\n", env(), "prod", "CONVEX_DEPLOY_KEY in .env.local is the deploy key"},
		{"ignored key", "", env("CONVEX_DEPLOY_KEY", "<ignore_deploy_key>"), "", ""},
		{"project key", "", env("CONVEX_DEPLOY_KEY", "project:team:proj|s"), "project", ""},
	}
	for _, c := range cases {
		if err := os.WriteFile(filepath.Join(dir, ".env.local"), []byte(c.envLocal), 0o600); err != nil {
			t.Fatal(err)
		}
		s := SelectionIn(dir, c.getenv)
		got := s.DefaultsBlocked()
		if s.DeployKeyKind != c.wantKind || (c.wantBlocked == "") != (got == "") || !strings.Contains(got, c.wantBlocked) {
			t.Errorf("%s: kind %q, DefaultsBlocked() = %q; want kind %q, %q", c.name, s.DeployKeyKind, got, c.wantKind, c.wantBlocked)
		}
	}
	// Without a folder, .env.local is not read.
	if s := SelectionFromEnv(env()); s.DeployKeyKind != "" || s.Cloud {
		t.Errorf("SelectionFromEnv read a file: %+v", s)
	}
}
