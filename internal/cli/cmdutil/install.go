package cmdutil

import (
	"context"
	"time"

	"github.com/clerkconvex/clerkconvex/internal/run"
)

// InstallTimeout bounds a package install (a registry download).
const InstallTimeout = 10 * time.Minute

// Install runs a package manager's add command (argv, from project.AddCommand) in dir, within
// InstallTimeout.
func Install(ctx context.Context, runner run.Runner, dir string, argv []string) (run.Result, error) {
	return run.WithTimeout(runner, InstallTimeout, "run it by hand to see why").Run(ctx, run.Cmd{Dir: dir, Name: argv[0], Args: argv[1:]})
}
