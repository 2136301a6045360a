//go:build linux

package main

// The interactive `clerkconvex init`, end to end: the real binary (this test binary run as
// clerkconvex, the copy testscript.Main puts on PATH) on a real pseudo-terminal that is its
// controlling terminal, driven key by key like a user with go-expect, with the screen read
// back through the vt10x terminal emulator (which also answers survey's cursor-position
// requests, as a terminal does). The Clerk API is the in-process fake; npx is the fake from
// main_test.go, which logs its calls.
//
// Keys are sent as a user types them: once the prompt they answer has been drawn. Two fixes
// in internal/prompt make that safe whatever the timing: the terminal is quiet before the
// question is drawn (no echo of a secret typed at once, Ctrl-C a key), and keys that reach
// survey together with the terminal's cursor-position answer are kept (see stopAtR).

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	expect "github.com/Netflix/go-expect"
	"github.com/creack/pty"
	"github.com/hinshun/vt10x"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/fakes/clerkapi"
	"github.com/clerkconvex/clerkconvex/internal/testutil/nodeharness"
)

const (
	ptyCols    = 160
	ptyRows    = 60
	ptyTimeout = 10 * time.Second

	issuer1 = "https://" + host1

	promptSecret  = "Clerk secret key"
	promptPub     = "Publishable key:"
	promptDomain  = "Enter the identity provider's Domain URL"
	promptAppID   = "Enter your application/client ID with this provider"
	promptAnother = "Would you like to add another provider?"
	promptUpdate  = `Update JWT template "convex"?`

	keyEnter = "\r" // what a terminal sends for Enter
	keyCtrlC = "\x03"
)

// sgr matches an ANSI colour/attribute sequence (Select Graphic Rendition).
var sgr = regexp.MustCompile(`\x1b\[[0-9;]*m`)

// ptyEnv is one project folder, one fake Clerk API and one fake npx log.
type ptyEnv struct {
	t      *testing.T
	bin    string
	dir    string
	clerk  *clerkapi.Server
	npxLog string
	env    []string
}

func newPTYEnv(t *testing.T, extraEnv ...string) *ptyEnv {
	t.Helper()
	// testscript.Main copied this test binary onto PATH as clerkconvex and npx.
	bin, err := exec.LookPath("clerkconvex")
	if err != nil {
		t.Fatalf("clerkconvex is not on PATH (testscript.Main puts it there): %v", err)
	}
	npx, err := exec.LookPath("npx")
	if err != nil || filepath.Dir(npx) != filepath.Dir(bin) {
		t.Fatalf("npx on PATH is %q (%v), want the fake next to %s", npx, err, bin)
	}

	s := clerkapi.New(clerkapi.Options{Instances: []clerkapi.Instance{
		{SecretKey: sk1, FrontendAPIURL: issuer1},
	}})
	t.Cleanup(s.Close)

	root := t.TempDir()
	dir := filepath.Join(root, "app")
	home := filepath.Join(root, "home")
	state := filepath.Join(root, "npx")
	for _, d := range []string{dir, home, state} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	pkg := `{"dependencies":{"vite":"7","convex":"1.48.0","@clerk/clerk-react":"5.61.11"}}` + "\n"
	if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(pkg), 0o644); err != nil {
		t.Fatal(err)
	}
	// The client is wired already, so these runs (about keys, prompts and the screen) have no
	// client-wiring step; pty_wiring_test.go's project has none and tests that step.
	if err := os.MkdirAll(filepath.Join(dir, "src"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "src", "main.tsx"), []byte(ptyWiredMain), 0o644); err != nil {
		t.Fatal(err)
	}
	e := &ptyEnv{t: t, bin: bin, dir: dir, clerk: s, npxLog: filepath.Join(state, "log.jsonl")}
	// A clean environment: nothing inherited (no CI, NO_COLOR, CLERK_* or VITE_*).
	e.env = append([]string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"TERM=xterm",
		"LANG=C.UTF-8",
		"CLERK_API_URL=" + s.URL,
		"FAKE_NPX_LOG=" + e.npxLog,
		"FAKE_NPX_STORE=" + filepath.Join(state, "store.json"),
		"GIT_CEILING_DIRECTORIES=" + root,
	}, extraEnv...)
	return e
}

