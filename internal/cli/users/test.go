package users

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/iostreams"
	"github.com/clerkconvex/clerkconvex/internal/safetext"
	"github.com/clerkconvex/clerkconvex/internal/svixsig"
)

// TestResult is users test's --json output (version 1).
type TestResult struct {
	Version int        `json:"version"`
	OK      bool       `json:"ok"`
	URL     string     `json:"url"`
	Steps   []TestStep `json:"steps"`
	Error   string     `json:"error,omitempty"`
}

// TestStep is one request: what was sent, the status expected and the one that came back.
type TestStep struct {
	Name     string `json:"name"`
	Expected string `json:"expected"` // 2xx or 4xx
	Status   int    `json:"status"`   // 0: no answer
	OK       bool   `json:"ok"`
	Message  string `json:"message,omitempty"`
}

func runTest(ctx context.Context, opts *Options) error {
	res := &TestResult{Version: 1, Steps: []TestStep{}}
	err := doTest(ctx, opts, res)
	res.OK = err == nil
	if opts.JSON {
		if err != nil {
			res.Error = err.Error()
		}
		if werr := cmdutil.WriteJSON(opts.IO.Out, res); werr != nil && err == nil {
			return werr
		}
		return cmdutil.JSONWritten(err)
	} else if err == nil {
		fmt.Fprintf(opts.IO.Out, "The webhook at %s accepts Clerk's signed events and refuses bad signatures.\n", res.URL)
	}
	return err
}

func doTest(ctx context.Context, opts *Options, res *TestResult) error {
	dir, err := cmdutil.ProjectDir(opts.Dir)
	if err != nil {
		return err
	}
	env, envRel, err := projectEnv(opts, dir)
	if err != nil {
		return err
	}
	site, _, err := siteURL(opts, env, envRel)
	if errors.Is(err, errNoSite) {
		return cmdutil.FlagErrorf("no site URL for the %s deployment: pass --url https://<name>.convex.site (Convex dashboard → Settings → URL & Deploy Key) or set CONVEX_SITE_URL", opts.target().String())
	}
	if err != nil {
		return err
	}
	res.URL = endpoint(site)
	secret, from, err := secretFromInput(opts)
	if err != nil {
		return err
	}
	if secret.IsZero() {
		layout, err := (&cmdutil.ProjectFlags{ConvexDir: opts.ConvexDir}).Layout(dir)
		if err != nil {
			return err
		}
		convexDir := layout.Convex
		if convexDir == "" {
			convexDir = dir
		}
		if secret, err = secretFromDeployment(ctx, opts, convexDir); err != nil {
			return err
		}
		from = "the " + opts.target().String() + " deployment"
	}
	opts.IO.Step(iostreams.Info, "testing %s with the secret from %s (%s)", res.URL, from, secret)

	user := "user_clerkconvex_test_" + randHex(8)
	created := event("user.created", map[string]any{"id": user, "object": "user", "first_name": "clerkconvex", "last_name": "test", "username": nil, "email_addresses": []any{}})
	deleted := event("user.deleted", map[string]any{"id": user, "object": "user", "deleted": true})
	other := make([]byte, 24)
	_, _ = rand.Read(other)
	wrong, err := svixsig.ParseSecret(svixsig.Prefix + base64.StdEncoding.EncodeToString(other))
	if err != nil {
		return err
	}
	steps := []struct {
		name   string
		body   []byte
		key    svixsig.Secret
		want2x bool
	}{
		{"signed user.created", created, secret, true},
		{"user.created with a bad signature", created, wrong, false},
		{"signed user.deleted", deleted, secret, true},
	}
	for _, s := range steps {
		status, msg, err := send(ctx, opts, res.URL, s.body, s.key)
		st := TestStep{Name: s.name, Expected: "4xx", Status: status}
		if s.want2x {
			st.Expected = "2xx"
		}
		st.OK = err == nil && ((s.want2x && status/100 == 2) || (!s.want2x && status/100 == 4))
		if !st.OK {
			st.Message = diagnose(s.want2x, status, msg, err)
		}
		res.Steps = append(res.Steps, st)
		if st.OK {
			opts.IO.Step(iostreams.OK, "%s: %d", s.name, status)
			continue
		}
		// The failed step is the command's error, which the root prints once.
		if ctx.Err() != nil {
			return &cmdutil.InterruptedError{Msg: "interrupted: run clerkconvex users test again"}
		}
		msg = fmt.Sprintf("%s: %s", s.name, st.Message)
		if s.name == "user.created with a bad signature" || s.name == "signed user.deleted" {
			msg += fmt.Sprintf(" (the test user %s may be left in the users table; delete its row by hand)", user)
		}
		return &cmdutil.ExitError{Code: cmdutil.ExitFailure, Err: errors.New(msg)}
	}
	return nil
}

