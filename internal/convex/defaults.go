package convex

import (
	"context"
	"errors"
	"fmt"
	"slices"
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

// DefaultCommand is the command that sets NAME as typ's default: what a person runs by hand
// (it asks for the value, or reads it from a pipe).
func DefaultCommand(name, typ string) string {
	return "npx " + strings.Join(defaultArgs("set", typ, name), " ")
}

// DefaultsChange is what SetDefaults did for one deployment type.
type DefaultsChange string

const (
	DefaultsSet       DefaultsChange = "set"
	DefaultsUnchanged DefaultsChange = "unchanged"
)

// SetDefaults sets vars as the project's defaults for deployments of type typ in one call:
// `npx convex env default set --type TYPE [--force]` with the variables as a dotenv body on the
// child's stdin (no NAME: convex 1.48's envSetFromContent), so no value is ever in a process's
// arguments. Without force the CLI changes nothing when a variable already holds another
// default (IsDefaultConflict tells that error apart); with force it replaces it. A variable
// that already holds the value is left alone, and when all do the result is DefaultsUnchanged.
func SetDefaults(ctx context.Context, r run.Runner, dir, typ string, vars map[string]string, force bool) (DefaultsChange, error) {
	if err := CheckDefaultType(typ); err != nil {
		return "", err
	}
	names := make([]string, 0, len(vars))
	for n := range vars {
		if err := checkEnvName(n); err != nil {
			return "", err
		}
		names = append(names, n)
	}
	if len(names) == 0 {
		return DefaultsUnchanged, nil
	}
	slices.Sort(names)
	var body strings.Builder
	for _, n := range names {
		v := vars[n]
		// Single quotes keep a value literal in a .env body (dotenv does not expand \n or
		// $ in them); a value the CLI could not read back that way is refused.
		if strings.ContainsAny(v, "'\n\r") {
			return "", fmt.Errorf("the value of %s holds a quote or a line break: set it by hand with %s", n, DefaultCommand(n, typ))
		}
		fmt.Fprintf(&body, "%s='%s'\n", n, v)
	}
	args := defaultArgs("set", typ)
	if force {
		args = append(args, "--force")
	}
	command := "npx " + strings.Join(args, " ")
	manual := make([]string, len(names))
	for i, n := range names {
		manual[i] = DefaultCommand(n, typ)
	}
	res, err := r.Run(ctx, run.Cmd{Dir: dir, Name: "npx", Args: args, Stdin: strings.NewReader(body.String())})
	if err := callError(ctx, err, res, dir, command+" (the variables on stdin)", strings.Join(manual, "; ")+" (each asks for its value)"); err != nil {
		return "", err
	}
	if strings.Contains(stripANSI(string(res.Stderr)), "already set") && !strings.Contains(stripANSI(string(res.Stderr)), "Successfully set") {
		return DefaultsUnchanged, nil
	}
	return DefaultsSet, nil
}

// IsDefaultConflict tells whether SetDefaults failed because a variable already holds
// another default (the CLI's "already exists with different value"; pass force to replace).
func IsDefaultConflict(err error) bool {
	var ce *CLIError
	return errors.As(err, &ce) && strings.Contains(stripANSI(ce.Stderr), "with different value")
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
