package cmdutil

import (
	"github.com/spf13/pflag"

	"github.com/clerkconvex/clerkconvex/internal/convex"
)

// RegisterDeployment declares --deployment, shared by init, doctor and the users commands.
func RegisterDeployment(fl *pflag.FlagSet, ref *string) {
	fl.Var(refValue{ref}, "deployment", "the Convex deployment to use, passed to npx convex env as --deployment: a deployment name (joyful-capybara-123), a reference (dev/james, staging), dev, prod, local or project-slug:ref (not with --prod)")
}

// refValue is --deployment's value, checked as it is parsed (an empty one included, which
// would otherwise select the default deployment without a word).
type refValue struct{ p *string }

func (v refValue) String() string {
	if v.p == nil {
		return ""
	}
	return *v.p
}

func (v refValue) Set(s string) error {
	if err := convex.CheckDeploymentRef(s); err != nil {
		return err
	}
	*v.p = s
	return nil
}

func (v refValue) Type() string { return "ref" }

// CheckDeployment refuses --prod with --deployment, as the Convex CLI does: a usage error.
func CheckDeployment(prod bool, ref string) error {
	if prod && ref != "" {
		return FlagErrorf("--prod and --deployment cannot be used together: --deployment prod is the same as --prod")
	}
	return nil
}

// SelectDeployment is CheckDeployment that also turns --deployment prod into --prod: the
// Convex CLI selects the same deployment for both (lib/api.js handleProd), and production's
// rules (live keys, the env file left alone, the development issuer not passed) must apply
// to it however it was named.
func SelectDeployment(prod *bool, ref *string) error {
	if err := CheckDeployment(*prod, *ref); err != nil {
		return err
	}
	if *ref == "prod" {
		*prod, *ref = true, ""
	}
	return nil
}

// Target is the deployment the flags select.
func (p *ProjectFlags) Target() convex.Deployment {
	return convex.Deployment{Prod: p.Prod, Ref: p.Deployment}
}
