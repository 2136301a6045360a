package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/cli"
	"github.com/clerkconvex/clerkconvex/internal/doctor/doctortest"
	"github.com/clerkconvex/clerkconvex/internal/fakes/clerkapi"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"clerkconvex": func() { os.Exit(cli.Main()) },
		"npx":         fakeNpx,
	})
}

// Keys of the fake's two Clerk instances. The secret keys are canaries: a test fails if they
// show up anywhere they must not.
const (
	host1 = "happy-cat-12.clerk.accounts.dev"
	host2 = "other-app-99.clerk.accounts.dev"
	sk1   = "sk_test_CANARYoneAbCdEfGhIjKlMnOpQrStUv1111"
	sk2   = "sk_test_CANARYtwoAbCdEfGhIjKlMnOpQrStUv2222"
	skL   = "sk_live_CANARYliveAbCdEfGhIjKlMnOpQrStU3333"
	hostL = "clerk.example.com"
)

func TestScripts(t *testing.T) {
	testscript.Run(t, scriptParams(t, "testdata/script"))
}

func scriptParams(t *testing.T, dir string) testscript.Params {
	p := baseParams(dir)
	for name, cmd := range doctorCmds() {
		p.Cmds[name] = cmd
	}
	for name, cmd := range deployKeyCmds() {
		p.Cmds[name] = cmd
	}
	setup := p.Setup
	p.Setup = func(env *testscript.Env) error {
		env.Values[deployHolder{}] = &deployHolder{} // filled by convexdeploy
		return setup(env)
	}
	return p
}

func baseParams(dir string) testscript.Params {
	return testscript.Params{
		Dir:                 dir,
		RequireExplicitExec: false,
		Setup: func(env *testscript.Env) error {
			env.Setenv("SK", sk1)
			env.Setenv("PK", clerk.EncodePublishableKey(host1, false))
			env.Setenv("ISSUER", "https://"+host1)
			env.Setenv("SK2", sk2)
			env.Setenv("PK2", clerk.EncodePublishableKey(host2, false))
			env.Setenv("SKLIVE", skL)
			env.Setenv("PKLIVE", clerk.EncodePublishableKey(hostL, true))
			env.Setenv("FAKE_NPX_LOG", filepath.Join(env.WorkDir, ".npx.log"))
			env.Setenv("FAKE_NPX_STORE", filepath.Join(env.WorkDir, ".npx.store.json"))
			env.Setenv("NO_COLOR", "")
			env.Values["clerkfake"] = &fakeHolder{}
			// NONPX_PATH holds clerkconvex but no npx, for the "npx missing" cases.
			bin, err := exec.LookPath("clerkconvex")
			if err != nil {
				for _, d := range filepath.SplitList(env.Getenv("PATH")) {
					if _, err := os.Stat(filepath.Join(d, "clerkconvex")); err == nil {
						bin = filepath.Join(d, "clerkconvex")
						break
					}
				}
			}
			nonpx := filepath.Join(env.WorkDir, ".nonpx")
			if err := os.MkdirAll(nonpx, 0o755); err != nil {
				return err
			}
			if err := os.Symlink(bin, filepath.Join(nonpx, "clerkconvex")); err != nil {
				return err
			}
			env.Setenv("NONPX_PATH", nonpx)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"clerkfake":       cmdClerkFake,
			"clerk-template":  cmdClerkTemplate,
			"clerk-templates": cmdClerkTemplates,
			"clerk-fault":     cmdClerkFault,
			"clerk-calls":     cmdClerkCalls,
			"filemode":        cmdFileMode,
			"no-secret":       cmdNoSecret,
			"npx-calls":       cmdNpxCalls,
			"exit":            cmdExit,
			"jsonone":         cmdJSONOne,
		},
	}
}

// fakeHolder keeps the script's Clerk fake between commands.
type fakeHolder struct{ s *clerkapi.Server }

func fake(ts *testscript.TestScript) *clerkapi.Server {
	s := ts.Value("clerkfake").(*fakeHolder).s
	if s == nil {
		ts.Fatalf("clerkfake has not been started")
	}
	return s
}

