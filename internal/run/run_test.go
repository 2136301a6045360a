package run

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// The test binary doubles as the child program: with RUN_TEST_HELPER set, TestMain runs the
// helper named by it instead of the tests.
func TestMain(m *testing.M) {
	if mode := os.Getenv("RUN_TEST_HELPER"); mode != "" {
		os.Exit(helper(mode))
	}
	os.Exit(m.Run())
}

func helper(mode string) int {
	switch mode {
	case "echo": // stdin to stdout, args and env to stderr
		b, _ := io.ReadAll(os.Stdin)
		os.Stdout.Write(b)
		wd, _ := os.Getwd()
		fmt.Fprintf(os.Stderr, "args=%s env=%s wd=%s\n", strings.Join(os.Args[1:], ","), os.Getenv("RUN_TEST_VAR"), filepath.Base(wd))
		return 0
	case "fail":
		fmt.Fprintln(os.Stdout, "partial output")
		fmt.Fprintln(os.Stderr, "  ✖ something broke  ")
		return 3
	case "grandchild":
		// Start a grandchild that sleeps holding our stdout, as npx does with node.
		c := exec.Command(os.Args[0])
		c.Env = append(os.Environ(), "RUN_TEST_HELPER=sleep")
		c.Stdout = os.Stdout
		if err := c.Start(); err != nil {
			return 9
		}
		fmt.Fprintln(os.Stdout, "started")
		c.Wait()
		return 0
	case "sleep":
		time.Sleep(time.Minute)
		return 0
	case "tree":
		// Start a sleeping grandchild, then write "ourparent ourpid grandchild" to
		// $RUN_TEST_PIDS and sleep: npx with node under it.
		c := exec.Command(os.Args[0])
		c.Env = append(os.Environ(), "RUN_TEST_HELPER=sleep")
		if err := c.Start(); err != nil {
			return 9
		}
		pids := fmt.Sprintf("%d %d %d\n", os.Getppid(), os.Getpid(), c.Process.Pid)
		if err := os.WriteFile(os.Getenv("RUN_TEST_PIDS")+".tmp", []byte(pids), 0o600); err != nil {
			return 9
		}
		os.Rename(os.Getenv("RUN_TEST_PIDS")+".tmp", os.Getenv("RUN_TEST_PIDS"))
		c.Wait()
		return 0
	case "runner":
		// A program using ExecRunner, for the tests to kill.
		ExecRunner{}.Run(context.Background(), helperCmd("tree"))
		return 0
	}
	return 100
}

func helperCmd(mode string, args ...string) Cmd {
	exe, err := os.Executable()
	if err != nil {
		panic(err)
	}
	return Cmd{Name: exe, Args: args, Env: []string{"RUN_TEST_HELPER=" + mode}}
}

func TestExecRunner(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name       string
		cmd        Cmd
		wantStdout string
		wantStderr string
		wantCode   int
		wantExit   bool
	}{
		{
			name: "stdin, args, env and dir reach the program",
			cmd: func() Cmd {
				c := helperCmd("echo", "a b", "--prod")
				c.Stdin = strings.NewReader("value from stdin")
				c.Env = append(c.Env, "RUN_TEST_VAR=overridden")
				c.Dir = dir
				return c
			}(),
			wantStdout: "value from stdin",
			wantStderr: "args=a b,--prod env=overridden wd=" + filepath.Base(dir) + "\n",
		},
		{
			name:       "non-zero exit is an ExitError with the code and trimmed stderr",
			cmd:        helperCmd("fail"),
			wantStdout: "partial output\n",
			wantStderr: "  ✖ something broke  \n",
			wantCode:   3,
			wantExit:   true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("RUN_TEST_VAR", "original")
			res, err := ExecRunner{}.Run(context.Background(), tt.cmd)
			if got := string(res.Stdout); got != tt.wantStdout {
				t.Errorf("stdout = %q, want %q", got, tt.wantStdout)
			}
			if got := string(res.Stderr); got != tt.wantStderr {
				t.Errorf("stderr = %q, want %q", got, tt.wantStderr)
			}
			if res.ExitCode != tt.wantCode {
				t.Errorf("exit code = %d, want %d", res.ExitCode, tt.wantCode)
			}
			var ee *ExitError
			if gotExit := errors.As(err, &ee); gotExit != tt.wantExit {
				t.Fatalf("err = %v, want ExitError: %v", err, tt.wantExit)
			}
			if !tt.wantExit && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tt.wantExit {
				if ee.Code != tt.wantCode || string(ee.Stderr) != strings.TrimSpace(tt.wantStderr) {
					t.Errorf("ExitError = %+v", ee)
				}
				if !strings.Contains(err.Error(), fmt.Sprintf("exited with status %d: ✖ something broke", tt.wantCode)) {
					t.Errorf("message = %q", err.Error())
				}
			}
		})
	}
}

