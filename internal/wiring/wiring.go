// Package wiring plans the client code that connects an app to Clerk and Convex: the
// <ClerkProvider> and <ConvexProviderWithClerk> (with Clerk's useAuth) around the app, and for
// Next.js Clerk's middleware. Each framework has a planner (next.go, vite.go, expo.go,
// tanstack.go) that reads the project and returns a Plan: new files, the smallest edits of
// existing ones (edit.go), packages to install, and, for shapes it cannot edit with certainty,
// the snippet to add by hand. Planning changes nothing; the caller shows the plan, asks, and
// writes it (init's wiring step, doctor --fix).
package wiring

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/clerkconvex/clerkconvex/internal/fsutil"
	"github.com/clerkconvex/clerkconvex/internal/jsparse"
	"github.com/clerkconvex/clerkconvex/internal/project"
)

// Plan is what wiring a project would change.
type Plan struct {
	Framework string   // project.Framework.ID of the planner
	Changes   []Change // files to create or edit, in order
	Manual    []Manual // what is left to the user
	Install   []string // packages to add with the project's package manager
}

// Change is one file to create or edit.
type Change struct {
	Path string // relative to the app folder, with slashes
	Old  []byte // the file as read; nil for a new file
	New  []byte
	Why  string // one line: what the change does, for the plan and the prompt
}

// Manual is something the user adds by hand: a shape the planner cannot edit with certainty.
type Manual struct {
	Path    string // the file, relative to the app folder, with slashes
	Where   string // where in it, for people ("around {children} in <body>")
	Snippet string // the exact code
	Reason  string // why it was not edited ("{children} appears twice")
}

// Empty is true when the plan changes, installs and asks nothing.
func (p *Plan) Empty() bool {
	return p == nil || (len(p.Changes) == 0 && len(p.Manual) == 0 && len(p.Install) == 0)
}

// Input is what a planner reads.
type Input struct {
	Dir     string           // the app folder (where package.json is), absolute
	Root    string           // the folder files must stay inside (the workspace); Dir when ""
	Project *project.Project // the app's package.json
	// ProviderWired: doctor's client.provider_wiring check does not fail, so the planner
	// leaves the provider wiring alone (and plans only what else it owns, such as Next.js's
	// middleware). init and doctor --fix set it from that check.
	ProviderWired bool
}

// A Planner plans the wiring of one framework's app. It returns an empty plan when the app is
// wired already, and must not write anything.
type Planner func(ctx context.Context, in *Input) (*Plan, error)

// planners maps a framework ID to its planner. It is filled once, by each planner file's
// init (as image and database/sql register their formats and drivers), and only read after.
var planners = map[string]Planner{}

func register(framework string, p Planner) {
	if _, dup := planners[framework]; dup {
		panic("wiring: two planners for " + framework)
	}
	planners[framework] = p
}

// Frameworks lists the framework IDs that have a planner, sorted.
func Frameworks() []string {
	out := make([]string, 0, len(planners))
	for id := range planners {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// ErrNoPlanner means clerkconvex cannot wire this framework's client.
var ErrNoPlanner = errors.New("no client wiring for this framework")

// PlanFor plans the wiring of the app in.Dir with its framework's planner; ErrNoPlanner when
// there is none. Every change's new text parses (esbuild), or PlanFor fails.
func PlanFor(ctx context.Context, in *Input) (*Plan, error) {
	if in.Project == nil {
		return nil, errors.New("wiring: no project")
	}
	p, ok := planners[in.Project.Framework.ID]
	if !ok {
		return nil, fmt.Errorf("%w (%s)", ErrNoPlanner, in.Project.Framework.Name)
	}
	plan, err := p(ctx, in)
	if err != nil {
		return nil, err
	}
	if plan.Framework == "" {
		plan.Framework = in.Project.Framework.ID
	}
	for _, c := range plan.Changes {
		if err := jsparse.CheckEdit(c.Path, c.Old, c.New); err != nil {
			return nil, err
		}
	}
	return plan, nil
}

// Read reads the file rel (slashes, relative to in.Dir), refusing one whose real path is
// outside in.Root. exists is false when there is no such file.
func (in *Input) Read(rel string) (data []byte, exists bool, err error) {
	abs, err := in.abs(rel)
	if err != nil {
		return nil, false, err
	}
	data, exists, err = fsutil.ReadFileIfExists(abs)
	if err != nil {
		return nil, false, fmt.Errorf("reading %s: %w", rel, err)
	}
	return data, exists, nil
}

// Exists says whether rel (a file or folder) exists under in.Dir.
func (in *Input) Exists(rel string) bool {
	_, err := os.Stat(filepath.Join(in.Dir, filepath.FromSlash(rel)))
	return err == nil
}

// IsDir says whether rel is a folder under in.Dir.
func (in *Input) IsDir(rel string) bool {
	st, err := os.Stat(filepath.Join(in.Dir, filepath.FromSlash(rel)))
	return err == nil && st.IsDir()
}

// First returns the first of rels that is a file, or "".
func (in *Input) First(rels ...string) string {
	for _, r := range rels {
		st, err := os.Stat(filepath.Join(in.Dir, filepath.FromSlash(r)))
		if err == nil && st.Mode().IsRegular() {
			return r
		}
	}
	return ""
}

func (in *Input) abs(rel string) (string, error) {
	root := in.Root
	if root == "" {
		root = in.Dir
	}
	abs, err := fsutil.ResolveInside(root, filepath.Join(in.Dir, filepath.FromSlash(rel)))
	if err != nil {
		return "", fmt.Errorf("%s: %w", rel, err)
	}
	return abs, nil
}

// ClerkPackage is the Clerk package the app's imports come from: the first of the
// framework's packages the app depends on, else the framework's first (to be installed).
func (in *Input) ClerkPackage() (pkg string, installed bool) {
	if p, ok := in.Project.ClerkPackage(); ok {
		return p, true
	}
	return in.Project.Framework.ClerkPackages[0], false
}
