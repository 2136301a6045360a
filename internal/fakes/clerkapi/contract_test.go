package clerkapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// specPath is Clerk's Backend API spec (version 2026-05-12), a copy of the team's shared
// reference kept in the repository so the contract test runs on any clone.
const specPath = "testdata/clerk-bapi-2026-05-12.yml"

// specServer is the spec's server URL; requests are rewritten to it for route lookup.
const specServer = "https://api.clerk.com"

type contract struct {
	doc    *openapi3.T
	router routers.Router
	// paginatedList is {data: [JWTTemplate], total_count}, the paginated=true
	// list form, which the spec does not describe.
	paginatedList *openapi3.Schema
	clerkErrors   *openapi3.Schema
}

var (
	contractOnce sync.Once
	contractVal  *contract
	contractErr  error
)

// loadContract loads the spec once per test binary (it is 740 KB).
func loadContract(t *testing.T) *contract {
	t.Helper()
	contractOnce.Do(func() { contractVal, contractErr = buildContract(specPath) })
	if contractErr != nil {
		t.Fatal(contractErr)
	}
	return contractVal
}

func buildContract(specPath string) (*contract, error) {
	if _, err := os.Stat(specPath); err != nil {
		return nil, fmt.Errorf("the Clerk Backend API spec is missing at %s (from internal/fakes/clerkapi): %w; "+
			"restore it from git (it is Clerk's published OpenAPI spec)", specPath, err)
	}
	loader := &openapi3.Loader{Context: context.Background(), IsExternalRefsAllowed: false}
	doc, err := loader.LoadFromFile(specPath)
	if err != nil {
		return nil, fmt.Errorf("load Clerk spec %s: %w", specPath, err)
	}
	if len(doc.Servers) == 0 || doc.Servers[0].URL != specServer+"/v1" {
		return nil, fmt.Errorf("clerk spec %s: servers[0] is not %s/v1; update specServer in contract_test.go", specPath, specServer)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("build router from Clerk spec: %w", err)
	}
	jwtRef := doc.Components.Schemas["JWTTemplate"]
	errsRef := doc.Components.Schemas["ClerkErrors"]
	if jwtRef == nil || jwtRef.Value == nil || errsRef == nil || errsRef.Value == nil {
		return nil, errors.New("clerk spec has no JWTTemplate or ClerkErrors schema in components")
	}
	paginated := openapi3.NewObjectSchema().
		WithProperty("data", openapi3.NewArraySchema().WithItems(jwtRef.Value)).
		WithProperty("total_count", openapi3.NewInt64Schema()).
		WithRequired([]string{"data", "total_count"}).
		WithoutAdditionalProperties()
	return &contract{doc: doc, router: router, paginatedList: paginated, clerkErrors: errsRef.Value}, nil
}

// exchange is one request to the fake and its response.
type exchange struct {
	method, path, query, reqBody string
	status                       int
	header                       http.Header
	body                         []byte
}

func (x exchange) String() string {
	q := ""
	if x.query != "" {
		q = "?" + x.query
	}
	return fmt.Sprintf("%s %s%s -> %d", x.method, x.path, q, x.status)
}

func call(t *testing.T, s *Server, method, pathQuery, key, body string) exchange {
	t.Helper()
	r := do(t, s, method, pathQuery, key, body)
	path, query, _ := strings.Cut(pathQuery, "?")
	return exchange{method: method, path: path, query: query, reqBody: body, status: r.status, header: r.header, body: r.body}
}

// specRequest builds the request as the spec's server would see it.
func specRequest(t *testing.T, x exchange) *http.Request {
	t.Helper()
	u := specServer + x.path
	if x.query != "" {
		u += "?" + x.query
	}
	var body io.Reader
	if x.reqBody != "" {
		body = strings.NewReader(x.reqBody)
	}
	req, err := http.NewRequest(x.method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if x.reqBody != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer sk_test_x")
	return req
}

// validate checks the exchange's response against the operation's declared
// response for its status (which must exist).
func (c *contract) validate(t *testing.T, x exchange) error {
	t.Helper()
	req := specRequest(t, x)
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		return fmt.Errorf("%v: no route in the spec: %w", x, err)
	}
	in := &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true},
	}
	if x.status < 400 {
		// Our test requests must themselves follow the spec.
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			return fmt.Errorf("%v: test request does not follow the spec: %w", x, err)
		}
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 x.status,
		Header:                 x.header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	out.SetBodyBytes(x.body)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		return fmt.Errorf("%v: response does not follow the spec: %w\nbody: %s", x, err, x.body)
	}
	return nil
}