// ptySession is one run of the binary on its own pseudo-terminal.
type ptySession struct {
	t    *testing.T
	c    *expect.Console
	term vt10x.Terminal
	raw  *bytes.Buffer
	cmd  *exec.Cmd
	done bool
}

// replyWriter carries the terminal's answers (cursor position) back to the program, as typed
// input on the pty.
type replyWriter struct{ c *expect.Console }

func (w *replyWriter) Write(p []byte) (int, error) { return w.c.Write(p) }

func (e *ptyEnv) start(args ...string) *ptySession {
	e.t.Helper()
	return e.startSized(ptyCols, ptyRows, args...)
}

// startSized runs the binary on a terminal of cols × rows.
func (e *ptyEnv) startSized(cols, rows int, args ...string) *ptySession {
	t := e.t
	t.Helper()
	raw := &bytes.Buffer{}
	replies := &replyWriter{}
	term := vt10x.New(vt10x.WithSize(cols, rows), vt10x.WithWriter(replies))
	c, err := expect.NewConsole(expect.WithStdout(term, raw), expect.WithDefaultTimeout(ptyTimeout))
	if err != nil {
		t.Fatalf("opening a pty: %v", err)
	}
	replies.c = c
	if err := pty.Setsize(c.Tty(), &pty.Winsize{Rows: uint16(rows), Cols: uint16(cols)}); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(e.bin, args...)
	cmd.Dir = e.dir
	cmd.Env = e.env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = c.Tty(), c.Tty(), c.Tty()
	// A session of its own with the pty as controlling terminal, like a shell would start it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		c.Close()
		t.Fatalf("starting %s: %v", e.bin, err)
	}
	// Only the child holds the terminal side now, so the master reads EOF when it exits.
	c.Tty().Close()
	s := &ptySession{t: t, c: c, term: term, raw: raw, cmd: cmd}
	t.Cleanup(func() {
		if !s.done {
			cmd.Process.Kill()
			cmd.Wait()
		}
		c.Close()
	})
	return s
}

// screen is what the terminal shows, without trailing blanks.
func (s *ptySession) screen() string {
	lines := strings.Split(s.term.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \x00")
	}
	return strings.TrimRight(strings.Join(lines, "\n"), "\n")
}

func (s *ptySession) fatalf(format string, a ...any) {
	s.t.Helper()
	s.t.Fatalf(format+"\n--- screen ---\n%s\n--- last output bytes ---\n%q", append(a, s.screen(), tail(s.raw.String(), 600))...)
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// expect waits for each text in turn in the program's output.
func (s *ptySession) expect(texts ...string) {
	s.t.Helper()
	for _, text := range texts {
		if _, err := s.c.ExpectString(text); err != nil {
			s.fatalf("waiting for %q: %v", text, err)
		}
	}
}

func (s *ptySession) send(keys string) {
	s.t.Helper()
	if _, err := s.c.Send(keys); err != nil {
		s.fatalf("typing %q: %v", keys, err)
	}
}

// answer waits for a prompt (and the texts drawn with it), then types keys.
func (s *ptySession) answer(keys string, prompt ...string) {
	s.t.Helper()
	s.expect(prompt...)
	s.send(keys)
}

// syncUsersPrompt is the question a first interactive init asks last (default no).
const syncUsersPrompt = "Also sync Clerk users into a Convex users table?"

// wait reads the output to the end and returns the exit code. The question a first init asks
// at the end, whether to sync users, is answered with Enter (its default, no); it is tested
// on its own in TestInteractiveInitSyncUsersQuestion.
func (s *ptySession) wait() int {
	s.t.Helper()
	out, err := s.c.Expect(expect.String(syncUsersPrompt), expect.EOF, expect.PTSClosed)
	if err == nil && strings.Contains(out, syncUsersPrompt) {
		s.send(keyEnter)
		_, err = s.c.ExpectEOF()
	}
	if err != nil {
		s.fatalf("waiting for the program to finish: %v", err)
	}
	err = s.cmd.Wait()
	s.done = true
	if err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			s.fatalf("clerkconvex: %v", err)
		}
	}
	return s.cmd.ProcessState.ExitCode()
}

// wantExit waits for the end and checks the exit code.
func (s *ptySession) wantExit(want int) {
	s.t.Helper()
	if got := s.wait(); got != want {
		s.fatalf("clerkconvex exited %d, want %d", got, want)
	}
}

