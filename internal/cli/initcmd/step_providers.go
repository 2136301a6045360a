package initcmd

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/convex"
	"github.com/clerkconvex/clerkconvex/internal/fsutil"
	"github.com/clerkconvex/clerkconvex/internal/iostreams"
)

// providersStep reads the Convex functions folder and the auth config in it, then decides the
// providers: Clerk's first (under the issuer variable auth.config already uses), then any
// others, from flags, else prompts, else defaults.
type providersStep struct{}

func (providersStep) String() string { return "providers" }

func (providersStep) Plan(ctx context.Context, s *planState) error {
	opts, p := s.opts, s.p
	p.providers = nil
	funcDir, _, err := convex.FunctionsDir(p.convexDir())
	if err != nil {
		return &cmdutil.FlagError{Err: err}
	}
	if both := (*convex.BothAuthConfigsError)(nil); errors.As(convex.CheckOneAuthConfig(funcDir), &both) {
		return &cmdutil.FlagError{Err: fmt.Errorf("%s and %s both exist: npx convex refuses to push until one is deleted (\"Found both …, choose one\"); delete the one you do not use, then run clerkconvex init again",
			rel(p.dir, both.TS), rel(p.dir, both.JS))}
	}
	s.authPath, s.authTS, s.authExists = convex.FindAuthConfig(funcDir)
	// auth.config is written only inside the workspace (the project folder outside one), links
	// followed: a functions folder that is a link out of it is refused.
	if s.authAbs, err = fsutil.ResolveInside(p.root(), s.authPath); err != nil {
		return &cmdutil.FlagError{Err: fmt.Errorf("%s: %w", rel(p.dir, s.authPath), err)}
	}
	s.authOld, s.parsed = nil, nil
	if s.authExists {
		s.authOld, _, err = fsutil.ReadFileIfExists(s.authPath)
		if err != nil {
			return &cmdutil.FlagError{Err: err}
		}
		s.parsed, _ = convex.ParseAuthConfig(s.authOld)
	}
	// The Clerk provider already there, under whatever variable name (a starter's
	// EXPO_PUBLIC_CLERK_FRONTEND_API_URL, a fallback): its variables are reused, and no second
	// provider is added.
	p.issuerVar, p.extraIssuerVars, p.issuerValue = convex.DefaultIssuerEnv, nil, p.issuer
	defaultApp, cfgApp := "convex", ""
	s.clerkIdx = convex.FindClerkProvider(s.parsed, convex.ClerkProviderHints{IsIssuer: p.pub.NamesIssuer, Value: s.envValue})
	if s.clerkIdx >= 0 {
		pp := s.parsed[s.clerkIdx]
		if len(pp.DomainEnvs) > 0 {
			p.issuerVar, p.extraIssuerVars = pp.DomainEnvs[0], pp.DomainEnvs[1:]
		}
		if t := pp.DomainTemplate; t != nil && t.Env == p.issuerVar {
			v, ok := t.ValueFor(p.issuer)
			if !ok {
				return &cmdutil.FlagError{Err: fmt.Errorf("%s (line %d) builds the Clerk domain as %s%s%s, which cannot be the issuer %s: write the domain as process.env.%s, then run clerkconvex init again",
					rel(p.dir, s.authPath), pp.DomainLine, t.Before, "${process.env."+t.Env+"}", t.After, p.issuer, t.Env)}
			}
			p.issuerValue = v
		}
		if pp.ApplicationID != "" {
			defaultApp, cfgApp = pp.ApplicationID, pp.ApplicationID
		}
	}
	if err := s.decideStale(ctx); err != nil {
		return err
	}
	switch {
	case len(opts.ProviderURLs) > 0 || len(opts.ApplicationIDs) > 0 || !s.canPrompt:
		err = p.providersFromFlags(opts, defaultApp)
	default:
		err = s.askProviders(ctx, defaultApp, cfgApp)
	}
	if err != nil {
		return err
	}
	p.appID = p.providers[0].ApplicationID
	return nil
}

// providersFromFlags takes the providers from --identity-provider-url and --application-id,
// with the defaults for what they leave out.
func (p *plan) providersFromFlags(opts *Options, defaultApp string) error {
	url := ""
	if len(opts.ProviderURLs) > 0 {
		url = opts.ProviderURLs[0]
	}
	app := defaultApp
	if len(opts.ApplicationIDs) > 0 {
		app = opts.ApplicationIDs[0]
	}
	if url != "" {
		if err := p.checkClerkURL(url, "--identity-provider-url"); err != nil {
			return &cmdutil.FlagError{Err: err}
		}
	}
	if err := checkAppID(app); err != nil {
		return err
	}
	p.providers = append(p.providers, convex.Provider{DomainEnv: p.issuerVar, ApplicationID: app})
	for i := 1; i < len(opts.ProviderURLs); i++ {
		norm, assumed, err := p.checkExtraURL(opts.ProviderURLs[i], "--identity-provider-url")
		if err != nil {
			return &cmdutil.FlagError{Err: err}
		}
		if err := checkAppID(opts.ApplicationIDs[i]); err != nil {
			return err
		}
		if assumed {
			opts.IO.Step(iostreams.Info, "--identity-provider-url %s: taken as %s", opts.ProviderURLs[i], norm)
		}
		p.providers = append(p.providers, convex.Provider{DomainURL: norm, ApplicationID: opts.ApplicationIDs[i]})
	}
	return nil
}

