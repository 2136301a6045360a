package initcmd

import (
	"context"

	"github.com/clerkconvex/clerkconvex/internal/convex"
)

// authConfigStep plans convex/auth.config.ts: a new file with the providers, or each provider
// merged into the file as it is; one that cannot be merged safely is left to the user, with the
// snippet to paste.
type authConfigStep struct{}

func (authConfigStep) String() string { return "auth.config" }

func (authConfigStep) Plan(ctx context.Context, s *planState) error {
	p := s.p
	authRel := rel(p.dir, s.authPath)
	p.manual = nil
	p.authFile = &filePlan{Rel: authRel, Abs: s.authAbs, Old: s.authOld, Exists: s.authExists, Perm: 0o644}
	if !s.authExists {
		out, err := convex.RenderAuthConfig(s.authTS, p.providers)
		p.authFile.New = out
		return err
	}
	cur := s.authOld
	if s.replaceStale {
		out, err := s.replaceStaleProviders(cur, p.providers[0])
		if err != nil {
			return err
		}
		cur = out
	}
	for i, prov := range p.providers {
		if i == 0 && s.clerkIdx >= 0 && s.parsed[s.clerkIdx].DomainEnv == "" {
			// The Clerk provider is there, its domain built from its variables or written
			// literally: nothing to add.
			continue
		}
		out, outcome, reason, err := convex.MergeAuthConfig(cur, s.authTS, prov)
		if err != nil {
			return err
		}
		if outcome == convex.MergeManual {
			p.manual = append(p.manual, prov.Snippet(s.authTS))
			p.warn(s.io, "%s can't be edited safely (%s): add this provider to its providers array by hand:\n%s", authRel, reason, indent(prov.Snippet(s.authTS), "    "))
			continue
		}
		cur = out
	}
	p.authFile.New = cur
	return nil
}
