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

// Framework is a front-end framework we know the conventions of.
type Framework struct {
	ID   string // next, expo, tanstack-start, vite, unknown
	Name string // for people
	// PublishableKeyVar is where the framework's client code reads the publishable key.
	PublishableKeyVar string
	// ClerkPackages are the Clerk packages that fit (new names first).
	ClerkPackages []string
}

var (
	Next          = Framework{"next", "Next.js", "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY", []string{"@clerk/nextjs"}}
	Expo          = Framework{"expo", "Expo", "EXPO_PUBLIC_CLERK_PUBLISHABLE_KEY", []string{"@clerk/expo", "@clerk/clerk-expo"}}
	TanStackStart = Framework{"tanstack-start", "TanStack Start", "VITE_CLERK_PUBLISHABLE_KEY", []string{"@clerk/tanstack-react-start", "@clerk/tanstack-start"}}
	Vite          = Framework{"vite", "Vite", "VITE_CLERK_PUBLISHABLE_KEY", []string{"@clerk/react", "@clerk/clerk-react"}}
	Unknown       = Framework{"unknown", "an unknown framework", "CLERK_PUBLISHABLE_KEY", []string{"@clerk/react", "@clerk/clerk-react"}}
)

// PublishableKeyVars are every name a publishable key goes by, the framework's first.
func (f Framework) PublishableKeyVars() []string {
	out := []string{f.PublishableKeyVar}
	for _, v := range []string{Next.PublishableKeyVar, Vite.PublishableKeyVar, Expo.PublishableKeyVar, Unknown.PublishableKeyVar} {
		if v != f.PublishableKeyVar {
			out = append(out, v)
		}
	}
	return out
}

// AllClerkPackages are the Clerk packages of every framework (they export ClerkProvider and
// useAuth), each once, in the order Next, Expo, TanStackStart, Vite.
func AllClerkPackages() []string {
	var out []string
	for _, f := range []Framework{Next, Expo, TanStackStart, Vite} {
		for _, p := range f.ClerkPackages {
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
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

// Detect picks the framework from dependencies.
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
	case has("vite"):
		return Vite
	}
	return Unknown
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