// validateSchema checks a JSON body against a schema.
func validateSchema(x exchange, schema *openapi3.Schema, what string) error {
	var v any
	dec := json.NewDecoder(bytes.NewReader(x.body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("%v: body is not JSON: %w: %s", x, err, x.body)
	}
	// kin-openapi validates numbers as float64.
	if err := schema.VisitJSON(jsonNumbersToFloat(v), openapi3.MultiErrors()); err != nil {
		return fmt.Errorf("%v: body is not a valid %s: %w\nbody: %s", x, what, err, x.body)
	}
	return nil
}

func jsonNumbersToFloat(v any) any {
	switch v := v.(type) {
	case json.Number:
		f, _ := v.Float64()
		return f
	case map[string]any:
		for k, e := range v {
			v[k] = jsonNumbersToFloat(e)
		}
	case []any:
		for i, e := range v {
			v[i] = jsonNumbersToFloat(e)
		}
	}
	return v
}

// validateError checks an error response: ClerkErrors schema, JSON content
// type, a clerk_trace_id, and the operation's declared response when the
// spec lists this status for it.
func (c *contract) validateError(t *testing.T, x exchange) error {
	t.Helper()
	if x.status < 400 {
		return fmt.Errorf("%v: expected an error status", x)
	}
	if ct := x.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return fmt.Errorf("%v: Content-Type %q, want application/json", x, ct)
	}
	if err := validateSchema(x, c.clerkErrors, "ClerkErrors"); err != nil {
		return err
	}
	var e ErrorResponse
	if err := json.Unmarshal(x.body, &e); err != nil || e.ClerkTraceID == "" || len(e.Errors) == 0 {
		return fmt.Errorf("%v: error response lacks errors or clerk_trace_id: %s", x, x.body)
	}
	route, _, err := c.router.FindRoute(specRequest(t, x))
	if err == nil && route.Operation.Responses.Status(x.status) != nil {
		return c.validate(t, x)
	}
	return nil
}

func TestContract(t *testing.T) {
	c := loadContract(t)
	s := newTestServer(t)
	seed, err := s.AddTemplate(keyB, Template{Name: "seeded", Claims: json.RawMessage(`{"aud":"convex","n":{"deep":[1,2]}}`)})
	if err != nil {
		t.Fatal(err)
	}

	var errs []error
	check := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	ok := func(x exchange) exchange {
		t.Helper()
		if x.status != http.StatusOK {
			t.Fatalf("%v: %s", x, x.body)
		}
		check(c.validate(t, x))
		return x
	}

	// Success responses.
	ok(call(t, s, "GET", "/v1/domains", keyA, ""))
	ok(call(t, s, "GET", "/v1/domains", keyB, "")) // with a satellite
	created := ok(call(t, s, "POST", "/v1/jwt_templates", keyB, `{"name":"convex","claims":{"aud":"convex"},"lifetime":3600,"allowed_clock_skew":10}`))
	var tpl Template
	if err := json.Unmarshal(created.body, &tpl); err != nil {
		t.Fatal(err)
	}
	ok(call(t, s, "GET", "/v1/jwt_templates/"+tpl.ID, keyB, ""))
	ok(call(t, s, "PATCH", "/v1/jwt_templates/"+tpl.ID, keyB, `{"name":"convex","claims":{"aud":"convex","email":"{{user.primary_email_address}}"}}`))
	ok(call(t, s, "GET", "/v1/jwt_templates", keyB, ""))
	ok(call(t, s, "GET", "/v1/jwt_templates?limit=1&offset=1", keyB, ""))
	ok(call(t, s, "GET", "/v1/jwt_templates", keyA, "")) // empty array
	for _, q := range []string{"paginated=true", "paginated=true&limit=1&offset=1", "paginated=true&offset=100"} {
		x := call(t, s, "GET", "/v1/jwt_templates?"+q, keyB, "")
		if x.status != http.StatusOK {
			t.Fatalf("%v: %s", x, x.body)
		}
		check(validateSchema(x, c.paginatedList, "paginated JWT template list"))
	}
	ok(call(t, s, "GET", "/v1/jwt_templates?paginated=false", keyB, ""))
	ok(call(t, s, "DELETE", "/v1/jwt_templates/"+seed.ID, keyB, ""))

	// Error responses.
	s.InjectFault(Fault{Method: "GET", PathPrefix: "/v1/domains", Status: 429, Header: map[string]string{"Retry-After": "1"}, Times: 1})
	s.InjectFault(Fault{Method: "DELETE", Status: 500, Times: 1})
	for _, x := range []exchange{
		call(t, s, "GET", "/v1/domains", keyA, ""), // faulted 429
		call(t, s, "GET", "/v1/domains", "", ""),
		call(t, s, "GET", "/v1/domains", "sk_test_unknownunknownunknown", ""),
		call(t, s, "GET", "/v1/jwt_templates", keyA[:len(keyA)-1], ""),
		call(t, s, "GET", "/v1/jwt_templates?limit=0", keyA, ""),
		call(t, s, "GET", "/v1/jwt_templates?paginated=true&offset=-3", keyA, ""),
		call(t, s, "GET", "/v1/jwt_templates/jtmp_missing", keyA, ""),
		call(t, s, "PATCH", "/v1/jwt_templates/jtmp_missing", keyA, `{"name":"a","claims":{}}`),
		call(t, s, "DELETE", "/v1/jwt_templates/jtmp_missing", keyA, ""), // faulted 500
		call(t, s, "DELETE", "/v1/jwt_templates/jtmp_missing", keyA, ""), // real 404
		call(t, s, "POST", "/v1/jwt_templates", keyB, `{"name":"convex","claims":{"aud":"x"}}`),
		call(t, s, "POST", "/v1/jwt_templates", keyA, `{"claims":{}}`),
		call(t, s, "POST", "/v1/jwt_templates", keyA, `{"name":"a","claims":"x"}`),
		call(t, s, "POST", "/v1/jwt_templates", keyA, `{"name":"a","claims":{"iss":"x"}}`),
		call(t, s, "POST", "/v1/jwt_templates", keyA, `{"name":"a","claims":{},"lifetime":1}`),
		call(t, s, "POST", "/v1/jwt_templates", keyA, `{"name":"a","claims":{},"bogus":1}`),
		call(t, s, "POST", "/v1/jwt_templates", keyA, `not json`),
	} {
		check(c.validateError(t, x))
	}
	for _, err := range errs {
		t.Error(err)
	}
}

