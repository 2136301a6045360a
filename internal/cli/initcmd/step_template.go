package initcmd

import (
	"context"
	"fmt"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
)

// templateStep plans the JWT template: created with the profile claims and --claims, or
// updated (after asking, or with --yes) so that its aud holds the application ID, with only
// --claims forced on an existing one.
type templateStep struct{}

func (templateStep) String() string { return "template" }

func (templateStep) Plan(ctx context.Context, s *planState) error {
	opts, p := s.opts, s.p
	all, err := s.templates(ctx)
	if err != nil {
		return authHint(err, p.secret, s.secretFrom)
	}
	p.tmpl, err = clerk.PlanConvexTemplate(all, opts.TemplateName, p.appID, s.extra)
	if err != nil {
		return err
	}
	for _, n := range p.tmpl.NearMisses {
		p.warn(s.io, "Clerk has a JWT template named %q: Convex's Clerk provider asks for exactly %q; delete or rename %q in the Clerk dashboard to avoid confusion", n, opts.TemplateName, n)
	}
	if p.tmpl.Action != clerk.Updated || opts.DryRun || opts.Yes || s.audChosen {
		return nil
	}
	changes := strings.Join(p.tmpl.Changes, "; ")
	if !s.canPrompt {
		return cmdutil.FlagErrorf("JWT template %q needs a change (%s): rerun with --yes to allow it", opts.TemplateName, changes)
	}
	s.hint("JWT template %q needs a change (%s).", opts.TemplateName, changes)
	ok, err := opts.Prompter().Confirm(fmt.Sprintf("Update JWT template %q?", opts.TemplateName), true)
	if err != nil {
		return err
	}
	if !ok {
		return &cmdutil.ExitError{Code: cmdutil.ExitFailure, Err: fmt.Errorf("left JWT template %q as it is: Convex will reject its tokens until its aud contains %q; run init again and answer yes, or pass --yes", opts.TemplateName, p.appID)}
	}
	return nil
}
