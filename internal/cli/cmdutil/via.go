package cmdutil

import (
	"errors"
	"net/http"

	"github.com/spf13/pflag"

	"github.com/clerkconvex/clerkconvex/internal/convex"
	"github.com/clerkconvex/clerkconvex/internal/run"
)

// RegisterVia declares --via, shared by init, doctor and the users commands.
func RegisterVia(fl *pflag.FlagSet, via *string) {
	*via = convex.ViaAuto
	fl.Var(viaValue{via}, "via", "how to read and set the deployment's variables: auto (the Deployment Platform API when CONVEX_DEPLOY_KEY, or CONVEX_SELF_HOSTED_URL + CONVEX_SELF_HOSTED_ADMIN_KEY, is in the environment; else npx convex), npx or api")
}

type viaValue struct{ p *string }

func (v viaValue) String() string {
	if v.p == nil {
		return ""
	}
	return *v.p
}

func (v viaValue) Set(s string) error {
	switch s {
	case convex.ViaAuto, convex.ViaNpx, convex.ViaAPI:
		*v.p = s
		return nil
	}
	return errors.New("use auto, npx or api")
}

func (v viaValue) Type() string { return "auto|npx|api" }

// ConvexEnv is where every command gets the client for the deployment's variables: npx
// convex in dir, or the Deployment Platform API (see convex.ChooseEnv). A --via api that cannot
// be honoured is a usage error.
func ConvexEnv(via string, getenv func(string) string, hc func() *http.Client, r run.Runner, dir string, dep convex.Deployment) (convex.EnvClient, error) {
	c, err := convex.ChooseEnv(convex.EnvChoice{Via: via, Getenv: getenv, HTTPClient: hc, Runner: r, Dir: dir, Deployment: dep})
	if err != nil {
		return nil, &FlagError{Err: err}
	}
	return c, nil
}
