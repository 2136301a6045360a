//go:build linux

package main

// Hardening tests (issue 5): the secret canary over every command path, the bad-input matrix,
// retries end to end and the call budget. They drive the built CLI (the `clerkconvex` that
// testscript.Main puts on PATH) from Go tables, so each row can hash the project tree, scan
// every output for the canary keys, inject Clerk faults and deliver signals.
//
// Adding a command path (e.g. doctor): one entry in canaryPaths (TestSecretCanary) and/or one
// row in badInputRows (TestBadInputMatrix); a row's prep hook can start more fakes (issuer,
// Convex deployment) and set env through h.env.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/doctor/doctortest"
	"github.com/clerkconvex/clerkconvex/internal/fakes/clerkapi"
)

// pk1 is the publishable key of the fake's first instance (the one sk1 opens).
var (
	pk1 = clerk.EncodePublishableKey(host1, false)
	pk2 = clerk.EncodePublishableKey(host2, false)
	pkL = clerk.EncodePublishableKey(hostL, true)
)

const viteProject = `-- package.json --
{"name":"app","dependencies":{"vite":"7","convex":"1.48.0","@clerk/clerk-react":"5"}}
`

// harness is one project folder plus everything a run of the CLI touches: the fake Clerk API,
// a fake npx (recording arguments, stdin and environment), HOME and TMPDIR, all outside the
// project so the project tree can be hashed and every byte the tool wrote can be scanned.
type harness struct {
	t       *testing.T
	dir     string // the project
	aux     string // outside the project: npx log/store/env dumps, HOME, TMPDIR, bin
	clerk   *clerkapi.Server
	clerkTS *httptest.Server
	env     map[string]string // the child's whole environment
	bin     string            // the CLI to run; default clerkconvex from PATH
	uid     int               // run the CLI as this user when > 0 (see dropPrivileges)

	mu       sync.Mutex
	arrivals []chan string // notified with "METHOD PATH" as each Clerk request arrives
	// holdAfter ("METHOD /path"): the next such request is carried out, then its answer is
	// held back until the client gives up — Clerk did the work but the answer never came.
	holdAfter string
	inflight  atomic.Int32 // Clerk requests being handled (the fake records one when it ends)
}

