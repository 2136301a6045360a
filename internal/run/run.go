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
)

// Cmd is one program to run.
type Cmd struct {
	Dir   string
	Name  string
	Args  []string
	Stdin io.Reader
	Env   []string // added to the current environment
}

// Result is what the program did.
type Result struct {
	Stdout, Stderr []byte
	ExitCode       int
}

// Runner runs a program.
type Runner interface {
	Run(ctx context.Context, cmd Cmd) (Result, error)
}

// ErrNotFound means the program is not on PATH.
var ErrNotFound = errors.New("not found on PATH")

// ExecRunner runs programs with os/exec.
type ExecRunner struct{}

// Run runs c and waits. A non-zero exit is an *ExitError carrying stderr.
func (ExecRunner) Run(ctx context.Context, c Cmd) (Result, error) {
	path, err := exec.LookPath(c.Name)
	if err != nil {
		return Result{ExitCode: -1}, fmt.Errorf("%s %w", c.Name, ErrNotFound)
	}
	cmd := exec.CommandContext(ctx, path, c.Args...)
	cmd.Dir = c.Dir
	cmd.Stdin = c.Stdin
	if len(c.Env) > 0 {
		cmd.Env = append(os.Environ(), c.Env...)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	res := Result{Stdout: stdout.Bytes(), Stderr: stderr.Bytes()}
	if err != nil {
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			res.ExitCode = ee.ExitCode()
			return res, &ExitError{Name: c.Name, Code: res.ExitCode, Stderr: bytes.TrimSpace(stderr.Bytes())}
		}
		return res, err
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
