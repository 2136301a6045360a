package initcmd

import (
	"context"
	"fmt"
	"strings"

	sdk "github.com/clerk/clerk-sdk-go/v2"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/convex"
	"github.com/clerkconvex/clerkconvex/internal/iostreams"
)

// The provider questions, each under 72 columns with its default; tests match them.
const (
	promptDomain     = "Enter the identity provider's Domain URL"
	promptDomainMore = promptDomain + " (leave empty to stop adding)"
	promptAppID      = "Enter your application/client ID with this provider"
	promptAnother    = "Would you like to add another provider?"
	promptWhichApp   = "Which application ID is right?"
)

// hint prints a line that goes with the next question, on a line of its own so that the
// question stays short.
func (s *planState) hint(format string, a ...any) {
	msg := fmt.Sprintf(format, a...)
	if w := s.io.ErrWidth(); w > 0 {
		msg = iostreams.Wrap(msg, 2, w-1, "  ")
	}
	fmt.Fprintf(s.io.ErrOut, "  %s\n", msg)
}

// keepProviders is a rerun that has nothing to ask: auth.config has the Clerk provider, the
// env file gives its variable this instance's issuer, and the JWT template's aud holds its
// applicationID. It keeps the providers as they are and says so in one line.
func (s *planState) keepProviders(ctx context.Context, cfgApp string) (bool, error) {
	p := s.p
	if cfgApp == "" || s.env == nil {
		return false, nil
	}
	v, _ := s.env.Get(p.issuerVar)
	if p.issuerValue != p.issuer { // a template domain: the variable holds its part
		if strings.TrimSpace(v) != p.issuerValue {
			return false, nil
		}
	} else if iss, err := clerk.NormalizeIssuer(v); err != nil || iss != p.issuer {
		return false, nil
	}
	tm, err := s.existingTemplate(ctx)
	if err != nil || tm == nil {
		return false, err
	}
	if claims, err := clerk.DecodeClaims(tm.Claims); err != nil || !clerk.AudienceContains(claims["aud"], cfgApp) {
		return false, nil
	}
	p.providers = []convex.Provider{{DomainEnv: p.issuerVar, ApplicationID: cfgApp}}
	s.io.Step(iostreams.OK, "Providers kept from %s: %s (init --reconfigure asks again)", rel(p.dir, s.authPath), describeProviders(s.parsed))
	return true, nil
}

// describeProviders lists auth.config's providers for a line of output.
func describeProviders(pp []convex.ParsedProvider) string {
	var out []string
	for _, x := range pp {
		var d string
		switch {
		case x.DomainEnv != "" && isClerkIssuerVar(x.DomainEnv):
			d = "Clerk"
		case x.DomainEnv != "":
			d = "$" + x.DomainEnv
		case x.DomainURL != "":
			d = x.DomainURL
		case x.IssuerURL != "":
			d = x.IssuerURL
		case x.Expr != "":
			out = append(out, x.Expr)
			continue
		default:
			d = "a provider"
		}
		if x.ApplicationID != "" {
			d += fmt.Sprintf(" (%q)", x.ApplicationID)
		}
		out = append(out, d)
	}
	return strings.Join(out, ", ")
}

// chooseAppID settles a disagreement between auth.config's applicationID and the JWT
// template's aud by asking which is right; "" when they agree (or there is nothing to compare).
func (s *planState) chooseAppID(ctx context.Context, defaultApp, cfgApp string) (string, error) {
	if cfgApp == "" {
		return "", nil
	}
	tm, err := s.existingTemplate(ctx)
	if err != nil || tm == nil {
		return "", err
	}
	claims, err := clerk.DecodeClaims(tm.Claims)
	if err != nil || clerk.AudienceContains(claims["aud"], cfgApp) {
		return "", nil
	}
	tmplAud := firstAud(claims["aud"])
	had := fmt.Sprintf("has aud %q", tmplAud)
	if tmplAud == "" {
		tmplAud, had = "convex", "has no aud"
	}
	name := s.opts.TemplateName
	s.hint("%s says applicationID %q, but JWT template %q %s.", rel(s.p.dir, s.authPath), cfgApp, name, had)
	s.hint("They must be the same. ConvexProviderWithClerk asks Clerk for the template named %q.", "convex")
	options := []string{
		fmt.Sprintf("%q, the template's", tmplAud),
		fmt.Sprintf("%q, auth.config's", cfgApp),
	}
	i, err := s.opts.Prompter().Select(promptWhichApp, options[0], options)
	if err != nil {
		return "", err
	}
	s.audChosen = true
	if i == 0 {
		return tmplAud, nil
	}
	return cfgApp, nil
}

func firstAud(aud any) string {
	switch v := aud.(type) {
	case string:
		return v
	case []any:
		for _, x := range v {
			if s, ok := x.(string); ok {
				return s
			}
		}
	}
	return ""
}

// existingTemplate is the JWT template init manages, if Clerk has it.
func (s *planState) existingTemplate(ctx context.Context) (*sdk.JWTTemplate, error) {
	all, err := s.templates(ctx)
	if err != nil {
		return nil, authHint(err, s.p.secret, s.secretFrom)
	}
	tm, _ := clerk.FindTemplate(all, s.opts.TemplateName)
	return tm, nil
}

// cleanAnswer trims what a terminal adds around a typed or pasted answer.
func cleanAnswer(v string) string { return strings.TrimSpace(v) }