// checkScreen asserts lines the screen must show.
func (s *ptySession) checkScreen(want ...string) {
	s.t.Helper()
	scr := s.screen()
	for _, w := range want {
		if !strings.Contains(scr, w) {
			s.fatalf("the screen does not show %q", w)
		}
	}
}

// checkNoSecret asserts the secret key shows nowhere: not on the screen, not in any byte the
// program wrote to the terminal.
func (s *ptySession) checkNoSecret() {
	s.t.Helper()
	for _, k := range []string{sk1, "CANARY"} {
		if strings.Contains(s.screen(), k) {
			s.fatalf("the screen shows the secret key (%s)", clerk.Mask(sk1))
		}
		if strings.Contains(s.raw.String(), k) {
			s.fatalf("the program wrote the secret key (%s) to the terminal", clerk.Mask(sk1))
		}
	}
}

// screenLine returns the first screen line containing text.
func (s *ptySession) screenLine(text string) string {
	s.t.Helper()
	for _, l := range strings.Split(s.screen(), "\n") {
		if strings.Contains(l, text) {
			return l
		}
	}
	s.fatalf("no screen line contains %q", text)
	return ""
}

// npxCalls reads the fake npx's log.
func (e *ptyEnv) npxCalls() []npxRecord {
	e.t.Helper()
	b, err := os.ReadFile(e.npxLog)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		e.t.Fatal(err)
	}
	var recs []npxRecord
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		var r npxRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			e.t.Fatalf("npx log line %q: %v", sc.Text(), err)
		}
		recs = append(recs, r)
	}
	return recs
}

func (e *ptyEnv) wantOneIssuerSet() {
	e.t.Helper()
	calls := e.npxCalls()
	want := "convex env set CLERK_JWT_ISSUER_DOMAIN " + issuer1
	if len(calls) != 1 || strings.Join(calls[0].Args, " ") != want || calls[0].Dir != e.dir {
		e.t.Fatalf("npx calls = %+v, want exactly one %q in %s", calls, want, e.dir)
	}
}

func (e *ptyEnv) wantNoNpx() {
	e.t.Helper()
	if calls := e.npxCalls(); len(calls) != 0 {
		e.t.Fatalf("npx was called: %+v", calls)
	}
}

