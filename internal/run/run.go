// Package run runs child processes behind an interface, with arguments as a list and never
// through a shell, so tests can replace it.
package run

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"
)

// Cmd is one program to run.
type Cmd struct {
	Dir   string
	Name  string
	Args  []string
	Stdin io.Reader
	Env   []string // NAME=value entries added to (and overriding) the current environment
}

// String is the command line for logs: name and arguments, space separated, unquoted.
func (c Cmd) String() string {
	return strings.Join(append([]string{c.Name}, c.Args...), " ")
}

// Result is what the program did.
type Result struct {
	Stdout, Stderr []byte
	ExitCode       int
}

// Runner runs a program. Implementations return a non-nil error when the program could not be
// started (wrapping ErrNotFound when it is not on PATH), when ctx ended it, or when it exited
// non-zero (an *ExitError); Result holds whatever output there was in every case.
type Runner interface {
	Run(ctx context.Context, cmd Cmd) (Result, error)
}

// ErrNotFound means the program is not on PATH.
var ErrNotFound = errors.New("not found on PATH")

// installHints says how to get a program that is missing.
var installHints = map[string]string{
	"npx":  "install Node.js (which includes npx)",
	"node": "install Node.js",
	"npm":  "install Node.js (which includes npm)",
}

// ExecRunner runs programs with os/exec.
//
// The child and everything it starts run in their own process group (on Unix), so when ctx
// is cancelled the whole group is killed: `npx` runs `node` as a grandchild, which would
// otherwise keep running and hold the output pipes open. On Linux the group is killed too
// when this process dies in any way, SIGKILL included (see reaper_linux.go).
type ExecRunner struct {
	// WaitDelay bounds how long Run waits for the output pipes to close after the program
	// exits or is killed. Zero means 5 seconds.
	WaitDelay time.Duration
}

// Run runs c and waits. A non-zero exit is an *ExitError carrying the trimmed stderr.
func (r ExecRunner) Run(ctx context.Context, c Cmd) (Result, error) {
	path, err := exec.LookPath(c.Name)
	if err != nil {
		if hint, ok := installHints[c.Name]; ok {
			return Result{ExitCode: -1}, fmt.Errorf("%s %w: %s", c.Name, ErrNotFound, hint)
		}
		return Result{ExitCode: -1}, fmt.Errorf("%s %w", c.Name, ErrNotFound)
	}
	cmd := exec.CommandContext(ctx, path, c.Args...)
	cmd.Dir = c.Dir
	cmd.Stdin = c.Stdin
	if len(c.Env) > 0 {
		cmd.Env = append(os.Environ(), c.Env...)
	}
	cmd.WaitDelay = r.WaitDelay
	if cmd.WaitDelay == 0 {
		cmd.WaitDelay = 5 * time.Second
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = runGuarded(cmd)
	res := Result{Stdout: stdout.Bytes(), Stderr: stderr.Bytes()}
	if err != nil {
		res.ExitCode = -1
		if cmd.ProcessState != nil {
			res.ExitCode = cmd.ProcessState.ExitCode()
		}
		if ctx.Err() != nil {
			return res, fmt.Errorf("%s: %w", c.Name, ctx.Err())
		}
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			res.ExitCode = ee.ExitCode()
			return res, &ExitError{Name: c.Name, Code: res.ExitCode, Stderr: bytes.TrimSpace(stderr.Bytes())}
		}
		return res, fmt.Errorf("running %s: %w", c.Name, err)
	}
	return res, nil
}

// ExitError is a program that exited non-zero.
type ExitError struct {
	Name   string
	Code   int
	Stderr []byte
}

func (e *ExitError) Error() string {
	if len(e.Stderr) > 0 {
		return fmt.Sprintf("%s exited with status %d: %s", e.Name, e.Code, e.Stderr)
	}
	return fmt.Sprintf("%s exited with status %d", e.Name, e.Code)
}
