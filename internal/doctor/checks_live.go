package doctor

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/oidc"
	"github.com/clerkconvex/clerkconvex/internal/safetext"
)

// --- clerk ---

const netFix = "check your network connection and proxy settings (HTTPS_PROXY), or --clerk-api-url / $CLERK_API_URL"

// clerkFix is the advice for a failed Clerk call: clerk.Fix's when it has one (a wrong API URL,
// throttling, an outage, …), else the network one.
func clerkFix(err error, key clerk.SecretKey) string {
	if fix := clerk.Fix(err, key); fix != "" {
		return fix
	}
	return netFix
}

func checkClerkSecretKey(ctx context.Context, s *state) outcome {
	iss, _ := s.clerkFutures()
	if iss == nil {
		return skip("no Clerk API client")
	}
	issuer, err := iss.wait(ctx)
	if err != nil {
		if o, ok := timedOut(err); ok {
			return o
		}
		if clerk.IsUnauthorized(err) {
			return fail("copy a current secret key from the Clerk dashboard (API keys) into "+clerk.SecretKeyEnv,
				"Clerk rejected the secret key %s (from %s): %v", s.secret, s.secretFrom, err)
		}
		return fail(clerkFix(err, s.secret), "%v", err)
	}
	s.issuer = issuer
	return pass("Clerk accepts the secret key; the instance's issuer is %s", issuer)
}

func checkSameInstance(ctx context.Context, s *state) outcome {
	if !s.pub.NamesIssuer(s.issuer) {
		return fail("copy both keys from the same Clerk instance (dashboard → API keys)",
			"the keys come from two Clerk instances: the secret key's issuer is %s, the publishable key's (%s) is %s",
			s.issuer, s.pubFrom, s.pub.Issuer())
	}
	return pass("both keys belong to %s", s.issuer)
}

func checkTemplate(ctx context.Context, s *state) outcome {
	_, tpls := s.clerkFutures()
	all, err := tpls.wait(ctx)
	if err != nil {
		if o, ok := timedOut(err); ok {
			return o
		}
		return fail(clerkFix(err, s.secret), "%v", err)
	}
	name := s.in.TemplateName
	t, near := clerk.FindTemplate(all, name)
	if t == nil {
		msg := fmt.Sprintf("Clerk has no JWT template named %q", name)
		if len(near) > 0 {
			msg += fmt.Sprintf(" (there is %q: ConvexProviderWithClerk asks for exactly %q)", near[0], name)
		}
		return fail(fmt.Sprintf("run clerkconvex init (it creates the template), or in the Clerk dashboard → JWT templates, create one named %q with aud %q", name, "convex"), "%s", msg)
	}
	s.tmpl = t
	return pass("JWT template %q (%s)", name, t.ID)
}

func checkTemplateAud(ctx context.Context, s *state) outcome {
	if s.appID == "" {
		return skip("the applicationID's value is not known (see authconfig.application_id)")
	}
	claims, err := clerk.DecodeClaims(s.tmpl.Claims)
	if err != nil {
		return fail("fix the template's claims in the Clerk dashboard (JWT templates)", "%v", err)
	}
	fix := fmt.Sprintf("set the aud claim of JWT template %q to %q (clerkconvex init --yes does), or applicationID in %s to the template's aud", s.in.TemplateName, s.appID, s.authRel)
	appID := fmt.Sprintf("%s's applicationID is %q", s.authRel, s.appID)
	if name := s.provider.ApplicationIDEnv; name != "" {
		// A variable's value is shown only when it is the template's (public) aud.
		fix = fmt.Sprintf("set %s on the Convex %s deployment to the template's aud: npx convex env set %s <aud>", name, s.deployment(), name)
		appID = fmt.Sprintf("%s's applicationID reads process.env.%s, which is %s on the %s deployment", s.authRel, name, shown(s.appID), s.deployment())
		if s.in.Offline {
			appID = fmt.Sprintf("%s's applicationID reads process.env.%s, which is %s in %s", s.authRel, name, shown(s.appID), s.in.EnvFile)
		}
	}
	aud, ok := claims["aud"]
	if !ok {
		return fail(fix, "JWT template %q has no aud claim, but %s", s.in.TemplateName, appID)
	}
	if !clerk.AudienceContains(aud, s.appID) {
		return fail(fix, "JWT template %q has aud %s, but %s: Convex finds no provider for its tokens", s.in.TemplateName, showJSON(aud), appID)
	}
	return pass("the template's aud %s contains the applicationID %q", showJSON(aud), s.appID)
}

// --- issuer ---

func checkDiscovery(ctx context.Context, s *state) outcome {
	d, err := s.discovery(s.issuer).wait(ctx)
	if err != nil {
		if o, ok := timedOut(err); ok {
			return o
		}
		var he *oidc.HTTPError
		if errors.As(err, &he) && he.Status == http.StatusNotFound {
			return fail("the issuer must be the instance's Frontend API URL (Clerk dashboard → API keys → Frontend API URL)",
				"%s: no OpenID configuration there", err)
		}
		if fix, ok := issuerAnswerFix(err, s.issuer); ok {
			return fail(fix, "%v", err)
		}
		return fail("check your network connection; the issuer must answer "+oidc.DiscoveryURL(s.issuer), "%v", err)
	}
	if err := oidc.CheckDiscovery(d, s.issuer); err != nil {
		return fail("use the issuer the discovery document announces, exactly (no trailing slash, same scheme and host)", "%v", err)
	}
	s.disc = d
	return pass("%s answers, with issuer %s and jwks_uri %s", oidc.DiscoveryURL(s.issuer), d.Issuer, d.JWKSURI)
}

