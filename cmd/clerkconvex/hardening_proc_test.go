//go:build linux

package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestNoOrphans (issue 8 item 13): however clerkconvex ends while `npx convex env set` runs —
// Ctrl-C, kill, closing the terminal (SIGHUP), Ctrl-\ (SIGQUIT), or SIGKILL, which it cannot
// catch — no process it started survives: not npx, not the grandchild npx started (node, for
// the real one), not the reaper between them. The signal goes to clerkconvex alone, not to
// its process group, so only clerkconvex can pass it on.
func TestNoOrphans(t *testing.T) {
	t.Parallel()
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGKILL} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, viteProject)
			h.env["FAKE_NPX_HANG"] = "tree"
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			args := initArgs()
			cmd, stdout, stderr := h.command(ctx, args)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			show := func() string {
				return result{args: args, stdout: stdout.String(), stderr: stderr.String()}.String()
			}
			treeFile := filepath.Join(h.env["FAKE_NPX_ENVDIR"], "tree")
			var tree []int
			for deadline := time.Now().Add(30 * time.Second); tree == nil; {
				select {
				case err := <-done:
					t.Fatalf("clerkconvex ended before npx ran: %v\n%s", err, show())
				case <-time.After(5 * time.Millisecond):
				}
				if time.Now().After(deadline) {
					_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
					t.Fatalf("npx never started its grandchild\n%s", show())
				}
				if b, err := os.ReadFile(treeFile); err == nil {
					tree = make([]int, 3)
					if _, err := fmt.Sscan(string(b), &tree[0], &tree[1], &tree[2]); err != nil {
						t.Fatalf("%s: %q: %v", treeFile, b, err)
					}
				}
			}
			if err := syscall.Kill(cmd.Process.Pid, sig); err != nil {
				t.Fatal(err)
			}
			var err error
			select {
			case err = <-done:
			case <-time.After(20 * time.Second):
				_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
				t.Fatalf("clerkconvex did not stop within 20s of %v\n%s", sig, show())
			}
			if left := stillRunning(tree, 10*time.Second); len(left) > 0 {
				for _, p := range left {
					_ = syscall.Kill(p, syscall.SIGKILL)
				}
				t.Fatalf("after %v of clerkconvex, %v of its children (reaper, npx, npx's child: %v) still run\n%s", sig, left, tree, show())
			}
			var ee *exec.ExitError
			if !errors.As(err, &ee) {
				t.Fatalf("clerkconvex exited 0 after %v\n%s", sig, show())
			}
			ws := ee.Sys().(syscall.WaitStatus)
			if sig == syscall.SIGKILL {
				if !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
					t.Fatalf("wait status %v, want killed by SIGKILL", ws)
				}
				return
			}
			// A caught signal is an interruption: exit 130, saying what to do.
			if ws.Signaled() || ee.ExitCode() != 130 {
				t.Fatalf("exit %v after %v, want 130\n%s", ws, sig, show())
			}
			if !strings.Contains(stderr.String(), "interrupted") {
				t.Errorf("stderr does not say it was interrupted\n%s", show())
			}
		})
	}
}

// stillRunning waits up to limit for the processes to end, and returns those that have not.
func stillRunning(pids []int, limit time.Duration) []int {
	var left []int
	for deadline := time.Now().Add(limit); ; time.Sleep(5 * time.Millisecond) {
		left = left[:0]
		for _, p := range pids {
			if running(p) {
				left = append(left, p)
			}
		}
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
	}
}

