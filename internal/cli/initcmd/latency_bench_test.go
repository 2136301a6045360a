package initcmd

import (
	"context"
	"testing"
	"time"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
)

// clerkRoundTrip is the fake Clerk's latency per call in BenchmarkInitLatency.
const clerkRoundTrip = 300 * time.Millisecond

// BenchmarkInitLatency runs init's first run and a rerun against a Clerk fake that takes
// 300 ms per call, and reports each as a multiple of one round trip. The first run needs two
// (the domain and template listings at once, then the template's creation), a rerun one.
// scripts/bench.sh holds them to 1.2 × those.
func BenchmarkInitLatency(b *testing.B) {
	var first, rerun time.Duration
	for i := 0; i < b.N; i++ {
		h := newHarness(b, false)
		h.fake.SetLatency(clerkRoundTrip)
		h.opts.SecretKey, h.opts.PublishableKey = sk, clerk.EncodePublishableKey(host, false)
		start := time.Now()
		if err := runInit(context.Background(), h.opts); err != nil {
			b.Fatal(err)
		}
		first += time.Since(start)
		start = time.Now()
		if err := runInit(context.Background(), h.opts); err != nil {
			b.Fatal(err)
		}
		rerun += time.Since(start)
		if i == 0 {
			for _, r := range h.fake.Requests() {
				b.Logf("%s %s %d", r.Method, r.Path, r.Status)
			}
		}
	}
	n := float64(b.N) * float64(clerkRoundTrip)
	b.ReportMetric(float64(first)/n, "first-round-trips")
	b.ReportMetric(float64(rerun)/n, "rerun-round-trips")
}
