package initcmd

import (
	"context"
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
	p := s.p
	p.providers = nil
	funcDir, _, err := convex.FunctionsDir(p.convexDir())
	if err != nil {
		return &cmdutil.FlagError{Err: err}
	}
	s.authPath, s.authTS, s.authExists = convex.FindAuthConfig(funcDir)
	s.authOld, s.parsed = nil, nil
	if s.authExists {
		s.authOld, _, err = fsutil.ReadFileIfExists(s.authPath)
		if err != nil {
			return &cmdutil.FlagError{Err: err}
		}
		s.parsed, _ = convex.ParseAuthConfig(s.authOld)
	}
	p.issuerVar = convex.DefaultIssuerEnv
	defaultApp := "convex"
	for _, pp := range s.parsed {
		if pp.DomainEnv != "" && isClerkIssuerVar(pp.DomainEnv) {
			p.issuerVar = pp.DomainEnv
			if pp.ApplicationID != "" {
				defaultApp = pp.ApplicationID
			}
			break
		}
	}
	if err := p.chooseProviders(s.opts, s.canPrompt, defaultApp); err != nil {
		return err
	}
	p.appID = p.providers[0].ApplicationID
	return nil
}

func (p *plan) chooseProviders(opts *Options, canPrompt bool, defaultApp string) error {
	if len(opts.ProviderURLs) > 0 || len(opts.ApplicationIDs) > 0 || !canPrompt {
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
			norm, err := p.checkExtraURL(opts.ProviderURLs[i], "--identity-provider-url")
			if err != nil {
				return &cmdutil.FlagError{Err: err}
			}
			if err := checkAppID(opts.ApplicationIDs[i]); err != nil {
				return err
			}
			p.providers = append(p.providers, convex.Provider{DomainURL: norm, ApplicationID: opts.ApplicationIDs[i]})
		}
		return nil
	}

	// Interactive: the questions of the old `npx convex auth add`. A wrong answer is explained
	// and the same question asked again.
	pr := opts.Prompter()
	ask := func(msg, def string, check func(string) error) (string, error) {
		for {
			v, err := pr.Input(msg, def)
			if err != nil {
				return "", err
			}
			v = strings.TrimSpace(v)
			if err := check(v); err != nil {
				opts.IO.Step(iostreams.Warn, "%v; try again", err)
				continue
			}
			return v, nil
		}
	}
	appCheck := func(v string) error { return appIDError(v, "the application ID") }
	// Clerk's provider first: its Domain URL must be the issuer.
	if _, err := ask("Enter the identity provider's Domain URL", p.issuer, func(v string) error {
		return p.checkClerkURL(v, "the Domain URL")
	}); err != nil {
		return err
	}
	app, err := ask("Enter your application/client ID with this identity provider", defaultApp, appCheck)
	if err != nil {
		return err
	}
	p.providers = append(p.providers, convex.Provider{DomainEnv: p.issuerVar, ApplicationID: app})
	// Then any others, while the user wants more.
	for {
		more, err := pr.Confirm("Would you like to add another provider?", false)
		if err != nil || !more {
			return err
		}
		var norm string
		v, err := ask("Enter the identity provider's Domain URL (leave empty to stop adding)", "", func(v string) (err error) {
			if v == "" {
				return nil
			}
			norm, err = p.checkExtraURL(v, "the Domain URL")
			return err
		})
		if err != nil || v == "" {
			return err
		}
		app, err := ask("Enter your application/client ID with this identity provider", "convex", appCheck)
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

// checkExtraURL checks another provider's Domain URL and returns it normalised.
func (p *plan) checkExtraURL(url, what string) (string, error) {
	norm, err := clerk.NormalizeIssuer(url)
	if err != nil {
		return "", fmt.Errorf("%s%s%v", what, sep(what), err)
	}
	if norm == p.issuer {
		return "", fmt.Errorf("%s %s is the Clerk issuer, which is already the first provider", what, url)
	}
	for _, prov := range p.providers {
		if prov.DomainURL == norm {
			return "", fmt.Errorf("%s %s is given twice", what, url)
		}
	}
	return norm, nil
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
