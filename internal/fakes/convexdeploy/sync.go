package convexdeploy

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/coder/websocket"
)

// The sync protocol, as spoken by convex/dist/esm/browser/sync (client.js,
// local_state.js, remote_query_set.js, protocol.js) and the real backend's
// sync worker, reduced to what a query subscription needs:
//
//	client → Connect          {sessionId, connectionCount, lastCloseReason, clientTs}
//	client → Authenticate     {tokenType: "Admin", value: <adminKey>, baseVersion}
//	client → ModifyQuerySet   {baseVersion, newVersion, modifications: [{type: "Add", queryId, udfPath, args: [<obj>]}]}
//	server → Transition       {startVersion, endVersion, modifications: [{type: "QueryUpdated", queryId, value, logLines, journal}]}
//	client → ModifyQuerySet   {..., modifications: [{type: "Remove", queryId}]}   (then the client closes)
//
// A version is {querySet, ts, identity}; ts is a u64 sent as base64 of its
// 8 little-endian bytes. Each Transition must start at the version the client
// last saw (all zero on a new connection).
//
// A key the deployment does not accept fails the Authenticate message: the
// real sync worker turns the error into ErrorMetadata::auth_update_failed and
// answers AuthError {error, baseVersion: <identity version before it>,
// authUpdateAttempted: true}, then closes the socket with no close code. The
// fake sends a close frame with code 1000 instead (a close frame without a
// code cannot be sent with coder/websocket); the client treats 1000 and 1005
// alike: no log line, reconnect after a backoff.

type stateVersion struct {
	QuerySet int    `json:"querySet"`
	TS       string `json:"ts"`
	Identity int    `json:"identity"`
}

func encodeTS(ts uint64) string {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], ts)
	return base64.StdEncoding.EncodeToString(b[:])
}

type clientMessage struct {
	Type          string        `json:"type"`
	TokenType     string        `json:"tokenType"`
	Value         string        `json:"value"`
	BaseVersion   int           `json:"baseVersion"`
	NewVersion    int           `json:"newVersion"`
	Modifications []querySetMod `json:"modifications"`
}

type querySetMod struct {
	Type    string            `json:"type"`
	QueryID int               `json:"queryId"`
	UDFPath string            `json:"udfPath"`
	Args    []json.RawMessage `json:"args"`
}

type query struct {
	udfPath string
	args    []json.RawMessage
}

type stateModification struct {
	Type         string   `json:"type"`
	QueryID      int      `json:"queryId"`
	Value        any      `json:"value,omitempty"`
	ErrorMessage string   `json:"errorMessage,omitempty"`
	LogLines     []string `json:"logLines"`
	Journal      any      `json:"journal"`
}

type queryRemoved struct {
	Type    string `json:"type"`
	QueryID int    `json:"queryId"`
}

// syncSession is one WebSocket connection's protocol state.
type syncSession struct {
	d        *Deployment
	conn     *websocket.Conn
	querySet int
	identity int
	admin    bool
	ts       uint64
	sent     stateVersion // what the client has seen
	queries  map[int]query
}

func (d *Deployment) serveSync(w http.ResponseWriter, r *http.Request) {
	conn, err := websocket.Accept(w, r, nil)
	if err != nil {
		return // Accept has written the HTTP error
	}
	d.wsWG.Add(1)
	defer d.wsWG.Done()
	s := &syncSession{d: d, conn: conn, queries: map[int]query{}, sent: stateVersion{TS: encodeTS(0)}}
	defer conn.CloseNow()
	if err := s.run(d.ctx, r.URL.Path); err != nil {
		return
	}
	conn.Close(websocket.StatusNormalClosure, "")
}

// errClosed ends a session after the server has closed the socket itself.
var errClosed = fmt.Errorf("session closed by the fake deployment")