func secretFromDeployment(ctx context.Context, opts *Options, dir string) (svixsig.Secret, error) {
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	env, err := opts.convexEnv(dir)
	if err != nil {
		return svixsig.Secret{}, err
	}
	raw, found, err := env.Get(ctx, SecretEnv)
	if err != nil {
		return svixsig.Secret{}, fmt.Errorf("reading %s from the %s deployment: %w; or pass it with --webhook-secret-stdin", SecretEnv, opts.target().String(), err)
	}
	if !found {
		return svixsig.Secret{}, cmdutil.FlagErrorf("%s is not set on the %s deployment: run clerkconvex users init (or npx convex env set %s)", SecretEnv, opts.target().String(), SecretEnv)
	}
	s, err := svixsig.ParseSecret(raw)
	if err != nil {
		return svixsig.Secret{}, fmt.Errorf("%s on the %s deployment: %v; set the endpoint's secret with clerkconvex users init", SecretEnv, opts.target().String(), err)
	}
	return s, nil
}

func event(typ string, data map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{"object": "event", "type": typ, "data": data, "timestamp": time.Now().UnixMilli()})
	return b
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// send posts body signed with key and returns the status and the start of the answer's body.
func send(ctx context.Context, opts *Options, url string, body []byte, key svixsig.Secret) (int, string, error) {
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header = key.Headers("msg_clerkconvex_test_"+randHex(8), time.Now(), body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "clerkconvex-users-test")
	resp, err := opts.HTTPClient().Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	return resp.StatusCode, sanitize(string(b)), nil
}

// sanitize keeps an answer's text safe for a terminal (safetext.Line: control, C1 and bidi
// characters escaped), one line, cut at 200 bytes of the answer before escaping so that no
// escape is cut in half.
func sanitize(s string) string {
	s = strings.TrimSpace(s)
	cut := len(s) > 200
	if cut {
		s = strings.ToValidUTF8(s[:200], "")
	}
	s = safetext.Line(s)
	if cut {
		s += "…"
	}
	return s
}

// diagnose says what an unexpected answer means.
func diagnose(want2x bool, status int, body string, err error) string {
	if err != nil {
		return fmt.Sprintf("no answer (%v): check the URL, and that the deployment is running", err)
	}
	got := fmt.Sprintf("got %d", status)
	if body != "" {
		got += " (" + body + ")"
	}
	switch {
	case status == 404:
		return got + ": the route is not deployed; run npx convex dev (or npx convex deploy) after clerkconvex users init"
	case want2x && status == 400:
		return got + ": the deployment refused a correctly signed event, so its " + SecretEnv + " is not this secret (or not set); set the endpoint's Signing Secret with clerkconvex users init"
	case want2x && status/100 == 5:
		return got + ": the handler failed; see npx convex logs"
	case !want2x && status/100 == 2:
		return got + ": the route accepted a bad signature; it must verify the svix-signature header (see docs/users.md)"
	case want2x:
		return got + ", want 2xx"
	}
	return got + ", want 4xx"
}