// clerkfake [latency]: start the fake Clerk API with the two test instances and a live one;
// sets CLERK_API_URL.
func cmdClerkFake(ts *testscript.TestScript, neg bool, args []string) {
	opts := clerkapi.Options{Instances: []clerkapi.Instance{
		{SecretKey: sk1, FrontendAPIURL: "https://" + host1},
		{SecretKey: sk2, FrontendAPIURL: "https://" + host2},
		{SecretKey: skL, FrontendAPIURL: "https://" + hostL, Satellites: []string{"satellite.example.com"}},
	}}
	if len(args) > 0 {
		d, err := time.ParseDuration(args[0])
		ts.Check(err)
		opts.Latency = d
	}
	s := clerkapi.New(opts)
	ts.Defer(s.Close)
	ts.Value("clerkfake").(*fakeHolder).s = s
	ts.Setenv("CLERK_API_URL", s.URL)
}

func keyFor(ts *testscript.TestScript, name string) string {
	switch name {
	case "", "1":
		return sk1
	case "2":
		return sk2
	case "live":
		return skL
	case "doctor":
		return doctortest.SecretKey // doctorfake's instance
	}
	ts.Fatalf("unknown instance %q", name)
	return ""
}

// clerk-template NAME CLAIMS [instance]: plant a template.
func cmdClerkTemplate(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: clerk-template NAME CLAIMS_JSON [instance]")
	}
	inst := ""
	if len(args) > 2 {
		inst = args[2]
	}
	_, err := fake(ts).AddTemplate(keyFor(ts, inst), clerkapi.Template{Name: args[0], Claims: json.RawMessage(args[1])})
	ts.Check(err)
}

// clerk-templates [instance]: print the instance's templates as JSON lines (name, claims).
func cmdClerkTemplates(ts *testscript.TestScript, neg bool, args []string) {
	inst := ""
	if len(args) > 0 {
		inst = args[0]
	}
	for _, t := range fake(ts).Templates(keyFor(ts, inst)) {
		fmt.Fprintf(ts.Stdout(), "name=%s lifetime=%d skew=%d claims=%s\n", t.Name, t.Lifetime, t.AllowedClockSkew, t.Claims)
	}
}

// clerk-fault METHOD PATHPREFIX STATUS [TIMES] [BODY]: make the fake answer with an error.
func cmdClerkFault(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 3 {
		ts.Fatalf("usage: clerk-fault METHOD PATHPREFIX STATUS [TIMES] [BODY|delay=DURATION]")
	}
	status, err := strconv.Atoi(args[2])
	ts.Check(err)
	f := clerkapi.Fault{Method: args[0], PathPrefix: args[1], Status: status}
	if f.Method == "*" {
		f.Method = ""
	}
	if len(args) > 3 {
		f.Times, err = strconv.Atoi(args[3])
		ts.Check(err)
	}
	if len(args) > 4 {
		if d, ok := strings.CutPrefix(args[4], "delay="); ok {
			f.Delay, err = time.ParseDuration(d)
			ts.Check(err)
		} else {
			f.Body = args[4]
			if strings.HasPrefix(f.Body, "<") {
				f.ContentType = "text/html"
			}
		}
	}
	if status == 429 {
		f.Header = map[string]string{"Retry-After": "0"}
	}
	fake(ts).InjectFault(f)
}

// clerk-calls: print one line per request the fake got ("GET /v1/domains 200"), then
// "mutating=N".
func cmdClerkCalls(ts *testscript.TestScript, neg bool, args []string) {
	s := fake(ts)
	for _, r := range s.Requests() {
		fmt.Fprintf(ts.Stdout(), "%s %s %d\n", r.Method, r.Path, r.Status)
	}
	fmt.Fprintf(ts.Stdout(), "mutating=%d\n", s.MutatingRequests())
	if len(args) > 0 && args[0] == "reset" {
		s.ClearRequests()
	}
}

// filemode PATH MODE: assert a file's permission bits.
func cmdFileMode(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: filemode PATH MODE")
	}
	st, err := os.Stat(ts.MkAbs(args[0]))
	ts.Check(err)
	want, err := strconv.ParseUint(args[1], 8, 32)
	ts.Check(err)
	got := uint64(st.Mode().Perm())
	if (got == want) == neg {
		ts.Fatalf("%s has mode %04o; want %s%04o", args[0], got, map[bool]string{true: "not ", false: ""}[neg], want)
	}
}

// scriptText is stdout, stderr or a file of the script's work directory; ok is false for a file
// that does not exist.
func scriptText(ts *testscript.TestScript, name string) (data string, ok bool) {
	if name == "stdout" || name == "stderr" {
		return ts.ReadFile(name), true
	}
	b, err := os.ReadFile(ts.MkAbs(name))
	if os.IsNotExist(err) {
		return "", false
	}
	ts.Check(err)
	return string(b), true
}

