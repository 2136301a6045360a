package initcmd

import (
	"context"

	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
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
		out, _, err := cmdutil.AddProviders(authRel, nil, false, s.authTS, p.providers)
		p.authFile.New = out
		return err
	}
	cur := s.authOld
	add := p.providers
	if s.clerkIdx >= 0 && s.parsed[s.clerkIdx].DomainEnv == "" {
		// The Clerk provider is there, its domain built from its variables or written
		// literally: nothing to add, but the applicationID the user chose is written in (before
		// stale providers go, while its index holds).
		if c := add[0]; c.Replaces != "" {
			out, err := convex.SetApplicationID(cur, s.clerkIdx, c.Replaces, c.ApplicationID)
			if err != nil {
				return err
			}
			cur = out
		}
		add = add[1:]
	}
	if s.replaceStale {
		out, err := s.replaceStaleProviders(cur, p.providers[0])
		if err != nil {
			return err
		}
		cur = out
	}
	cur, manual, err := cmdutil.AddProviders(authRel, cur, true, s.authTS, add)
	if err != nil {
		return err
	}
	for _, m := range manual {
		snippet := m.Provider.Snippet(s.authTS)
		p.manual = append(p.manual, snippet)
		p.warn(s.io, "%s can't be edited safely (%s): add this provider to its providers array by hand:\n%s", authRel, m.Reason, indent(snippet, "    "))
	}
	p.authFile.New = cur
	return nil
}
