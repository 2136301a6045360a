package convex

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/clerkconvex/clerkconvex/templates"
)

// DefaultIssuerEnv is the deployment environment variable Convex's docs and
// templates use for the Clerk issuer (Frontend API URL).
const DefaultIssuerEnv = "CLERK_JWT_ISSUER_DOMAIN"

// ClerkIssuerEnvNames returns the environment variable names projects use for
// the Clerk issuer, the default first: Convex's name, Clerk's current name,
// and an older variant.
func ClerkIssuerEnvNames() []string {
	return []string{DefaultIssuerEnv, "CLERK_FRONTEND_API_URL", "CLERK_ISSUER_URL"}
}

// Provider is an OIDC provider entry of convex/auth.config.ts. Exactly one of
// DomainEnv (rendered as process.env.NAME) and DomainURL (a string literal)
// is set.
type Provider struct {
	DomainEnv     string
	DomainURL     string
	ApplicationID string
	// Replaces is an applicationID this one replaces: MergeAuthConfig rewrites the literal
	// applicationID of the provider with the same domain from Replaces to ApplicationID (the
	// user chose the JWT template's aud over auth.config's) instead of leaving it by hand.
	Replaces string
}

// Validate reports whether p can be written into an auth config.
func (p Provider) Validate() error {
	switch {
	case p.DomainEnv != "" && p.DomainURL != "":
		return errors.New("auth provider has both an environment variable and a URL for its domain; set only one")
	case p.DomainEnv == "" && p.DomainURL == "":
		return errors.New("auth provider has no domain; set an environment variable name or an issuer URL")
	case p.DomainEnv != "" && !envNameRE().MatchString(p.DomainEnv):
		return fmt.Errorf("auth provider domain variable %q is not a name Convex accepts for a deployment variable (a letter, then letters, digits and _)", p.DomainEnv)
	case p.ApplicationID == "":
		return errors.New("auth provider has an empty applicationID; use \"convex\" to match Clerk's convex JWT template")
	}
	if p.DomainURL != "" {
		u, err := url.Parse(p.DomainURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Errorf("auth provider domain %q is not an http(s) URL such as https://your-app.clerk.accounts.dev", p.DomainURL)
		}
	}
	return nil
}

// Snippet returns the provider object as it would be pasted into the
// providers array of auth.config.ts (ts) or auth.config.js: two-space
// indentation, double quotes, trailing commas, no indentation on the first
// and last lines, no trailing newline.
func (p Provider) Snippet(ts bool) string {
	return strings.Join(p.lines(ts, snippetStyle{unit: "  ", quote: '"', trailingComma: true}), "\n")
}

type snippetStyle struct {
	unit          string // one level of indentation
	quote         rune   // '"' or '\''
	trailingComma bool   // comma after the last property
	jsdoc         bool   // a JavaScript file typed with JSDoc: cast process.env.X to string
}

func (p Provider) domainExpr(ts bool, quote rune) string {
	if p.DomainEnv == "" {
		return templates.JSString(p.DomainURL, quote)
	}
	if ts {
		return "process.env." + p.DomainEnv + "!"
	}
	return "process.env." + p.DomainEnv
}

// domainExprStyled is domainExpr in a file's style.
func (p Provider) domainExprStyled(ts bool, st snippetStyle) string {
	if !ts && st.jsdoc && p.DomainEnv != "" {
		return "/** @type {string} */ (process.env." + p.DomainEnv + ")"
	}
	return p.domainExpr(ts, st.quote)
}

// lines returns the object over several lines, unindented.
func (p Provider) lines(ts bool, st snippetStyle) []string {
	last := ""
	if st.trailingComma {
		last = ","
	}
	return []string{
		"{",
		st.unit + "domain: " + p.domainExprStyled(ts, st) + ",",
		st.unit + "applicationID: " + templates.JSString(p.ApplicationID, st.quote) + last,
		"}",
	}
}

// oneLine returns the object on one line.
func (p Provider) oneLine(ts bool, quote rune) string {
	return "{ domain: " + p.domainExpr(ts, quote) + ", applicationID: " + templates.JSString(p.ApplicationID, quote) + " }"
}

