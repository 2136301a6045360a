package project

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestDetect(t *testing.T) {
	for _, tc := range []struct {
		deps map[string]string
		want Framework
	}{
		{map[string]string{"next": "15", "react": "19"}, Next},
		{map[string]string{"vite": "7", "react": "19"}, Vite},
		{map[string]string{"expo": "52"}, Expo},
		{map[string]string{"@clerk/clerk-expo": "2"}, Expo},
		{map[string]string{"@tanstack/react-start": "1", "vite": "7"}, TanStackStart},
		{map[string]string{"react": "19"}, Unknown},
	} {
		if got := Detect(tc.deps); got.ID != tc.want.ID {
			t.Errorf("Detect(%v) = %s, want %s", tc.deps, got.ID, tc.want.ID)
		}
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	if _, err := Load(dir); !errors.Is(err, ErrNoPackageJSON) {
		t.Fatalf("no package.json: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"name":"x","dependencies":{"convex":"^1.48.0","@clerk/clerk-react":"5"},"devDependencies":{"vite":"7"}}`), 0o644)
	p, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if p.Framework.ID != "vite" || p.Framework.PublishableKeyVar != "VITE_CLERK_PUBLISHABLE_KEY" {
		t.Fatalf("framework %+v", p.Framework)
	}
	if pkg, ok := p.ClerkPackage(); !ok || pkg != "@clerk/clerk-react" {
		t.Fatalf("clerk package %q %v", pkg, ok)
	}
	if v, _ := p.ConvexVersion(); v != "^1.48.0" {
		t.Fatalf("convex %q", v)
	}
	os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{`), 0o644)
	if _, err := Load(dir); err == nil {
		t.Fatal("bad JSON accepted")
	}
	os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"name":1}`), 0o644)
	_, err = Load(dir)
	var typeErr *json.UnmarshalTypeError
	if !errors.As(err, &typeErr) || !strings.HasSuffix(err.Error(), "; fix package.json (npm cannot read it either)") {
		t.Fatalf("wrong type: err %v, want a wrapped *json.UnmarshalTypeError and the fix", err)
	}
	// npm accepts a UTF-8 byte order mark at the start.
	os.WriteFile(filepath.Join(dir, "package.json"), []byte("\ufeff{\"name\":\"bom\",\"dependencies\":{\"next\":\"15\"}}"), 0o644)
	if p, err := Load(dir); err != nil || p.Name != "bom" || p.Framework.ID != "next" {
		t.Fatalf("with a BOM: %+v, %v", p, err)
	}
}

func TestPublishableKeyVars(t *testing.T) {
	got := Next.PublishableKeyVars()
	if got[0] != "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY" || len(got) != 4 {
		t.Fatalf("%v", got)
	}
}

func TestAllClerkPackages(t *testing.T) {
	want := []string{
		"@clerk/nextjs", "@clerk/expo", "@clerk/clerk-expo",
		"@clerk/tanstack-react-start", "@clerk/tanstack-start", "@clerk/react", "@clerk/clerk-react",
	}
	got := AllClerkPackages()
	if !slices.Equal(got, want) {
		t.Fatalf("AllClerkPackages() = %v, want %v", got, want)
	}
	// Every framework's packages are in it, Unknown's included.
	for _, f := range []Framework{Next, Expo, TanStackStart, Vite, Unknown} {
		for _, p := range f.ClerkPackages {
			if !slices.Contains(got, p) {
				t.Errorf("%s's %s missing", f.ID, p)
			}
		}
	}
}
