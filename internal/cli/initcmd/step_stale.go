package initcmd

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/convex"
	"github.com/clerkconvex/clerkconvex/internal/project"
)

// staleError is init stopping, before any change, at a provider of another Clerk instance it
// may not replace without asking: exit 2, code stale_provider.
type staleError struct{ msg, fix string }

func (e *staleError) Error() string { return e.msg + "; " + e.fix }
func (e *staleError) Fix() string   { return e.fix }
func (e *staleError) Code() string  { return "stale_provider" }

// decideStale finds the providers of auth.config that trust another Clerk instance — a
// starter's literal domain, its author's own instance — and decides, by asking (or --yes),
// whether they are replaced by this instance's provider. Without a terminal and without --yes
// init stops here, naming them and the flag: nothing has been changed yet.
//
// A provider of the project's own other instance — its publishable key in one of the project's
// env files, as init --prod --env-file .env.production leaves it (project.OwnClerkInstances) —
// is deliberate, and kept.
func (s *planState) decideStale(ctx context.Context) error {
	p, opts := s.p, s.opts
	s.stale, s.replaceStale = nil, false
	var own []project.OwnInstance
	ownRead := false
	for i, pp := range s.parsed {
		if pp.IsOIDC() && pp.DomainURL != "" && clerk.IsFrontendAPIHost(pp.DomainURL) && !p.pub.NamesIssuer(pp.DomainURL) {
			if !ownRead {
				dirs := []string{p.dir}
				if s.envAbs != "" {
					dirs = append(dirs, filepath.Dir(s.envAbs))
				}
				own, ownRead = project.OwnClerkInstances(ctx, dirs...), true
			}
			if o, ok := project.FindOwnInstance(own, pp.DomainURL); ok {
				s.hint("kept %s:%d (%s): your own instance, its publishable key is %s", rel(p.dir, s.authPath), pp.DomainLine, pp.DomainURL, o.From)
				continue
			}
			s.stale = append(s.stale, i)
		}
	}
	if len(s.stale) == 0 {
		return nil
	}
	authRel := rel(p.dir, s.authPath)
	var names []string
	for _, i := range s.stale {
		names = append(names, fmt.Sprintf("%s:%d (%s)", authRel, s.parsed[i].DomainLine, s.parsed[i].DomainURL))
	}
	what := fmt.Sprintf("%s %s another Clerk instance than this one (%s)", strings.Join(names, ", "),
		map[bool]string{true: "trusts", false: "trust"}[len(names) == 1], p.pub.Host)
	switch {
	case opts.Yes:
		s.replaceStale = true
		p.warn(s.io, "%s: replacing %s with this instance's provider (--yes)", what, map[bool]string{true: "it", false: "them"}[len(names) == 1])
		return nil
	case opts.DryRun:
		s.replaceStale = true
		p.warn(s.io, "%s: init would replace %s with this instance's provider after asking (without a terminal: only with --yes)", what, map[bool]string{true: "it", false: "them"}[len(names) == 1])
		return nil
	case !s.canPrompt:
		return &cmdutil.FlagError{Err: &staleError{
			msg: what + ": Convex would accept that instance's sign-ins",
			fix: "pass --yes to replace it with this instance's provider, or remove it from " + authRel + " by hand",
		}}
	}
	s.hint("%s: Convex would accept that instance's sign-ins. Starters ship their author's own domain.", what)
	ok, err := opts.Prompter().Confirm("Replace it with this instance's provider?", true)
	if err != nil {
		return err
	}
	if !ok {
		p.warn(s.io, "kept %s: clerkconvex doctor will fail it (authconfig.other_instance)", strings.Join(names, ", "))
		return nil
	}
	s.replaceStale = true
	return nil
}

// replaceStaleProviders edits src: the stale providers go, the first of them becoming the Clerk
// provider when the file has none. Later indices first, so earlier ones keep their place.
func (s *planState) replaceStaleProviders(src []byte, clerkProvider convex.Provider) ([]byte, error) {
	idx := slices.Clone(s.stale)
	slices.Reverse(idx)
	var err error
	for k, i := range idx {
		if k == len(idx)-1 && s.clerkIdx < 0 {
			src, err = convex.ReplaceProvider(src, s.authTS, i, clerkProvider)
		} else {
			src, err = convex.RemoveProvider(src, i)
		}
		if err != nil {
			return nil, err
		}
	}
	return src, nil
}