// newHarness writes the txtar files into a fresh project folder and starts the Clerk fake.
func newHarness(t *testing.T, files string) *harness {
	t.Helper()
	h := &harness{t: t, dir: t.TempDir(), aux: t.TempDir()}
	for _, f := range txtar.Parse([]byte(files)).Files {
		writeFile(t, h.dir, f.Name, f.Data, 0o644)
	}
	for _, d := range []string{"home", "tmp", "bin", "npxenv"} {
		if err := os.MkdirAll(filepath.Join(h.aux, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	h.clerk = clerkapi.NewUnstarted(clerkapi.Options{Instances: []clerkapi.Instance{
		{SecretKey: sk1, FrontendAPIURL: "https://" + host1},
		{SecretKey: sk2, FrontendAPIURL: "https://" + host2},
		{SecretKey: skL, FrontendAPIURL: "https://" + hostL, Satellites: []string{"satellite.example.com"}},
	}})
	inner := h.clerk.Handler()
	h.clerkTS = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.inflight.Add(1)
		defer h.inflight.Add(-1)
		req := r.Method + " " + r.URL.Path
		h.mu.Lock()
		hold := h.holdAfter != "" && h.holdAfter == req
		if hold {
			h.holdAfter = ""
		}
		h.mu.Unlock()
		if hold {
			inner.ServeHTTP(httptest.NewRecorder(), r)
		}
		h.mu.Lock()
		for _, c := range h.arrivals {
			select {
			case c <- req:
			default:
			}
		}
		h.mu.Unlock()
		if hold {
			<-r.Context().Done()
			return
		}
		inner.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { h.clerk.Close(); h.clerkTS.Close() })

	// The fake npx goes through a wrapper that dumps its environment first (so the canary scan
	// covers what child processes inherit) and can hang on request (FAKE_NPX_HANG=1; =tree also
	// starts a grandchild, as npx starts node, and writes "parent npx grandchild" pids to
	// $FAKE_NPX_ENVDIR/tree).
	realNpx, err := exec.LookPath("npx")
	if err != nil || !strings.Contains(realNpx, "testscript-main") {
		t.Fatalf("the fake npx from testscript.Main is not first on PATH (found %q, %v)", realNpx, err)
	}
	wrapper := `#!/bin/sh
env > "$FAKE_NPX_ENVDIR/env.$$"
if [ -n "$FAKE_NPX_HANG" ]; then
  if [ "$FAKE_NPX_HANG" = tree ]; then
    sleep 300 &
    echo "$PPID $$ $!" > "$FAKE_NPX_ENVDIR/tree.tmp"
    mv "$FAKE_NPX_ENVDIR/tree.tmp" "$FAKE_NPX_ENVDIR/tree"
  fi
  : > "$FAKE_NPX_ENVDIR/hanging"
  exec sleep 60
fi
exec "$FAKE_NPX_REAL" "$@"
`
	if err := os.WriteFile(filepath.Join(h.aux, "bin", "npx"), []byte(wrapper), 0o755); err != nil {
		t.Fatal(err)
	}
	h.env = map[string]string{
		"PATH":                         filepath.Join(h.aux, "bin") + string(os.PathListSeparator) + os.Getenv("PATH"),
		"HOME":                         filepath.Join(h.aux, "home"),
		"TMPDIR":                       filepath.Join(h.aux, "tmp"),
		"NO_COLOR":                     "1",
		"CLERK_API_URL":                h.clerkTS.URL,
		"CLERKCONVEX_HTTP_TIMEOUT":     "10s",
		"CLERKCONVEX_RETRY_BASE_DELAY": "1ms",
		"FAKE_NPX_LOG":                 filepath.Join(h.aux, "npx.log"),
		"FAKE_NPX_STORE":               filepath.Join(h.aux, "npx.store.json"),
		"FAKE_NPX_ENVDIR":              filepath.Join(h.aux, "npxenv"),
		"FAKE_NPX_REAL":                realNpx,
		"GIT_CONFIG_NOSYSTEM":          "1",
	}
	if v := os.Getenv("GOCOVERDIR"); v != "" {
		h.env["GOCOVERDIR"] = v
	}
	// Under -race every child would sleep a second on exit (the race runtime's default).
	h.env["GORACE"] = "atexit_sleep_ms=0 " + os.Getenv("GORACE")
	return h
}

func (h *harness) environ() []string {
	var out []string
	for k, v := range h.env {
		out = append(out, k+"="+v)
	}
	slices.Sort(out)
	return out
}

// result is one finished run of the CLI.
type result struct {
	args           []string
	stdout, stderr string
	code           int
	// strays are the npx processes (pids) still running when the CLI had exited.
	strays []int
}

func (r result) String() string {
	return fmt.Sprintf("clerkconvex %s\nexit %d\n--- stdout\n%s--- stderr\n%s", strings.Join(r.args, " "), r.code, r.stdout, r.stderr)
}

// command builds the child process: the testscript copy of the test binary named clerkconvex.
func (h *harness) command(ctx context.Context, args []string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	bin := h.bin
	if bin == "" {
		var err error
		if bin, err = exec.LookPath("clerkconvex"); err != nil {
			h.t.Fatalf("clerkconvex is not on PATH: %v", err)
		}
	}
	// The env dumps of earlier runs were scanned with the environment of their own run.
	old, _ := filepath.Glob(filepath.Join(h.env["FAKE_NPX_ENVDIR"], "env.*"))
	for _, p := range old {
		_ = os.Remove(p)
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = h.dir
	cmd.Env = h.environ()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// Its own process group, so a test can press "Ctrl-C" (SIGINT to the group).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if h.uid > 0 {
		cmd.SysProcAttr.Credential = &syscall.Credential{Uid: uint32(h.uid), Gid: uint32(h.uid)}
	}
	return cmd, &stdout, &stderr
}

// run runs the CLI to the end.
func (h *harness) run(args ...string) result {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd, stdout, stderr := h.command(ctx, args)
	err := cmd.Run()
	return h.finish(args, err, stdout, stderr)
}

func (h *harness) finish(args []string, err error, stdout, stderr *bytes.Buffer) result {
	h.t.Helper()
	// A request the CLI gave up on (Ctrl-C, timeout) ends on the server a moment later; wait
	// for it so the fake's request log is complete.
	for deadline := time.Now().Add(10 * time.Second); h.inflight.Load() > 0; {
		if time.Now().After(deadline) {
			h.t.Fatalf("the Clerk fake still handles %d requests 10s after the CLI ended", h.inflight.Load())
		}
		time.Sleep(2 * time.Millisecond)
	}
	r := result{args: args, stdout: stdout.String(), stderr: stderr.String()}
	r.strays = h.waitNpx()
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			h.t.Fatalf("clerkconvex %s: %v", strings.Join(args, " "), err)
		}
		r.code = ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			h.t.Fatalf("clerkconvex %s was killed by %v instead of exiting\n%s", strings.Join(args, " "), ws.Signal(), r)
		}
	}
	return r
}

