//go:build !unix

package run

import "os/exec"

// runGuarded runs cmd. Process groups are not available: cancellation kills the child only
// (exec.CommandContext's default), and WaitDelay bounds the wait.
func runGuarded(cmd *exec.Cmd) error { return cmd.Run() }
