//go:build !unix

package run

import "os/exec"

// setProcessGroup is a no-op where process groups are not available: cancellation kills
// the child only (exec.CommandContext's default), and WaitDelay bounds the wait.
func setProcessGroup(cmd *exec.Cmd) {}
