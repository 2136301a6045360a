package clerk

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// AnswerError is an answer that is not what Clerk's Backend API sends: an HTML page, JSON cut
// short, an array where Clerk sends an object, a redirect without a Location. Something other
// than Clerk (a proxy, a captive portal, a wrong --clerk-api-url) answered.
type AnswerError struct {
	Status  int
	Problem string // e.g. "is an HTML page, not Clerk's JSON"
	Snippet string // the start of the body, tags and spaces squeezed, safe to print
}

func (e *AnswerError) Error() string {
	msg := fmt.Sprintf("the answer (HTTP %d) %s", e.Status, e.Problem)
	if e.Snippet != "" {
		msg += ": " + strconv.Quote(e.Snippet)
	}
	return msg
}

// answerTransport reads every answer (httpx caps its size) and checks it is Clerk's: a success
// must be a JSON object (every call this client makes gets one), and an error answer that is
// not Clerk's JSON envelope (an HTML page from a proxy, say) is turned into one, so the status
// code and a readable message survive the SDK.
type answerTransport struct{ next http.RoundTripper }

func (t *answerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		if resp.Header.Get("Location") == "" {
			resp.Body.Close()
			return nil, &AnswerError{Status: resp.StatusCode, Problem: "is a redirect without a Location"}
		}
		return resp, nil // http.Client follows it, or refuses to (httpx's redirect rules)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err // *httpx.BodyTooLargeError, *httpx.TimeoutError (a stalled body), …
	}
	if resp.StatusCode < 400 {
		if aerr := checkObject(resp, body); aerr != nil {
			return nil, aerr
		}
	} else if !isEnvelope(body) {
		msg := fmt.Sprintf("%s (the answer was not Clerk's JSON", http.StatusText(resp.StatusCode))
		if snippet := summarize(body); snippet != "" {
			msg += ": " + strconv.Quote(snippet)
		}
		msg += ")"
		env := map[string]any{
			"errors":         []map[string]string{{"code": "", "message": msg, "long_message": msg}},
			"clerk_trace_id": resp.Header.Get("X-Clerk-Trace-Id"),
		}
		body, _ = json.Marshal(env)
		resp.Header.Set("Content-Type", "application/json")
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	return resp, nil
}

func isEnvelope(body []byte) bool {
	var env struct {
		Errors []json.RawMessage `json:"errors"`
	}
	return json.Unmarshal(body, &env) == nil && env.Errors != nil
}

// checkObject says what is wrong with a success answer that is not one JSON object.
func checkObject(resp *http.Response, body []byte) *AnswerError {
	e := &AnswerError{Status: resp.StatusCode}
	if mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type")); err == nil && mt == "text/html" {
		e.Problem, e.Snippet = "is an HTML page, not Clerk's JSON", summarize(body)
		return e
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		e.Problem = "is empty, not Clerk's JSON"
		return e
	}
	if !json.Valid(trimmed) {
		var v any
		err := json.Unmarshal(trimmed, &v)
		var se *json.SyntaxError
		switch {
		case trimmed[0] == '<':
			e.Problem, e.Snippet = "is an HTML page, not Clerk's JSON", summarize(body)
		case errors.As(err, &se) && se.Offset >= int64(len(trimmed)) || strings.Contains(fmt.Sprint(err), "unexpected end of JSON input"):
			e.Problem = fmt.Sprintf("was cut short: its JSON ends after %d bytes, before it is complete", len(body))
		default:
			e.Problem, e.Snippet = "is not JSON", summarize(body)
		}
		return e
	}
	if trimmed[0] != '{' {
		kind := "a JSON value"
		switch trimmed[0] {
		case '[':
			kind = "a JSON array"
		case '"':
			kind = "a JSON string"
		}
		e.Problem = "is " + kind + " where Clerk's API sends a JSON object"
		return e
	}
	return nil
}

var tagPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`<[^>]*>`) })

// summarize is the start of a body for a message: tags dropped, spaces squeezed, secrets
// masked, made safe to print.
func summarize(body []byte) string {
	s := tagPattern().ReplaceAllString(string(body), " ")
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 80 {
		cut := 80
		for cut > 0 && (s[cut]&0xC0) == 0x80 {
			cut--
		}
		s = s[:cut] + "…"
	}
	return netText(s)
}
