package run

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// However the process using ExecRunner dies (SIGKILL included, which it cannot catch), no
// process it started survives it: not the program, not what the program started, not the
// reaper in between.
func TestExecRunnerParentDeathKillsTree(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGKILL, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP, syscall.SIGQUIT} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			pidFile := filepath.Join(t.TempDir(), "pids")
			c := helperCmd("runner")
			cmd := exec.Command(c.Name)
			cmd.Env = append(os.Environ(), append(c.Env, "RUN_TEST_PIDS="+pidFile)...)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			var tree []int
			for deadline := time.Now().Add(30 * time.Second); tree == nil; time.Sleep(5 * time.Millisecond) {
				if time.Now().After(deadline) {
					cmd.Process.Kill()
					t.Fatal("the program never started")
				}
				b, err := os.ReadFile(pidFile)
				if err != nil {
					continue
				}
				tree = make([]int, 3)
				if _, err := fmt.Sscan(string(b), &tree[0], &tree[1], &tree[2]); err != nil {
					t.Fatalf("pid file %q: %v", b, err)
				}
			}
			if tree[0] == cmd.Process.Pid {
				t.Fatalf("the program's parent is the runner itself, not a reaper")
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			cmd.Wait()
			if left := survivors(tree, 10*time.Second); len(left) > 0 {
				for _, p := range left {
					syscall.Kill(p, syscall.SIGKILL)
				}
				t.Fatalf("after %v of the runner, processes %v of its tree (reaper, program, grandchild: %v) still run", sig, left, tree)
			}
		})
	}
}

// survivors waits up to limit for the processes to end, and returns those still running.
func survivors(pids []int, limit time.Duration) []int {
	var left []int
	for deadline := time.Now().Add(limit); ; time.Sleep(5 * time.Millisecond) {
		left = left[:0]
		for _, p := range pids {
			if alive(p) {
				left = append(left, p)
			}
		}
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
	}
}

// alive tells whether a process exists and is not a zombie.
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && i+2 < len(s) && s[i+2] != 'Z' && s[i+2] != 'X'
}

// The reaper's cost per program: compare BenchmarkExecRunner with BenchmarkExecDirect (one run).
func BenchmarkExecRunner(b *testing.B) {
	for b.Loop() {
		if _, err := (ExecRunner{}).Run(context.Background(), Cmd{Name: "true"}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExecDirect(b *testing.B) {
	for b.Loop() {
		if err := exec.Command("true").Run(); err != nil {
			b.Fatal(err)
		}
	}
}