// waitNpx returns the npx processes of this run that are still running (they should have
// ended with the CLI), then waits up to 10s for them so the next run's counts are its own.
func (h *harness) waitNpx() []int {
	dumps, _ := filepath.Glob(filepath.Join(h.env["FAKE_NPX_ENVDIR"], "env.*"))
	var pids []int
	for _, d := range dumps {
		var pid int
		if _, err := fmt.Sscanf(filepath.Ext(d), ".%d", &pid); err == nil && running(pid) {
			pids = append(pids, pid)
		}
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if !slices.ContainsFunc(pids, running) {
			break
		}
	}
	return pids
}

// running tells whether a process exists and is not a zombie.
func running(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// pid (comm) state ...: the state follows the last ')'.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && i+2 < len(s) && s[i+2] != 'Z' && s[i+2] != 'X'
}

// arrival returns a channel told about every Clerk request as it arrives (before the fake
// answers or delays it).
func (h *harness) arrival() chan string {
	c := make(chan string, 64)
	h.mu.Lock()
	h.arrivals = append(h.arrivals, c)
	h.mu.Unlock()
	return c
}

// interruptWhen starts the CLI, waits until ready reports true, presses Ctrl-C (SIGINT to the
// process group, as a terminal does) and waits for the exit.
func (h *harness) interruptWhen(ready func() bool, args ...string) result {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd, stdout, stderr := h.command(ctx, args)
	if err := cmd.Start(); err != nil {
		h.t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	deadline := time.After(30 * time.Second)
	for !ready() {
		select {
		case err := <-done:
			h.t.Fatalf("clerkconvex ended before the interrupt point: %v\n%s", err, result{args: args, stdout: stdout.String(), stderr: stderr.String()})
		case <-deadline:
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			h.t.Fatalf("the interrupt point never came\n%s", result{args: args, stdout: stdout.String(), stderr: stderr.String()})
		case <-time.After(5 * time.Millisecond):
		}
	}
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGINT); err != nil {
		h.t.Fatal(err)
	}
	var err error
	select {
	case err = <-done:
	case <-time.After(20 * time.Second):
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		h.t.Fatalf("clerkconvex did not stop within 20s of Ctrl-C\n%s", result{args: args, stdout: stdout.String(), stderr: stderr.String()})
	}
	return h.finish(args, err, stdout, stderr)
}

// onClerkRequest is a ready func for interruptWhen: true once a request "METHOD /path" arrived.
func (h *harness) onClerkRequest(want string) func() bool {
	c := h.arrival()
	seen := false
	return func() bool {
		for !seen {
			select {
			case got := <-c:
				seen = got == want
			default:
				return false
			}
		}
		return true
	}
}

// onNpxHang is a ready func: true once the fake npx is hanging.
func (h *harness) onNpxHang() func() bool {
	h.env["FAKE_NPX_HANG"] = "1"
	return func() bool {
		_, err := os.Stat(filepath.Join(h.env["FAKE_NPX_ENVDIR"], "hanging"))
		return err == nil
	}
}

