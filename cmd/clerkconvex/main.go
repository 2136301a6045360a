// Command clerkconvex wires Clerk authentication into a Convex project.
package main

import (
	"os"

	"github.com/clerkconvex/clerkconvex/internal/cli"
)

func main() { os.Exit(cli.Main()) }