// no-secret FILE...: the canary secret keys appear in none of these files (stdout/stderr too).
func cmdNoSecret(ts *testscript.TestScript, neg bool, args []string) {
	for _, name := range args {
		data, ok := scriptText(ts, name)
		if !ok {
			continue
		}
		for _, k := range []string{sk1, sk2, skL, "CANARY"} {
			if strings.Contains(data, k) {
				ts.Fatalf("%s contains a secret key (%s)", name, clerk.Mask(k))
			}
		}
	}
}

// npx-calls: print the fake npx's recorded calls, one per line: args then "stdin=...".
func cmdNpxCalls(ts *testscript.TestScript, neg bool, args []string) {
	b, err := os.ReadFile(ts.Getenv("FAKE_NPX_LOG"))
	if os.IsNotExist(err) {
		fmt.Fprintln(ts.Stdout(), "calls=0")
		return
	}
	ts.Check(err)
	n := 0
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for sc.Scan() {
		var rec npxRecord
		ts.Check(json.Unmarshal(sc.Bytes(), &rec))
		dir := rec.Dir
		if rel, err := filepath.Rel(ts.Getenv("WORK"), dir); err == nil {
			dir = filepath.ToSlash(filepath.Join("$WORK", rel))
		}
		fmt.Fprintf(ts.Stdout(), "npx %s stdin=%q dir=%s\n", strings.Join(rec.Args, " "), rec.Stdin, dir)
		n++
	}
	fmt.Fprintf(ts.Stdout(), "calls=%d\n", n)
}

type npxRecord struct {
	Args  []string `json:"args"`
	Stdin string   `json:"stdin"`
	Dir   string   `json:"dir"`
}