// TestDoctorTokenStdin (issue 8 item 15): `doctor --token -` waiting on a stdin that never
// closes ends on Ctrl-C or SIGTERM (exit 130), and stdin larger than any token is a usage
// error rather than a token cut at 1 MiB.
func TestDoctorTokenStdin(t *testing.T) {
	t.Parallel()
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, viteProject)
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			args := []string{"doctor", "--token", "-"}
			cmd, stdout, stderr := h.command(ctx, args)
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			defer w.Close()
			cmd.Stdin = r
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			// Part of a token, then nothing: once the pipe is empty, doctor is waiting for more.
			if _, err := w.WriteString("eyJhbGciOiJSUzI1NiJ9"); err != nil {
				t.Fatal(err)
			}
			for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(5 * time.Millisecond) {
				if n, err := unix.IoctlGetInt(int(r.Fd()), unix.TIOCINQ); err != nil || n == 0 {
					break
				}
				if time.Now().After(deadline) {
					_ = cmd.Process.Kill()
					t.Fatal("doctor never read stdin")
				}
			}
			if err := syscall.Kill(cmd.Process.Pid, sig); err != nil {
				t.Fatal(err)
			}
			res := result{args: args}
			select {
			case err = <-done:
			case <-time.After(20 * time.Second):
				_ = cmd.Process.Kill()
				<-done
				res.stdout, res.stderr = stdout.String(), stderr.String()
				t.Fatalf("doctor still waited on stdin 20s after %v\n%s", sig, res)
			}
			res.stdout, res.stderr = stdout.String(), stderr.String()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 130 {
				t.Fatalf("exit %v after %v, want 130\n%s", err, sig, res)
			}
			if !strings.Contains(res.stderr, "interrupted while reading the token from stdin") {
				t.Errorf("stderr does not say what was interrupted\n%s", res)
			}
		})
	}
	t.Run("more than 1 MiB", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, viteProject)
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		args := []string{"doctor", "--token", "-"}
		cmd, stdout, stderr := h.command(ctx, args)
		cmd.Stdin = strings.NewReader("eyJhbGciOiJSUzI1NiJ9." + strings.Repeat("A", 13<<20) + ".sig")
		err := cmd.Run()
		res := result{args: args, stdout: stdout.String(), stderr: stderr.String()}
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 2 {
			t.Fatalf("exit %v, want 2\n%s", err, res)
		}
		if !strings.Contains(res.stderr, "--token -: stdin holds more than 1024 KiB, far more than a JWT: pipe in the token alone") {
			t.Errorf("stderr does not say the input is too large\n%s", res)
		}
	})
}

// TestNoOrphanGit: git runs like npx, so a git call blocked on a file (here .git/index is a
// named pipe, which git opens and waits on) dies with clerkconvex, even with SIGKILL.
func TestNoOrphanGit(t *testing.T) {
	t.Parallel()
	h := newHarness(t, viteProject)
	if out, err := exec.Command("git", "-C", h.dir, "init", "-q").CombinedOutput(); err != nil {
		t.Fatalf("git init: %v: %s", err, out)
	}
	if err := syscall.Mkfifo(filepath.Join(h.dir, ".git", "index"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	args := initArgs()
	cmd, stdout, stderr := h.command(ctx, args)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	show := func() string {
		return result{args: args, stdout: stdout.String(), stderr: stderr.String()}.String()
	}
	var tree []int
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		tree = descendants(cmd.Process.Pid)
		if slices.ContainsFunc(tree, func(p int) bool { return commOf(p) == "git" }) {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("init ended before a git call blocked: %v\n%s", err, show())
		default:
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("no git call blocked\n%s", show())
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-done
	if left := stillRunning(tree, 10*time.Second); len(left) > 0 {
		for _, p := range left {
			_ = syscall.Kill(p, syscall.SIGKILL)
		}
		t.Fatalf("after SIGKILL of clerkconvex, %v of its children %v still run", left, tree)
	}
}

// descendants lists the processes below pid.
func descendants(pid int) []int {
	parent := map[int]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		var state string
		var ppid int
		if i < 0 || func() bool { _, err := fmt.Sscan(s[i+1:], &state, &ppid); return err != nil }() {
			continue
		}
		parent[p] = ppid
	}
	var out []int
	for p := range parent {
		for q := parent[p]; q > 1; q = parent[q] {
			if q == pid {
				out = append(out, p)
				break
			}
		}
	}
	return out
}

// commOf is a process's command name ("" when it is gone).
func commOf(pid int) string {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	return strings.TrimSpace(string(b))
}
