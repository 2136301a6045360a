package clerkapi

import (
	"net/http"
	"strings"
	"time"
)

// Hostile behaviours, for hardening tests: what a broken or malicious server, or a proxy in
// front of Clerk, may do. Most are Faults:
//
//	HTML with 200:            Fault{Status: 200, Body: LoginPageHTML, ContentType: "text/html"}
//	JSON cut short:           Fault{Status: 200, Body: TruncatedJSON}
//	an array, not an object:  Fault{Status: 200, Body: "[]"}
//	a redirect:               Fault{Status: 302, Header: map[string]string{"Location": url}}
//	Retry-After far away:     Fault{Status: 429, Header: map[string]string{"Retry-After": "3600"}}
//	server text with escapes: Fault{Status: 400, Body: EscapeEnvelope}
//
// and the ones below: a body that never ends (Fault.Endless), a body that stops arriving
// (Fault.Stall), and a template list that ignores offset (Server.SetIgnoreOffset).

// LoginPageHTML is what a captive portal or a wrong --clerk-api-url answers with 200.
const LoginPageHTML = "<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><h1>Sign in to continue</h1></body></html>\n"

// TruncatedJSON is a domain list cut short.
const TruncatedJSON = `{"data":[{"object":"domain","id":"dmn_1","name":"example.com","is_satellite":false,"frontend_api_url":"https://clerk.exa`

// EscapeEnvelope is a Clerk error envelope whose message, code and trace id carry terminal
// escape sequences (clear screen, window title, cursor up + erase line), a bare carriage
// return that would overwrite the line, and a bidi override.
const EscapeEnvelope = `{"errors":[{"message":"bad\u001b[2J\u001b]0;pwned\u0007","long_message":"Invalid request.\r\u001b[1A\u001b[2K✓ all good \u202egnp.exe","code":"evil\u001b[31mcode"}],"clerk_trace_id":"trace\u001b]8;;http://evil.example/\u0007id"}`

// endlessChunk is what an Endless fault repeats after its Body.
var endlessChunk = []byte(strings.Repeat(`{"id":"x"},`, 1000))

// writeBodyForever writes b, then repeats endlessChunk until the client hangs up or the
// server closes.
func (s *Server) writeBodyForever(w http.ResponseWriter, r *http.Request, b string) {
	_, _ = w.Write([]byte(b))
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		default:
		}
		if _, err := w.Write(endlessChunk); err != nil {
			return
		}
	}
}

// stallBody writes b, flushes it, then sends nothing more until the client hangs up or the
// server closes (at most a minute).
func (s *Server) stallBody(w http.ResponseWriter, r *http.Request, b string) {
	_, _ = w.Write([]byte(b))
	_ = http.NewResponseController(w).Flush()
	t := time.NewTimer(time.Minute)
	defer t.Stop()
	select {
	case <-r.Context().Done():
	case <-s.done:
	case <-t.C:
	}
}

// SetIgnoreOffset makes the paginated template list ignore offset (every page is the first)
// and claim total templates, like a server that would make a naive client list forever.
// total 0 turns it off.
func (s *Server) SetIgnoreOffset(total int) {
	s.mu.Lock()
	s.ignoreOffset = total
	s.mu.Unlock()
}
