package convex

import (
	"context"
	"fmt"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/run"
)

// Project defaults: the variables a new deployment of a type starts with (a teammate's dev
// deployment, every preview deployment, a new production one). convex 1.48's CLI manages them
// with `npx convex env default set|get|list|remove … --type dev|preview|prod`
// (dist/cjs/cli/envDefault.js); on the wire they are Management API calls on the project
// (lib/defaultEnv.js), so the CLI needs a cloud project (CONVEX_DEPLOYMENT in .env.local and a
// login, or a deploy key): it refuses them for a self-hosted or anonymous deployment.
// `set NAME` with no value reads it from stdin when stdin is not a terminal, as `env set` does.

// DefaultTypes are the deployment types project defaults exist for, in the order they print.
var DefaultTypes = []string{"dev", "preview", "prod"}

// CheckDefaultType refuses a type the CLI does not know.
func CheckDefaultType(t string) error {
	for _, d := range DefaultTypes {
		if t == d {
			return nil
		}
	}
	return fmt.Errorf("unknown deployment type %q: use dev, preview or prod", t)
}

func defaultArgs(verb, typ string, rest ...string) []string {
	args := append([]string{"convex", "env", "default", verb}, rest...)
	return append(args, "--type", typ)
}

// DefaultCommand is the command that sets NAME as typ's default, the value on stdin: what a
// person runs by hand (it then asks for the value, or reads it from a pipe).
func DefaultCommand(name, typ string) string {
	return "npx " + strings.Join(defaultArgs("set", typ, name), " ")
}

// SetDefault runs `npx convex env default set NAME --type TYPE` in dir with the value on the
// child's stdin, so it never appears in a process's arguments.
func SetDefault(ctx context.Context, r run.Runner, dir, name, value, typ string) error {
	if err := checkEnvName(name); err != nil {
		return err
	}
	if err := CheckDefaultType(typ); err != nil {
		return err
	}
	command := DefaultCommand(name, typ)
	res, err := r.Run(ctx, run.Cmd{Dir: dir, Name: "npx", Args: defaultArgs("set", typ, name), Stdin: strings.NewReader(value)})
	return callError(ctx, err, res, dir, command, command+" (it reads the value from stdin, or asks for it)")
}

// ListDefaults runs `npx convex env default list --include-values --type TYPE` in dir: the
// project's default variables for deployments of that type (none: an empty map; the CLI then
// says "No environment variables set" on stderr).
func ListDefaults(ctx context.Context, r run.Runner, dir, typ string) (map[string]string, error) {
	if err := CheckDefaultType(typ); err != nil {
		return nil, err
	}
	args := defaultArgs("list", typ, "--include-values")
	command := "npx " + strings.Join(args, " ")
	res, err := r.Run(ctx, run.Cmd{Dir: dir, Name: "npx", Args: args})
	if err := callError(ctx, err, res, dir, command, ""); err != nil {
		return nil, err
	}
	return ParseEnvList(stripConnectionLog(string(res.Stdout))), nil
}

// ParseDefaultTypes reads a comma-separated list of deployment types (--defaults dev,preview),
// without repeats, in the order given.
func ParseDefaultTypes(s string) ([]string, error) {
	var out []string
	for _, t := range strings.Split(s, ",") {
		t = strings.TrimSpace(t)
		if t == "" {
			continue
		}
		if err := CheckDefaultType(t); err != nil {
			return nil, err
		}
		dup := false
		for _, o := range out {
			dup = dup || o == t
		}
		if !dup {
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no deployment type given: use dev, preview or prod, comma-separated")
	}
	return out, nil
}
