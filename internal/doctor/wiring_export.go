package doctor

import (
	"context"

	"github.com/clerkconvex/clerkconvex/internal/project"
)

// WiringResult is what the client.provider_wiring check found, for the commands that act on it.
type WiringResult struct {
	Status       Status
	Message, Fix string
}

// ProviderWiring runs doctor's client.provider_wiring check alone on the app in dir (proj: its
// package.json). init writes the client wiring only when this fails, and after it the check
// passes; doctor --fix acts on the same result.
func ProviderWiring(ctx context.Context, dir string, proj *project.Project) WiringResult {
	ctx, cancel := context.WithTimeout(ctx, defaultTimeout)
	defer cancel()
	s := &state{in: Inputs{Dir: dir, Timeout: defaultTimeout}, ctx: ctx, proj: proj}
	o := checkProviderWiring(ctx, s)
	return WiringResult{Status: o.status, Message: o.message, Fix: o.fix}
}
