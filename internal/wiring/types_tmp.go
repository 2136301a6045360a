package wiring

// TEMPORARY until w13core's skeleton lands: the shapes the brief names.

import (
	"context"

	"github.com/clerkconvex/clerkconvex/internal/project"
)

type Plan struct {
	Framework string
	Changes   []Change
	Manual    []Manual
	Install   []string
}

type Change struct {
	Path     string
	Old, New []byte
	Why      string
}

type Manual struct{ Path, Where, Snippet, Reason string }

type Input struct {
	Dir     string
	Project *project.Project
}

// PlanFor: TEMPORARY registry until the skeleton's.
func PlanFor(ctx context.Context, in Input) (*Plan, error) {
	switch in.Project.Framework.ID {
	case "vite":
		return planVite(in)
	case "expo":
		return planExpo(in)
	case "tanstack-start":
		return planTanStack(in)
	}
	return &Plan{}, nil
}

func (p *Plan) Empty() bool {
	return p == nil || (len(p.Changes) == 0 && len(p.Manual) == 0 && len(p.Install) == 0)
}
