package doctor

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/fakes/convexdeploy"
	"github.com/clerkconvex/clerkconvex/internal/run"
)

// BenchmarkDoctorDeployKeyLatency is BenchmarkDoctorLatency on the Deployment Platform API
// path: 200 ms on every fake endpoint (Clerk, the issuer, the deployment's API), the key in the
// environment, and no npx at all (the runner fails the benchmark if called). It reports the
// whole run as a multiple of its slowest check; scripts/bench.sh holds it to <= 1.3.
func BenchmarkDoctorDeployKeyLatency(b *testing.B) {
	const latency = 200 * time.Millisecond
	h := newHarness(b, latency)
	d := convexdeploy.New(convexdeploy.Options{Env: map[string]string{"CLERK_JWT_ISSUER_DOMAIN": h.env.IssuerURL()}})
	b.Cleanup(d.Close)
	d.SetLatency(latency)
	// The key as CI has it: one request to the deployment, as with a cloud deploy key (whose
	// URL follows from the key) — here a self-hosted URL, since the fake is on 127.0.0.1.
	extra := map[string]string{"CONVEX_SELF_HOSTED_URL": d.URL, "CONVEX_SELF_HOSTED_ADMIN_KEY": d.AdminKey}
	getenv := func(k string) string {
		if v, ok := extra[k]; ok {
			return v
		}
		return h.f.Getenv(k)
	}
	opts := &Options{
		IO: h.f.IOStreams, Getenv: getenv, Clerk: h.f.Clerk, HTTPClient: h.f.HTTPClient,
		Runner:       func() run.Runner { return noRunner{b} },
		ProjectFlags: cmdutil.ProjectFlags{Dir: h.dir, EnvFile: ".env.local", TemplateName: "convex"},
		Timeout:      30 * time.Second,
	}
	benchDoctor(b, h, opts)
	if len(d.Requests()) == 0 {
		b.Fatal("the deployment's API was never called")
	}
}

// noRunner fails: the API path must not start npx.
type noRunner struct{ tb testing.TB }

func (r noRunner) Run(ctx context.Context, c run.Cmd) (run.Result, error) {
	r.tb.Errorf("npx was started on the API path: %s", c)
	return run.Result{}, errors.New("no npx here")
}
