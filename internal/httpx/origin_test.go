package httpx

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// recorder is a server that records the Authorization header of each request it gets.
type recorder struct {
	mu    sync.Mutex
	auths []string
	h     http.HandlerFunc
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	r.auths = append(r.auths, req.Method+" "+req.URL.Path+" auth="+req.Header.Get("Authorization"))
	r.mu.Unlock()
	if r.h != nil {
		r.h(w, req)
		return
	}
	io.WriteString(w, `{"ok":true}`)
}

func (r *recorder) seen() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.auths...)
}

// TestForOriginRedirects: an https API that redirects to http on the same host, or to the same
// host on another port, gets a *RedirectError naming both URLs, and the other end never sees
// the credential (nor any request); a redirect within the origin is followed with it; a POST
// is never followed, not even within the origin.
func TestForOriginRedirects(t *testing.T) {
	plain := &recorder{}
	plainSrv := httptest.NewServer(plain) // http://127.0.0.1:P — same host, plain http
	defer plainSrv.Close()
	other := &recorder{}
	otherSrv := httptest.NewTLSServer(other) // https://127.0.0.1:Q — same host, another port
	defer otherSrv.Close()

	api := &recorder{}
	apiSrv := httptest.NewTLSServer(api)
	defer apiSrv.Close()
	api.h = func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1/to-http":
			http.Redirect(w, r, plainSrv.URL+"/v1/x", http.StatusMovedPermanently)
		case "/v1/to-port":
			http.Redirect(w, r, otherSrv.URL+"/v1/x", http.StatusFound)
		case "/v1/same":
			http.Redirect(w, r, "/v1/final", http.StatusFound)
		case "/v1/post":
			http.Redirect(w, r, "/v1/final", http.StatusFound)
		default:
			io.WriteString(w, `{"ok":true}`)
		}
	}
	base := apiSrv.Client()
	base.Transport.(*http.Transport).TLSClientConfig.RootCAs.AddCert(otherSrv.Certificate())
	hc, err := ForOrigin(base, apiSrv.URL+"/v1", Credential{Header: "Authorization", Value: "Bearer sk_test_SECRET"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		method, path string
		reason       string // "" when it must succeed
		to           string
	}{
		{"GET", "/v1/to-http", ReasonOrigin, plainSrv.URL + "/v1/x"},
		{"GET", "/v1/to-port", ReasonOrigin, otherSrv.URL + "/v1/x"},
		{"POST", "/v1/to-http", ReasonOrigin, plainSrv.URL + "/v1/x"},
		{"POST", "/v1/post", ReasonMutating, apiSrv.URL + "/v1/final"},
		{"PATCH", "/v1/post", ReasonMutating, apiSrv.URL + "/v1/final"},
		{"DELETE", "/v1/post", ReasonMutating, apiSrv.URL + "/v1/final"},
		{"GET", "/v1/same", "", ""},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, apiSrv.URL+tc.path, strings.NewReader("{}"))
			resp, err := hc.Do(req)
			if tc.reason == "" {
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return
			}
			if err == nil {
				resp.Body.Close()
				t.Fatalf("status %d, want a refused redirect", resp.StatusCode)
			}
			var re *RedirectError
			if !errors.As(err, &re) || !strings.HasPrefix(re.Reason, tc.reason) {
				t.Fatalf("error %v, want a RedirectError for %q", err, tc.reason)
			}
			msg := re.Error()
			for _, want := range []string{tc.method + " " + apiSrv.URL + tc.path, tc.to, "HTTP 30"} {
				if !strings.Contains(msg, want) {
					t.Errorf("%q does not name %q", msg, want)
				}
			}
			if strings.Contains(msg, "SECRET") {
				t.Errorf("the error shows the credential: %q", msg)
			}
		})
	}
	if got := plain.seen(); len(got) != 0 {
		t.Errorf("the http server got %v", got)
	}
	if got := other.seen(); len(got) != 0 {
		t.Errorf("the other port got %v", got)
	}
	for _, s := range api.seen() {
		if !strings.HasSuffix(s, "auth=Bearer sk_test_SECRET") {
			t.Errorf("the API got a request without the credential: %s", s)
		}
		if strings.HasPrefix(s, "GET /v1/final") && !strings.Contains(strings.Join(api.seen(), "\n"), "GET /v1/same") {
			t.Errorf("a redirected POST was followed: %s", s)
		}
	}
	finals := 0
	for _, s := range api.seen() {
		if strings.Contains(s, "/v1/final") {
			finals++
		}
	}
	if finals != 1 {
		t.Errorf("%d requests reached /v1/final, want 1 (the GET's): %v", finals, api.seen())
	}
}

