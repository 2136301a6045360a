package convex

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/run"
)

// envArgs builds `convex env <verb> ...` arguments for npx.
func envArgs(prod bool, verb string, rest ...string) []string {
	args := append([]string{"convex", "env", verb}, rest...)
	if prod {
		args = append(args, "--prod")
	}
	return args
}

// ManualCommand is the exact command a person can run instead (shell-quoted).
func ManualCommand(name, value string, prod bool) string {
	parts := []string{"npx"}
	for _, a := range envArgs(prod, "set", name, value) {
		parts = append(parts, shellQuote(a))
	}
	return strings.Join(parts, " ")
}

func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@%+,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// SetEnv runs `npx convex env set NAME VALUE [--prod]` in dir: one call.
func SetEnv(ctx context.Context, r run.Runner, dir, name, value string, prod bool) error {
	_, err := r.Run(ctx, run.Cmd{Dir: dir, Name: "npx", Args: envArgs(prod, "set", name, value)})
	if err != nil {
		return npxError(err)
	}
	return nil
}

// GetEnv runs `npx convex env get NAME [--prod]` in dir. found is false when the CLI says the
// variable is not set.
func GetEnv(ctx context.Context, r run.Runner, dir, name string, prod bool) (value string, found bool, err error) {
	res, err := r.Run(ctx, run.Cmd{Dir: dir, Name: "npx", Args: envArgs(prod, "get", name)})
	if err != nil {
		out := strings.ToLower(string(res.Stderr) + string(res.Stdout))
		if strings.Contains(out, "not found") && strings.Contains(out, strings.ToLower(name)) {
			return "", false, nil
		}
		return "", false, npxError(err)
	}
	v := strings.TrimRight(string(res.Stdout), "\r\n")
	if v == "" {
		return "", false, nil
	}
	return v, true, nil
}

func npxError(err error) error {
	if errors.Is(err, run.ErrNotFound) {
		return errors.New("npx not found on PATH: install Node.js (it includes npx)")
	}
	var ee *run.ExitError
	if errors.As(err, &ee) {
		msg := lastLines(string(ee.Stderr), 3)
		if msg == "" {
			return fmt.Errorf("npx convex exited with status %d", ee.Code)
		}
		return fmt.Errorf("npx convex exited with status %d: %s", ee.Code, msg)
	}
	return err
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	return strings.Join(lines, " / ")
}
