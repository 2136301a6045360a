package main

import (
	"bytes"
	"context"
	"os/exec"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/clerkconvex/clerkconvex/internal/doctor/doctortest"
	"github.com/clerkconvex/clerkconvex/internal/fakes/convexdeploy"
	"github.com/clerkconvex/clerkconvex/internal/testutil/nodeharness"
)

// BenchmarkDeployKeyPaths is CI with a deploy key, both ways, in one run: `clerkconvex init`
// (a rerun, which sets the issuer on the deployment) and `clerkconvex doctor`, through the
// Deployment Platform API (the default with CONVEX_DEPLOY_KEY) and with --via npx (the real
// convex CLI from test/node, asking the same fake control plane and deployment). It reports the
// median wall time of each (7 runs through the API, 3 through npx) and the speed-ups;
// scripts/bench.sh runs it once (-benchtime=1x) and holds the speed-ups to >= 10.
func BenchmarkDeployKeyPaths(b *testing.B) {
	const apiRuns, npxRuns = 7, 3
	e := newRealEnv(b)
	env := startDoctorEnv(b)
	dir := b.TempDir()
	if err := env.WriteProject(dir); err != nil {
		b.Fatal(err)
	}
	nodeharness.LinkNodeModules(b, dir)
	if err := doctortest.GitAdd(dir); err != nil {
		b.Fatal(err)
	}
	dev := convexdeploy.New(convexdeploy.Options{AdminKey: convexdeploy.DeployKey("dev", "happy-otter-123", devKeySecret)})
	b.Cleanup(dev.Close)
	prod := convexdeploy.New(convexdeploy.Options{AdminKey: convexdeploy.DeployKey("prod", "clever-heron-456", prodKeySecret)})
	b.Cleanup(prod.Close)
	bb := convexdeploy.NewBigBrain(convexdeploy.BigBrainOptions{Dev: dev, Prod: prod})
	b.Cleanup(bb.Close)
	environ := e.environ("CONVEX_DEPLOY_KEY="+dev.AdminKey, "CONVEX_PROVISION_HOST="+bb.URL, "CLERK_API_URL="+env.Clerk.URL)

	median := func(n int, want string, args ...string) time.Duration {
		var ds []time.Duration
		for i := 0; i < n; i++ {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			cmd := exec.CommandContext(ctx, e.bin, args...)
			cmd.Dir, cmd.Env = dir, environ
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			start := time.Now()
			err := cmd.Run()
			ds = append(ds, time.Since(start))
			cancel()
			if err != nil || !strings.Contains(out.String(), want) {
				b.Fatalf("clerkconvex %s: %v\n%s", strings.Join(args, " "), err, out.String())
			}
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		return ds[len(ds)/2]
	}
	// The first run creates the template and writes the files; the timed ones are reruns.
	median(1, "CLERK_JWT_ISSUER_DOMAIN=", "init", "--no-input")
	const initDone = "Convex dev deployment happy-otter-123: CLERK_JWT_ISSUER_DOMAIN="
	const doctorDone = "pass convex.env_var"
	initAPI := median(apiRuns, initDone, "init", "--no-input")
	initNpx := median(npxRuns, initDone, "init", "--no-input", "--via", "npx")
	doctorAPI := median(apiRuns, doctorDone, "doctor")
	doctorNpx := median(npxRuns, doctorDone, "doctor", "--via", "npx")
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(initAPI), "init-api-ms")
	b.ReportMetric(ms(initNpx), "init-npx-ms")
	b.ReportMetric(float64(initNpx)/float64(initAPI), "init-speedup")
	b.ReportMetric(ms(doctorAPI), "doctor-api-ms")
	b.ReportMetric(ms(doctorNpx), "doctor-npx-ms")
	b.ReportMetric(float64(doctorNpx)/float64(doctorAPI), "doctor-speedup")
}
