//go:build linux

package main

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clerkconvex/clerkconvex/internal/fakes/clerkapi"
)

// TestRetriesEndToEnd: throttling and gateway failures are retried by the real binary against
// the Clerk fake, and init completes; Retry-After is honoured. (The policy itself — which
// statuses, how many tries, the 30 s budget, jitter — is unit-tested with an injected clock in
// internal/httpx.)
func TestRetriesEndToEnd(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		faults  []clerkapi.Fault
		calls   map[string]int // "METHOD /path" -> requests Clerk saw
		minTime time.Duration
	}{
		{
			name: "429, 502 (HTML), 503, 504 on listing domains, then success",
			faults: []clerkapi.Fault{
				{Method: "GET", PathPrefix: "/v1/domains", Status: 429, Header: map[string]string{"Retry-After": "0"}, Times: 1},
				{Method: "GET", PathPrefix: "/v1/domains", Status: 502, Body: clerkapi.BadGatewayHTML, ContentType: "text/html", Times: 1},
				{Method: "GET", PathPrefix: "/v1/domains", Status: 503, Times: 1},
				{Method: "GET", PathPrefix: "/v1/domains", Status: 504, Times: 1},
			},
			calls: map[string]int{"GET /v1/domains": 5, "GET /v1/jwt_templates": 1, "POST /v1/jwt_templates": 1},
		},
		{
			name:   "503 on creating the template, then success: one template",
			faults: []clerkapi.Fault{{Method: "POST", PathPrefix: "/v1/jwt_templates", Status: 503, Times: 2}},
			calls:  map[string]int{"GET /v1/domains": 1, "GET /v1/jwt_templates": 1, "POST /v1/jwt_templates": 3},
		},
		{
			name:    "429 with Retry-After: 1 waits a second",
			faults:  []clerkapi.Fault{{Method: "GET", PathPrefix: "/v1/jwt_templates", Status: 429, Header: map[string]string{"Retry-After": "1"}, Times: 1}},
			calls:   map[string]int{"GET /v1/domains": 1, "GET /v1/jwt_templates": 2, "POST /v1/jwt_templates": 1},
			minTime: time.Second,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, viteProject)
			for _, f := range tc.faults {
				h.clerk.InjectFault(f)
			}
			start := time.Now()
			r := h.run(initArgs()...)
			took := time.Since(start)
			if r.code != 0 {
				t.Fatalf("exit %d\n%s", r.code, r)
			}
			got := map[string]int{}
			for _, req := range h.clerk.Requests() {
				key := req.Method + " " + req.Path
				if strings.HasPrefix(req.Path, "/v1/jwt_templates/") {
					key = req.Method + " /v1/jwt_templates/{id}"
				}
				got[key]++
			}
			for k, n := range tc.calls {
				if got[k] != n {
					t.Errorf("%s: %d requests, want %d (all: %v)", k, got[k], n, got)
				}
			}
			if len(got) != len(tc.calls) {
				t.Errorf("requests %v, want only %v", got, tc.calls)
			}
			if n := len(h.clerk.Templates(sk1)); n != 1 {
				t.Errorf("%d templates, want 1", n)
			}
			if took < tc.minTime {
				t.Errorf("took %v, want at least %v (Retry-After)", took, tc.minTime)
			}
			if !strings.Contains(h.read(".env.local"), "CLERK_JWT_ISSUER_DOMAIN=https://"+host1+"\n") {
				t.Errorf(".env.local is not complete")
			}
			h.assertNoCanary(r)
		})
	}
}

