// Package project reads a JavaScript project's package.json: which framework it uses, and so
// which names its environment variables take.
package project

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/fsutil"
)

// Framework is a front-end framework we know the conventions of. The variable names and their
// order follow each Clerk package's published source (see docs/init.md, "Frameworks").
type Framework struct {
	ID   string // next, expo, tanstack-start, vite, react-router, remix, sveltekit, astro, nuxt, node, unknown
	Name string // for people
	// PublishableKeyVar is the variable init writes the publishable key to when the env file
	// has none of KeyLookup.
	PublishableKeyVar string
	// KeyLookup are the variables the framework's Clerk package (or, where the package takes
	// the key as a prop, the framework's env loader) reads the publishable key from, in its
	// order: the first one set is the key the app uses.
	KeyLookup []string
	// SecretKeyVar is where the app's server reads the secret key.
	SecretKeyVar string
	// ClerkPackages are the Clerk packages that fit (new names first).
	ClerkPackages []string
	// EnvFile is the env file the framework's dev server loads and init writes by default:
	// .env.local, or .env where only that one is read (Nuxt, Remix, a Node server with
	// dotenv).
	EnvFile string
	// DevEnvFiles are the env files the framework's dev server loads, the one that wins first
	// (Next.js and Expo: .env.development.local, .env.local, .env.development, .env; Vite and
	// the frameworks built on it: .env.development.local, .env.development, .env.local,
	// .env); nil where only EnvFile is read.
	DevEnvFiles []string
	// WiringChecked is true for React frameworks, whose client wiring (ConvexProviderWithClerk
	// with Clerk's useAuth) doctor reads; for the others it says plainly that it does not.
	WiringChecked bool
}

const (
	secretKeyVar = "CLERK_SECRET_KEY"
	barePK       = "CLERK_PUBLISHABLE_KEY"
	vitePK       = "VITE_CLERK_PUBLISHABLE_KEY"
	publicPK     = "PUBLIC_CLERK_PUBLISHABLE_KEY"
)

// The lookup orders, from the packages' dist code:
//   - @clerk/nextjs: process.env.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY only.
//   - @clerk/expo takes the key as a prop (Expo inlines only EXPO_PUBLIC_ variables, and not
//     inside node_modules); @clerk/clerk-expo falls back to EXPO_PUBLIC_… then
//     CLERK_PUBLISHABLE_KEY, but Metro never inlines the latter into the app, so only the
//     EXPO_PUBLIC_ name reaches a running app.
//   - @clerk/tanstack-react-start and @clerk/react-router: VITE_CLERK_PUBLISHABLE_KEY, then
//     CLERK_PUBLISHABLE_KEY (read on the server, which hands the key to the client).
//   - @clerk/react 6 falls back to VITE_… then CLERK_…, from import.meta.env, where Vite puts
//     only VITE_ variables; @clerk/clerk-react 5 takes a prop. In a Vite app only VITE_ works.
//   - @clerk/remix: CLERK_PUBLISHABLE_KEY (server loader). svelte-clerk and @clerk/astro:
//     PUBLIC_CLERK_PUBLISHABLE_KEY. @clerk/nuxt: runtime config, so NUXT_PUBLIC_CLERK_… and
//     NUXT_CLERK_SECRET_KEY. @clerk/express: CLERK_PUBLISHABLE_KEY.
var (
	// nextEnvFiles is the order of Next.js's @next/env and of Expo's @expo/env in development;
	// viteEnvFiles is Vite's (a mode's files over the generic .env.local).
	nextEnvFiles = []string{".env.development.local", ".env.local", ".env.development", ".env"}
	viteEnvFiles = []string{".env.development.local", ".env.development", ".env.local", ".env"}
)

