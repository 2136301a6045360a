package initcmd

import (
	"context"

	sdk "github.com/clerk/clerk-sdk-go/v2"

	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/iostreams"
)

// instanceStep makes sure Clerk knows the secret key and has named its instance (the issuer),
// and that the publishable key names the same one.
type instanceStep struct{}

func (instanceStep) String() string { return "instance" }

func (instanceStep) Plan(ctx context.Context, s *planState) error {
	p := s.p
	if p.issuer == "" {
		busy := progress(s.opts, "Asking Clerk which instance the keys belong to…")
		err := s.discoverIssuer(ctx)
		busy.Stop()
		if err != nil {
			return err
		}
	}
	if !p.pub.NamesIssuer(p.issuer) {
		return cmdutil.FlagErrorf("the keys come from two Clerk instances: the secret key belongs to %s but the publishable key (%s) to %s; copy both keys from the same instance (Clerk dashboard, API keys)",
			p.issuer, s.pubFrom, p.pub.Issuer())
	}
	s.io.Step(iostreams.OK, "Clerk keys: %s instance, accepted by Clerk (secret key %s from %s)", p.secret.Kind(), p.secret, s.secretFrom)
	s.io.Step(iostreams.OK, "Issuer: %s", p.issuer)
	return nil
}

// discoverIssuer asks Clerk for the secret key's instance (GET /v1/domains). The client it
// builds for the key is kept for the later steps and apply, and starts listing the JWT
// templates at the same time: the two calls do not depend on each other.
func (s *planState) discoverIssuer(ctx context.Context) error {
	p := s.p
	p.issuer = ""
	if err := s.clerkClient(ctx); err != nil {
		return err
	}
	iss, err := p.clerk.Issuer(ctx)
	if err != nil {
		return authHint(err, p.secret, s.secretFrom)
	}
	p.issuer = iss
	return nil
}

// clerkClient builds the Clerk client for the current secret key, once per key, and starts the
// template listing in the background (templateStep waits for it).
func (s *planState) clerkClient(ctx context.Context) error {
	if s.p.clerk != nil && s.clientKey == s.p.secret.Reveal() {
		return nil
	}
	opts := s.opts
	apiURL, err := opts.APIURL(opts.Getenv)
	if err != nil {
		return err
	}
	cc, err := opts.Clerk(apiURL, s.p.secret)
	if err != nil {
		return err
	}
	s.p.clerk, s.clientKey, s.listed = cc, s.p.secret.Reveal(), nil
	ch := make(chan templateList, 1)
	s.templateList = ch
	go func() {
		all, err := cc.Templates(ctx)
		ch <- templateList{all, err}
	}()
	return nil
}

// progress shows a spinner on a terminal while a slow step runs; never with --json.
func progress(opts *Options, label string) *iostreams.Progress {
	if opts.JSON {
		return &iostreams.Progress{}
	}
	return opts.IO.StartProgress(label)
}

// templateList is the answer to the template listing started by clerkClient.
type templateList struct {
	all []*sdk.JWTTemplate
	err error
}

// templates waits for the template listing that clerkClient started.
func (s *planState) templates(ctx context.Context) ([]*sdk.JWTTemplate, error) {
	if err := s.clerkClient(ctx); err != nil {
		return nil, err
	}
	if s.listed == nil {
		busy := progress(s.opts, "Reading the JWT templates from Clerk…")
		defer busy.Stop()
		select {
		case r := <-s.templateList:
			s.listed = &r
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return s.listed.all, s.listed.err
}