// snapshot records every file and folder of the project with its mode and content.
func (e *ptyEnv) snapshot() map[string]string {
	e.t.Helper()
	snap := map[string]string{}
	err := filepath.WalkDir(e.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(e.dir, path)
		entry := info.Mode().String()
		if d.Type().IsRegular() {
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			entry += " " + string(b)
		}
		snap[rel] = entry
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return snap
}

func (e *ptyEnv) wantUnchanged(before map[string]string) {
	e.t.Helper()
	after := e.snapshot()
	for p, v := range after {
		if w, ok := before[p]; !ok {
			e.t.Errorf("%s was created", p)
		} else if w != v {
			e.t.Errorf("%s was changed:\n%s\nwas:\n%s", p, v, w)
		}
	}
	for p := range before {
		if _, ok := after[p]; !ok {
			e.t.Errorf("%s was removed", p)
		}
	}
}

func (e *ptyEnv) readFile(rel string) string {
	e.t.Helper()
	b, err := os.ReadFile(filepath.Join(e.dir, rel))
	if err != nil {
		e.t.Fatal(err)
	}
	return string(b)
}

// templates returns the fake's templates as name -> claims.
func (e *ptyEnv) templates() map[string]map[string]any {
	e.t.Helper()
	out := map[string]map[string]any{}
	for _, tm := range e.clerk.Templates(sk1) {
		var claims map[string]any
		if err := json.Unmarshal(tm.Claims, &claims); err != nil {
			e.t.Fatalf("template %s claims %s: %v", tm.Name, tm.Claims, err)
		}
		out[tm.Name] = claims
	}
	return out
}

func (e *ptyEnv) wantTemplateAud(aud string) {
	e.t.Helper()
	tmpls := e.templates()
	if len(tmpls) != 1 || tmpls["convex"] == nil || tmpls["convex"]["aud"] != aud {
		e.t.Fatalf("Clerk templates = %v, want exactly one, \"convex\" with aud %q", tmpls, aud)
	}
}

// requests lists the fake's requests as "METHOD /path status".
func (e *ptyEnv) requests() []string {
	var rs []string
	for _, r := range e.clerk.Requests() {
		rs = append(rs, r.Method+" "+r.Path+" "+strconv.Itoa(r.Status))
	}
	return rs
}

// The whole interactive first run: both keys at prompts (the secret masked), the Clerk
// provider from the defaults, a second provider, then no more.
func TestInteractiveInitFullRun(t *testing.T) {
	e := newPTYEnv(t)
	pk := clerk.EncodePublishableKey(host1, false)
	s := e.start("init")

	s.answer(sk1+keyEnter, promptSecret)
	s.answer(pk+keyEnter, promptPub)
	// The first provider: the defaults shown are the discovered issuer and "convex".
	s.answer(keyEnter, "Clerk's issuer: "+issuer1+" (press Enter to use it)", promptDomain)
	s.answer(keyEnter, promptAppID, "(convex)")
	s.answer("y"+keyEnter, promptAnother, "(y/N)")
	s.answer("https://auth.example.com"+keyEnter, promptDomain)
	s.answer("mobile"+keyEnter, promptAppID, "(convex)")
	s.answer("n"+keyEnter, promptAnother)
	s.wantExit(0)
	t.Logf("screen:\n%s", s.screen())

	// The secret was read (one mask character per key) but never shown.
	if line := s.screenLine(promptSecret); !strings.Contains(line, strings.Repeat("*", len(sk1))) {
		s.fatalf("the secret key prompt shows %q, want %d mask characters", line, len(sk1))
	}
	s.checkNoSecret()
	s.checkScreen(
		"✓ Clerk keys: test instance, accepted by Clerk (secret key "+clerk.Mask(sk1)+" from the prompt)",
		"✓ Issuer: "+issuer1,
		`✓ JWT template "convex" created (aud "convex")`,
		"✓ .env.local created",
		"✓ convex/auth.config.ts created",
		"✓ Convex dev deployment: CLERK_JWT_ISSUER_DOMAIN="+issuer1,
	)
	// stderr is a terminal and colour is on: the ✓ is green.
	if !strings.Contains(s.raw.String(), "\x1b[32m✓\x1b[0m") {
		s.fatalf("want a green ✓ with colour on")
	}

	auth := e.readFile("convex/auth.config.ts")
	for _, want := range []string{
		"domain: process.env.CLERK_JWT_ISSUER_DOMAIN!",
		`applicationID: "convex"`,
		`domain: "https://auth.example.com"`,
		`applicationID: "mobile"`,
	} {
		if !strings.Contains(auth, want) {
			t.Errorf("auth.config.ts lacks %q:\n%s", want, auth)
		}
	}
	if i, j := strings.Index(auth, "CLERK_JWT_ISSUER_DOMAIN"), strings.Index(auth, "auth.example.com"); i < 0 || j < i {
		t.Errorf("auth.config.ts should list the Clerk provider first:\n%s", auth)
	}
	// The two-provider file (Clerk's env domain plus a literal one) compiles with the real tsc,
	// as in a Convex project. node_modules is linked only now: the run saw the project as is.
	nodeharness.LinkNodeModules(t, e.dir)
	nodeharness.TypeCheck(t, e.dir, "convex/auth.config.ts")

	st, err := os.Stat(filepath.Join(e.dir, ".env.local"))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf(".env.local has mode %04o, want 0600", st.Mode().Perm())
	}
	vars := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(e.readFile(".env.local")), "\n") {
		if l = strings.TrimSpace(l); l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		k, v, ok := strings.Cut(l, "=")
		if !ok {
			t.Errorf(".env.local line %q is not KEY=value", l)
		}
		vars[k] = v
	}
	wantVars := map[string]string{
		"VITE_CLERK_PUBLISHABLE_KEY": pk,
		"CLERK_SECRET_KEY":           sk1,
		"CLERK_JWT_ISSUER_DOMAIN":    issuer1,
	}
	if len(vars) != len(wantVars) {
		t.Errorf(".env.local has %d variables, want %d: %v", len(vars), len(wantVars), keys(vars))
	}
	for k, v := range wantVars {
		if vars[k] != v {
			t.Errorf(".env.local %s = %q, want %q", k, clerk.RedactSecrets(vars[k]), clerk.RedactSecrets(v))
		}
	}

	e.wantTemplateAud("convex")
	if n := e.clerk.MutatingRequests(); n != 1 {
		t.Errorf("Clerk got %d mutating requests, want 1 (the template's POST): %v", n, e.requests())
	}
	e.wantOneIssuerSet()
}