func (s *syncSession) run(ctx context.Context, path string) error {
	for {
		typ, data, err := s.conn.Read(ctx)
		if err != nil {
			return err
		}
		if typ != websocket.MessageText {
			return s.fatal(ctx, "WSMessageInvalidJson: expected a text message", websocket.StatusUnsupportedData, "")
		}
		s.d.record(Request{Method: "WS", Path: path, Body: data, Header: http.Header{}})
		var m clientMessage
		if err := json.Unmarshal(data, &m); err != nil {
			return s.fatal(ctx, "Received Invalid JSON on websocket: "+err.Error(), 0, "")
		}
		changed := false
		switch m.Type {
		case "Connect", "Event":
			// Nothing to answer.
		case "Authenticate":
			if m.BaseVersion != s.identity {
				return s.fatal(ctx, fmt.Sprintf("Base version %d passed up doesn't match the current version %d", m.BaseVersion, s.identity), 0, "")
			}
			switch m.TokenType {
			case "Admin":
				if !s.d.keyOK(m.Value) {
					return s.authError(ctx, s.d.badKeyMessage())
				}
				s.admin = true
			default: // "None", or a user JWT, which this fake does not verify
				s.admin = false
			}
			s.identity++
			changed = true
		case "ModifyQuerySet":
			if m.BaseVersion != s.querySet {
				return s.fatal(ctx, fmt.Sprintf("Base version %d passed up doesn't match the current version %d", m.BaseVersion, s.querySet), 0, "")
			}
			var mods []any
			for _, mod := range m.Modifications {
				switch mod.Type {
				case "Add":
					s.queries[mod.QueryID] = query{udfPath: mod.UDFPath, args: mod.Args}
					mods = append(mods, s.evaluate(mod.QueryID))
				case "Remove":
					delete(s.queries, mod.QueryID)
					mods = append(mods, queryRemoved{Type: "QueryRemoved", QueryID: mod.QueryID})
				default:
					return s.fatal(ctx, "Invalid query set modification "+mod.Type, 0, "")
				}
			}
			s.querySet = m.NewVersion
			if err := s.transition(ctx, mods); err != nil {
				return err
			}
			continue
		case "Mutation", "Action":
			return s.fatal(ctx, "fake Convex deployment: "+m.Type+" is not implemented", 0, "")
		default:
			return s.fatal(ctx, "Unknown client message type "+m.Type, 0, "")
		}
		if changed {
			// A new identity re-runs every query, as on the real backend.
			var mods []any
			for id := range s.queries {
				mods = append(mods, s.evaluate(id))
			}
			if err := s.transition(ctx, mods); err != nil {
				return err
			}
		}
	}
}

func (s *syncSession) evaluate(id int) stateModification {
	q := s.queries[id]
	if !s.admin {
		return stateModification{Type: "QueryFailed", QueryID: id, LogLines: []string{},
			ErrorMessage: "Unauthorized: system query " + q.udfPath + " needs an admin key (fake Convex deployment)"}
	}
	v, errMsg := s.d.runSystemQuery(q.udfPath, q.args)
	if errMsg != "" {
		return stateModification{Type: "QueryFailed", QueryID: id, ErrorMessage: errMsg, LogLines: []string{}}
	}
	if v == nil {
		// JSON null must be sent explicitly: omitempty would drop it.
		return stateModification{Type: "QueryUpdated", QueryID: id, Value: json.RawMessage("null"), LogLines: []string{}}
	}
	return stateModification{Type: "QueryUpdated", QueryID: id, Value: v, LogLines: []string{}}
}

func (s *syncSession) transition(ctx context.Context, mods []any) error {
	s.ts++
	end := stateVersion{QuerySet: s.querySet, TS: encodeTS(s.ts), Identity: s.identity}
	if mods == nil {
		mods = []any{}
	}
	msg := struct {
		Type          string       `json:"type"`
		StartVersion  stateVersion `json:"startVersion"`
		EndVersion    stateVersion `json:"endVersion"`
		Modifications []any        `json:"modifications"`
	}{"Transition", s.sent, end, mods}
	if err := s.write(ctx, msg); err != nil {
		return err
	}
	s.sent = end
	return nil
}

func (s *syncSession) write(ctx context.Context, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return s.conn.Write(ctx, websocket.MessageText, b)
}

// authError answers a failed Authenticate as the real backend does.
func (s *syncSession) authError(ctx context.Context, msg string) error {
	_ = s.write(ctx, map[string]any{"type": "AuthError", "error": msg, "baseVersion": s.identity, "authUpdateAttempted": true})
	_ = s.conn.Close(websocket.StatusNormalClosure, "")
	return errClosed
}

// fatal sends FatalError and closes the socket, with a close frame when code
// is non-zero (the real backend omits it for bad requests).
func (s *syncSession) fatal(ctx context.Context, msg string, code websocket.StatusCode, reason string) error {
	_ = s.write(ctx, map[string]string{"type": "FatalError", "error": msg})
	if code != 0 {
		_ = s.conn.Close(code, reason)
	}
	return errClosed
}
