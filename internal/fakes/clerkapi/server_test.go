package clerkapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clerk/clerk-sdk-go/v2"
	"github.com/clerk/clerk-sdk-go/v2/domain"
	"github.com/clerk/clerk-sdk-go/v2/jwttemplate"
)

const (
	keyA = "sk_test_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaAAAA"
	keyB = "sk_live_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbBBBB"
)

func newTestServer(t *testing.T) *Server {
	t.Helper()
	s := New(Options{Instances: []Instance{
		{SecretKey: keyA, FrontendAPIURL: "https://happy-hippo-1.clerk.accounts.dev"},
		{SecretKey: keyB, FrontendAPIURL: "https://clerk.example.com", Satellites: []string{"sat.example.org"}},
	}})
	t.Cleanup(s.Close)
	return s
}

type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request; key "" sends no Authorization header.
func do(t *testing.T, s *Server, method, path, key, body string) response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return send(t, req)
}

// send sends req and reads the whole response.
func send(t *testing.T, req *http.Request) response {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.RequestURI(), err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{res.StatusCode, res.Header, b}
}

// wantError checks a Clerk error envelope with the given status and code.
func wantError(t *testing.T, r response, status int, code string) ErrorResponse {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body %s", r.status, status, r.body)
	}
	var e ErrorResponse
	if err := json.Unmarshal(r.body, &e); err != nil {
		t.Fatalf("error body is not JSON: %v: %s", err, r.body)
	}
	if len(e.Errors) != 1 || e.Errors[0].Code != code {
		t.Fatalf("errors = %+v, want one with code %q", e.Errors, code)
	}
	if e.ClerkTraceID == "" {
		t.Fatalf("error response has no clerk_trace_id: %s", r.body)
	}
	if e.Errors[0].Message == "" || e.Errors[0].LongMessage == "" {
		t.Fatalf("error has empty message or long_message: %s", r.body)
	}
	return e
}

func TestAuth(t *testing.T) {
	s := newTestServer(t)
	tests := []struct {
		name   string
		header string
		status int
		code   string
	}{
		{"missing", "", 401, "authentication_invalid"},
		{"unknown key", "Bearer sk_test_unknownunknownunknown", 401, "clerk_key_invalid"},
		{"no scheme", keyA, 401, "authorization_header_format_invalid"},
		{"basic scheme", "Basic " + keyA, 401, "authorization_header_format_invalid"},
		{"empty bearer", "Bearer ", 401, "authorization_header_format_invalid"},
		{"good", "Bearer " + keyA, 200, ""},
		{"lowercase scheme", "bearer " + keyB, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", s.URL+"/v1/domains", nil)
			if tt.header != "" {
				req.Header.Set("Authorization", tt.header)
			}
			r := send(t, req)
			if tt.code == "" {
				if r.status != tt.status {
					t.Fatalf("status = %d, want %d: %s", r.status, tt.status, r.body)
				}
				return
			}
			e := wantError(t, r, tt.status, tt.code)
			if tt.code == "clerk_key_invalid" && e.Errors[0].Message != "The provided Clerk Secret Key is invalid. Make sure that your Clerk Secret Key is correct." {
				t.Errorf("message = %q", e.Errors[0].Message)
			}
			if strings.Contains(string(r.body), "sk_") {
				t.Errorf("error body echoes the key: %s", r.body)
			}
		})
	}
}

