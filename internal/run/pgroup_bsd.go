//go:build unix && !linux

package run

import (
	"os/exec"
	"syscall"
)

// runGuarded runs cmd in a new process group and makes cancellation kill the group. Without
// Linux's parent-death signal, a clerkconvex killed with SIGKILL cannot take the group with
// it; every other way out cancels the context first (see cli.Main's signals).
func runGuarded(cmd *exec.Cmd) error {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		// A negative pid signals the whole group; fall back to the child alone.
		if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); err != nil {
			return cmd.Process.Kill()
		}
		return nil
	}
	return cmd.Run()
}