// dropPrivileges makes the CLI run as an ordinary user, so file permissions apply even when the
// tests run as root (as CI containers do): the CLI is copied where that user can run it, and the
// folders above the project and aux are opened up for it. Unprivileged, it does nothing.
func (h *harness) dropPrivileges() {
	h.t.Helper()
	if os.Geteuid() != 0 {
		return
	}
	src, err := exec.LookPath("clerkconvex")
	if err != nil {
		h.t.Fatal(err)
	}
	h.bin = filepath.Join(h.aux, "bin", "clerkconvex")
	if err := placeBinary(src, h.bin); err != nil {
		h.t.Fatal(err)
	}
	for _, d := range []string{h.dir, filepath.Dir(h.dir), h.aux, filepath.Dir(h.aux)} {
		if err := os.Chmod(d, 0o755); err != nil {
			h.t.Fatal(err)
		}
	}
	for _, d := range []string{"home", "tmp", "npxenv"} {
		if err := os.Chmod(filepath.Join(h.aux, d), 0o777); err != nil {
			h.t.Fatal(err)
		}
	}
	h.uid = 65534 // nobody
}

// placeBinary puts the executable src at dst without ever holding a writable descriptor of dst
// in this process. Other tests run in parallel and start programs: a child forked while this
// process had dst open for writing inherits that descriptor until its own exec, and running dst
// in that window fails with "text file busy" (ETXTBSY). A hard link (same file system, as
// testscript's own copy of the test binary) writes nothing; otherwise cp writes the copy in its
// own process, and dst is complete and closed once cp has exited.
func placeBinary(src, dst string) error {
	if err := os.Link(src, dst); err == nil {
		if fi, err := os.Stat(dst); err == nil && fi.Mode().Perm()&0o005 == 0o005 {
			return nil
		}
		// The shared inode is not runnable by other users: copy it with its own mode instead.
		if err := os.Remove(dst); err != nil {
			return err
		}
	}
	if out, err := exec.Command("cp", src, dst).CombinedOutput(); err != nil {
		return fmt.Errorf("copy %s to %s: %v: %s", src, dst, err, out)
	}
	return os.Chmod(dst, 0o755)
}

// pathWithoutNpx is a PATH with git but no npx.
func (h *harness) pathWithoutNpx() string {
	h.t.Helper()
	dir := filepath.Join(h.aux, "nonpx")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		h.t.Fatal(err)
	}
	if git, err := exec.LookPath("git"); err == nil {
		if err := os.Symlink(git, filepath.Join(dir, "git")); err != nil {
			h.t.Fatal(err)
		}
	}
	return dir
}

// npxCalls returns the fake npx's recorded calls.
func (h *harness) npxCalls() []npxRecord {
	b, err := os.ReadFile(h.env["FAKE_NPX_LOG"])
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		h.t.Fatal(err)
	}
	var out []npxRecord
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var rec npxRecord
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			h.t.Fatalf("npx log line %q: %v", line, err)
		}
		out = append(out, rec)
	}
	return out
}

// npxStore returns the variables the fake npx holds for a deployment ("dev" or "prod").
func (h *harness) npxStore(dep string) map[string]string {
	b, err := os.ReadFile(h.env["FAKE_NPX_STORE"])
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		h.t.Fatal(err)
	}
	var store map[string]map[string]string
	if err := json.Unmarshal(b, &store); err != nil {
		h.t.Fatal(err)
	}
	return store[dep]
}

func (h *harness) read(rel string) string {
	h.t.Helper()
	return readFile(h.t, h.dir, rel)
}

func (h *harness) write(rel, data string) {
	h.t.Helper()
	writeFile(h.t, h.dir, rel, []byte(data), 0o644)
}

// fileState is what treeState records for one path: type, mode and content (or link target).
type fileState string