// TestProxy: the Clerk API is reached through HTTPS_PROXY, and directly for hosts in NO_PROXY.
//
// Go's http.ProxyFromEnvironment never proxies "localhost" or loopback IPs, and a host name
// that resolves to this machine without DNS is not portable (Go's resolver does not map
// *.localhost to 127.0.0.1). So the fake Clerk API speaks TLS with a certificate for the IP
// 0.0.0.0, which Go does not count as loopback (it is proxied), yet which Linux connects to
// this machine. The proxy counts CONNECTs and tunnels every one to the fake, wherever it was
// asked to go, so nothing here ever leaves the machine.
func TestProxy(t *testing.T) {
	t.Parallel()
	certPEM, cert := selfSignedCert(t, net.IPv4zero, net.IPv4(127, 0, 0, 1))

	for _, tc := range []struct {
		name string
		// env builds the variables: fake is the TLS fake's address, proxy the proxy's URL,
		// closed an address where nothing listens.
		env      func(fake, proxy, closed string) map[string]string
		code     int
		connects int // CONNECTs the proxy must see (-1: at least one)
		stderr   string
	}{
		{
			name: "HTTPS_PROXY carries every Clerk call (the API URL itself leads nowhere)",
			env: func(fake, proxy, closed string) map[string]string {
				return map[string]string{"HTTPS_PROXY": proxy, "CLERK_API_URL": "https://" + closed}
			},
			connects: -1,
		},
		{
			name: "https_proxy, lower case, works too",
			env: func(fake, proxy, closed string) map[string]string {
				return map[string]string{"https_proxy": proxy, "CLERK_API_URL": "https://" + closed}
			},
			connects: -1,
		},
		{
			name: "NO_PROXY names the host: direct",
			env: func(fake, proxy, closed string) map[string]string {
				return map[string]string{"HTTPS_PROXY": proxy, "NO_PROXY": "0.0.0.0", "CLERK_API_URL": "https://" + fake}
			},
			connects: 0,
		},
		{
			name: "a proxy that is down: a clear failure, no way around it",
			env: func(fake, proxy, closed string) map[string]string {
				return map[string]string{"HTTPS_PROXY": "http://" + strings.Replace(closed, "0.0.0.0", "127.0.0.1", 1), "CLERK_API_URL": "https://" + fake}
			},
			code:   1,
			stderr: "check your network and proxy (HTTPS_PROXY, NO_PROXY)",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, viteProject)
			tlsFake := httptest.NewUnstartedServer(h.clerk.Handler())
			tlsFake.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
			tlsFake.StartTLS()
			t.Cleanup(tlsFake.Close)
			_, fakePort, _ := net.SplitHostPort(tlsFake.Listener.Addr().String())

			p := &countingProxy{to: tlsFake.Listener.Addr().String()}
			proxy := httptest.NewServer(p)
			t.Cleanup(proxy.Close)

			caFile := filepath.Join(h.aux, "ca.pem")
			if err := os.WriteFile(caFile, certPEM, 0o644); err != nil {
				t.Fatal(err)
			}
			h.env["SSL_CERT_FILE"] = caFile
			h.env["CLERKCONVEX_HTTP_TIMEOUT"] = "3s"
			for k, v := range tc.env("0.0.0.0:"+fakePort, proxy.URL, "0.0.0.0:"+closedPort(t)) {
				h.env[k] = v
			}
			r := h.run(initArgs()...)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d\n%s", r.code, tc.code, r)
			}
			if tc.stderr != "" && !strings.Contains(r.stderr, tc.stderr) {
				t.Errorf("stderr does not say %q\n%s", tc.stderr, r)
			}
			n, hosts := p.count()
			switch {
			case tc.connects < 0 && n == 0:
				t.Errorf("the proxy saw no CONNECT")
			case tc.connects >= 0 && n != tc.connects:
				t.Errorf("the proxy saw %d CONNECTs (%v), want %d", n, hosts, tc.connects)
			}
			for _, host := range hosts {
				if !strings.HasPrefix(host, "0.0.0.0:") {
					t.Errorf("the proxy was asked for %s", host)
				}
			}
			if tc.code == 0 && len(h.clerk.Templates(sk1)) != 1 {
				t.Errorf("no template was created through the proxy")
			}
			h.assertNoCanary(r)
		})
	}
}

// countingProxy is an HTTP proxy that answers CONNECT by tunnelling to one address, whatever
// host was asked for, and refuses everything else.
type countingProxy struct {
	to    string
	mu    sync.Mutex
	hosts []string
}

func (p *countingProxy) count() (int, []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.hosts), append([]string(nil), p.hosts...)
}

func (p *countingProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodConnect {
		http.Error(w, "this test proxy only tunnels", http.StatusMethodNotAllowed)
		return
	}
	p.mu.Lock()
	p.hosts = append(p.hosts, r.Host)
	p.mu.Unlock()
	up, err := net.Dial("tcp", p.to)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		up.Close()
		http.Error(w, "no hijacking", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusOK)
	conn, rw, err := hj.Hijack()
	if err != nil {
		up.Close()
		return
	}
	go func() {
		defer up.Close()
		defer conn.Close()
		done := make(chan struct{})
		go func() { _, _ = io.Copy(up, rw); close(done) }()
		_, _ = io.Copy(conn, bufio.NewReader(up))
		<-done
	}()
}

// closedPort returns a port on which nothing listens (it was free a moment ago).
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(l.Addr().String())
	l.Close()
	return port
}

