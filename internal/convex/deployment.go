package convex

import (
	"errors"
	"strings"
	"unicode"
)

// Deployment picks the deployment a `npx convex env …` call acts on: the zero value is the
// CLI's own default (CONVEX_DEPLOYMENT in .env.local, a deploy key, a self-hosted backend),
// Prod is `--prod` and Ref is `--deployment <ref>`. convex 1.48's CLI (lib/command.js,
// addDeploymentSelectionOptions) declares both on `convex env` and refuses them together; its
// parser (lib/deploymentSelector.js) takes any string: a deployment name (joyful-capybara-123),
// a reference (dev/james, staging), dev, prod, local, project-slug:ref or
// team-slug:project-slug:ref.
type Deployment struct {
	Prod bool
	Ref  string
}

// Args are the CLI options that select the deployment: none, ["--prod"] or
// ["--deployment", ref].
func (d Deployment) Args() []string {
	switch {
	case d.Ref != "":
		return []string{"--deployment", d.Ref}
	case d.Prod:
		return []string{"--prod"}
	}
	return nil
}

// String names the deployment for messages: the ref, "prod" or "dev".
func (d Deployment) String() string {
	switch {
	case d.Ref != "":
		return d.Ref
	case d.Prod:
		return "prod"
	}
	return "dev"
}

// Flag is the clerkconvex flag that selects the same deployment, with a leading space (""
// for the default), for commands a message suggests: " --prod", " --deployment dev/james".
func (d Deployment) Flag() string {
	if a := d.Args(); len(a) > 0 {
		return " " + strings.Join(shellQuoteAll(a), " ")
	}
	return ""
}

func shellQuoteAll(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = shellQuote(a)
	}
	return out
}

// CheckDeploymentRef refuses what the Convex CLI could not take as a --deployment value: an
// empty one, one starting with "-" (an option), or one holding spaces or control characters
// (no deployment name, reference or slug has them, and they would garble a command shown
// to the user). Beyond that the CLI decides, as it does for its own flag.
func CheckDeploymentRef(ref string) error {
	switch {
	case ref == "":
		return errors.New("it is empty: pass a deployment name (joyful-capybara-123), a reference (dev/james, staging), dev, prod, local or project-slug:reference")
	case strings.HasPrefix(ref, "-"):
		return errors.New("it starts with '-' (an option): pass a deployment name (joyful-capybara-123), a reference (dev/james, staging), dev, prod, local or project-slug:reference")
	case strings.IndexFunc(ref, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) || r == unicode.ReplacementChar }) >= 0:
		return errors.New("it holds a space or control character: deployment names and references have none")
	}
	return nil
}