// treeState hashes every entry under root (without following links).
func treeState(t *testing.T, root string) map[string]fileState {
	t.Helper()
	out := map[string]fileState{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		info, err := os.Lstat(p)
		if err != nil {
			return err
		}
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			out[rel] = fileState("link " + target)
		case info.IsDir():
			out[rel] = fileState(fmt.Sprintf("dir %v", info.Mode().Perm()))
			if rel == ".git" {
				return fs.SkipDir
			}
		case info.Mode().IsRegular():
			if info.Mode().Perm()&0o400 == 0 {
				// Unreadable to its owner (a bad-input row): record its mode and size only.
				out[rel] = fileState(fmt.Sprintf("file %v size %d", info.Mode().Perm(), info.Size()))
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(b)
			out[rel] = fileState(fmt.Sprintf("file %v %s", info.Mode().Perm(), hex.EncodeToString(sum[:8])))
		default:
			out[rel] = fileState(fmt.Sprintf("other %v", info.Mode()))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// diffTrees lists the paths whose state differs, except those in allowed.
func diffTrees(before, after map[string]fileState, allowed []string) []string {
	var out []string
	for p, b := range before {
		a, ok := after[p]
		switch {
		case slices.Contains(allowed, p):
		case !ok:
			out = append(out, p+" was removed")
		case a != b:
			out = append(out, fmt.Sprintf("%s changed (%s -> %s)", p, b, a))
		}
	}
	for p, a := range after {
		if _, ok := before[p]; !ok && !slices.Contains(allowed, p) {
			out = append(out, fmt.Sprintf("%s appeared (%s)", p, a))
		}
	}
	slices.Sort(out)
	return out
}

// canaryNeedles are the forms of the canary secret keys that must never show up: the keys, their
// bodies (a leak without the prefix), base64 of the keys (as in a Basic auth header) and the
// marker every canary shares.
func canaryNeedles() []string {
	out := []string{"CANARY"}
	for _, k := range []string{sk1, sk2, skL} {
		out = append(out, k, k[len("sk_test_"):], base64.StdEncoding.EncodeToString([]byte(k)), base64.RawURLEncoding.EncodeToString([]byte(k)))
	}
	return out
}

// leak names the first canary form found in data, or "".
func leak(data string) string {
	for _, n := range canaryNeedles() {
		if strings.Contains(data, n) {
			return clerk.Mask(n)
		}
	}
	return ""
}

// assertNoCanary fails the test for each place canaryFindings finds a canary key.
func (h *harness) assertNoCanary(r result, secretFiles ...string) {
	h.t.Helper()
	for _, f := range h.canaryFindings(r, secretFiles...) {
		h.t.Errorf("secret leak: %s\n%s", f, strings.ReplaceAll(clerk.RedactSecrets(r.String()), "CANARY", "C*"))
	}
}

// canaryFindings checks everything a run left behind: stdout and stderr, every file in the
// project except the env files (secretFiles, project-relative; default .env.local), every file
// in HOME, TMPDIR and the npx log (arguments and stdin of every child), the children's
// environments (except variables the harness itself gave the CLI, which children inherit), and
// the URLs and bodies of the Clerk requests (the key belongs in the Authorization header only).
func (h *harness) canaryFindings(r result, secretFiles ...string) []string {
	if len(secretFiles) == 0 {
		secretFiles = []string{".env.local"}
	}
	var found []string
	if l := leak(r.stdout); l != "" {
		found = append(found, "stdout holds "+l)
	}
	if l := leak(r.stderr); l != "" {
		found = append(found, "stderr holds "+l)
	}
	given := map[string]bool{}
	for k, v := range h.env {
		if leak(v) != "" {
			given[k+"="+v] = true
		}
	}
	scanTree := func(root string, skip func(rel string) bool) {
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			rel, _ := filepath.Rel(root, p)
			rel = filepath.ToSlash(rel)
			if d.IsDir() {
				if d.Name() == ".git" && p != root {
					return fs.SkipDir // git's objects are compressed; what it stores came from files here
				}
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 {
				if target, err := os.Readlink(p); err == nil && leak(target) != "" {
					found = append(found, "the link "+p+" points at a path holding "+leak(target))
				}
				return nil
			}
			if !d.Type().IsRegular() || skip(rel) {
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return nil // unreadable files of bad-input rows
			}
			if strings.HasPrefix(rel, "npxenv/env.") {
				for _, line := range strings.Split(string(b), "\n") {
					if leak(line) != "" && !given[line] {
						k, _, _ := strings.Cut(line, "=")
						found = append(found, "npx was started with the key in its environment variable "+k)
					}
				}
				return nil
			}
			if l := leak(string(b)); l != "" {
				found = append(found, p+" holds "+l)
			}
			return nil
		})
	}
	scanTree(h.dir, func(rel string) bool { return slices.Contains(secretFiles, rel) })
	// aux/bin holds the npx wrapper and, for dropPrivileges, a copy of this test binary.
	scanTree(h.aux, func(rel string) bool { return strings.HasPrefix(rel, "bin/") })
	for _, rec := range h.clerk.Requests() {
		if l := leak(rec.Path + "?" + rec.RawQuery + " " + rec.Body); l != "" {
			found = append(found, fmt.Sprintf("the Clerk request %s %s carried %s in its URL or body", rec.Method, rec.Path, l))
		}
	}
	return found
}

// ---------------------------------------------------------------------------------------------
// 1. The secret canary over every command path.

// canaryStep is one run of the CLI inside a canary path.
type canaryStep struct {
	args []string
	env  map[string]string // set before this step ("" removes)
	code int
}

// canaryPath is a sequence of runs in one project; the canary scan runs after each step.
type canaryPath struct {
	name        string
	files       string
	prep        func(t *testing.T, h *harness)
	steps       []canaryStep
	secretFiles []string // project files allowed to hold the key (default .env.local)
}

func initArgs(extra ...string) []string {
	return append([]string{"init", "--no-input", "--secret-key", sk1, "--publishable-key", pk1}, extra...)
}

var canaryPaths = []canaryPath{
	{name: "init first run, rerun from the env file, rerun --json", files: viteProject, steps: []canaryStep{
		{args: initArgs()},
		{args: []string{"init", "--no-input"}},
		{args: []string{"init", "--no-input", "--json"}},
		{args: []string{"init", "--no-input", "--dry-run"}},
		{args: []string{"init", "--no-input", "--dry-run", "--json"}},
	}},
	{name: "init --dry-run and --dry-run --json before any file exists", files: viteProject, steps: []canaryStep{
		{args: initArgs("--dry-run")},
		{args: initArgs("--dry-run", "--json")},
	}},
	{name: "init --json first run, key from the environment", files: viteProject, steps: []canaryStep{
		{args: []string{"init", "--no-input", "--json", "--publishable-key", pk1}, env: map[string]string{"CLERK_SECRET_KEY": sk1}},
		{args: []string{"init", "--no-input", "--json"}, env: map[string]string{"CLERK_SECRET_KEY": ""}},
	}},
	{name: "init with the key only in the env file, dry run shows the diff", files: viteProject + `-- .env.local --
# mine
CLERK_SECRET_KEY=` + sk1 + `
VITE_CLERK_PUBLISHABLE_KEY=` + pk1 + `
`, steps: []canaryStep{
		{args: []string{"init", "--no-input", "--dry-run"}},
		{args: []string{"init", "--no-input", "--yes"}},
	}},
	{name: "init live keys --prod, Next.js", files: `-- package.json --
{"dependencies":{"next":"15","convex":"1.48.0"}}
`, steps: []canaryStep{
		{args: []string{"init", "--no-input", "--prod", "--secret-key", skL, "--publishable-key", pkL}},
		// The live keys are not written to .env.local: a rerun reads them from the environment.
		{args: []string{"init", "--no-input", "--prod", "--json"}, env: map[string]string{"CLERK_SECRET_KEY": skL, "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY": pkL}},
	}},
	{name: "init in a git repository that does not ignore the env file, --yes", files: viteProject,
		prep: func(t *testing.T, h *harness) { gitInit(t, h.dir) },
		steps: []canaryStep{
			{args: initArgs("--skip-convex-env")},
			{args: initArgs("--yes")},
		}},
	{name: "init with an existing template that needs --yes", files: viteProject,
		prep: func(t *testing.T, h *harness) {
			if _, err := h.clerk.AddTemplate(sk1, clerkapi.Template{Name: "convex", Claims: json.RawMessage(`{"aud":"old"}`)}); err != nil {
				t.Fatal(err)
			}
		},
		steps: []canaryStep{
			{args: initArgs(), code: 2},
			{args: initArgs("--dry-run")},
			{args: initArgs("--yes", "--json")},
		}},
	{name: "init with another env file name", files: viteProject, secretFiles: []string{"config/dev.env"}, steps: []canaryStep{
		{args: initArgs("--env-file", "config/dev.env")},
		{args: []string{"init", "--no-input", "--env-file", "config/dev.env"}},
	}},
	{name: "doctor pass: text, --json, --offline, key from the flag", prep: doctorProject, steps: []canaryStep{
		{args: []string{"doctor"}},
		{args: []string{"doctor", "--json"}},
		{args: []string{"doctor", "--offline"}},
		{args: []string{"doctor", "--secret-key", doctortest.SecretKey}},
	}},
	{name: "doctor fail: unknown key, other instance's key, bad token, npx failing", prep: doctorProject,
		steps: []canaryStep{
			{args: []string{"doctor", "--secret-key", doctortest.UnknownSecretKey}, code: 1},
			{args: []string{"doctor", "--json", "--secret-key", doctortest.OtherSecretKey}, code: 1},
			{args: []string{"doctor", "--token", "not.a.token"}, code: 1},
			{args: []string{"doctor", "--secret-key", doctortest.SecretKey + "!"}, code: 1},
			{args: []string{"doctor"}, env: map[string]string{"FAKE_NPX_FAIL": "✖ Error: No CONVEX_DEPLOYMENT set"}, code: 1},
		}},
	{name: "init error paths: the secret key in odd places", files: viteProject, steps: []canaryStep{
		{args: []string{"init", "--no-input", "--secret-key", pk1, "--publishable-key", sk1}, code: 2},
		{args: []string{"init", "--no-input", "--secret-key", sk1, "--publishable-key", sk1}, code: 2},
		{args: []string{"init", "--no-input", "--secret-key", "'" + sk1 + "'", "--publishable-key", pk1}, code: 2},
		{args: []string{"init", "--no-input", "--secret-key", sk1 + "!", "--publishable-key", pk1}, code: 2},
		{args: []string{"init", "--no-input", "--secret-key", sk1, "--publishable-key", pk1, "--claims", `{"k":"` + sk1 + `"`}, code: 2},
		{args: []string{"init", "--no-input", "--secret-key", sk1, "--publishable-key", pk1, "--application-id", sk1 + " x"}, code: 2},
		{args: []string{"init", "--no-input", "--secret-key", sk1, "--publishable-key", pk1, "--identity-provider-url", "http://" + sk1 + ".example.com"}, code: 2},
		{args: []string{"init", "--no-input", "--secret-key", sk1, "--publishable-key", pk1, "--clerk-api-url", "http://x.example.com/?k=" + sk1}, code: 2},
		{args: []string{"init", "--no-input", "--secret-key", sk1, "--unknown-flag", sk1}, code: 2},
		{args: []string{"init", "--no-input", "--secret-key", sk1, "--publishable-key", pk1, sk1}, code: 2},
		{args: []string{"init", "--no-input", "--secret-key", "sk_test_CANARYunknownKeyAbCdEfGhIjKlMn0000", "--publishable-key", pk1}, code: 4},
	}},
}

// doctorProject is the healthy project init leaves behind, with doctor's fakes (a Clerk API
// whose instance has a fake issuer) and the Convex variable set in the fake npx's store.
func doctorProject(t *testing.T, h *harness) { doctorProjectWith(doctortest.Options{})(t, h) }

// doctorProjectWith is doctorProject with doctortest options (a hostile issuer, say).
func doctorProjectWith(o doctortest.Options) func(t *testing.T, h *harness) {
	return func(t *testing.T, h *harness) {
		t.Helper()
		startDoctorProject(t, h, o)
	}
}

func startDoctorProject(t *testing.T, h *harness, o doctortest.Options) {
	t.Helper()
	e, err := doctortest.Start(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	if err := e.WriteProject(h.dir); err != nil {
		t.Fatal(err)
	}
	h.clerk = e.Clerk // the canary scan reads this fake's request log
	h.env["CLERK_API_URL"] = e.Clerk.URL
	store, _ := json.Marshal(map[string]map[string]string{"dev": {"CLERK_JWT_ISSUER_DOMAIN": e.IssuerURL()}})
	if err := os.WriteFile(h.env["FAKE_NPX_STORE"], store, 0o644); err != nil {
		t.Fatal(err)
	}
}

func gitInit(t *testing.T, dir string) {
	t.Helper()
	cmd := exec.Command("git", "init", "-q")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git init: %v\n%s", err, out)
	}
}

// TestSecretCanary runs every command path with canary keys and checks that no key shows up
// anywhere but the env file. The bad-input matrix (TestBadInputMatrix) runs the same scan after
// every error path, and TestInterruptThenRerun after every interrupt.
func TestSecretCanary(t *testing.T) {
	t.Parallel()
	for _, p := range canaryPaths {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, p.files)
			if p.prep != nil {
				p.prep(t, h)
			}
			for i, s := range p.steps {
				for k, v := range s.env {
					if v == "" {
						delete(h.env, k)
					} else {
						h.env[k] = v
					}
				}
				before := len(h.npxCalls())
				r := h.run(s.args...)
				if r.code != s.code {
					t.Fatalf("step %d: exit %d, want %d\n%s", i+1, r.code, s.code, r)
				}
				if len(r.strays) > 0 {
					t.Errorf("step %d: npx (pid %v) was still running after the CLI exited\n%s", i+1, r.strays, r)
				}
				// Every npx call went through the wrapper that records its environment (a child
				// cancelled early may have been recorded by the wrapper only).
				dumps, _ := filepath.Glob(filepath.Join(h.env["FAKE_NPX_ENVDIR"], "env.*"))
				if calls := len(h.npxCalls()) - before; calls > len(dumps) {
					t.Fatalf("step %d: %d npx calls but %d environment dumps\n%s", i+1, calls, len(dumps), r)
				}
				h.assertNoCanary(r, p.secretFiles...)
			}
		})
	}
}

