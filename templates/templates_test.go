package templates

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

type provider struct {
	DomainEnv     string
	DomainURL     string
	ApplicationID string
}

type authConfig struct {
	Providers []provider
}

func TestRenderGolden(t *testing.T) {
	clerk := provider{DomainEnv: "CLERK_JWT_ISSUER_DOMAIN", ApplicationID: "convex"}
	literal := provider{DomainURL: "https://verb-noun-12.clerk.accounts.dev", ApplicationID: "convex"}
	odd := provider{DomainURL: "https://example.com/a\"b\\c", ApplicationID: "it's\n\u2028"}
	cases := []struct {
		golden string
		tmpl   string
		data   any
	}{
		{"auth.config.ts.clerk.golden", "auth.config.ts.tmpl", authConfig{[]provider{clerk}}},
		{"auth.config.js.clerk.golden", "auth.config.js.tmpl", authConfig{[]provider{clerk}}},
		{"auth.config.ts.two.golden", "auth.config.ts.tmpl", authConfig{[]provider{clerk, literal}}},
		{"auth.config.js.two.golden", "auth.config.js.tmpl", authConfig{[]provider{clerk, literal}}},
		{"auth.config.ts.empty.golden", "auth.config.ts.tmpl", authConfig{}},
		{"auth.config.ts.escape.golden", "auth.config.ts.tmpl", authConfig{[]provider{odd}}},
		// A map exercises missingkey=error's happy path with the same output.
		{"auth.config.ts.clerk.golden", "auth.config.ts.tmpl", map[string]any{
			"Providers": []map[string]any{{"DomainEnv": "CLERK_JWT_ISSUER_DOMAIN", "ApplicationID": "convex"}},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.golden, func(t *testing.T) {
			got, err := Render(tc.tmpl, tc.data)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tc.golden)
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./templates -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Render(%s) mismatch with %s:\n--- got\n%s\n--- want\n%s", tc.tmpl, path, got, want)
			}
		})
	}
}

func TestRenderErrors(t *testing.T) {
	cases := []struct {
		name, tmpl string
		data       any
		wantErr    string
	}{
		{"unknown template", "nope.tmpl", authConfig{}, "nope.tmpl"},
		{"missing map key", "auth.config.ts.tmpl", map[string]any{}, "Providers"},
		{"missing provider key", "auth.config.js.tmpl", map[string]any{
			"Providers": []map[string]any{{"DomainEnv": "X"}},
		}, "ApplicationID"},
		{"wrong type", "auth.config.ts.tmpl", 42, "Providers"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Render(tc.tmpl, tc.data)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("Render error = %v, want one mentioning %q", err, tc.wantErr)
			}
		})
	}
}

func TestJSString(t *testing.T) {
	cases := []struct {
		in    string
		quote rune
		want  string
	}{
		{"convex", '"', `"convex"`},
		{"convex", '\'', `'convex'`},
		{`a"b'c`, '"', `"a\"b'c"`},
		{`a"b'c`, '\'', `'a"b\'c'`},
		{`back\slash`, '"', `"back\\slash"`},
		{"nl\ncr\rtab\tnul\x00del\x7f", '"', `"nl\ncr\rtab\tnul\u0000del\u007f"`},
		{"ls\u2028ps\u2029", '"', `"ls\u2028ps\u2029"`},
		{"héllo ✓", '"', `"héllo ✓"`},
		{"bad\xffbyte", '"', "\"bad\uFFFDbyte\""},
		{"x", '`', `"x"`}, // unsupported quote falls back to double quotes
	}
	for _, tc := range cases {
		if got := JSString(tc.in, tc.quote); got != tc.want {
			t.Errorf("JSString(%q, %q) = %s, want %s", tc.in, tc.quote, got, tc.want)
		}
	}
}
