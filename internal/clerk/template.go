package clerk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	sdk "github.com/clerk/clerk-sdk-go/v2"
	"github.com/clerk/clerk-sdk-go/v2/jwttemplate"
)

// Defaults Clerk applies to a new template.
const (
	DefaultLifetime  = 60
	DefaultClockSkew = 5
)

// ReservedClaims are refused by Clerk in a template (400 jwt_template_reserved_claim).
var reservedClaims = []string{"azp", "exp", "iat", "iss", "jti", "nbf", "sub", "sid", "v", "pla", "fea"}

// ReservedClaims returns the claims Clerk reserves.
func ReservedClaims() []string { return append([]string(nil), reservedClaims...) }

// ProfileClaims are the user-profile claims of Clerk's Convex template.
func ProfileClaims() map[string]any {
	return map[string]any{
		"name":                  "{{user.full_name}}",
		"email":                 "{{user.primary_email_address}}",
		"picture":               "{{user.image_url}}",
		"nickname":              "{{user.username}}",
		"given_name":            "{{user.first_name}}",
		"family_name":           "{{user.last_name}}",
		"updated_at":            "{{user.updated_at}}",
		"phone_number":          "{{user.primary_phone_number}}",
		"email_verified":        "{{user.email_verified}}",
		"phone_number_verified": "{{user.phone_number_verified}}",
	}
}

// ParseClaims reads --claims: a JSON object without reserved claims.
func ParseClaims(s string) (map[string]any, error) {
	var m map[string]any
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil || m == nil {
		return nil, errors.New(`it must be a JSON object, like '{"org":"{{org.slug}}"}'`)
	}
	if dec.More() {
		return nil, errors.New("it has text after the JSON object")
	}
	if err := CheckReserved(m); err != nil {
		return nil, err
	}
	return m, nil
}

// CheckReserved refuses reserved claims the way Clerk does.
func CheckReserved(m map[string]any) error {
	var bad []string
	for _, r := range reservedClaims {
		if _, ok := m[r]; ok {
			bad = append(bad, r)
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("it uses the reserved claim %s: Clerk sets %s itself and refuses templates that name them",
			strings.Join(quoteAll(bad), ", "), strings.Join(reservedClaims, " "))
	}
	return nil
}

func quoteAll(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = fmt.Sprintf("%q", v)
	}
	return out
}

// TemplateSpec is what the template must be.
type TemplateSpec struct {
	Name     string
	Audience string         // the application id Convex matches against aud
	Claims   map[string]any // claims to add on create (profile claims) or set on update (--claims)
	// ForceClaims sets Claims on an existing template too (the user passed --claims).
	ForceClaims bool
}

// Action is what happens to the template.
type Action string

const (
	Created   Action = "created"
	Updated   Action = "updated"
	Unchanged Action = "unchanged"
)

// TemplatePlan is the result of comparing the template with the spec.
type TemplatePlan struct {
	Action   Action
	ID       string
	Existing *sdk.JWTTemplate
	Claims   map[string]any // the full claims to send
	Changes  []string       // human lines, e.g. `aud: "app" → ["app","convex"]`
	// NearMisses are templates whose name is close to the spec's (e.g. "Convex").
	NearMisses []string
}

// FindTemplate returns the template with exactly this name (nil if none) and near misses.
func FindTemplate(all []*sdk.JWTTemplate, name string) (*sdk.JWTTemplate, []string) {
	var found *sdk.JWTTemplate
	var near []string
	for _, t := range all {
		if t == nil {
			continue
		}
		if t.Name == name {
			if found == nil {
				found = t
			}
			continue
		}
		if strings.EqualFold(strings.TrimSpace(t.Name), name) {
			near = append(near, t.Name)
		}
	}
	return found, near
}

// AudienceContains tells whether a template's aud claim contains app.
func AudienceContains(aud any, app string) bool {
	switch v := aud.(type) {
	case string:
		return v == app
	case []any:
		for _, x := range v {
			if s, ok := x.(string); ok && s == app {
				return true
			}
		}
	}
	return false
}

// DecodeClaims parses a template's claims.
func DecodeClaims(raw json.RawMessage) (map[string]any, error) {
	m := map[string]any{}
	if len(bytes.TrimSpace(raw)) == 0 || string(raw) == "null" {
		return m, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("the template's claims are not a JSON object: %w", err)
	}
	return m, nil
}