// selfSignedCert makes a CA-and-server certificate for the given IPs.
func selfSignedCert(t *testing.T, ips ...net.IP) ([]byte, tls.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "clerkconvex test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:           ips,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	return certPEM, cert
}

// TestRedirectNeverCarriesTheKey: an https Clerk API that redirects to plain http, to another
// port or to another host gets no second request: the run fails with an error naming both URLs,
// and the other end never sees the secret key (nor any request). The Clerk fake speaks TLS
// (a certificate for 127.0.0.1, trusted through SSL_CERT_FILE); the other ends record what
// reaches them.
func TestRedirectNeverCarriesTheKey(t *testing.T) {
	t.Parallel()
	certPEM, cert := selfSignedCert(t, net.IPv4(127, 0, 0, 1))
	type seen struct {
		mu   sync.Mutex
		reqs []string
	}
	record := func(s *seen) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s.mu.Lock()
			s.reqs = append(s.reqs, r.Method+" "+r.Host+r.URL.Path+" Authorization="+clerkapi.MaskKey(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")))
			s.mu.Unlock()
			http.Error(w, "nothing here", http.StatusNotFound)
		})
	}
	for _, tc := range []struct {
		name string
		args []string
		// to builds the Location from the plain and TLS recorders' ports.
		to func(plainPort, tlsPort string) string
	}{
		{name: "301 to http, same host", args: initArgs(),
			to: func(p, _ string) string { return "http://127.0.0.1:" + p + "/v1/domains" }},
		{name: "301 to https on another port", args: initArgs(),
			to: func(_, p string) string { return "https://127.0.0.1:" + p + "/v1/domains" }},
		{name: "302 to another host", args: initArgs(),
			to: func(p, _ string) string { return "http://localhost:" + p + "/v1/domains" }},
		{name: "doctor: 301 to http", args: []string{"doctor"},
			to: func(p, _ string) string { return "http://127.0.0.1:" + p + "/v1/domains" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, viteProject)
			code, stream := 1, "stderr"
			if tc.args[0] == "doctor" {
				doctorProject(t, h)
				stream = "stdout"
			}
			plainSeen, tlsSeen := &seen{}, &seen{}
			plain := httptest.NewServer(record(plainSeen))
			t.Cleanup(plain.Close)
			other := httptest.NewUnstartedServer(record(tlsSeen))
			other.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
			other.StartTLS()
			t.Cleanup(other.Close)
			api := httptest.NewUnstartedServer(h.clerk.Handler())
			api.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
			api.StartTLS()
			t.Cleanup(api.Close)
			_, plainPort, _ := net.SplitHostPort(plain.Listener.Addr().String())
			_, tlsPort, _ := net.SplitHostPort(other.Listener.Addr().String())
			to := tc.to(plainPort, tlsPort)
			h.clerk.InjectFault(clerkapi.Fault{Method: "GET", PathPrefix: "/v1/domains", Status: http.StatusMovedPermanently, Header: map[string]string{"Location": to}})

			caFile := filepath.Join(h.aux, "ca.pem")
			if err := os.WriteFile(caFile, certPEM, 0o644); err != nil {
				t.Fatal(err)
			}
			h.env["SSL_CERT_FILE"] = caFile
			h.env["CLERK_API_URL"] = api.URL
			r := h.run(tc.args...)
			if r.code != code {
				t.Fatalf("exit %d, want %d\n%s", r.code, code, r)
			}
			out := r.stderr
			if stream == "stdout" {
				out = r.stdout
			}
			for _, want := range []string{
				"GET " + api.URL + "/v1/domains was answered with a redirect (HTTP 301) to " + to,
				"a redirect that changes scheme, host or port is refused, because the request carries a credential that goes only to " + api.URL,
				"the secret key was not sent there",
			} {
				if !strings.Contains(out, want) {
					t.Errorf("%s does not say %q\n%s", stream, want, r)
				}
			}
			for name, s := range map[string]*seen{"the http end": plainSeen, "the other port": tlsSeen} {
				s.mu.Lock()
				if len(s.reqs) > 0 {
					t.Errorf("%s got %v", name, s.reqs)
				}
				s.mu.Unlock()
			}
			domains := 0
			for _, req := range h.clerk.Requests() {
				if req.Path == "/v1/domains" {
					domains++
				}
			}
			if domains != 1 {
				t.Errorf("Clerk got %d requests for /v1/domains, want 1 (a refused redirect is not retried)", domains)
			}
			h.assertNoCanary(r)
		})
	}
}