// TestCanaryScanCatchesLeaks proves the scan is not blind: a planted leak of each kind is found.
func TestCanaryScanCatchesLeaks(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		plant func(h *harness) result
	}{
		{"stdout", func(h *harness) result { return result{stdout: "key: " + sk1} }},
		{"stderr, body only", func(h *harness) result { return result{stderr: "x" + sk2[len("sk_test_"):]} }},
		{"base64 in a project file", func(h *harness) result {
			h.write("notes.txt", base64.StdEncoding.EncodeToString([]byte(sk1)))
			return result{}
		}},
		{"a file in HOME", func(h *harness) result {
			h.plantAux("home/.cache/x", skL)
			return result{}
		}},
		{"a temporary file", func(h *harness) result {
			h.plantAux("tmp/clerkconvex-123", sk1)
			return result{}
		}},
		{"npx arguments", func(h *harness) result {
			h.plantAux("npx.log", `{"args":["convex","env","set","CLERK_SECRET_KEY","`+sk1+`"]}`+"\n")
			return result{}
		}},
		{"npx environment", func(h *harness) result {
			h.plantAux("npxenv/env.1", "PATH=/bin\nCLERK_SECRET_KEY="+sk1+"\n")
			return result{}
		}},
		{"a second env file", func(h *harness) result {
			h.write(".env", "CLERK_SECRET_KEY="+sk1+"\n")
			return result{}
		}},
		{"a Clerk request body", func(h *harness) result {
			req, _ := http.NewRequest("POST", h.clerkTS.URL+"/v1/jwt_templates", strings.NewReader(`{"name":"`+sk1+`"}`))
			req.Header.Set("Authorization", "Bearer "+sk1)
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
			return result{}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, viteProject)
			h.write(".env.local", "CLERK_SECRET_KEY="+sk1+"\n") // allowed: must not be reported
			r := tc.plant(h)
			found := h.canaryFindings(r)
			if len(found) != 1 {
				t.Fatalf("want exactly the planted leak, found %q", found)
			}
		})
	}
}

func (h *harness) plantAux(rel, data string) {
	h.t.Helper()
	writeFile(h.t, h.aux, rel, []byte(data), 0o600)
}
