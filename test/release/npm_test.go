//go:build release

package release

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/clerkconvex/clerkconvex/internal/doctor/doctortest"
)

// npmEnv keeps npm and npx off every registry: a refused address, offline mode and an empty
// cache, so whatever is not in the tarballs fails at once instead of being downloaded.
func npmEnv(t *testing.T) []string {
	t.Helper()
	env := []string{}
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(strings.ToLower(k), "npm_config_") || k == "CI" {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"npm_config_registry=http://127.0.0.1:9/",
		"npm_config_offline=true",
		"npm_config_cache="+t.TempDir(),
		"npm_config_audit=false",
		"npm_config_fund=false",
		"npm_config_update_notifier=false",
		"npm_config_loglevel=error",
		"NO_COLOR=1",
	)
}

type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout\n%s--- stderr\n%s", r.code, r.stdout, r.stderr)
}

func run(t *testing.T, dir string, env []string, name string, args ...string) result {
	t.Helper()
	return runStdin(t, dir, env, "", name, args...)
}

func runStdin(t *testing.T, dir string, env []string, stdin string, name string, args ...string) result {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Env, cmd.Stdin = dir, env, strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
	}
	return result{cmd.ProcessState.ExitCode(), out.String(), errb.String()}
}

// install makes a fresh project in dir and installs the given tarballs into it, from the
// tarballs only.
func install(t *testing.T, dir string, env []string, tarballs ...string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"name":"fixture","private":true}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	args := append([]string{"install", "--no-audit", "--no-fund", "--save-dev"}, tarballs...)
	if r := run(t, dir, env, "npm", args...); r.code != 0 {
		t.Fatalf("npm %s:\n%s", strings.Join(args, " "), r)
	}
}