// fakeNpx stands for npx: it records its arguments and stdin, keeps `convex env` variables per
// deployment in a JSON file, and fails when FAKE_NPX_FAIL is set (its value goes to stderr).
func fakeNpx() {
	args := os.Args[1:]
	var stdin []byte
	if st, err := os.Stdin.Stat(); err == nil && st.Mode()&os.ModeCharDevice == 0 {
		stdin, _ = io.ReadAll(os.Stdin)
	}
	wd, _ := os.Getwd()
	if log := os.Getenv("FAKE_NPX_LOG"); log != "" {
		f, err := os.OpenFile(log, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err == nil {
			b, _ := json.Marshal(npxRecord{Args: args, Stdin: string(stdin), Dir: wd})
			f.Write(append(b, '\n'))
			f.Close()
		}
	}
	// FAKE_NPX_SLEEP makes it as slow as the real CLI can be (at most 10 s).
	if d, err := time.ParseDuration(os.Getenv("FAKE_NPX_SLEEP")); err == nil && d > 0 {
		time.Sleep(min(d, 10*time.Second))
	}
	if msg := os.Getenv("FAKE_NPX_FAIL"); msg != "" {
		fmt.Fprintln(os.Stderr, msg)
		os.Exit(1)
	}
	if len(args) < 3 || args[0] != "convex" || args[1] != "env" {
		fmt.Fprintf(os.Stderr, "fake npx: unsupported call %q\n", args)
		os.Exit(2)
	}
	dep := "dev"
	var rest []string
	force := false
	for i := 2; i < len(args); i++ {
		switch a := args[i]; {
		case a == "--type" && i+1 < len(args) && len(args) > 3 && args[2] == "default":
			// `convex env default … --type T`: the project's defaults for type T.
			dep = "default:" + args[i+1]
			i++
		case a == "--force":
			force = true
		case a == "--prod":
			dep = "prod"
		case a == "--deployment" && i+1 < len(args):
			// As convex 1.48: a named deployment (its variables kept under the ref as given;
			// "dev" and "prod" are the default ones).
			dep = args[i+1]
			i++
		default:
			rest = append(rest, a)
		}
	}
	store := map[string]map[string]string{}
	path := os.Getenv("FAKE_NPX_STORE")
	if b, err := os.ReadFile(path); err == nil {
		json.Unmarshal(b, &store)
	}
	if store[dep] == nil {
		store[dep] = map[string]string{}
	}
	if rest[0] == "default" {
		if fakeNpxDefault(store, dep, rest[1:], stdin, force) {
			saveNpxStore(path, store)
		}
		os.Exit(0)
	}
	switch {
	case rest[0] == "set" && len(rest) == 3:
		store[dep][rest[1]] = rest[2]
		fmt.Fprintf(os.Stderr, "✔ Successfully set %s\n", rest[1])
	case rest[0] == "set" && len(rest) == 2:
		store[dep][rest[1]] = strings.TrimRight(string(stdin), "\n")
		fmt.Fprintf(os.Stderr, "✔ Successfully set %s\n", rest[1])
	case rest[0] == "get" && len(rest) == 2:
		v, ok := store[dep][rest[1]]
		if !ok {
			// As convex 1.48.0 does: nothing on stdout, the message on stderr, exit 0.
			fmt.Fprintf(os.Stderr, "✖ Environment variable %q not found\n", rest[1])
			os.Exit(0)
		}
		fmt.Println(v)
	case rest[0] == "list":
		for k, v := range store[dep] {
			fmt.Printf("%s=%s\n", k, v)
		}
	default:
		fmt.Fprintf(os.Stderr, "fake npx: unsupported call %q\n", args)
		os.Exit(2)
	}
	if rest[0] == "set" {
		saveNpxStore(path, store)
	}
	os.Exit(0)
}

// saveNpxStore writes the fake npx's store atomically: doctor runs several npx calls side by
// side, and a reader must never see a half-written file (readers never write it back).
func saveNpxStore(path string, store map[string]map[string]string) {
	b, _ := json.Marshal(store)
	tmp := fmt.Sprintf("%s.%d.tmp", path, os.Getpid())
	if os.WriteFile(tmp, b, 0o644) == nil {
		os.Rename(tmp, path)
	}
}

// exit N PROG ARGS...: run a program and assert its exit code (stdout and stderr are kept for
// the next assertions, like exec).
func cmdExit(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: exit CODE PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("%s: %v", args[1], err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Logf("stdout:\n%s\nstderr:\n%s", ts.ReadFile("stdout"), ts.ReadFile("stderr"))
		ts.Fatalf("%s exited %d, want %d", args[1], got, want)
	}
}

// fakeNpxDefault answers `convex env default set|list --type T` as convex 1.48 does
// (dist/cjs/cli/lib/env.js: envSetFromContent, envList), on the store's "default:T" entry:
// set reads a .env body from stdin (NAME='value' lines), refuses a different existing value
// without --force (exit 1), and says when nothing changed.
func fakeNpxDefault(store map[string]map[string]string, dep string, rest []string, stdin []byte, force bool) (changed bool) {
	typ := strings.TrimPrefix(dep, "default:")
	notice := " (in default env vars for " + typ + " deployments)"
	if !strings.HasPrefix(dep, "default:") || len(rest) == 0 {
		fmt.Fprintln(os.Stderr, "fake npx: env default needs --type")
		os.Exit(2)
	}
	vars := store[dep]
	switch {
	case rest[0] == "set" && len(rest) == 1:
		var added, same int
		var conflicts []string
		type kv struct{ k, v string }
		var todo []kv
		for _, line := range strings.Split(string(stdin), "\n") {
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				continue
			}
			v = strings.Trim(v, "'")
			switch old, had := vars[k]; {
			case !had:
				added++
				todo = append(todo, kv{k, v})
			case old == v:
				same++
			case force:
				todo = append(todo, kv{k, v})
			default:
				conflicts = append(conflicts, k)
			}
		}
		if len(conflicts) > 0 {
			fmt.Fprintf(os.Stderr, "✖ error: environment variable %s already exists with different value.\n\nUse --force to overwrite existing values.\n", strings.Join(conflicts, " and "))
			os.Exit(1)
		}
		for _, c := range todo {
			vars[c.k] = c.v
		}
		changed = len(todo) > 0
		if len(todo) == 0 {
			fmt.Fprintf(os.Stderr, "All %d environment variables from stdin already set%s\n", same, notice)
		} else {
			fmt.Fprintf(os.Stderr, "✔ Successfully set %d environment variables from stdin (%d new)%s\n", len(todo), added, notice)
		}
	case rest[0] == "list":
		if len(vars) == 0 {
			fmt.Fprintf(os.Stderr, "No environment variables set%s\n", notice)
		}
		for k, v := range vars {
			fmt.Printf("%s=%s\n", k, v)
		}
	default:
		fmt.Fprintf(os.Stderr, "fake npx: unsupported env default call %q\n", rest)
		os.Exit(2)
	}
	return changed
}