// PlanTemplate decides what to do: create, update only what must change, or nothing.
func PlanTemplate(existing *sdk.JWTTemplate, near []string, spec TemplateSpec) (TemplatePlan, error) {
	p := TemplatePlan{Existing: existing, NearMisses: near}
	if existing == nil {
		claims := map[string]any{}
		for k, v := range spec.Claims {
			claims[k] = v
		}
		claims["aud"] = spec.Audience
		p.Action, p.Claims = Created, claims
		return p, nil
	}
	p.ID = existing.ID
	claims, err := DecodeClaims(existing.Claims)
	if err != nil {
		return p, fmt.Errorf("JWT template %q (%s): %w", existing.Name, existing.ID, err)
	}
	if spec.ForceClaims {
		keys := make([]string, 0, len(spec.Claims))
		for k := range spec.Claims {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if !jsonEqual(claims[k], spec.Claims[k]) {
				p.Changes = append(p.Changes, fmt.Sprintf("%s: %s → %s", k, show(claims[k]), show(spec.Claims[k])))
				claims[k] = spec.Claims[k]
			}
		}
	}
	if !AudienceContains(claims["aud"], spec.Audience) {
		old, had := claims["aud"]
		var next any = spec.Audience
		if arr, ok := old.([]any); ok {
			next = append(append([]any(nil), arr...), spec.Audience)
		}
		claims["aud"] = next
		if had {
			p.Changes = append(p.Changes, fmt.Sprintf("aud: %s → %s", show(old), show(next)))
		} else {
			p.Changes = append(p.Changes, fmt.Sprintf("aud: (none) → %s", show(next)))
		}
	}
	p.Claims = claims
	if len(p.Changes) == 0 {
		p.Action = Unchanged
	} else {
		p.Action = Updated
	}
	return p, nil
}

func show(v any) string {
	if v == nil {
		return "(none)"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// ApplyTemplate carries out a plan: POST for Created, PATCH for Updated, nothing otherwise.
// A create that Clerk refuses because the name exists (a retried POST that had gone through,
// or a race) is resolved by reading the template back rather than making a duplicate.
func (c *Client) ApplyTemplate(ctx context.Context, name string, p TemplatePlan) (*sdk.JWTTemplate, error) {
	claims, err := json.Marshal(p.Claims)
	if err != nil {
		return nil, err
	}
	switch p.Action {
	case Created:
		t, err := c.templates.Create(ctx, &jwttemplate.CreateParams{
			Name:             sdk.String(name),
			Claims:           claims,
			Lifetime:         sdk.Int64(DefaultLifetime),
			AllowedClockSkew: sdk.Int64(DefaultClockSkew),
		})
		if err != nil {
			werr := wrapErr(http.MethodPost, "creating JWT template "+quote(name)+" (POST /v1/jwt_templates)", err)
			var ae *APIError
			if errors.As(werr, &ae) && ae.Code == "form_identifier_exists" {
				all, lerr := c.Templates(ctx)
				if lerr == nil {
					if found, _ := FindTemplate(all, name); found != nil {
						return found, nil
					}
				}
			}
			return nil, werr
		}
		return t, nil
	case Updated:
		params := &jwttemplate.UpdateParams{Name: sdk.String(name), Claims: claims}
		if p.Existing != nil {
			params.Lifetime = sdk.Int64(p.Existing.Lifetime)
			params.AllowedClockSkew = sdk.Int64(p.Existing.AllowedClockSkew)
		}
		t, err := c.templates.Update(ctx, p.ID, params)
		if err != nil {
			return nil, wrapErr(http.MethodPatch, "updating JWT template "+quote(name)+" (PATCH /v1/jwt_templates/"+p.ID+")", err)
		}
		return t, nil
	default:
		return p.Existing, nil
	}
}

func quote(s string) string { return fmt.Sprintf("%q", s) }

// PlanConvexTemplate plans the JWT template name among all Clerk's templates so that its aud
// holds appID: a new one with the profile claims and extra, an existing one updated only where
// it must change (extra, when given, forced onto it). init and doctor --fix both plan with it;
// the plan's NearMisses are the templates named almost like it.
func PlanConvexTemplate(all []*sdk.JWTTemplate, name, appID string, extra map[string]any) (TemplatePlan, error) {
	existing, near := FindTemplate(all, name)
	spec := TemplateSpec{Name: name, Audience: appID}
	if existing == nil {
		spec.Claims = ProfileClaims()
		for k, v := range extra {
			spec.Claims[k] = v
		}
	} else if extra != nil {
		spec.Claims, spec.ForceClaims = extra, true
	}
	return PlanTemplate(existing, near, spec)
}
