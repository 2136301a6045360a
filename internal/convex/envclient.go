package convex

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/clerkconvex/clerkconvex/internal/run"
)

// EnvClient reads and sets the environment variables of one Convex deployment. Two
// implementations: NpxEnv runs the real Convex CLI (`npx convex env …`), PlatformEnv calls the
// Deployment Platform API without Node. ChooseEnv picks one.
type EnvClient interface {
	// Set sets name to value. The value may show in a child's arguments (npx): use it for
	// public values such as an issuer URL.
	Set(ctx context.Context, name, value string) (Target, error)
	// SetSecret sets name to a secret value, which never appears in a process's arguments.
	SetSecret(ctx context.Context, name, value string) (Target, error)
	// Get reads one variable; found is false when it is not set.
	Get(ctx context.Context, name string) (value string, found bool, err error)
	// List reads every variable in one call.
	List(ctx context.Context) (map[string]string, error)
	// Via is ViaNpx or ViaAPI.
	Via() string
}

// The ways to reach a deployment's variables (--via).
const (
	ViaAuto = "auto"
	ViaNpx  = "npx"
	ViaAPI  = "api"
)

// NpxEnv is EnvClient through `npx convex env …`, run in Dir on Deployment.
type NpxEnv struct {
	Runner     run.Runner
	Dir        string
	Deployment Deployment
}

func (n NpxEnv) Set(ctx context.Context, name, value string) (Target, error) {
	return SetEnvTarget(ctx, n.Runner, n.Dir, name, value, n.Deployment)
}

func (n NpxEnv) SetSecret(ctx context.Context, name, value string) (Target, error) {
	return SetEnvStdin(ctx, n.Runner, n.Dir, name, value, n.Deployment)
}

func (n NpxEnv) Get(ctx context.Context, name string) (string, bool, error) {
	return GetEnv(ctx, n.Runner, n.Dir, name, n.Deployment)
}

func (n NpxEnv) List(ctx context.Context) (map[string]string, error) {
	return ListEnv(ctx, n.Runner, n.Dir, n.Deployment)
}

func (NpxEnv) Via() string { return ViaNpx }

// EnvChoice is what ChooseEnv needs.
type EnvChoice struct {
	// Via is ViaAuto ("" too), ViaNpx or ViaAPI.
	Via    string
	Getenv func(string) string
	// HTTPClient is the base client of the API path (nil: httpx defaults); called only when
	// the API path is chosen.
	HTTPClient func() *http.Client
	// Runner, Dir and Deployment are the npx path's (Deployment selects for both).
	Runner     run.Runner
	Dir        string
	Deployment Deployment
}

// ViaError is a --via api that cannot be honoured: a usage error.
type ViaError struct{ Err error }

func (e *ViaError) Error() string { return "--via api: " + e.Err.Error() }
func (e *ViaError) Unwrap() error { return e.Err }

// ChooseEnv picks how to reach the deployment's variables, in one place:
//
//   - a deployment's deploy key in the environment that the flags ask past (--prod with a dev
//     deployment's key, --deployment with any): an error whatever --via, as the Convex CLI
//     would ignore --prod and use the key's deployment, and refuses --deployment with a key.
//   - --via npx: the Convex CLI.
//   - --via api: the Deployment Platform API, with the key from the environment; a usage error
//     (*ViaError) when there is none or it cannot reach the deployment asked for.
//   - auto: the API when the environment holds a key for exactly the deployment asked for (a
//     deployment's deploy key, or a self-hosted URL + admin key, and no --deployment; with
//     --prod a production deploy key), else the Convex CLI, which then decides as it always has.
func ChooseEnv(c EnvChoice) (EnvClient, error) {
	npx := NpxEnv{Runner: c.Runner, Dir: c.Dir, Deployment: c.Deployment}
	switch c.Via {
	case "", ViaAuto, ViaAPI, ViaNpx:
	default:
		return nil, fmt.Errorf("--via %q: use auto, npx or api", c.Via)
	}
	getenv := c.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	key, err := PlatformKeyFromEnv(getenv)
	if err == nil && c.Via != ViaAPI {
		// The Convex CLI would take the key's deployment too: refuse what it would get wrong.
		if kerr := keyOverridesFlags(key, c.Deployment); kerr != nil {
			return nil, kerr
		}
	}
	if c.Via == ViaNpx {
		return npx, nil
	}
	if err == nil {
		err = keyReaches(key, c.Deployment)
	}
	if err != nil {
		if c.Via == ViaAPI {
			return nil, &ViaError{Err: err}
		}
		return npx, nil
	}
	var base *http.Client
	if c.HTTPClient != nil {
		base = c.HTTPClient()
	}
	p, err := NewPlatformEnv(key, base)
	if err != nil {
		if c.Via == ViaAPI {
			return nil, &ViaError{Err: err}
		}
		return npx, nil
	}
	return p, nil
}

// keyReaches refuses a key that does not reach the deployment the flags ask for.
func keyReaches(key PlatformKey, dep Deployment) error {
	switch {
	case key.Kind == "preview" || key.Kind == "project":
		return fmt.Errorf("%s is a %s deploy key, which names no single deployment (the Convex CLI asks Convex's control plane which): use --via npx, or a deployment's deploy key", key.Source, key.Kind)
	case dep.Ref != "":
		return fmt.Errorf("--deployment %s needs the Convex CLI (a key in %s reaches only its own deployment): drop --via api, or --deployment", dep.Ref, key.Source)
	case dep.Prod && key.Kind == "self-hosted":
		return errors.New("--prod is not for a self-hosted deployment (CONVEX_SELF_HOSTED_URL names the one deployment): drop --prod")
	case dep.Prod && key.Type != "prod":
		return fmt.Errorf("--prod asks for the production deployment, but %s is the deploy key of the %s deployment %s: put a production deploy key in %s, or drop --prod", key.Source, key.Type, key.Name, key.Source)
	}
	return nil
}

// keyOverridesFlags refuses a deployment's deploy key the Convex CLI would follow instead of
// the flags: with one set it ignores --prod ("Ignoring `--prod` … using deployment from
// CONVEX_DEPLOY_KEY", convex 1.48 cli/lib/api.js) — setting production's issuer on the dev
// deployment — and refuses --deployment. A preview or project key leaves the choice to the
// control plane, and is not refused.
func keyOverridesFlags(key PlatformKey, dep Deployment) error {
	if key.Kind != "deployment" {
		return nil
	}
	switch {
	case dep.Ref != "":
		return fmt.Errorf("--deployment %s: %s holds the deploy key of the %s deployment %s, and the Convex CLI refuses --deployment while a deploy key is set; unset %s to use your Convex login, or drop --deployment", dep.Ref, key.Source, key.Type, key.Name, key.Source)
	case dep.Prod && key.Type != "prod":
		return fmt.Errorf("--prod: %s holds the deploy key of the %s deployment %s, which the Convex CLI would use instead (it ignores --prod while a deploy key is set); put a production deploy key in %s, or unset it to use your Convex login", key.Source, key.Type, key.Name, key.Source)
	}
	return nil
}
