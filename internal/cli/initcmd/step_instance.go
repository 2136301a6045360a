package initcmd

import (
	"context"

	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/iostreams"
)

// instanceStep asks Clerk which instance the secret key belongs to (its issuer) and checks
// that the publishable key names the same one. The client it builds is reused by later steps
// and by apply.
type instanceStep struct{}

func (instanceStep) String() string { return "instance" }

func (instanceStep) Plan(ctx context.Context, s *planState) error {
	opts, p := s.opts, s.p
	apiURL, err := opts.APIURL(opts.Getenv)
	if err != nil {
		return err
	}
	cc, err := opts.Clerk(apiURL, p.secret)
	if err != nil {
		return err
	}
	p.clerk = cc
	p.issuer, err = cc.Issuer(ctx)
	if err != nil {
		return authHint(err, p.secret, s.secretFrom)
	}
	if !p.pub.NamesIssuer(p.issuer) {
		return cmdutil.FlagErrorf("the keys come from two Clerk instances: the secret key belongs to %s but the publishable key (%s) to %s; copy both keys from the same instance (Clerk dashboard, API keys)",
			p.issuer, s.pubFrom, p.pub.Issuer())
	}
	s.io.Step(iostreams.OK, "Clerk keys: %s instance, accepted by Clerk (secret key %s from %s)", p.secret.Kind(), p.secret, s.secretFrom)
	s.io.Step(iostreams.OK, "Issuer: %s", p.issuer)
	return nil
}