func TestExecRunnerNotFound(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	tests := []struct {
		name, want string
	}{
		{"npx", "npx not found on PATH: install Node.js (which includes npx)"},
		{"clerkconvex-no-such-program", "clerkconvex-no-such-program not found on PATH"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ExecRunner{}.Run(context.Background(), Cmd{Name: tt.name})
			if !errors.Is(err, ErrNotFound) {
				t.Fatalf("err = %v, want ErrNotFound", err)
			}
			if err.Error() != tt.want {
				t.Errorf("message = %q, want %q", err.Error(), tt.want)
			}
			if res.ExitCode != -1 {
				t.Errorf("exit code = %d, want -1", res.ExitCode)
			}
		})
	}
}

// Cancelling the context ends the program and its grandchildren promptly, well before
// WaitDelay would give up on the pipes a grandchild holds open.
func TestExecRunnerCancelKillsGrandchildren(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("process groups are Unix-only; on Windows WaitDelay bounds the wait instead")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	res, err := ExecRunner{WaitDelay: 30 * time.Second}.Run(ctx, helperCmd("grandchild"))
	elapsed := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want DeadlineExceeded", err)
	}
	if elapsed > 10*time.Second {
		t.Fatalf("Run took %v after cancellation: the grandchild kept the pipes open", elapsed)
	}
	if !strings.Contains(string(res.Stdout), "started") {
		t.Errorf("stdout = %q, want the output written before cancellation", res.Stdout)
	}
}

func TestCmdString(t *testing.T) {
	c := Cmd{Name: "npx", Args: []string{"convex", "env", "get", "X"}}
	if got, want := c.String(), "npx convex env get X"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

// A program that outlives WithTimeout's limit is stopped, with its grandchildren, and the
// error says so with the hint; the caller's own cancellation stays a context error.
func TestWithTimeout(t *testing.T) {
	r := WithTimeout(ExecRunner{WaitDelay: 30 * time.Second}, 300*time.Millisecond, "allow longer with --npx-timeout")
	start := time.Now()
	_, err := r.Run(context.Background(), helperCmd("grandchild"))
	var te *TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want a TimeoutError", err)
	}
	if got, want := err.Error(), "stopped after 300ms, its time limit; allow longer with --npx-timeout"; got != want {
		t.Errorf("message = %q, want %q", got, want)
	}
	if elapsed := time.Since(start); elapsed > 10*time.Second {
		t.Errorf("Run took %v: the grandchild kept it waiting", elapsed)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Run(ctx, helperCmd("sleep")); errors.As(err, &te) || !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled by the caller: err = %v, want context.Canceled and no TimeoutError", err)
	}
	if _, err := WithTimeout(ExecRunner{}, time.Minute, "").Run(context.Background(), helperCmd("echo")); err != nil {
		t.Errorf("a quick program: %v", err)
	}
	if WithTimeout(ExecRunner{}, 0, "") != (ExecRunner{}) {
		t.Errorf("a zero limit should leave the runner as it is")
	}
}
