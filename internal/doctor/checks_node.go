package doctor

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/clerkconvex/clerkconvex/internal/project"
	"github.com/clerkconvex/clerkconvex/internal/run"
)

// project.node_version: the Node that npx would run against the installed convex's
// "engines.node" (convex ≥ 1.49 needs Node 22; under Node 20 every `npx convex` exits 1 with
// "Your Node version … is too old"). It runs `node --version` (milliseconds) before any npx
// call, and the npx work waits for it: with a Node too old, npx is never started and the
// checks that need it are skipped, pointing here.

// nodeEngine is the installed convex's Node range, read once when the checks are listed.
type nodeEngine struct {
	rng, convexVersion, path string
}

// nodeCheckListed reports whether project.node_version runs: there is an installed convex
// that declares a Node range, and a way to ask node its version.
func (s *state) nodeCheckListed() bool {
	s.nodeOnce.Do(func() {
		if s.in.Offline || s.in.NodeVersion == nil || s.in.Dir == "" {
			return
		}
		if rng, v, path, ok := project.InstalledNodeEngine(s.convexDir(), "convex"); ok {
			s.node = &nodeEngine{rng: rng, convexVersion: v, path: path}
		}
	})
	return s.node != nil
}

// nodeVersionFuture is the run's one `node --version`, started on first use.
func (s *state) nodeVersionFuture() *future[string] {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.nodeVer == nil {
		s.nodeVer = goFuture(&s.bg, s.ctx, s.in.Timeout, s.in.NodeVersion)
	}
	return s.nodeVer
}

// errNodeTooOld stops the npx work when the Node on PATH cannot run the installed convex.
var errNodeTooOld = errors.New("not run: the Node on PATH is older than the installed convex needs (see project.node_version)")

// nodeGate returns errNodeTooOld when the Node version is known to be outside convex's range;
// nil otherwise (in range, unknown, or not checked): npx then runs and says for itself.
func (s *state) nodeGate(ctx context.Context) error {
	if !s.nodeCheckListed() {
		return nil
	}
	v, err := s.nodeVersionFuture().wait(ctx)
	if err != nil {
		return nil
	}
	if ok, known := project.NodeSatisfies(v, s.node.rng); known && !ok {
		return errNodeTooOld
	}
	return nil
}

var firstNumberRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\d+`) })

func checkNodeVersion(ctx context.Context, s *state) outcome {
	e := s.node
	raw, err := s.nodeVersionFuture().wait(ctx)
	min := firstNumberRE().FindString(e.rng)
	install := "install Node.js"
	if min != "" {
		install = fmt.Sprintf("install Node %s or later (e.g. nvm install %s)", min, min)
	}
	if err != nil {
		if o, ok := timedOut(err); ok {
			return o
		}
		if errors.Is(err, run.ErrNotFound) {
			return fail(install+"; npx comes with it", "node is not on PATH, so npx convex cannot run (the installed convex %s needs Node %s)", e.convexVersion, e.rng)
		}
		return warn("run node --version to see why it fails", "could not run node --version: %v", err)
	}
	v := strings.TrimSpace(raw)
	ok, known := project.NodeSatisfies(v, e.rng)
	switch {
	case !known:
		return skip("Node %s; the installed convex %s asks for Node %q, a range doctor does not read", quoted(v), e.convexVersion, e.rng)
	case ok:
		return pass("Node %s runs the installed convex %s (it needs Node %s)", v, e.convexVersion, e.rng)
	}
	pin := ""
	if major := firstNumberRE().FindString(v); major == "20" || major == "21" {
		pin = fmt.Sprintf(", or keep Node %s and install a convex that runs on it: %s%s", v, project.AddCommand(s.convexDir(), "convex@1.48"), s.inConvexDir())
	}
	return fail(install+" and make it the one on PATH (node --version), then run clerkconvex doctor again"+pin,
		"Node %s is too old for the installed convex %s, which needs Node %s (engines.node in %s): every npx convex command fails with \"Your Node version %s is too old\"",
		v, e.convexVersion, e.rng, relTo(s.in.Dir, e.path), strings.TrimPrefix(v, "v"))
}

// withNodeCheck lists project.node_version after project.convex_version, and makes the checks
// that read the deployment through npx need it.
func (s *state) withNodeCheck(cs []check) []check {
	out := make([]check, 0, len(cs)+1)
	for _, c := range cs {
		switch c.id {
		case "convex.env_var", "convex.auth_env", "convex.defaults":
			c.needs = append(append([]string(nil), c.needs...), "project.node_version")
		}
		out = append(out, c)
		if c.id == "project.convex_version" {
			out = append(out, check{id: "project.node_version", section: SectionProject, live: true, needs: []string{"project.convex_dependency"}, run: checkNodeVersion})
		}
	}
	return out
}
