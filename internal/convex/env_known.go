package convex

import (
	"fmt"
	"regexp"
	"sync"
)

// Failures of `npx convex …` that can be named, with exactly what to do. The messages are
// convex 1.48's own (dist/cjs/cli): index.js (Node too old; convex ≥ 1.49 needs Node 22),
// lib/api.js (no deployment configured), lib/deploymentSelection.js and login.js (not logged
// in), lib/utils/utils.js (convex not a dependency).
// They compile on first use (a failed npx call), not at start-up.
var knownFailures = sync.OnceValue(func() []knownFailure {
	return []knownFailure{
		{regexp.MustCompile(`Your Node version (\S+) is too old\. Convex requires at least Node v(\d+)(?:\.\d+)?`), func(m []string) string {
			return fmt.Sprintf("the installed convex needs Node %s or later and this machine runs Node %s: install Node %s (e.g. nvm install %s) and run the command again", m[2], m[1], m[2], m[2])
		}},
		{regexp.MustCompile(`No CONVEX_DEPLOYMENT set`), func([]string) string {
			return "no Convex deployment is configured in this folder: run npx convex dev once here (it writes CONVEX_DEPLOYMENT to .env.local), or set CONVEX_DEPLOY_KEY, then run the command again"
		}},
		{regexp.MustCompile(`requires being logged in|You are not logged in`), func([]string) string {
			return "the Convex CLI is not logged in: run npx convex login (or set CONVEX_DEPLOY_KEY), then run the command again"
		}},
		{regexp.MustCompile("add `convex` to your package\\.json dependencies"), func([]string) string {
			return "convex is not a dependency in package.json: add it (npm install convex), then run the command again"
		}},
	}
})

type knownFailure struct {
	re  *regexp.Regexp
	fix func(m []string) string
}

// KnownFix says what to do about a failure of the Convex CLI that it recognises from its
// stderr, or "".
func KnownFix(stderr string) string {
	s := stripANSI(stderr)
	for _, k := range knownFailures() {
		if m := k.re.FindStringSubmatch(s); m != nil {
			return k.fix(m)
		}
	}
	return ""
}
