package convex

import (
	"context"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/run"
)

// ListEnv runs `npx convex env list --include-values [--prod | --deployment REF]` in dir: one call for every
// variable of the deployment. --include-values keeps the values even when the CLI thinks an AI
// agent runs it (convex 1.48 then lists names only). The CLI prints NAME=value lines on
// stdout, a value quoted as in a .env file when it has to be (see ParseEnvList); "No
// environment variables set" goes to stderr.
func ListEnv(ctx context.Context, r run.Runner, dir string, dep Deployment) (map[string]string, error) {
	args := envArgs(dep, "list", "--include-values")
	command := strings.Join(append([]string{"npx"}, args...), " ")
	res, err := r.Run(ctx, run.Cmd{Dir: dir, Name: "npx", Args: args})
	if err := callError(ctx, err, res, dir, command, ""); err != nil {
		return nil, err
	}
	return ParseEnvList(stripConnectionLog(string(res.Stdout))), nil
}

// ParseEnvList reads the output of `npx convex env list`: NAME=value lines, where the CLI
// (formatEnvValueForDotfile) writes a value with a newline as '…' over several lines or as
// "…" with \n escapes, and wraps a value in quotes when it starts and ends with one, holds a
// # and so on. Lines that are not NAME=… are ignored.
func ParseEnvList(out string) map[string]string {
	vars := map[string]string{}
	lines := strings.Split(strings.ReplaceAll(out, "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		name, value, ok := strings.Cut(lines[i], "=")
		if !ok || !envNameRE().MatchString(name) {
			continue
		}
		if len(value) > 0 && (value[0] == '\'' || value[0] == '"') {
			q := value[0]
			body := value[1:]
			// A quoted value may go on over the following lines, up to the line ending in q.
			for !strings.HasSuffix(body, string(q)) && i+1 < len(lines) && q == '\'' {
				i++
				body += "\n" + lines[i]
			}
			if strings.HasSuffix(body, string(q)) {
				value = body[:len(body)-1]
				if q == '"' {
					value = strings.ReplaceAll(value, `\n`, "\n")
				}
			}
		}
		vars[name] = value
	}
	return vars
}

// LooksSecret tells whether a value looks like a secret (a Clerk secret key, a webhook signing
// secret) that must not be echoed, even in a command to run.
func LooksSecret(value string) bool { return looksSecret(strings.TrimSpace(value)) }
