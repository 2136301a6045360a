package clerkapi

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

const (
	defaultLifetime  = 60
	minLifetime      = 30
	maxLifetime      = 315360000
	defaultClockSkew = 5
	maxClockSkew     = 300
	defaultLimit     = 10
	maxLimit         = 500
)

// reservedClaims cannot appear at the top level of a template's claims.
var reservedClaims = map[string]bool{
	"azp": true, "exp": true, "iat": true, "iss": true, "jti": true, "nbf": true,
	"sub": true, "sid": true, "v": true, "pla": true, "fea": true,
}

// ReservedClaims returns the claim names the fake (like Clerk) rejects, sorted.
func ReservedClaims() []string {
	out := make([]string, 0, len(reservedClaims))
	for c := range reservedClaims {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// Domain is the spec's Domain object.
type Domain struct {
	Object            string        `json:"object"`
	ID                string        `json:"id"`
	Name              string        `json:"name"`
	IsSatellite       bool          `json:"is_satellite"`
	FrontendAPIURL    string        `json:"frontend_api_url"`
	AccountsPortalURL *string       `json:"accounts_portal_url"`
	ProxyURL          *string       `json:"proxy_url"`
	DevelopmentOrigin string        `json:"development_origin"`
	CNameTargets      []CNameTarget `json:"cname_targets"`
}

// CNameTarget is the spec's CNameTarget object.
type CNameTarget struct {
	Host     string `json:"host"`
	Value    string `json:"value"`
	Required bool   `json:"required"`
}

// primaryDomainName derives the domain name from a frontend API URL:
// "https://clerk.example.com" -> "example.com",
// "https://happy-hippo-1.clerk.accounts.dev" -> "happy-hippo-1.accounts.dev",
// anything else -> its host.
func primaryDomainName(frontendAPIURL string) (name string, dev bool) {
	host := frontendAPIURL
	if u, err := url.Parse(frontendAPIURL); err == nil && u.Host != "" {
		host = u.Host
	}
	switch {
	case strings.HasSuffix(host, ".clerk.accounts.dev"):
		return strings.TrimSuffix(host, ".clerk.accounts.dev") + ".accounts.dev", true
	case strings.HasPrefix(host, "clerk."):
		return strings.TrimPrefix(host, "clerk."), false
	default:
		return host, false
	}
}

func (st *instanceState) domains() []Domain {
	name, dev := primaryDomainName(st.inst.FrontendAPIURL)
	portal := "https://accounts." + name
	if dev {
		portal = "https://" + name
	}
	out := []Domain{{
		Object:            "domain",
		ID:                st.domainIDs[0],
		Name:              name,
		IsSatellite:       false,
		FrontendAPIURL:    st.inst.FrontendAPIURL,
		AccountsPortalURL: &portal,
		DevelopmentOrigin: "",
	}}
	for i, sat := range st.inst.Satellites {
		out = append(out, Domain{
			Object:         "domain",
			ID:             st.domainIDs[i+1],
			Name:           sat,
			IsSatellite:    true,
			FrontendAPIURL: "https://clerk." + sat,
			CNameTargets: []CNameTarget{
				{Host: "clerk." + sat, Value: "frontend-api.clerk.services", Required: true},
			},
		})
	}
	return out
}

func (s *Server) listDomains(w http.ResponseWriter, st *instanceState) {
	ds := st.domains()
	writeJSON(w, http.StatusOK, map[string]any{"data": ds, "total_count": len(ds)})
}

// intParam parses an optional integer query parameter within [min, max];
// max < 0 means no upper bound.
func intParam(q url.Values, name string, def, min, max int) (int, *apiErr) {
	if !q.Has(name) {
		return def, nil
	}
	v, err := strconv.Atoi(q.Get(name))
	if err != nil || v < min || (max >= 0 && v > max) {
		rng := "greater than or equal to " + strconv.Itoa(min)
		if max >= 0 {
			rng = "between " + strconv.Itoa(min) + " and " + strconv.Itoa(max)
		}
		return 0, errParamValue(name, name+" must be an integer "+rng+".")
	}
	return v, nil
}

func (s *Server) listTemplates(w http.ResponseWriter, st *instanceState, q url.Values) {
	paginated := false
	if q.Has("paginated") {
		b, err := strconv.ParseBool(q.Get("paginated"))
		if err != nil {
			writeError(w, errParamValue("paginated", "paginated must be true or false."))
			return
		}
		paginated = b
	}
	limit, aerr := intParam(q, "limit", defaultLimit, 1, maxLimit)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	offset, aerr := intParam(q, "offset", 0, 0, -1)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	total := len(st.templates)
	if s.ignoreOffset > 0 {
		offset, total = 0, s.ignoreOffset
	}
	page := []Template{}
	for i := offset; i < len(st.templates) && len(page) < limit; i++ {
		page = append(page, st.templates[i].clone())
	}
	if paginated {
		writeJSON(w, http.StatusOK, map[string]any{"data": page, "total_count": total})
		return
	}
	writeJSON(w, http.StatusOK, page)
}

func (st *instanceState) find(id string) (int, *Template) {
	for i, t := range st.templates {
		if t.ID == id {
			return i, t
		}
	}
	return -1, nil
}

func (s *Server) getTemplate(w http.ResponseWriter, st *instanceState, id string) {
	_, t := st.find(id)
	if t == nil {
		writeError(w, errTemplateNotFound(id))
		return
	}
	writeJSON(w, http.StatusOK, t)
}

func (s *Server) deleteTemplate(w http.ResponseWriter, st *instanceState, id string) {
	i, t := st.find(id)
	if t == nil {
		writeError(w, errTemplateNotFound(id))
		return
	}
	st.templates = append(st.templates[:i], st.templates[i+1:]...)
	writeJSON(w, http.StatusOK, map[string]any{"object": "jwt_template", "id": id, "deleted": true})
}

func (s *Server) createTemplate(w http.ResponseWriter, r *http.Request, st *instanceState, body []byte) {
	in, aerr := parseTemplateBody(r, body)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	for _, t := range st.templates {
		if t.Name == in.name {
			writeError(w, errNameTaken(in.name))
			return
		}
	}
	now := s.now().UnixMilli()
	t := &Template{
		Object:           "jwt_template",
		ID:               newTemplateID(),
		Name:             in.name,
		Claims:           in.claims,
		Lifetime:         defaultLifetime,
		AllowedClockSkew: defaultClockSkew,
		SigningAlgorithm: "RS256",
		CreatedAt:        now,
		UpdatedAt:        now,
	}
	in.apply(t)
	st.templates = append(st.templates, t)
	writeJSON(w, http.StatusOK, t)
}

func (s *Server) updateTemplate(w http.ResponseWriter, r *http.Request, st *instanceState, id string, body []byte) {
	_, t := st.find(id)
	if t == nil {
		writeError(w, errTemplateNotFound(id))
		return
	}
	in, aerr := parseTemplateBody(r, body)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	for _, o := range st.templates {
		if o.ID != id && o.Name == in.name {
			writeError(w, errNameTaken(in.name))
			return
		}
	}
	t.Name = in.name
	t.Claims = in.claims
	in.apply(t)
	t.UpdatedAt = s.now().UnixMilli()
	writeJSON(w, http.StatusOK, t)
}

// templateInput is a validated create/update body.
type templateInput struct {
	name             string
	claims           json.RawMessage // compact JSON object
	lifetime         *int64
	clockSkew        *int64
	customSigningKey *bool
	signingAlgorithm *string
}

// apply sets the optional fields that were given. Absent optional fields keep
// their current value (the defaults on create).
func (in *templateInput) apply(t *Template) {
	if in.lifetime != nil {
		t.Lifetime = *in.lifetime
	}
	if in.clockSkew != nil {
		t.AllowedClockSkew = *in.clockSkew
	}
	if in.customSigningKey != nil {
		t.CustomSigningKey = *in.customSigningKey
		if *in.customSigningKey {
			t.SigningAlgorithm = *in.signingAlgorithm
		} else {
			t.SigningAlgorithm = "RS256"
		}
	}
}

var knownTemplateParams = map[string]bool{
	"name": true, "claims": true, "lifetime": true, "allowed_clock_skew": true,
	"custom_signing_key": true, "signing_algorithm": true, "signing_key": true,
}

func isNull(raw json.RawMessage) bool { return raw == nil || string(raw) == "null" }

// parseTemplateBody validates a JWT template create/update body the way Clerk does.
func parseTemplateBody(r *http.Request, body []byte) (*templateInput, *apiErr) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" {
			return nil, errUnsupportedContentType(ct)
		}
	}
	var fields map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&fields); err != nil || fields == nil || dec.More() {
		return nil, errRequestBodyInvalid()
	}
	unknown := []string{}
	for k := range fields {
		if !knownTemplateParams[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, errParamUnknown(unknown[0])
	}

	in := &templateInput{}
	// name
	if isNull(fields["name"]) {
		return nil, errParamMissing("name")
	}
	if err := json.Unmarshal(fields["name"], &in.name); err != nil {
		return nil, errParamType("name", "string")
	}
	if strings.TrimSpace(in.name) == "" {
		return nil, errParamMissing("name")
	}
	// claims
	if isNull(fields["claims"]) {
		return nil, errParamMissing("claims")
	}
	var claims map[string]json.RawMessage
	if bytes.TrimSpace(fields["claims"])[0] != '{' || json.Unmarshal(fields["claims"], &claims) != nil {
		return nil, errParamFormat("claims", "claims must be a valid JSON object.")
	}
	reserved := []string{}
	for k := range claims {
		if reservedClaims[k] {
			reserved = append(reserved, k)
		}
	}
	if len(reserved) > 0 {
		sort.Strings(reserved)
		return nil, errReservedClaim(reserved[0])
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, fields["claims"]); err != nil {
		return nil, errParamFormat("claims", "claims must be a valid JSON object.")
	}
	in.claims = buf.Bytes()
	// lifetime, allowed_clock_skew
	var aerr *apiErr
	if in.lifetime, aerr = rangeParam(fields, "lifetime", minLifetime, maxLifetime); aerr != nil {
		return nil, aerr
	}
	if in.clockSkew, aerr = rangeParam(fields, "allowed_clock_skew", 0, maxClockSkew); aerr != nil {
		return nil, aerr
	}
	// custom signing key
	if !isNull(fields["custom_signing_key"]) {
		var b bool
		if err := json.Unmarshal(fields["custom_signing_key"], &b); err != nil {
			return nil, errParamType("custom_signing_key", "boolean")
		}
		in.customSigningKey = &b
	}
	var alg, key string
	for _, p := range []struct {
		name string
		dst  *string
	}{{"signing_algorithm", &alg}, {"signing_key", &key}} {
		if isNull(fields[p.name]) {
			continue
		}
		if err := json.Unmarshal(fields[p.name], p.dst); err != nil {
			return nil, errParamType(p.name, "string")
		}
	}
	if in.customSigningKey != nil && *in.customSigningKey {
		if alg == "" {
			return nil, errConditionalMissing("signing_algorithm", "custom_signing_key")
		}
		if key == "" {
			return nil, errConditionalMissing("signing_key", "custom_signing_key")
		}
		in.signingAlgorithm = &alg
	}
	return in, nil
}

// rangeParam reads an optional integer body field within [min, max].
func rangeParam(fields map[string]json.RawMessage, name string, min, max int64) (*int64, *apiErr) {
	raw := fields[name]
	if isNull(raw) {
		return nil, nil
	}
	var v int64
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, errParamType(name, "integer")
	}
	if v > max {
		return nil, errParamTooLarge(name, max)
	}
	if v < min {
		return nil, errParamValue(name, name+" must be at least "+strconv.FormatInt(min, 10)+".")
	}
	return &v, nil
}