var (
	Next = Framework{ID: "next", Name: "Next.js", PublishableKeyVar: "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY",
		KeyLookup: []string{"NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY"}, SecretKeyVar: secretKeyVar,
		ClerkPackages: []string{"@clerk/nextjs"}, WiringChecked: true, DevEnvFiles: nextEnvFiles}
	Expo = Framework{ID: "expo", Name: "Expo", PublishableKeyVar: "EXPO_PUBLIC_CLERK_PUBLISHABLE_KEY",
		KeyLookup: []string{"EXPO_PUBLIC_CLERK_PUBLISHABLE_KEY"}, SecretKeyVar: secretKeyVar,
		ClerkPackages: []string{"@clerk/expo", "@clerk/clerk-expo"}, WiringChecked: true, DevEnvFiles: nextEnvFiles}
	TanStackStart = Framework{ID: "tanstack-start", Name: "TanStack Start", PublishableKeyVar: vitePK,
		KeyLookup: []string{vitePK, barePK}, SecretKeyVar: secretKeyVar,
		ClerkPackages: []string{"@clerk/tanstack-react-start", "@clerk/tanstack-start"}, WiringChecked: true, DevEnvFiles: viteEnvFiles}
	Vite = Framework{ID: "vite", Name: "Vite", PublishableKeyVar: vitePK,
		KeyLookup: []string{vitePK}, SecretKeyVar: secretKeyVar,
		ClerkPackages: []string{"@clerk/react", "@clerk/clerk-react"}, WiringChecked: true, DevEnvFiles: viteEnvFiles}
	ReactRouter = Framework{ID: "react-router", Name: "React Router", PublishableKeyVar: vitePK,
		KeyLookup: []string{vitePK, barePK}, SecretKeyVar: secretKeyVar,
		ClerkPackages: []string{"@clerk/react-router"}, WiringChecked: true, DevEnvFiles: viteEnvFiles}
	Remix = Framework{ID: "remix", Name: "Remix", PublishableKeyVar: barePK,
		KeyLookup: []string{barePK}, SecretKeyVar: secretKeyVar,
		ClerkPackages: []string{"@clerk/remix"}, WiringChecked: true, EnvFile: ".env"}
	SvelteKit = Framework{ID: "sveltekit", Name: "SvelteKit", PublishableKeyVar: publicPK,
		KeyLookup: []string{publicPK}, SecretKeyVar: secretKeyVar,
		ClerkPackages: []string{"svelte-clerk"}, DevEnvFiles: viteEnvFiles}
	Astro = Framework{ID: "astro", Name: "Astro", PublishableKeyVar: publicPK,
		KeyLookup: []string{publicPK}, SecretKeyVar: secretKeyVar,
		ClerkPackages: []string{"@clerk/astro"}, DevEnvFiles: viteEnvFiles}
	Nuxt = Framework{ID: "nuxt", Name: "Nuxt", PublishableKeyVar: "NUXT_PUBLIC_CLERK_PUBLISHABLE_KEY",
		KeyLookup: []string{"NUXT_PUBLIC_CLERK_PUBLISHABLE_KEY"}, SecretKeyVar: "NUXT_CLERK_SECRET_KEY",
		ClerkPackages: []string{"@clerk/nuxt"}, EnvFile: ".env"}
	Node = Framework{ID: "node", Name: "a Node.js server", PublishableKeyVar: barePK,
		KeyLookup: []string{barePK}, SecretKeyVar: secretKeyVar,
		ClerkPackages: []string{"@clerk/express", "@clerk/fastify", "@clerk/backend"}, EnvFile: ".env"}
	Unknown = Framework{ID: "unknown", Name: "an unknown framework", PublishableKeyVar: barePK,
		KeyLookup: []string{barePK}, SecretKeyVar: secretKeyVar,
		ClerkPackages: []string{"@clerk/react", "@clerk/clerk-react"}, WiringChecked: true}
)

// Frameworks are all the frameworks Detect knows, in the order it tries them.
var Frameworks = []Framework{Next, Expo, TanStackStart, ReactRouter, Remix, SvelteKit, Astro, Nuxt, Vite, Node}