// TestNpmInstall installs the launcher and the linux-x64 package from their tarballs into a
// fresh project (no registry) and runs clerkconvex through npx, as a user does: --version, doctor
// --offline in a project, exit codes, and a Ctrl-C; then installs the launcher alone (as
// --omit=optional leaves it) and checks the error names the package to install.
func TestNpmInstall(t *testing.T) {
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Fatalf("this test installs @clerkconvex/linux-x64: run it on linux/amd64 (this is %s/%s)", runtime.GOOS, runtime.GOARCH)
	}
	d := dist(t)
	m := readMetadata(t, d)
	launcher := filepath.Join(d, "npm", "clerkconvex-"+m.Version+".tgz")
	linux := filepath.Join(d, "npm", "clerkconvex-linux-x64-"+m.Version+".tgz")
	env := npmEnv(t)

	fakes, err := doctortest.Start(doctortest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fakes.Close)

	project := t.TempDir()
	install(t, project, env, launcher, linux)
	// The project becomes a Vite + Convex + Clerk app that has clerkconvex as a dev dependency.
	var pj map[string]any
	b, err := os.ReadFile(filepath.Join(project, "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &pj); err != nil {
		t.Fatal(err)
	}
	if err := fakes.WriteProject(project); err != nil {
		t.Fatal(err)
	}
	var app map[string]any
	if err := json.Unmarshal([]byte(doctortest.Project["package.json"]), &app); err != nil {
		t.Fatal(err)
	}
	dev := app["devDependencies"].(map[string]any)
	for k, v := range pj["devDependencies"].(map[string]any) {
		dev[k] = v
	}
	b, _ = json.MarshalIndent(app, "", "  ")
	if err := os.WriteFile(filepath.Join(project, "package.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}

	t.Run("version", func(t *testing.T) {
		r := run(t, project, env, "npx", "clerkconvex", "--version")
		want := "clerkconvex " + m.Version + " (commit " + m.Commit[:12]
		if r.code != 0 || !strings.HasPrefix(r.stdout, want) {
			t.Errorf("npx clerkconvex --version: want exit 0 and %q…\n%s", want, r)
		}
	})

	t.Run("doctor --offline", func(t *testing.T) {
		r := run(t, project, env, "npx", "clerkconvex", "doctor", "--offline")
		if r.code != 0 || !strings.Contains(r.stdout, ", 0 failed, ") {
			t.Errorf("npx clerkconvex doctor --offline in a healthy project: want exit 0, 0 failed\n%s", r)
		}
		// A broken link: the exit code 1 and doctor's diagnosis come through the launcher.
		auth := filepath.Join(project, "convex", "auth.config.ts")
		good, _ := os.ReadFile(auth)
		t.Cleanup(func() { os.WriteFile(auth, good, 0o600) })
		if err := os.WriteFile(auth, []byte("export default { providers: [] };\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		r = run(t, project, env, "npx", "clerkconvex", "doctor", "--offline")
		if r.code != 1 || !strings.Contains(r.stdout, "auth.config") {
			t.Errorf("npx clerkconvex doctor --offline with no Clerk provider in auth.config.ts: want exit 1 naming auth.config\n%s", r)
		}
	})

	t.Run("exit code and stdin", func(t *testing.T) {
		r := run(t, project, env, "npx", "clerkconvex", "frobnicate")
		if r.code != 2 || !strings.Contains(r.stderr, `unknown command "frobnicate"`) {
			t.Errorf("npx clerkconvex frobnicate: want exit 2 and the usage error\n%s", r)
		}
		// doctor --token - reads the token from stdin: what it says about it shows stdin arrived.
		r = runStdin(t, project, env, "not-a-jwt\n", "npx", "clerkconvex", "doctor", "--offline", "--token", "-")
		if r.code != 1 || !strings.Contains(r.stdout, "not a JWT: it has 1 part(s)") {
			t.Errorf("echo not-a-jwt | npx clerkconvex doctor --offline --token -: want exit 1 and token.format failing on 1 part\n%s", r)
		}
	})

	t.Run("Ctrl-C", func(t *testing.T) {
		// What the user types; then the launcher alone, whose exit code must be exactly 130.
		ctrlC(t, project, env, "npx", "clerkconvex", "doctor")
		ctrlC(t, project, env, "node", filepath.Join(project, "node_modules", "clerkconvex", "bin", "clerkconvex"), "doctor")
	})

	t.Run("platform package missing", func(t *testing.T) {
		alone := t.TempDir()
		install(t, alone, env, launcher)
		r := run(t, alone, env, "npx", "clerkconvex", "--version")
		if r.code == 0 || !strings.Contains(r.stderr, "@clerkconvex/linux-x64") ||
			!strings.Contains(r.stderr, "npm install @clerkconvex/linux-x64@"+m.Version) {
			t.Errorf("launcher without its platform package: want a failure naming @clerkconvex/linux-x64 and how to install it\n%s", r)
		}
	})
}

// ctrlC runs `npx clerkconvex doctor` on a terminal while Clerk holds its request, and
// types Ctrl-C there: the terminal signals the whole foreground process group (npm, the
// launcher, clerkconvex), so clerkconvex must see it once, stop, say so, and its exit code 130
// must come back through the launcher and npx.
func ctrlC(t *testing.T, project string, env []string, argv ...string) {
	// A Clerk API that accepts the connection and never answers: clerkconvex is then surely
	// running, with its signal handling in place, and waiting.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 8)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted <- c
		}
	}()
	defer func() {
		for len(accepted) > 0 {
			(<-accepted).Close()
		}
	}()

	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = project
	cmd.Env = append(env, "CLERK_API_URL=http://"+ln.Addr().String(), "TERM=dumb")
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 200})
	if err != nil {
		t.Fatal(err)
	}
	defer tty.Close()
	var mu sync.Mutex
	var screen bytes.Buffer
	go io.Copy(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return screen.Write(p)
	}), tty)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	// Ctrl-C once clerkconvex is waiting on Clerk (a bounded wait, not a timing assertion).
	select {
	case c := <-accepted:
		accepted <- c
	case err := <-done:
		mu.Lock()
		t.Fatalf("npx clerkconvex doctor ended (%v) before calling Clerk:\n%s", err, screen.String())
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		t.Fatalf("clerkconvex never called Clerk")
	}
	if _, err := tty.Write([]byte{3}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		<-done
		mu.Lock()
		t.Fatalf("npx clerkconvex doctor did not end after Ctrl-C:\n%s", screen.String())
	}
	time.Sleep(100 * time.Millisecond) // the rest of the output
	mu.Lock()
	out := screen.String()
	mu.Unlock()
	ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
	switch {
	case ws.Exited() && ws.ExitStatus() == 130:
	case argv[0] == "npx" && ws.Signaled() && ws.Signal() == syscall.SIGINT:
		// npm re-raises the SIGINT it got from the terminal on itself: a shell reports 130 too.
	default:
		t.Errorf("%s after Ctrl-C: %v, want exit 130 (interrupted)\n%s", strings.Join(argv, " "), cmd.ProcessState, out)
	}
	if !strings.Contains(out, "interrupted") {
		t.Errorf("clerkconvex did not say it was interrupted:\n%s", out)
	}
	if strings.Contains(out, doctortest.SecretKey) {
		t.Errorf("the secret key was printed:\n%s", out)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
