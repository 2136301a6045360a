package convexdeploy

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// These tests speak to the fake in Go, request by request; cli_test.go drives it with the
// real convex CLI.

func post(t *testing.T, d *Deployment, auth, body string) (int, errorBody) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, d.URL+"/api/update_environment_variables", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var eb errorBody
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		if err := json.Unmarshal(b, &eb); err != nil {
			t.Fatalf("status %d with a non-JSON body %q", resp.StatusCode, b)
		}
	} else if strings.TrimSpace(string(b)) != "{}" {
		t.Errorf("success body = %q, want {}", b)
	}
	return resp.StatusCode, eb
}

func TestUpdateEnvironmentVariables(t *testing.T) {
	const key = "test-instance|0123"
	tests := []struct {
		name       string
		opts       Options
		auth, body string
		wantStatus int
		wantCode   string
		wantEnv    map[string]string
	}{
		{
			name:       "set and remove in one request",
			opts:       Options{AdminKey: key, Env: map[string]string{"OLD": "x"}},
			auth:       "Convex " + key,
			body:       `{"changes":[{"name":"A","value":"1"},{"name":"OLD","value":null},{"name":"B","value":""}]}`,
			wantStatus: 200,
			wantEnv:    map[string]string{"A": "1", "B": ""},
		},
		{
			name:       "removing a variable that is not set succeeds",
			opts:       Options{AdminKey: key},
			auth:       "Convex " + key,
			body:       `{"changes":[{"name":"NOPE","value":null}]}`,
			wantStatus: 200,
			wantEnv:    map[string]string{},
		},
		{
			name:       "wrong key",
			opts:       Options{AdminKey: key, Env: map[string]string{"A": "keep"}},
			auth:       "Convex other|key",
			body:       `{"changes":[{"name":"A","value":"1"}]}`,
			wantStatus: 403,
			wantCode:   "BadDeployKey",
			wantEnv:    map[string]string{"A": "keep"},
		},
		{
			name:       "no Authorization header",
			opts:       Options{AdminKey: key},
			body:       `{"changes":[{"name":"A","value":"1"}]}`,
			wantStatus: 403,
			wantCode:   "BadDeployKey",
			wantEnv:    map[string]string{},
		},
		{
			name:       "bearer scheme is not the admin scheme",
			opts:       Options{AdminKey: key},
			auth:       "Bearer " + key,
			body:       `{"changes":[{"name":"A","value":"1"}]}`,
			wantStatus: 403,
			wantCode:   "BadDeployKey",
			wantEnv:    map[string]string{},
		},
		{
			name:       "rotated key: even the right one is rejected",
			opts:       Options{AdminKey: key, RejectAllKeys: true},
			auth:       "Convex " + key,
			body:       `{"changes":[{"name":"A","value":"1"}]}`,
			wantStatus: 403,
			wantCode:   "BadDeployKey",
			wantEnv:    map[string]string{},
		},
		{
			name:       "failing deployment",
			opts:       Options{AdminKey: key, FailUpdates: true},
			auth:       "Convex " + key,
			body:       `{"changes":[{"name":"A","value":"1"}]}`,
			wantStatus: 500,
			wantCode:   "InternalServerError",
			wantEnv:    map[string]string{},
		},
		{
			name:       "invalid name changes nothing",
			opts:       Options{AdminKey: key},
			auth:       "Convex " + key,
			body:       `{"changes":[{"name":"OK","value":"1"},{"name":"1BAD","value":"1"}]}`,
			wantStatus: 400,
			wantCode:   "InvalidEnvVarName",
			wantEnv:    map[string]string{},
		},
		{
			name:       "value over 8 KiB",
			opts:       Options{AdminKey: key},
			auth:       "Convex " + key,
			body:       `{"changes":[{"name":"A","value":"` + strings.Repeat("x", 8*1024+1) + `"}]}`,
			wantStatus: 400,
			wantCode:   "EnvVarValueTooLarge",
			wantEnv:    map[string]string{},
		},
		{
			name:       "not the expected body",
			opts:       Options{AdminKey: key},
			auth:       "Convex " + key,
			body:       `{"name":"A","value":"1"}`,
			wantStatus: 400,
			wantCode:   "BadJsonBody",
			wantEnv:    map[string]string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := New(tt.opts)
			defer d.Close()
			status, eb := post(t, d, tt.auth, tt.body)
			if status != tt.wantStatus || eb.Code != tt.wantCode {
				t.Fatalf("got %d %q (%s), want %d %q", status, eb.Code, eb.Message, tt.wantStatus, tt.wantCode)
			}
			if tt.wantCode == "BadDeployKey" && eb.Message != "The provided deploy key was invalid for deployment 'clerkconvex-fake'. Double check that the environment this key was generated for matches the desired deployment." {
				t.Errorf("message = %q", eb.Message)
			}
			if got := d.Env(); !reflect.DeepEqual(got, tt.wantEnv) {
				t.Errorf("Env() = %v, want %v", got, tt.wantEnv)
			}
			reqs := d.Requests()
			if len(reqs) != 1 || reqs[0].Method != "POST" || reqs[0].Path != "/api/update_environment_variables" || string(reqs[0].Body) != tt.body {
				t.Errorf("Requests() = %+v", reqs)
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	d := New(Options{})
	defer d.Close()
	if !strings.HasPrefix(d.URL, "http://127.0.0.1:") {
		t.Errorf("URL = %q, want http://127.0.0.1:<port>", d.URL)
	}
	prefix := DefaultInstanceName + "|"
	if !strings.HasPrefix(d.AdminKey, prefix) || len(d.AdminKey) != len(prefix)+64 {
		t.Errorf("AdminKey = %q, want %s<64 hex digits>", d.AdminKey, prefix)
	}
	if other := New(Options{}); other.AdminKey == d.AdminKey {
		t.Error("two deployments share an admin key")
	} else {
		other.Close()
	}
	resp, err := http.Get(d.URL + "/instance_name")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != DefaultInstanceName {
		t.Errorf("/instance_name = %q", b)
	}
	d.SetEnv("X", "1")
	env := d.Env()
	env["X"] = "changed"
	if d.Env()["X"] != "1" {
		t.Error("Env() is not a copy")
	}
}

// syncClient is a minimal Go client of the sync protocol, sending what the npm client sends.
type syncClient struct {
	t    *testing.T
	conn *websocket.Conn
	ctx  context.Context
}

func dialSync(t *testing.T, d *Deployment) *syncClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	conn, _, err := websocket.Dial(ctx, strings.Replace(d.URL, "http://", "ws://", 1)+"/api/1.48.0/sync", nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { conn.CloseNow() })
	return &syncClient{t: t, conn: conn, ctx: ctx}
}

func (c *syncClient) send(msg string) {
	c.t.Helper()
	if err := c.conn.Write(c.ctx, websocket.MessageText, []byte(msg)); err != nil {
		c.t.Fatalf("send: %v", err)
	}
}

func (c *syncClient) recv() map[string]any {
	c.t.Helper()
	_, b, err := c.conn.Read(c.ctx)
	if err != nil {
		c.t.Fatalf("recv: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		c.t.Fatalf("recv: %q is not JSON: %v", b, err)
	}
	return m
}

func mustJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSyncQueries(t *testing.T) {
	d := New(Options{AdminKey: "k", Env: map[string]string{"B": "2", "A": "1 with spaces"}})
	defer d.Close()
	c := dialSync(t, d)
	c.send(`{"type":"Connect","sessionId":"s","connectionCount":0,"lastCloseReason":"InitialConnect","clientTs":1}`)
	c.send(`{"type":"Authenticate","baseVersion":0,"tokenType":"Admin","value":"k"}`)
	// After authentication: a transition to identity 1 with no queries yet.
	m := c.recv()
	if m["type"] != "Transition" || mustJSON(t, m["startVersion"]) != `{"identity":0,"querySet":0,"ts":"AAAAAAAAAAA="}` ||
		mustJSON(t, m["endVersion"]) != `{"identity":1,"querySet":0,"ts":"AQAAAAAAAAA="}` {
		t.Fatalf("after Authenticate: %v", m)
	}
	c.send(`{"type":"ModifyQuerySet","baseVersion":0,"newVersion":1,"modifications":[` +
		`{"type":"Add","queryId":0,"udfPath":"_system/cli/queryEnvironmentVariables:get","args":[{"name":"A"}]},` +
		`{"type":"Add","queryId":1,"udfPath":"_system/cli/queryEnvironmentVariables:get","args":[{"name":"MISSING"}]},` +
		`{"type":"Add","queryId":2,"udfPath":"_system/cli/queryEnvironmentVariables","args":[{}]},` +
		`{"type":"Add","queryId":3,"udfPath":"messages:list","args":[{}]}]}`)
	m = c.recv()
	if mustJSON(t, m["startVersion"]) != `{"identity":1,"querySet":0,"ts":"AQAAAAAAAAA="}` || mustJSON(t, m["endVersion"]) != `{"identity":1,"querySet":1,"ts":"AgAAAAAAAAA="}` {
		t.Fatalf("versions: %v", m)
	}
	mods := m["modifications"].([]any)
	want := []string{
		`{"journal":null,"logLines":[],"queryId":0,"type":"QueryUpdated","value":{"name":"A","value":"1 with spaces"}}`,
		`{"journal":null,"logLines":[],"queryId":1,"type":"QueryUpdated","value":null}`,
		`{"journal":null,"logLines":[],"queryId":2,"type":"QueryUpdated","value":[{"name":"A","value":"1 with spaces"},{"name":"B","value":"2"}]}`,
	}
	if len(mods) != 4 {
		t.Fatalf("modifications = %v", mods)
	}
	for i, w := range want {
		if got := mustJSON(t, mods[i]); got != w {
			t.Errorf("modification %d = %s, want %s", i, got, w)
		}
	}
	if f := mods[3].(map[string]any); f["type"] != "QueryFailed" || !strings.Contains(f["errorMessage"].(string), "messages:list") {
		t.Errorf("unknown function: %v", f)
	}
	c.send(`{"type":"ModifyQuerySet","baseVersion":1,"newVersion":2,"modifications":[{"type":"Remove","queryId":0}]}`)
	m = c.recv()
	if got := mustJSON(t, m["modifications"]); got != `[{"queryId":0,"type":"QueryRemoved"}]` {
		t.Errorf("remove: %s", got)
	}
	var ws int
	for _, r := range d.Requests() {
		if r.Method == "WS" {
			ws++
		}
	}
	if ws != 4 {
		t.Errorf("recorded %d WebSocket messages, want 4", ws)
	}
}

func TestSyncBadKey(t *testing.T) {
	d := New(Options{AdminKey: "right"})
	defer d.Close()
	c := dialSync(t, d)
	c.send(`{"type":"Connect","sessionId":"s","connectionCount":0,"lastCloseReason":"InitialConnect","clientTs":1}`)
	c.send(`{"type":"Authenticate","baseVersion":0,"tokenType":"Admin","value":"wrong"}`)
	m := c.recv()
	want := `{"authUpdateAttempted":true,"baseVersion":0,"error":"The provided deploy key was invalid for deployment 'clerkconvex-fake'. Double check that the environment this key was generated for matches the desired deployment.","type":"AuthError"}`
	if got := mustJSON(t, m); got != want {
		t.Fatalf("got %s\nwant %s", got, want)
	}
	_, _, err := c.conn.Read(c.ctx)
	if websocket.CloseStatus(err) != websocket.StatusNormalClosure {
		t.Errorf("after AuthError: %v, want a normal close", err)
	}
}

// Queries without an admin identity fail, and a base version that does not match ends the
// session with FatalError, as on the real backend.
func TestSyncProtocolErrors(t *testing.T) {
	d := New(Options{AdminKey: "k"})
	defer d.Close()
	c := dialSync(t, d)
	c.send(`{"type":"ModifyQuerySet","baseVersion":0,"newVersion":1,"modifications":[{"type":"Add","queryId":0,"udfPath":"_system/cli/queryEnvironmentVariables","args":[{}]}]}`)
	m := c.recv()
	mods := m["modifications"].([]any)
	if f := mods[0].(map[string]any); f["type"] != "QueryFailed" {
		t.Errorf("unauthenticated query: %v", f)
	}
	c.send(`{"type":"ModifyQuerySet","baseVersion":5,"newVersion":6,"modifications":[]}`)
	m = c.recv()
	if m["type"] != "FatalError" || !strings.Contains(m["error"].(string), "Base version 5") {
		t.Errorf("bad base version: %v", m)
	}
}

func TestCloseEndsOpenSockets(t *testing.T) {
	d := New(Options{})
	c := dialSync(t, d)
	c.send(`{"type":"Connect","sessionId":"s","connectionCount":0,"lastCloseReason":"InitialConnect","clientTs":1}`)
	done := make(chan struct{})
	go func() {
		d.Close()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return with a WebSocket open")
	}
	if _, _, err := c.conn.Read(c.ctx); err == nil {
		t.Error("socket still open after Close")
	}
}