// askProviders asks the questions of the old `npx convex auth add`, unless a rerun finds
// nothing to change (see keepProviders). A wrong answer is explained and the same question
// asked again.
func (s *planState) askProviders(ctx context.Context, defaultApp, cfgApp string) error {
	p, opts := s.p, s.opts
	if !opts.Reconfigure {
		kept, err := s.keepProviders(ctx, cfgApp)
		if err != nil || kept {
			return err
		}
	}
	pr := opts.Prompter()
	ask := func(msg, def string, check func(string) error) (string, error) {
		for {
			v, err := pr.Input(msg, def)
			if err != nil {
				return "", err
			}
			v = cleanAnswer(v)
			if err := check(v); err != nil {
				s.io.Step(iostreams.Warn, "%v; try again", err)
				continue
			}
			return v, nil
		}
	}
	appCheck := func(v string) error { return appIDError(v, "the application ID") }
	// Clerk's provider first: its Domain URL must be the issuer. The default is on a line of
	// its own: in the question it would pass 80 columns.
	s.hint("Clerk's issuer: %s (press Enter to use it)", p.issuer)
	if _, err := ask(promptDomain, "", func(v string) error {
		if v == "" {
			return nil
		}
		return p.checkClerkURL(v, "the Domain URL")
	}); err != nil {
		return err
	}
	app, err := s.chooseAppID(ctx, defaultApp, cfgApp)
	if err != nil {
		return err
	}
	replaces := ""
	if app == "" {
		if app, err = ask(promptAppID, defaultApp, appCheck); err != nil {
			return err
		}
	} else if app != cfgApp {
		// The template's aud was chosen: auth.config's applicationID is rewritten to it.
		replaces = cfgApp
	}
	p.providers = append(p.providers, convex.Provider{DomainEnv: p.issuerVar, ApplicationID: app, Replaces: replaces})
	// Then any others, while the user wants more.
	for {
		more, err := pr.Confirm(promptAnother, false)
		if err != nil || !more {
			return err
		}
		var norm string
		var assumed bool
		v, err := ask(promptDomainMore, "", func(v string) (err error) {
			if v == "" {
				return nil
			}
			norm, assumed, err = p.checkExtraURL(v, "the Domain URL")
			return err
		})
		if err != nil || v == "" {
			return err
		}
		if assumed {
			s.io.Step(iostreams.Info, "taken as %s", norm)
		}
		app, err := ask(promptAppID, "convex", appCheck)
		if err != nil {
			return err
		}
		p.providers = append(p.providers, convex.Provider{DomainURL: norm, ApplicationID: app})
	}
}

// checkClerkURL checks the Clerk provider's Domain URL: it must be this instance's issuer.
// what names the input in messages ("--identity-provider-url", "the Domain URL").
func (p *plan) checkClerkURL(url, what string) error {
	norm, err := clerk.NormalizeIssuer(url)
	if err != nil {
		return fmt.Errorf("%s%s%v", what, sep(what), err)
	}
	if norm != p.issuer {
		fix := "use " + p.issuer
		if strings.HasPrefix(what, "--") {
			fix = "omit the flag or pass " + p.issuer
		}
		return fmt.Errorf("%s %s is not this Clerk instance's issuer, so Convex would reject its tokens; %s", what, url, fix)
	}
	return nil
}

// sep joins an input's name and a problem: "--flag: …" but "the Domain URL …".
func sep(what string) string {
	if strings.HasPrefix(what, "--") {
		return ": "
	}
	return " "
}

// checkExtraURL checks another provider's Domain URL and returns it normalised. A bare host
// (example.auth0.com, as Convex's Auth0 docs write it) is taken as https://host; assumed says so.
func (p *plan) checkExtraURL(url, what string) (norm string, assumed bool, err error) {
	norm, err = clerk.NormalizeIssuer(url)
	if err != nil && !strings.Contains(url, "://") {
		if n, herr := clerk.NormalizeIssuer("https://" + strings.TrimSpace(url)); herr == nil {
			norm, assumed, err = n, true, nil
		}
	}
	if err != nil {
		msg := err.Error()
		if strings.Contains(msg, "is not a URL") {
			msg = fmt.Sprintf("%q is not a URL like https://example.auth0.com", url)
		}
		return "", false, fmt.Errorf("%s%s%s", what, sep(what), msg)
	}
	if norm == p.issuer {
		return "", false, fmt.Errorf("%s %s is the Clerk issuer, which is already the first provider", what, url)
	}
	for _, prov := range p.providers {
		if prov.DomainURL == norm {
			return "", false, fmt.Errorf("%s %s is given twice", what, url)
		}
	}
	return norm, assumed, nil
}

// checkAppID checks --application-id.
func checkAppID(app string) error {
	if err := appIDError(app, "--application-id"); err != nil {
		return &cmdutil.FlagError{Err: err}
	}
	return nil
}

// appIDError checks an application ID; what names the input in messages.
func appIDError(app, what string) error {
	switch {
	case app == "":
		return fmt.Errorf("%s is empty: use \"convex\", the aud of Clerk's convex JWT template", what)
	case len(app) > 128:
		return fmt.Errorf("%s is %d characters long: keep it under 128 (usually just \"convex\")", what, len(app))
	case strings.ContainsAny(app, " \t\r\n\"'`\\"):
		return fmt.Errorf("%s %q has spaces, quotes or backslashes: use a plain identifier such as \"convex\"", what, app)
	}
	for _, r := range app {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("%s has a control character: use a plain identifier such as \"convex\"", what)
		}
	}
	return nil
}

func isClerkIssuerVar(name string) bool {
	for _, n := range convex.ClerkIssuerEnvNames() {
		if n == name {
			return true
		}
	}
	return false
}