// RenderAuthConfig renders a new auth.config.ts (ts) or auth.config.js
// listing providers.
func RenderAuthConfig(ts bool, providers []Provider) ([]byte, error) {
	type tmplProvider struct{ DomainEnv, DomainURL, ApplicationID string }
	data := struct{ Providers []tmplProvider }{}
	for _, p := range providers {
		if err := p.Validate(); err != nil {
			return nil, err
		}
		data.Providers = append(data.Providers, tmplProvider{p.DomainEnv, p.DomainURL, p.ApplicationID})
	}
	name := "auth.config.js.tmpl"
	if ts {
		name = "auth.config.ts.tmpl"
	}
	return templates.Render(name, data)
}

// ParsedProvider is one element of the providers array found in an existing
// auth config. Fields are empty when the file does not spell the value in a
// form this package reads (a string literal, or process.env.NAME with an
// optional "!", "as string", or "?? fallback").
type ParsedProvider struct {
	DomainEnv     string // NAME of domain: process.env.NAME
	DomainURL     string // domain: "https://..."
	ApplicationID string // applicationID: "..."
	// ApplicationIDEnv is NAME of applicationID: process.env.NAME: its value is the variable's on
	// the deployment, where Convex evaluates the file.
	ApplicationIDEnv  string
	ApplicationIDLine int    // 1-based line of the applicationID's value (0 when absent)
	Type              string // type: "customJwt" / "oidc"; empty when absent
	IssuerEnv         string // customJwt issuer: process.env.NAME
	IssuerURL         string // customJwt issuer: "https://..."
	// DomainEnvs are every process.env variable the domain reads: the one of DomainEnv, its
	// fallbacks (process.env.A ?? process.env.B), those in a template literal, and those read
	// by a top-level const the domain names (const domain = process.env.X; … { domain }).
	// For an Expr element, the variables that expression reads.
	DomainEnvs []string
	// Expr is the source text of an element that is not an object literal
	// (for example "...baseProviders" or "clerkProvider"); all other fields
	// but Line are then empty.
	Expr string
	Line int // 1-based line of the element's first token
	// Elem is the index of the providers array element the provider was read from; Via is the
	// const it was read through when that element is `...NAME` (NAME an array literal), and
	// several providers then share one Elem.
	Elem int
	Via  string
	// appIDTok is the token of the applicationID's string literal (0: none).
	appIDTok int
	// DomainLine is the 1-based line of the domain's value (0 when there is no domain key).
	DomainLine int
	// DomainTemplate is set for a domain written `before${process.env.NAME}after`: doctor
	// computes the domain from NAME's value on the deployment.
	DomainTemplate *EnvTemplate
}

// EnvTemplate is a template literal whose only substitution reads one variable.
type EnvTemplate struct{ Env, Before, After string }

// Expand returns the template's value when its variable is value.
func (t EnvTemplate) Expand(value string) string { return t.Before + value + t.After }

// ValueFor returns the variable's value that makes the template domain; ok is false when
// no value can (domain does not start with Before and end with After).
func (t EnvTemplate) ValueFor(domain string) (value string, ok bool) {
	if len(domain) < len(t.Before)+len(t.After) || !strings.HasPrefix(domain, t.Before) || !strings.HasSuffix(domain, t.After) {
		return "", false
	}
	return domain[len(t.Before) : len(domain)-len(t.After)], true
}

// SameDomain reports whether pp is an OIDC provider whose domain is the one p
// names: the same environment variable, or the same URL ignoring one trailing
// slash.
func (pp ParsedProvider) SameDomain(p Provider) bool {
	if pp.Type != "" && pp.Type != "oidc" {
		return false
	}
	if p.DomainEnv != "" {
		return pp.DomainEnv == p.DomainEnv
	}
	return pp.DomainURL != "" && strings.TrimSuffix(pp.DomainURL, "/") == strings.TrimSuffix(p.DomainURL, "/")
}