func keys(m map[string]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

// Ctrl-C at any prompt: exit 130, nothing written, nothing created in Clerk, npx never run.
func TestInteractiveInitCtrlC(t *testing.T) {
	pk := clerk.EncodePublishableKey(host1, false)
	tests := []struct {
		name   string
		env    []string
		setup  func(e *ptyEnv)
		before func(s *ptySession) // answers up to the prompt
		prompt string
	}{
		{
			name:   "secret key",
			before: func(s *ptySession) {},
			prompt: promptSecret,
		},
		{
			name: "domain URL",
			before: func(s *ptySession) {
				s.answer(sk1+keyEnter, promptSecret)
				s.answer(pk+keyEnter, promptPub)
			},
			prompt: promptDomain,
		},
		{
			name: "another provider",
			before: func(s *ptySession) {
				s.answer(sk1+keyEnter, promptSecret)
				s.answer(pk+keyEnter, promptPub)
				s.answer(keyEnter, promptDomain)
				s.answer(keyEnter, promptAppID)
			},
			prompt: promptAnother,
		},
		{
			name: "update template",
			env:  []string{"CLERK_SECRET_KEY=" + sk1, "VITE_CLERK_PUBLISHABLE_KEY=" + pk},
			setup: func(e *ptyEnv) {
				if _, err := e.clerk.AddTemplate(sk1, clerkapi.Template{Name: "convex", Claims: json.RawMessage(`{"aud":"other"}`)}); err != nil {
					e.t.Fatal(err)
				}
			},
			before: func(s *ptySession) {
				s.answer(keyEnter, promptDomain)
				s.answer(keyEnter, promptAppID)
				s.answer(keyEnter, promptAnother)
			},
			prompt: promptUpdate,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newPTYEnv(t, tt.env...)
			wantTemplates := map[string]map[string]any{}
			if tt.setup != nil {
				tt.setup(e)
				wantTemplates = e.templates()
			}
			before := e.snapshot()
			s := e.start("init")
			tt.before(s)
			s.answer(keyCtrlC, tt.prompt)
			s.wantExit(130)
			s.checkScreen("interrupted: nothing was changed")
			s.checkNoSecret()
			e.wantUnchanged(before)
			if n := e.clerk.MutatingRequests(); n != 0 {
				t.Errorf("Clerk got %d mutating requests, want 0: %v", n, e.requests())
			}
			if tmpls := e.templates(); !reflect.DeepEqual(tmpls, wantTemplates) {
				t.Errorf("Clerk has templates %v, want %v", tmpls, wantTemplates)
			}
			e.wantNoNpx()
		})
	}
}

// An existing "convex" template whose aud is wrong: init asks before changing it.
func TestInteractiveInitExistingTemplate(t *testing.T) {
	pk := clerk.EncodePublishableKey(host1, false)
	tests := []struct {
		name     string
		reply    string
		wantCode int
	}{
		{name: "declined", reply: "n", wantCode: 1},
		{name: "accepted", reply: "y", wantCode: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The keys come from the environment this time: no key prompts.
			e := newPTYEnv(t, "CLERK_SECRET_KEY="+sk1, "VITE_CLERK_PUBLISHABLE_KEY="+pk)
			tm, err := e.clerk.AddTemplate(sk1, clerkapi.Template{Name: "convex", Claims: json.RawMessage(`{"aud":"other"}`)})
			if err != nil {
				t.Fatal(err)
			}
			e.clerk.ClearRequests()
			before := e.snapshot()

			s := e.start("init")
			s.answer(keyEnter, "Clerk's issuer: "+issuer1+" (press Enter to use it)", promptDomain)
			s.answer(keyEnter, promptAppID, "(convex)")
			s.answer(keyEnter, promptAnother, "(y/N)") // the default: no
			s.answer(tt.reply+keyEnter, `JWT template "convex" needs a change (aud: "other" → "convex")`, promptUpdate, "(Y/n)")
			s.wantExit(tt.wantCode)
			s.checkNoSecret()
			if strings.Contains(s.screen(), promptSecret) || strings.Contains(s.screen(), promptPub) {
				s.fatalf("asked for a key that the environment holds")
			}

			if tt.wantCode != 0 {
				s.checkScreen(`✗ left JWT template "convex" as it is`)
				e.wantTemplateAud("other")
				if n := e.clerk.MutatingRequests(); n != 0 {
					t.Errorf("Clerk got %d mutating requests, want 0: %v", n, e.requests())
				}
				e.wantUnchanged(before)
				e.wantNoNpx()
				return
			}
			s.checkScreen(`✓ JWT template "convex" updated: aud: "other" → "convex"`)
			e.wantTemplateAud("convex")
			patch := "PATCH /v1/jwt_templates/" + tm.ID + " 200"
			var mutating []string
			for _, r := range e.requests() {
				if !strings.HasPrefix(r, "GET ") {
					mutating = append(mutating, r)
				}
			}
			if len(mutating) != 1 || mutating[0] != patch {
				t.Errorf("mutating Clerk requests = %v, want just %q", mutating, patch)
			}
			e.wantOneIssuerSet()
		})
	}
}