func TestContractMissingSpecFails(t *testing.T) {
	_, err := buildContract(t.TempDir() + "/no-such-spec.yml")
	if err == nil || !strings.Contains(err.Error(), "spec is missing") {
		t.Fatalf("err = %v, want a clear 'spec is missing' error", err)
	}
}

// TestContractCatchesDrift shows the validation is live: responses that break
// the spec are rejected.
func TestContractCatchesDrift(t *testing.T) {
	c := loadContract(t)
	good := `{"object":"jwt_template","id":"jtmp_1","name":"n","claims":{},"lifetime":60,"allowed_clock_skew":5,"custom_signing_key":false,"signing_algorithm":"RS256","created_at":1,"updated_at":1}`
	tests := []struct {
		name  string
		x     exchange
		valid func(exchange) error
	}{
		{"template without lifetime", exchange{method: "GET", path: "/v1/jwt_templates/jtmp_1", status: 200,
			body: []byte(strings.Replace(good, `"lifetime":60,`, "", 1))}, nil},
		{"template with unknown field", exchange{method: "GET", path: "/v1/jwt_templates/jtmp_1", status: 200,
			body: []byte(strings.Replace(good, `"name":"n"`, `"name":"n","session":true`, 1))}, nil},
		{"paginated object where the spec wants an array", exchange{method: "GET", path: "/v1/jwt_templates", status: 200,
			body: []byte(`{"data":[` + good + `],"total_count":1}`)}, nil},
		{"domain list without total_count", exchange{method: "GET", path: "/v1/domains", status: 200,
			body: []byte(`{"data":[]}`)}, nil},
		{"paginated list without total_count", exchange{method: "GET", path: "/v1/jwt_templates", query: "paginated=true", status: 200,
			body: []byte(`{"data":[` + good + `]}`)}, func(x exchange) error { return validateSchema(x, c.paginatedList, "paginated list") }},
		{"error without long_message", exchange{method: "GET", path: "/v1/jwt_templates/x", status: 404,
			body: []byte(`{"errors":[{"message":"m","code":"c"}],"clerk_trace_id":"t"}`)}, func(x exchange) error { return c.validateError(t, x) }},
		{"error without trace id", exchange{method: "GET", path: "/v1/jwt_templates/x", status: 404,
			body: []byte(`{"errors":[{"message":"m","long_message":"l","code":"c"}]}`)}, func(x exchange) error { return c.validateError(t, x) }},
		{"html error", exchange{method: "GET", path: "/v1/domains", status: 502,
			header: http.Header{"Content-Type": {"text/html"}}, body: []byte(BadGatewayHTML)}, func(x exchange) error { return c.validateError(t, x) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := tt.x
			if x.header == nil {
				x.header = http.Header{"Content-Type": {"application/json"}}
			}
			var err error
			if tt.valid != nil {
				err = tt.valid(x)
			} else {
				err = c.validate(t, x)
			}
			if err == nil {
				t.Fatalf("validation accepted a response that breaks the spec: %s", x.body)
			}
		})
	}
	// And the good template passes, so the failures above are about the changes.
	x := exchange{method: "GET", path: "/v1/jwt_templates/jtmp_1", status: 200, header: http.Header{"Content-Type": {"application/json"}}, body: []byte(good)}
	if err := c.validate(t, x); err != nil {
		t.Fatalf("good template rejected: %v", err)
	}
}
