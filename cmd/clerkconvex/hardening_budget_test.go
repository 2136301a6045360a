//go:build linux

package main

import (
	"testing"
)

// callBudget is the most calls one run may make: npx processes (each costs 1-2 s) and Clerk
// requests, counted from the fake npx's log and the Clerk fake's request log.
type callBudget struct {
	name     string
	args     []string
	npx      int
	clerk    int
	mutating int
}

// TestCallBudget runs init's first run, a rerun, a dry run and a JSON rerun in one project and
// holds each to its budget. scripts/bench.sh prints the BUDGET lines it logs. A doctor budget is
// one more entry.
func TestCallBudget(t *testing.T) {
	t.Parallel()
	h := newHarness(t, viteProject)
	for _, b := range []callBudget{
		{name: "init first run", args: initArgs(), npx: 1, clerk: 3, mutating: 1},
		{name: "init rerun", args: []string{"init", "--no-input"}, npx: 1, clerk: 2, mutating: 0},
		{name: "init --dry-run", args: []string{"init", "--no-input", "--dry-run"}, npx: 0, clerk: 2, mutating: 0},
		{name: "init --json rerun", args: []string{"init", "--no-input", "--json"}, npx: 1, clerk: 2, mutating: 0},
	} {
		npxBefore := len(h.npxCalls())
		h.clerk.ClearRequests()
		r := h.run(b.args...)
		if r.code != 0 {
			t.Fatalf("%s: exit %d\n%s", b.name, r.code, r)
		}
		npx, clerk, mutating := len(h.npxCalls())-npxBefore, len(h.clerk.Requests()), h.clerk.MutatingRequests()
		t.Logf("BUDGET %-18s npx=%d clerk=%d mutating=%d (budget npx<=%d clerk<=%d mutating<=%d)", b.name, npx, clerk, mutating, b.npx, b.clerk, b.mutating)
		if npx > b.npx || clerk > b.clerk || mutating > b.mutating {
			t.Errorf("%s is over its budget", b.name)
		}
		h.assertNoCanary(r)
	}
}
