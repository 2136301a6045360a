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
		// Meta-frameworks depend on vite: they win over it.
		{map[string]string{"@react-router/dev": "7", "react-router": "7", "vite": "6"}, ReactRouter},
		{map[string]string{"react-router-dom": "7", "vite": "6"}, Vite},
		{map[string]string{"@remix-run/react": "2", "vite": "5"}, Remix},
		{map[string]string{"@sveltejs/kit": "2", "svelte": "5", "vite": "6"}, SvelteKit},
		{map[string]string{"svelte-clerk": "1"}, SvelteKit},
		{map[string]string{"astro": "5", "@astrojs/react": "4", "vite": "6"}, Astro},
		{map[string]string{"nuxt": "4"}, Nuxt},
		{map[string]string{"express": "5", "@clerk/express": "1"}, Node},
		{map[string]string{"hono": "4"}, Node},
		// A Next.js app with an express server is a Next.js app.
		{map[string]string{"next": "15", "express": "5"}, Next},
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
	want := []string{"NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY", "EXPO_PUBLIC_CLERK_PUBLISHABLE_KEY", "VITE_CLERK_PUBLISHABLE_KEY",
		"CLERK_PUBLISHABLE_KEY", "PUBLIC_CLERK_PUBLISHABLE_KEY", "NUXT_PUBLIC_CLERK_PUBLISHABLE_KEY"}
	if !slices.Equal(got, want) {
		t.Fatalf("%v", got)
	}
	// The framework's own lookup order comes first.
	if got := TanStackStart.PublishableKeyVars(); !slices.Equal(got[:2], []string{"VITE_CLERK_PUBLISHABLE_KEY", "CLERK_PUBLISHABLE_KEY"}) {
		t.Fatalf("%v", got)
	}
}

// Every framework writes a variable its Clerk package reads, first in the lookup order.
func TestFrameworkVars(t *testing.T) {
	for _, f := range append(slices.Clone(Frameworks), Unknown) {
		if len(f.KeyLookup) == 0 || f.KeyLookup[0] != f.PublishableKeyVar || f.SecretKeyVar == "" || len(f.ClerkPackages) == 0 {
			t.Errorf("%s: %+v", f.ID, f)
		}
	}
	for id, want := range map[string]string{"sveltekit": "PUBLIC_CLERK_PUBLISHABLE_KEY", "astro": "PUBLIC_CLERK_PUBLISHABLE_KEY",
		"nuxt": "NUXT_PUBLIC_CLERK_PUBLISHABLE_KEY", "remix": "CLERK_PUBLISHABLE_KEY", "node": "CLERK_PUBLISHABLE_KEY"} {
		for _, f := range Frameworks {
			if f.ID == id && f.PublishableKeyVar != want {
				t.Errorf("%s writes %s, want %s", id, f.PublishableKeyVar, want)
			}
		}
	}
	if Nuxt.SecretKeyVar != "NUXT_CLERK_SECRET_KEY" {
		t.Errorf("nuxt secret %s", Nuxt.SecretKeyVar)
	}
}

func TestAllClerkPackages(t *testing.T) {
	want := []string{
		"@clerk/nextjs", "@clerk/expo", "@clerk/clerk-expo",
		"@clerk/tanstack-react-start", "@clerk/tanstack-start", "@clerk/react-router", "@clerk/remix",
		"@clerk/react", "@clerk/clerk-react",
	}
	got := AllClerkPackages()
	if !slices.Equal(got, want) {
		t.Fatalf("AllClerkPackages() = %v, want %v", got, want)
	}
	// Every framework's packages are in it, Unknown's included.
	for _, f := range []Framework{Next, Expo, TanStackStart, Vite, ReactRouter, Remix, Unknown} {
		for _, p := range f.ClerkPackages {
			if !slices.Contains(got, p) {
				t.Errorf("%s's %s missing", f.ID, p)
			}
		}
	}
}