// PublishableKeyVars are every name a publishable key goes by, the framework's lookup order
// first: a key under one of the others is in the wrong place for this framework.
func (f Framework) PublishableKeyVars() []string {
	out := slices.Clone(f.KeyLookup)
	for _, g := range append(slices.Clone(Frameworks), Unknown) {
		for _, v := range g.KeyLookup {
			if !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
	}
	return out
}

// AllClerkPackages are the Clerk packages that export ClerkProvider and useAuth for React,
// each once, in the order of Frameworks.
func AllClerkPackages() []string {
	var out []string
	for _, f := range Frameworks {
		if !f.WiringChecked {
			continue
		}
		for _, p := range f.ClerkPackages {
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}

// DefaultEnvFile is the env file of the app in dir when --env-file is not given: its
// framework's, else .env.local.
func DefaultEnvFile(dir string) string {
	if p, err := Load(dir); err == nil && p.Framework.EnvFile != "" {
		return p.Framework.EnvFile
	}
	return ".env.local"
}

// Project is what package.json says.
type Project struct {
	Dir       string
	Name      string
	Deps      map[string]string // dependencies and devDependencies
	Framework Framework
}

// ErrNoPackageJSON means the folder is not a JavaScript project.
var ErrNoPackageJSON = errors.New("no package.json")

// Load reads dir/package.json.
func Load(dir string) (*Project, error) {
	path := filepath.Join(dir, "package.json")
	data, exists, err := fsutil.ReadFileIfExists(path)
	if err != nil {
		return nil, fmt.Errorf("reading package.json: %w", err)
	}
	if !exists {
		return nil, fmt.Errorf("%w in %s: run clerkconvex in your app's folder, or pass -C <folder>", ErrNoPackageJSON, dir)
	}
	var pj struct {
		Name            string            `json:"name"`
		Dependencies    map[string]string `json:"dependencies"`
		DevDependencies map[string]string `json:"devDependencies"`
	}
	if err := json.Unmarshal(stripBOM(data), &pj); err != nil {
		return nil, fmt.Errorf("%s is not valid JSON: %w; fix package.json (npm cannot read it either)", path, err)
	}
	p := &Project{Dir: dir, Name: pj.Name, Deps: map[string]string{}}
	for k, v := range pj.DevDependencies {
		p.Deps[k] = v
	}
	for k, v := range pj.Dependencies {
		p.Deps[k] = v
	}
	p.Framework = Detect(p.Deps)
	return p, nil
}

// Detect picks the framework from dependencies. Meta-frameworks come before Vite, which most
// of them depend on; a Node server is one with a server framework and none of the others.
func Detect(deps map[string]string) Framework {
	has := func(names ...string) bool {
		for _, n := range names {
			if _, ok := deps[n]; ok {
				return true
			}
		}
		return false
	}
	switch {
	case has("next", "@clerk/nextjs"):
		return Next
	case has("expo", "@clerk/expo", "@clerk/clerk-expo"):
		return Expo
	case has("@tanstack/react-start", "@tanstack/start", "@clerk/tanstack-react-start"):
		return TanStackStart
	case has("@react-router/dev", "@clerk/react-router"):
		return ReactRouter
	case has("@remix-run/react", "@remix-run/node", "@remix-run/dev", "@clerk/remix"):
		return Remix
	case has("@sveltejs/kit", "svelte-clerk"):
		return SvelteKit
	case has("astro", "@clerk/astro"):
		return Astro
	case has("nuxt", "@clerk/nuxt"):
		return Nuxt
	case has("vite"):
		return Vite
	case has("express", "fastify", "hono", "koa", "@clerk/express", "@clerk/fastify", "@clerk/backend"):
		return Node
	}
	return Unknown
}

// IsApp tells whether the project is an app Clerk's keys are for: a known framework, or a
// dependency on one of the Clerk packages.
func (p *Project) IsApp() bool {
	if p.Framework.ID != Unknown.ID {
		return true
	}
	for _, f := range append(slices.Clone(Frameworks), Unknown) {
		for _, c := range f.ClerkPackages {
			if p.Has(c) {
				return true
			}
		}
	}
	return false
}

// Has tells whether the project depends on a package.
func (p *Project) Has(name string) bool { _, ok := p.Deps[name]; return ok }

// ClerkPackage returns the first Clerk package of the framework the project depends on.
func (p *Project) ClerkPackage() (string, bool) {
	for _, n := range p.Framework.ClerkPackages {
		if p.Has(n) {
			return n, true
		}
	}
	return "", false
}

// ConvexVersion returns the convex dependency's version range as written ("^1.48.0").
func (p *Project) ConvexVersion() (string, bool) {
	v, ok := p.Deps["convex"]
	return strings.TrimSpace(v), ok
}