func checkJWKS(ctx context.Context, s *state) outcome {
	set, err := s.keySet(s.disc.JWKSURI).wait(ctx)
	if err != nil {
		if o, ok := timedOut(err); ok {
			return o
		}
		if fix, ok := issuerAnswerFix(err, s.issuer); ok {
			return fail(fix, "%v", err)
		}
		return fail("check your network connection; the key set must be readable at "+s.disc.JWKSURI, "%v", err)
	}
	keys := oidc.RS256Keys(set)
	if len(keys) == 0 {
		return fail("the issuer must publish Clerk's RS256 signing keys: is "+s.issuer+" the Clerk Frontend API URL?",
			"the key set at %s has no RS256 key (it has %s)", s.disc.JWKSURI, describeKeys(set))
	}
	s.jwks = set
	ids := oidc.KeyIDs(&jose.JSONWebKeySet{Keys: keys})
	return pass("%d RS256 key(s) at %s (kid %s)", len(keys), s.disc.JWKSURI, strings.Join(ids, ", "))
}

// issuerAnswerFix is the advice when something other than the issuer answered (an HTML
// page, a body far too large, text that is not the document).
func issuerAnswerFix(err error, issuer string) (string, bool) {
	var ae *oidc.AnswerError
	if !errors.As(err, &ae) {
		return "", false
	}
	return "the issuer must be the instance's Frontend API URL (Clerk dashboard → API keys → Frontend API URL); if " + issuer + " is, a proxy or captive portal on your network answered instead", true
}

// --- token ---

const freshToken = `in the browser console of your signed-in app: await window.Clerk.session.getToken({ template: "convex" })`

func checkTokenFormat(ctx context.Context, s *state) outcome {
	t, err := oidc.ParseToken(s.in.Token)
	if err != nil {
		return fail("pass the token itself (three base64url parts separated by dots); get one "+freshToken, "--token: %v", err)
	}
	s.tok = t
	sub := t.Claims.Subject
	if sub == "" {
		sub = "(none)"
	}
	return pass("a JWT: alg %s, kid %s, sub %s", orNone(t.Alg), orNone(t.KeyID), sub)
}

func checkTokenAlg(ctx context.Context, s *state) outcome {
	if err := s.tok.CheckAlg(); err != nil {
		return fail(fmt.Sprintf("use a token of the JWT template %q without a custom signing key; get one %s", s.in.TemplateName, freshToken), "%v", err)
	}
	return pass("signed with RS256")
}

func checkTokenSignature(ctx context.Context, s *state) outcome {
	if err := s.tok.VerifySignature(s.jwks); err != nil {
		return fail("get a token from the instance of your publishable key, "+freshToken, "%v", err)
	}
	return pass("the signature verifies with the issuer's key %s", orNone(s.tok.KeyID))
}

func checkTokenIssuer(ctx context.Context, s *state) outcome {
	if err := s.tok.CheckIssuer(s.issuer); err != nil {
		return fail("get the token from the app that uses this project's publishable key (same Clerk instance), "+freshToken, "%v", err)
	}
	return pass("iss %s is the issuer", s.tok.Claims.Issuer)
}

func checkTokenAudience(ctx context.Context, s *state) outcome {
	if s.appID == "" {
		return skip("the applicationID's value is not known (see authconfig.application_id)")
	}
	if err := s.tok.CheckAudience(s.appID); err != nil {
		return fail(fmt.Sprintf("get the token with getToken({ template: %q }) and make that template's aud %q", s.in.TemplateName, s.appID), "%v", err)
	}
	return pass("aud contains %q", s.appID)
}

func checkTokenTime(ctx context.Context, s *state) outcome {
	if err := s.tok.CheckTime(s.in.Now(), 0); err != nil {
		return fail("get a fresh token "+freshToken+" and run doctor at once; if it still fails, fix this machine's clock", "%v", err)
	}
	return pass("valid until %s", s.tok.Claims.Expiry.Time().UTC().Format("2006-01-02 15:04:05 UTC"))
}

func describeKeys(set *jose.JSONWebKeySet) string {
	if len(set.Keys) == 0 {
		return "no keys"
	}
	ids := oidc.KeyIDs(set)
	parts := make([]string, len(ids))
	for i, k := range set.Keys {
		alg := safetext.Line(k.Algorithm)
		if alg == "" {
			alg = "no alg"
		}
		parts[i] = fmt.Sprintf("%s (%s)", ids[i], alg)
	}
	return strings.Join(parts, ", ")
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func showJSON(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("%q", x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = showJSON(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return fmt.Sprint(v)
}