// NO_COLOR: no colour anywhere (init's lines nor survey's prompts), the ✓ symbols still shown
// because stderr is a terminal.
func TestInteractiveInitNoColor(t *testing.T) {
	pk := clerk.EncodePublishableKey(host1, false)
	e := newPTYEnv(t, "NO_COLOR=1")
	s := e.start("init")
	s.answer(sk1+keyEnter, promptSecret)
	s.answer(pk+keyEnter, promptPub)
	s.answer(keyEnter, promptDomain)
	s.answer(keyEnter, promptAppID)
	s.answer(keyEnter, promptAnother)
	s.wantExit(0)
	if m := sgr.FindString(s.raw.String()); m != "" {
		s.fatalf("NO_COLOR is set but the output has the colour sequence %q", m)
	}
	s.checkScreen("✓ Issuer: "+issuer1, "✓ .env.local created", "✓ Convex dev deployment: CLERK_JWT_ISSUER_DOMAIN="+issuer1)
	s.checkNoSecret()
	e.wantOneIssuerSet()
}

// A first interactive init asks at the end whether to sync users; yes runs users init: svix
// (declined here), the Clerk-side steps, then the signing secret at a hidden prompt, which
// reaches npx on stdin and shows nowhere.
func TestInteractiveInitSyncUsersQuestion(t *testing.T) {
	const secret = "whsec_UFRZY2xlcmtjb252ZXhwdHl3ZWJob29rMTIz"
	pk := clerk.EncodePublishableKey(host1, false)
	e := newPTYEnv(t, "VITE_CONVEX_URL=https://happy-cat-123.convex.cloud")
	s := e.start("init")
	s.answer(sk1+keyEnter, promptSecret)
	s.answer(pk+keyEnter, promptPub)
	s.answer(keyEnter, promptDomain)
	s.answer(keyEnter, promptAppID)
	s.answer(keyEnter, promptAnother)
	s.answer("y"+keyEnter, syncUsersPrompt, "(y/N)")
	s.answer("n"+keyEnter, "Run npm install svix?")
	// Typed only once the hidden prompt is drawn: keys typed while the steps print would be
	// echoed by the terminal, as in any program that is not reading yet.
	s.answer(secret+keyEnter, "Endpoint URL: https://happy-cat-123.convex.site/clerk-users-webhook", "Paste the endpoint's Signing Secret (whsec_…):")
	if _, err := s.c.ExpectEOF(); err != nil {
		s.fatalf("waiting for the end: %v", err)
	}
	s.checkScreen("convex/http.ts created", "CLERK_WEBHOOK_SECRET set (whsec_…MTIz, from the prompt)")
	if strings.Contains(s.raw.String(), secret[6:30]) {
		s.fatalf("the webhook secret was echoed")
	}
	var set []string
	for _, c := range e.npxCalls() {
		if strings.Contains(strings.Join(c.Args, " "), "whsec_") {
			t.Errorf("the secret is in npx's arguments: %v", c.Args)
		}
		if strings.Join(c.Args, " ") == "convex env set CLERK_WEBHOOK_SECRET" {
			set = append(set, c.Stdin)
		}
	}
	if len(set) != 1 || set[0] != secret {
		t.Errorf("CLERK_WEBHOOK_SECRET set from stdin %q, want the pasted secret once", set)
	}
	if !strings.Contains(e.readFile("convex/http.ts"), `path: "/clerk-users-webhook"`) {
		t.Error("http.ts has no webhook route")
	}
}