// TestForOriginRefusesOtherOrigins: a request for another origin fails before anything is
// sent, whatever the caller put in the header.
func TestForOriginRefusesOtherOrigins(t *testing.T) {
	other := &recorder{}
	otherSrv := httptest.NewServer(other)
	defer otherSrv.Close()
	hc, err := ForOrigin(NewClient(Options{}), "http://127.0.0.1:1/v1", Credential{Header: "Authorization", Value: "Convex deploy-key-SECRET"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = hc.Get(otherSrv.URL + "/x")
	var oe *OriginError
	if !errors.As(err, &oe) || !strings.Contains(err.Error(), otherSrv.URL+"/x") || !strings.Contains(err.Error(), "http://127.0.0.1:1") {
		t.Fatalf("error %v, want an OriginError naming both", err)
	}
	if got := other.seen(); len(got) != 0 {
		t.Fatalf("the other origin got %v", got)
	}
}

func TestForOriginNeedsHTTPS(t *testing.T) {
	for _, u := range []string{"http://api.clerk.com", "ftp://x", "no url", "http://10.0.0.1:8080"} {
		if _, err := ForOrigin(nil, u, Credential{Header: "Authorization", Value: "x"}); err == nil {
			t.Errorf("ForOrigin(%q) accepted", u)
		}
	}
	for _, u := range []string{"https://api.clerk.com/v1", "http://127.0.0.1:5/v1", "http://localhost:3000", "http://[::1]:9"} {
		if _, err := ForOrigin(nil, u, Credential{Header: "Authorization", Value: "x"}); err != nil {
			t.Errorf("ForOrigin(%q): %v", u, err)
		}
	}
	if s := (Credential{Header: "Authorization", Value: "Bearer sk_x"}).String(); strings.Contains(s, "sk_x") {
		t.Errorf("Credential.String shows the value: %s", s)
	}
}

func TestOrigin(t *testing.T) {
	for in, want := range map[string]string{
		"https://API.clerk.com/v1":    "https://api.clerk.com:443",
		"https://api.clerk.com:443/x": "https://api.clerk.com:443",
		"http://api.clerk.com":        "http://api.clerk.com:80",
		"https://api.clerk.com:8443/": "https://api.clerk.com:8443",
		"http://[::1]:5/v1":           "http://[::1]:5",
		"https://api.clerk.com./v1":   "https://api.clerk.com:443",
	} {
		u, _ := url.Parse(in)
		if got := Origin(u); got != want {
			t.Errorf("Origin(%s) = %s, want %s", in, got, want)
		}
	}
}

// TestBaseClientRedirects: the base client (no credential) never follows a mutating request
// and never goes from https to plain http off this machine.
func TestBaseClientRedirects(t *testing.T) {
	mk := func(method, u string) *http.Request {
		r, _ := http.NewRequest(method, u, nil)
		return r
	}
	redirected := func(u string, status int) *http.Request {
		r := mk("GET", u)
		r.Response = &http.Response{StatusCode: status}
		return r
	}
	for _, tc := range []struct {
		via    []*http.Request
		next   *http.Request
		reason string
	}{
		{[]*http.Request{mk("POST", "https://a.example/x")}, redirected("https://a.example/y", 302), ReasonMutating},
		{[]*http.Request{mk("DELETE", "http://127.0.0.1/x")}, redirected("http://127.0.0.1/y", 307), ReasonMutating},
		{[]*http.Request{mk("GET", "https://a.example/x")}, redirected("http://a.example/y", 301), ReasonDowngrade},
		{[]*http.Request{mk("GET", "https://a.example/x")}, redirected("https://b.example/y", 301), ""},
		{[]*http.Request{mk("GET", "https://127.0.0.1/x")}, redirected("http://127.0.0.1/y", 301), ""},
	} {
		err := checkRedirect(tc.next, tc.via)
		var re *RedirectError
		switch {
		case tc.reason == "" && err != nil:
			t.Errorf("%s → %s: %v", tc.via[0].URL, tc.next.URL, err)
		case tc.reason != "" && (!errors.As(err, &re) || re.Reason != tc.reason):
			t.Errorf("%s → %s: %v, want %q", tc.via[0].URL, tc.next.URL, err, tc.reason)
		case tc.reason != "" && (re.Method != tc.via[0].Method || re.Status != tc.next.Response.StatusCode):
			t.Errorf("%+v", re)
		}
	}
	var via []*http.Request
	for range maxRedirects {
		via = append(via, mk("GET", "https://a.example/x"))
	}
	if err := checkRedirect(mk("GET", "https://a.example/y"), via); err == nil {
		t.Error("an 11th redirect was followed")
	}
}

// TestBodyCap: every answer's body is capped: reading past the cap is a *BodyTooLargeError
// (an endless body ends there), a body of exactly the cap reads whole.
func TestBodyCap(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/exact" {
			io.WriteString(w, strings.Repeat("a", 1024))
			return
		}
		chunk := []byte(strings.Repeat("a", 4096))
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	hc := NewClient(Options{MaxBody: 1024, Timeout: 10 * time.Second})
	resp, err := hc.Get(srv.URL + "/endless")
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	var tl *BodyTooLargeError
	if !errors.As(err, &tl) || len(b) != 1024 || !strings.Contains(err.Error(), "larger than 1 KiB") || !strings.Contains(err.Error(), srv.URL+"/endless") {
		t.Fatalf("read %d bytes, error %v; want 1024 bytes and a BodyTooLargeError naming the URL", len(b), err)
	}
	resp, err = hc.Get(srv.URL + "/exact")
	if err != nil {
		t.Fatal(err)
	}
	b, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || len(b) != 1024 {
		t.Fatalf("exact: %d bytes, %v", len(b), err)
	}
}

// TestStalledBody: a body that stops arriving ends with a *TimeoutError saying so, not with
// "context deadline exceeded".
func TestStalledBody(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"data":[`)
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	hc := NewClient(Options{Timeout: 200 * time.Millisecond})
	resp, err := hc.Get(srv.URL + "/slow")
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	var te *TimeoutError
	if !errors.As(err, &te) || !te.Body || !strings.Contains(err.Error(), "stopped arriving") || !strings.Contains(err.Error(), srv.URL+"/slow") {
		t.Fatalf("error %v, want a TimeoutError about the body", err)
	}
}