// ParseAuthConfig reads the providers of an auth config. It returns an error
// when the file has no providers array literal it can read (no providers key,
// more than one, providers set from a variable or call, or unbalanced
// brackets, strings or comments).
func ParseAuthConfig(src []byte) ([]ParsedProvider, error) {
	s, err := scan(src)
	if err != nil {
		return nil, fmt.Errorf("read auth config: %w", err)
	}
	arr, reason := locateProviders(s)
	if arr == nil {
		if s.providersNotRead() {
			return nil, &ProvidersNotReadError{Reason: reason}
		}
		return nil, fmt.Errorf("read auth config: %s", reason)
	}
	return arr.providers(s), nil
}

// MergeOutcome says what MergeAuthConfig did.
type MergeOutcome int

const (
	// MergeUnchanged: the provider is already there; out is src.
	MergeUnchanged MergeOutcome = iota
	// MergeAdded: the provider was appended to the providers array.
	MergeAdded
	// MergeManual: the file cannot be edited safely; out is src and reason
	// says why. The user should paste Provider.Snippet by hand.
	MergeManual
	// MergeRewritten: the provider with the same domain had the applicationID p.Replaces;
	// out has p.ApplicationID in its place.
	MergeRewritten
)

func (o MergeOutcome) String() string {
	switch o {
	case MergeUnchanged:
		return "unchanged"
	case MergeAdded:
		return "added"
	case MergeManual:
		return "manual"
	case MergeRewritten:
		return "rewritten"
	}
	return fmt.Sprintf("MergeOutcome(%d)", int(o))
}

// MergeAuthConfig adds p to the providers array of an existing auth config
// (ts: the file is auth.config.ts) and returns the new file. Every byte of
// src is kept: the new object is inserted as the last element with the
// indentation, quote style and trailing-comma style of the file, and a comma
// is added after the previous last element when it has none.
//
// The outcome is MergeUnchanged when a provider with the same domain and
// applicationID exists; MergeRewritten when one with the same domain has the
// literal applicationID p.Replaces, which becomes p.ApplicationID (SetApplicationID,
// every other byte kept); and MergeManual (with a one-line reason) when the
// array cannot be edited safely: providers is not an array literal, there is
// more than one providers key, the file does not tokenize, a provider with the
// same domain has another applicationID, or a provider's domain cannot be
// read and could be p. err is only for an invalid p.
func MergeAuthConfig(src []byte, ts bool, p Provider) (out []byte, outcome MergeOutcome, reason string, err error) {
	if err := p.Validate(); err != nil {
		return src, MergeManual, "", err
	}
	s, err := scan(src)
	if err != nil {
		return src, MergeManual, fmt.Sprintf("the file could not be read (%v)", err), nil
	}
	arr, why := locateProviders(s)
	if arr == nil {
		return src, MergeManual, why, nil
	}
	existing := arr.providers(s)
	for _, pp := range existing {
		if pp.SameDomain(p) && pp.ApplicationID == p.ApplicationID {
			return src, MergeUnchanged, "", nil
		}
	}
	want := p.domainExpr(ts, '"')
	for i, pp := range existing {
		if !pp.SameDomain(p) {
			continue
		}
		if p.Replaces != "" && pp.ApplicationID == p.Replaces {
			out, err := SetApplicationID(src, i, p.Replaces, p.ApplicationID)
			if err != nil {
				return src, MergeManual, err.Error(), nil
			}
			return out, MergeRewritten, "", nil
		}
		if pp.ApplicationID == "" {
			return src, MergeManual, fmt.Sprintf("the provider with domain %s (line %d) has an applicationID that is not a string literal; make it %q by hand", want, pp.Line, p.ApplicationID), nil
		}
		return src, MergeManual, fmt.Sprintf("the provider with domain %s (line %d) has applicationID %q, not %q; change it by hand if %q is intended", want, pp.Line, pp.ApplicationID, p.ApplicationID, p.ApplicationID), nil
	}
	for _, pp := range existing {
		unreadable := pp.Expr == "" && pp.DomainEnv == "" && pp.DomainURL == "" && (pp.Type == "" || pp.Type == "oidc")
		if unreadable && (pp.ApplicationID == "" || pp.ApplicationID == p.ApplicationID) {
			return src, MergeManual, fmt.Sprintf("the provider on line %d has a domain that is not process.env.NAME or a string; check by hand whether it is already %s", pp.Line, want), nil
		}
	}
	return arr.insert(s, ts, p), MergeAdded, "", nil
}
