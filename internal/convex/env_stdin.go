package convex

import (
	"context"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/run"
)

// SetEnvStdin runs `npx convex env set NAME [--prod | --deployment REF]` in dir with the value on the child's
// standard input, so a secret never appears in a process's arguments. convex 1.48's CLI reads
// the value from stdin when it is given no value and stdin is not a terminal
// (dist/cjs/cli/lib/env.js, envSet: `!process.stdin.isTTY` → readFromStdin, which drops one
// trailing newline); the value is sent without one.
func SetEnvStdin(ctx context.Context, r run.Runner, dir, name, value string, dep Deployment) (Target, error) {
	if err := checkEnvName(name); err != nil {
		return Target{}, err
	}
	command := strings.Join(append([]string{"npx"}, envArgs(dep, "set", name)...), " ")
	manual := command + " (it reads the value from stdin, or asks for it)"
	cmd := run.Cmd{Dir: dir, Name: "npx", Args: envArgs(dep, "set", name), Stdin: strings.NewReader(value)}
	res, err := r.Run(ctx, cmd)
	if err = callError(ctx, err, res, dir, command, manual); err != nil {
		return Target{}, err
	}
	return parseTarget(res.Stderr), nil
}