func TestDomains(t *testing.T) {
	s := newTestServer(t)
	tests := []struct {
		key       string
		wantNames []string
		wantFAPI  []string
		portal    string
	}{
		{keyA, []string{"happy-hippo-1.accounts.dev"}, []string{"https://happy-hippo-1.clerk.accounts.dev"}, "https://happy-hippo-1.accounts.dev"},
		{keyB, []string{"example.com", "sat.example.org"}, []string{"https://clerk.example.com", "https://clerk.sat.example.org"}, "https://accounts.example.com"},
	}
	for _, tt := range tests {
		r := do(t, s, "GET", "/v1/domains", tt.key, "")
		if r.status != 200 {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		var got struct {
			Data       []Domain `json:"data"`
			TotalCount int      `json:"total_count"`
		}
		if err := json.Unmarshal(r.body, &got); err != nil {
			t.Fatal(err)
		}
		if got.TotalCount != len(tt.wantNames) || len(got.Data) != len(tt.wantNames) {
			t.Fatalf("got %d domains (total_count %d), want %d", len(got.Data), got.TotalCount, len(tt.wantNames))
		}
		for i, d := range got.Data {
			if d.Name != tt.wantNames[i] || d.FrontendAPIURL != tt.wantFAPI[i] || d.IsSatellite != (i > 0) || d.Object != "domain" || !strings.HasPrefix(d.ID, "dmn_") {
				t.Errorf("domain %d = %+v", i, d)
			}
		}
		if p := got.Data[0].AccountsPortalURL; p == nil || *p != tt.portal {
			t.Errorf("accounts_portal_url = %v, want %s", p, tt.portal)
		}
		// IDs are stable across calls.
		r2 := do(t, s, "GET", "/v1/domains", tt.key, "")
		if string(r2.body) != string(r.body) {
			t.Errorf("domains changed between calls:\n%s\n%s", r.body, r2.body)
		}
	}
}

func createBody(name, claims string) string {
	return `{"name":` + mustJSON(name) + `,"claims":` + claims + `}`
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func TestCreateGetUpdateDelete(t *testing.T) {
	now := time.UnixMilli(1_700_000_000_000)
	s := New(Options{Instances: []Instance{{SecretKey: keyA, FrontendAPIURL: "https://clerk.example.com"}}, Now: func() time.Time { return now }})
	defer s.Close()

	r := do(t, s, "POST", "/v1/jwt_templates", keyA, `{"name":"convex", "claims": {"aud":"convex", "name":"{{user.full_name}}"}}`)
	if r.status != 200 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var created Template
	if err := json.Unmarshal(r.body, &created); err != nil {
		t.Fatal(err)
	}
	want := Template{Object: "jwt_template", ID: created.ID, Name: "convex", Claims: json.RawMessage(`{"aud":"convex","name":"{{user.full_name}}"}`),
		Lifetime: 60, AllowedClockSkew: 5, SigningAlgorithm: "RS256", CreatedAt: now.UnixMilli(), UpdatedAt: now.UnixMilli()}
	if !strings.HasPrefix(created.ID, "jtmp_") || mustJSON(created) != mustJSON(want) {
		t.Fatalf("created = %s\nwant      %s", mustJSON(created), mustJSON(want))
	}

	r = do(t, s, "GET", "/v1/jwt_templates/"+created.ID, keyA, "")
	if r.status != 200 || mustJSON(json.RawMessage(r.body)) != mustJSON(want) {
		t.Fatalf("get: %d %s", r.status, r.body)
	}

	now = now.Add(time.Minute)
	r = do(t, s, "PATCH", "/v1/jwt_templates/"+created.ID, keyA, `{"name":"convex2","claims":{"aud":"other"},"lifetime":3600,"allowed_clock_skew":0}`)
	if r.status != 200 {
		t.Fatalf("update: %d %s", r.status, r.body)
	}
	var updated Template
	_ = json.Unmarshal(r.body, &updated)
	if updated.Name != "convex2" || string(updated.Claims) != `{"aud":"other"}` || updated.Lifetime != 3600 || updated.AllowedClockSkew != 0 ||
		updated.CreatedAt != want.CreatedAt || updated.UpdatedAt != now.UnixMilli() {
		t.Fatalf("updated = %s", r.body)
	}
	// Absent optional fields keep their values on update.
	r = do(t, s, "PATCH", "/v1/jwt_templates/"+created.ID, keyA, createBody("convex2", `{}`))
	_ = json.Unmarshal(r.body, &updated)
	if r.status != 200 || updated.Lifetime != 3600 {
		t.Fatalf("update without lifetime: %d %s", r.status, r.body)
	}
	if got := s.Templates(keyA); len(got) != 1 || got[0].Name != "convex2" {
		t.Fatalf("Templates = %+v", got)
	}

	r = do(t, s, "DELETE", "/v1/jwt_templates/"+created.ID, keyA, "")
	if r.status != 200 || string(r.body) != `{"deleted":true,"id":"`+created.ID+`","object":"jwt_template"}` {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	for _, m := range []string{"GET", "DELETE"} {
		e := wantError(t, do(t, s, m, "/v1/jwt_templates/"+created.ID, keyA, ""), 404, "resource_not_found")
		if e.Errors[0].Message != "JWT template not found" {
			t.Errorf("%s message = %q", m, e.Errors[0].Message)
		}
	}
	wantError(t, do(t, s, "PATCH", "/v1/jwt_templates/"+created.ID, keyA, createBody("x", `{}`)), 404, "resource_not_found")
	// POST, 2 PATCH, DELETE, then the failed DELETE and PATCH: failures count too.
	if n := s.MutatingRequests(); n != 6 {
		t.Errorf("MutatingRequests = %d, want 6", n)
	}
}

func TestInstanceIsolation(t *testing.T) {
	s := newTestServer(t)
	tA, err := s.AddTemplate(keyA, Template{Name: "convex"})
	if err != nil {
		t.Fatal(err)
	}
	// Same name in another instance is fine.
	if r := do(t, s, "POST", "/v1/jwt_templates", keyB, createBody("convex", `{"aud":"convex"}`)); r.status != 200 {
		t.Fatalf("create in B: %d %s", r.status, r.body)
	}
	wantError(t, do(t, s, "GET", "/v1/jwt_templates/"+tA.ID, keyB, ""), 404, "resource_not_found")
	wantError(t, do(t, s, "DELETE", "/v1/jwt_templates/"+tA.ID, keyB, ""), 404, "resource_not_found")
	if r := do(t, s, "GET", "/v1/jwt_templates", keyA, ""); string(r.body) != "["+mustJSON(tA)+"]" {
		t.Fatalf("list A = %s", r.body)
	}
	if len(s.Templates(keyA)) != 1 || len(s.Templates(keyB)) != 1 || s.Templates("sk_test_nope") != nil {
		t.Fatal("Templates does not separate instances")
	}
	if _, err := s.AddTemplate("sk_test_nokeynokeynokeynokey", Template{Name: "x"}); err == nil || strings.Contains(err.Error(), "nokeynokeynokey") {
		t.Fatalf("AddTemplate with unknown key: err = %v (must fail and not show the key)", err)
	}
	if _, err := s.AddTemplate(keyA, Template{Name: "x", Claims: json.RawMessage(`{bad`)}); err == nil {
		t.Fatal("AddTemplate accepted invalid claims JSON")
	}
}

func TestValidation(t *testing.T) {
	tests := []struct {
		name, body  string
		contentType string
		status      int
		code        string
		param       string
		long        string
	}{
		{name: "missing name", body: `{"claims":{}}`, status: 422, code: "form_param_missing", param: "name"},
		{name: "null name", body: `{"name":null,"claims":{}}`, status: 422, code: "form_param_missing", param: "name"},
		{name: "empty name", body: `{"name":" ","claims":{}}`, status: 422, code: "form_param_missing", param: "name"},
		{name: "name not string", body: `{"name":5,"claims":{}}`, status: 422, code: "form_param_type_invalid", param: "name"},
		{name: "missing claims", body: `{"name":"a"}`, status: 422, code: "form_param_missing", param: "claims"},
		{name: "claims string", body: `{"name":"a","claims":"{}"}`, status: 422, code: "form_param_format_invalid", param: "claims"},
		{name: "claims array", body: `{"name":"a","claims":[]}`, status: 422, code: "form_param_format_invalid", param: "claims"},
		{name: "reserved sub", body: `{"name":"a","claims":{"aud":"x","sub":"y"}}`, status: 400, code: "jwt_template_reserved_claim", long: "You can't use the reserved claim: 'sub'"},
		{name: "reserved fea", body: `{"name":"a","claims":{"fea":1}}`, status: 400, code: "jwt_template_reserved_claim", long: "You can't use the reserved claim: 'fea'"},
		{name: "lifetime low", body: `{"name":"a","claims":{},"lifetime":29}`, status: 422, code: "form_param_value_invalid", param: "lifetime"},
		{name: "lifetime high", body: `{"name":"a","claims":{},"lifetime":315360001}`, status: 422, code: "form_param_value_too_large", param: "lifetime"},
		{name: "lifetime float", body: `{"name":"a","claims":{},"lifetime":60.5}`, status: 422, code: "form_param_type_invalid", param: "lifetime"},
		{name: "skew negative", body: `{"name":"a","claims":{},"allowed_clock_skew":-1}`, status: 422, code: "form_param_value_invalid", param: "allowed_clock_skew"},
		{name: "skew high", body: `{"name":"a","claims":{},"allowed_clock_skew":301}`, status: 422, code: "form_param_value_too_large", param: "allowed_clock_skew"},
		{name: "unknown field", body: `{"name":"a","claims":{},"audience":"x"}`, status: 422, code: "form_param_unknown", param: "audience"},
		{name: "custom key without alg", body: `{"name":"a","claims":{},"custom_signing_key":true}`, status: 422, code: "form_conditional_param_missing", param: "signing_algorithm"},
		{name: "not json", body: `{"name":`, status: 400, code: "request_body_invalid"},
		{name: "json array body", body: `[]`, status: 400, code: "request_body_invalid"},
		{name: "form body", body: `name=a`, contentType: "application/x-www-form-urlencoded", status: 415, code: "unsupported_content_type"},
		{name: "duplicate name", body: `{"name":"taken","claims":{}}`, status: 422, code: "form_identifier_exists", param: "name"},
		{name: "limits ok", body: `{"name":"ok","claims":{"aud":"convex"},"lifetime":30,"allowed_clock_skew":300}`, status: 200},
		{name: "limits ok high", body: `{"name":"ok2","claims":{},"lifetime":315360000,"allowed_clock_skew":0}`, status: 200},
	}
	for _, method := range []string{"POST", "PATCH"} {
		for _, tt := range tests {
			t.Run(method+"/"+tt.name, func(t *testing.T) {
				s := newTestServer(t)
				if _, err := s.AddTemplate(keyA, Template{Name: "taken"}); err != nil {
					t.Fatal(err)
				}
				target, _ := s.AddTemplate(keyA, Template{Name: "target", Lifetime: 100})
				path := "/v1/jwt_templates"
				if method == "PATCH" {
					path += "/" + target.ID
				}
				req, _ := http.NewRequest(method, s.URL+path, strings.NewReader(tt.body))
				req.Header.Set("Authorization", "Bearer "+keyA)
				ct := tt.contentType
				if ct == "" {
					ct = "application/json; charset=utf-8"
				}
				req.Header.Set("Content-Type", ct)
				r := send(t, req)
				before := len(s.Templates(keyA))
				if tt.code == "" {
					if r.status != tt.status {
						t.Fatalf("status %d: %s", r.status, r.body)
					}
					return
				}
				e := wantError(t, r, tt.status, tt.code)
				if tt.param != "" && e.Errors[0].Meta["param_name"] != tt.param {
					t.Errorf("meta = %v, want param_name %q", e.Errors[0].Meta, tt.param)
				}
				if tt.long != "" && e.Errors[0].LongMessage != tt.long {
					t.Errorf("long_message = %q, want %q", e.Errors[0].LongMessage, tt.long)
				}
				after := s.Templates(keyA)
				if len(after) != before {
					t.Errorf("rejected request changed the template count")
				}
				for _, tp := range after {
					if tp.ID == target.ID && (tp.Name != "target" || tp.Lifetime != 100) {
						t.Errorf("rejected update changed the template: %+v", tp)
					}
				}
			})
		}
	}
	// Renaming a template to its own name is not a conflict.
	s := newTestServer(t)
	tp, _ := s.AddTemplate(keyA, Template{Name: "same"})
	if r := do(t, s, "PATCH", "/v1/jwt_templates/"+tp.ID, keyA, createBody("same", `{"aud":"a"}`)); r.status != 200 {
		t.Fatalf("self-rename: %d %s", r.status, r.body)
	}
}

func TestListPagination(t *testing.T) {
	s := newTestServer(t)
	var all []Template
	for i := range 25 {
		tp, err := s.AddTemplate(keyA, Template{Name: "t" + string(rune('a'+i))})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, tp)
	}
	tests := []struct {
		query       string
		start, n    int
		status      int
		code, param string
	}{
		{query: "", start: 0, n: 10, status: 200},
		{query: "?limit=3&offset=4", start: 4, n: 3, status: 200},
		{query: "?offset=20", start: 20, n: 5, status: 200},
		{query: "?offset=30", start: 25, n: 0, status: 200},
		{query: "?limit=500", start: 0, n: 25, status: 200},
		{query: "?limit=1", start: 0, n: 1, status: 200},
		{query: "?limit=0", status: 422, code: "form_param_value_invalid", param: "limit"},
		{query: "?limit=501", status: 422, code: "form_param_value_invalid", param: "limit"},
		{query: "?limit=ten", status: 422, code: "form_param_value_invalid", param: "limit"},
		{query: "?offset=-1", status: 422, code: "form_param_value_invalid", param: "offset"},
		{query: "?paginated=maybe", status: 422, code: "form_param_value_invalid", param: "paginated"},
	}
	for _, paginated := range []bool{false, true} {
		for _, tt := range tests {
			q := tt.query
			if paginated {
				if q == "" {
					q = "?paginated=true"
				} else {
					q += "&paginated=true"
				}
			}
			t.Run(q, func(t *testing.T) {
				r := do(t, s, "GET", "/v1/jwt_templates"+q, keyA, "")
				if tt.code != "" {
					e := wantError(t, r, tt.status, tt.code)
					if e.Errors[0].Meta["param_name"] != tt.param {
						t.Errorf("meta = %v", e.Errors[0].Meta)
					}
					return
				}
				var page []Template
				if paginated {
					var env struct {
						Data       []Template `json:"data"`
						TotalCount *int       `json:"total_count"`
					}
					if err := json.Unmarshal(r.body, &env); err != nil || env.Data == nil || env.TotalCount == nil {
						t.Fatalf("paginated body = %s (%v)", r.body, err)
					}
					if *env.TotalCount != 25 {
						t.Errorf("total_count = %d, want 25", *env.TotalCount)
					}
					page = env.Data
				} else if err := json.Unmarshal(r.body, &page); err != nil || page == nil {
					t.Fatalf("array body = %s (%v)", r.body, err)
				}
				if len(page) != tt.n {
					t.Fatalf("got %d templates, want %d", len(page), tt.n)
				}
				for i, tp := range page {
					if tp.ID != all[tt.start+i].ID {
						t.Errorf("item %d = %s, want %s", i, tp.Name, all[tt.start+i].Name)
					}
				}
			})
		}
	}
}

func TestUnknownRoutes(t *testing.T) {
	s := newTestServer(t)
	for _, tt := range []struct{ method, path string }{
		{"GET", "/v1/users"},
		{"PUT", "/v1/jwt_templates/x"},
		{"DELETE", "/v1/domains"},
		{"GET", "/v1/jwt_templates/a/b"},
		{"GET", "/jwt_templates"},
	} {
		wantError(t, do(t, s, tt.method, tt.path, keyA, ""), 404, "resource_not_found")
	}
	// Authentication comes before routing.
	wantError(t, do(t, s, "GET", "/v1/users", "", ""), 401, "authentication_invalid")
}

func TestRequestsRecordMaskedAuth(t *testing.T) {
	s := newTestServer(t)
	do(t, s, "GET", "/v1/jwt_templates?paginated=true&limit=5", keyA, "")
	do(t, s, "POST", "/v1/jwt_templates", keyB, createBody("n", `{}`))
	do(t, s, "GET", "/v1/domains", "", "")
	got := s.Requests()
	if len(got) != 3 {
		t.Fatalf("got %d requests", len(got))
	}
	want := []Request{
		{Method: "GET", Path: "/v1/jwt_templates", RawQuery: "paginated=true&limit=5", HasAuth: true, Auth: "Bearer sk_test_…AAAA", Status: 200},
		{Method: "POST", Path: "/v1/jwt_templates", Body: createBody("n", `{}`), ContentType: "application/json", HasAuth: true, Auth: "Bearer sk_live_…BBBB", Status: 200},
		{Method: "GET", Path: "/v1/domains", Status: 401},
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("request %d = %+v\nwant %+v", i, got[i], want[i])
		}
	}
	if all := mustJSON(got); strings.Contains(all, keyA[10:]) || strings.Contains(all, keyB[10:]) {
		t.Errorf("recorded requests contain a secret key: %s", all)
	}
	if s.MutatingRequests() != 1 {
		t.Errorf("MutatingRequests = %d", s.MutatingRequests())
	}
	s.ClearRequests()
	if len(s.Requests()) != 0 {
		t.Error("ClearRequests did not clear")
	}
}

func TestMaskKey(t *testing.T) {
	for in, want := range map[string]string{
		"sk_test_abcdefghijklmnop": "sk_test_…mnop",
		"sk_live_abcdefghijklmnop": "sk_live_…mnop",
		"sk_test_short":            "sk_test_…",
		"abcdefghijklmnopqrst":     "…qrst",
		"":                         "…",
	} {
		if got := MaskKey(in); got != want {
			t.Errorf("MaskKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFaults(t *testing.T) {
	tests := []struct {
		name       string
		fault      Fault
		method     string
		path       string
		wantStatus []int // statuses of successive identical requests
		wantCode   string
		wantCT     string
		wantBody   string
		wantHeader map[string]string
	}{
		{name: "429 twice with Retry-After", fault: Fault{Status: 429, Header: map[string]string{"Retry-After": "2"}, Times: 2},
			method: "GET", path: "/v1/domains", wantStatus: []int{429, 429, 200}, wantCode: "too_many_requests", wantHeader: map[string]string{"Retry-After": "2"}},
		{name: "502 html", fault: Fault{Status: 502, Body: BadGatewayHTML, ContentType: "text/html", Times: 1},
			method: "GET", path: "/v1/jwt_templates", wantStatus: []int{502, 200}, wantCT: "text/html", wantBody: BadGatewayHTML},
		{name: "500 forever", fault: Fault{Status: 500},
			method: "GET", path: "/v1/domains", wantStatus: []int{500, 500, 500}, wantCode: "internal_clerk_error"},
		{name: "403 only POST", fault: Fault{Method: "POST", Status: 403},
			method: "GET", path: "/v1/jwt_templates", wantStatus: []int{200, 200}},
		{name: "401 on prefix", fault: Fault{PathPrefix: "/v1/jwt_templates", Status: 401, Times: 1},
			method: "GET", path: "/v1/jwt_templates?paginated=true", wantStatus: []int{401, 200}, wantCode: "clerk_key_invalid"},
		{name: "404 other prefix", fault: Fault{PathPrefix: "/v1/domains", Status: 404},
			method: "GET", path: "/v1/jwt_templates", wantStatus: []int{200}},
		{name: "422 custom json", fault: Fault{Status: 422, Body: `{"errors":[{"message":"m","long_message":"l","code":"c"}],"clerk_trace_id":"t"}`, Times: 1},
			method: "GET", path: "/v1/domains", wantStatus: []int{422, 200}, wantCT: "application/json", wantBody: `{"errors":[{"message":"m","long_message":"l","code":"c"}],"clerk_trace_id":"t"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestServer(t)
			s.InjectFault(tt.fault)
			for i, want := range tt.wantStatus {
				r := do(t, s, tt.method, tt.path, keyA, "")
				if r.status != want {
					t.Fatalf("request %d: status %d, want %d: %s", i, r.status, want, r.body)
				}
				if want == 200 || i > 0 {
					continue
				}
				if tt.wantCode != "" {
					wantError(t, r, want, tt.wantCode)
				}
				if tt.wantCT != "" && r.header.Get("Content-Type") != tt.wantCT {
					t.Errorf("Content-Type = %q", r.header.Get("Content-Type"))
				}
				if tt.wantBody != "" && string(r.body) != tt.wantBody {
					t.Errorf("body = %q", r.body)
				}
				for k, v := range tt.wantHeader {
					if r.header.Get(k) != v {
						t.Errorf("header %s = %q, want %q", k, r.header.Get(k), v)
					}
				}
			}
			s.ClearFaults()
			if r := do(t, s, tt.method, tt.path, keyA, ""); r.status != 200 {
				t.Errorf("after ClearFaults: %d", r.status)
			}
		})
	}
}

func TestFaultDelayTimesOutClient(t *testing.T) {
	s := newTestServer(t)
	s.InjectFault(Fault{PathPrefix: "/v1/domains", Delay: 10 * time.Second, Times: 1})
	client := &http.Client{Timeout: 100 * time.Millisecond}
	req, _ := http.NewRequest("GET", s.URL+"/v1/domains", nil)
	req.Header.Set("Authorization", "Bearer "+keyA)
	start := time.Now()
	_, err := client.Do(req)
	var ne interface{ Timeout() bool }
	if err == nil || !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("err = %v, want a timeout", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatal("timeout took too long")
	}
	// The delay-only fault is used up: the next request succeeds quickly.
	if r := do(t, s, "GET", "/v1/domains", keyA, ""); r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
}

func TestDelayThenNormalAndLatency(t *testing.T) {
	s := newTestServer(t)
	s.SetLatency(50 * time.Millisecond)
	start := time.Now()
	if r := do(t, s, "GET", "/v1/domains", keyA, ""); r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Fatalf("latency not applied: %v", d)
	}
}

func TestCloseEndsPendingDelays(t *testing.T) {
	s := New(Options{Instances: []Instance{{SecretKey: keyA, FrontendAPIURL: "https://clerk.example.com"}}, Latency: time.Hour})
	go func() {
		req, _ := http.NewRequest("GET", s.URL+"/v1/domains", nil)
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			res.Body.Close()
		}
	}()
	deadline := time.Now().Add(10 * time.Second)
	for s.inFlight.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("request never reached the server")
		}
		time.Sleep(5 * time.Millisecond)
	}
	done := make(chan struct{})
	go func() { s.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Close hung on a pending delay")
	}
}

func TestNewPanicsOnBadInstances(t *testing.T) {
	for name, insts := range map[string][]Instance{
		"no key":        {{FrontendAPIURL: "https://clerk.example.com"}},
		"no url":        {{SecretKey: keyA}},
		"duplicate key": {{SecretKey: keyA, FrontendAPIURL: "https://a"}, {SecretKey: keyA, FrontendAPIURL: "https://b"}},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				r := recover()
				if r == nil {
					t.Fatal("New did not panic")
				}
				if strings.Contains(fmtAny(r), keyA[10:]) {
					t.Errorf("panic message shows the key: %v", r)
				}
			}()
			NewUnstarted(Options{Instances: insts})
		})
	}
}

func fmtAny(v any) string {
	if e, ok := v.(error); ok {
		return e.Error()
	}
	return mustJSON(v)
}

func TestConcurrentUse(t *testing.T) {
	s := newTestServer(t)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			do(t, s, "POST", "/v1/jwt_templates", keyA, createBody("n"+string(rune('a'+i)), `{}`))
			_ = s.Templates(keyA)
			_ = s.Requests()
		}()
	}
	wg.Wait()
	if n := len(s.Templates(keyA)); n != 20 {
		t.Fatalf("got %d templates, want 20", n)
	}
}

// TestClerkSDK drives the fake with the real clerk-sdk-go client, which is
// what the tool uses.
func TestClerkSDK(t *testing.T) {
	s := newTestServer(t)
	ctx := context.Background()
	base, key := s.URL+"/v1", keyA
	cfg := &clerk.ClientConfig{BackendConfig: clerk.BackendConfig{URL: &base, Key: &key, HTTPClient: http.DefaultClient}}
	jt := jwttemplate.NewClient(cfg)

	created, err := jt.Create(ctx, &jwttemplate.CreateParams{Name: clerk.String("convex"), Claims: json.RawMessage(`{"aud":"convex"}`)})
	if err != nil {
		t.Fatal(err)
	}
	list, err := jt.List(ctx, &jwttemplate.ListParams{})
	if err != nil || list.TotalCount != 1 || len(list.JWTTemplates) != 1 || list.JWTTemplates[0].ID != created.ID {
		t.Fatalf("List = %+v, %v", list, err)
	}
	if _, err := jt.Update(ctx, created.ID, &jwttemplate.UpdateParams{Name: clerk.String("convex"), Claims: json.RawMessage(`{"aud":"x"}`), Lifetime: clerk.Int64(120)}); err != nil {
		t.Fatal(err)
	}
	got, err := jt.Get(ctx, created.ID)
	if err != nil || got.Lifetime != 120 || string(got.Claims) != `{"aud":"x"}` {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	_, err = jt.Create(ctx, &jwttemplate.CreateParams{Name: clerk.String("bad"), Claims: json.RawMessage(`{"iss":"x"}`)})
	var apiErr *clerk.APIErrorResponse
	if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != 400 || apiErr.Errors[0].Code != "jwt_template_reserved_claim" || apiErr.TraceID == "" {
		t.Fatalf("reserved claim err = %v", err)
	}
	del, err := jt.Delete(ctx, created.ID)
	if err != nil || !del.Deleted || del.ID != created.ID {
		t.Fatalf("Delete = %+v, %v", del, err)
	}
	ds, err := domain.NewClient(cfg).List(ctx, &domain.ListParams{})
	if err != nil || ds.TotalCount != 1 || ds.Domains[0].FrontendAPIURL != "https://happy-hippo-1.clerk.accounts.dev" {
		t.Fatalf("domains = %+v, %v", ds, err)
	}

	bad := "sk_test_notakeynotakeynotakey"
	_, err = jwttemplate.NewClient(&clerk.ClientConfig{BackendConfig: clerk.BackendConfig{URL: &base, Key: &bad}}).List(ctx, &jwttemplate.ListParams{})
	if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != 401 || apiErr.Errors[0].Code != "clerk_key_invalid" {
		t.Fatalf("bad key err = %v", err)
	}
}
