package users

import (
	"bufio"
	"bytes"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/iostreams"
	"github.com/clerkconvex/clerkconvex/internal/testutil/nodeharness"
	"github.com/clerkconvex/clerkconvex/internal/testutil/syncbuf"
)

// startReceiver runs test/users/receiver.mjs, which checks each request with the real svix
// library (major version svix: "1" or "2") and the secret; it returns its base URL and log.
func startReceiver(t *testing.T, svix, secret string) (string, *syncbuf.Buffer) {
	t.Helper()
	dir := nodeharness.UsersDir(t)
	cmd := exec.Command("node", filepath.Join(dir, "receiver.mjs"))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "SVIX="+svix, SecretEnv+"="+secret)
	log := &syncbuf.Buffer{}
	cmd.Stderr = log
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("node: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	port := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		port <- strings.TrimSpace(strings.TrimPrefix(line, "listening "))
	}()
	select {
	case p := <-port:
		if p == "" {
			t.Fatalf("receiver did not start: %s", log)
		}
		return "http://127.0.0.1:" + p, log
	case <-time.After(2 * time.Minute):
		t.Fatalf("receiver did not start within 2 minutes: %s", log)
	}
	return "", nil
}

func testOptions(t *testing.T, site, secret string) (*Options, *bytes.Buffer, *bytes.Buffer) {
	ios, in, out, errOut := iostreams.Test()
	in.WriteString(secret + "\n")
	return &Options{
		IO:          ios,
		Getenv:      func(string) string { return "" },
		HTTPClient:  func() *http.Client { return &http.Client{} },
		Dir:         t.TempDir(),
		EnvFile:     ".env.local",
		URL:         site,
		SecretStdin: true,
		Timeout:     30 * time.Second,
	}, out, errOut
}

// users test signs with svixsig; the real svix library, 1.x and 2.x, must accept those
// signatures and refuse the bad one, and a wrong secret must make users test exit 1.
func TestUsersTestAgainstSvix(t *testing.T) {
	for _, svix := range []string{"1", "2"} {
		t.Run("svix"+svix, func(t *testing.T) {
			t.Parallel()
			site, log := startReceiver(t, svix, testSecret)

			opts, out, errOut := testOptions(t, site, testSecret)
			if err := runTest(context.Background(), opts); err != nil {
				t.Fatalf("users test: %v\nstderr:\n%s\nreceiver:\n%s", err, errOut, log)
			}
			want := `{"status":200,"type":"user.created"}` + "\n" + `{"status":400,"type":"No matching signature found"}` + "\n" + `{"status":200,"type":"user.deleted"}` + "\n"
			// The log reaches this process through a pipe: give its last line a moment.
			for i := 0; i < 100 && log.String() != want; i++ {
				time.Sleep(50 * time.Millisecond)
			}
			if log.String() != want {
				t.Errorf("receiver saw:\n%swant:\n%s", log, want)
			}
			for _, s := range []string{out.String(), errOut.String()} {
				if strings.Contains(s, testSecret[6:20]) {
					t.Errorf("the secret was printed:\n%s", s)
				}
			}

			other := "whsec_b3RoZXJlbmRwb2ludHNzaWduaW5nc2VjcmV0MTIz"
			opts, _, errOut = testOptions(t, site, other)
			err := runTest(context.Background(), opts)
			if cmdutil.ExitCode(err) != 1 || !strings.Contains(err.Error(), "signed user.created: got 400") || !strings.Contains(err.Error(), "is not this secret") {
				t.Errorf("with a wrong secret: %v (exit %d)\n%s", err, cmdutil.ExitCode(err), errOut)
			}

			opts, _, _ = testOptions(t, site+"/nothing-here", testSecret)
			err = runTest(context.Background(), opts)
			if cmdutil.ExitCode(err) != 1 || !strings.Contains(err.Error(), "got 404") || !strings.Contains(err.Error(), "the route is not deployed; run npx convex dev") {
				t.Errorf("on a missing route: %v", err)
			}
		})
	}
}
