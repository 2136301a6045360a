package wiring

import (
	"context"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/project"
)

// TanStack Start: the providers go in the root route (src/routes/__root.tsx, app/routes/ before
// Start 1.0), around {children} in the document's <body> (the shell every route renders in),
// or around <Outlet /> where that is inside the file's ClerkProvider and {children} is not.

var tanstackRoots = []string{
	"src/routes/__root.tsx", "src/routes/__root.jsx", "app/routes/__root.tsx", "app/routes/__root.jsx",
}

var (
	htmlTag   = onceRe(`<html[\s>]`)
	outletTag = onceRe(`<Outlet[\s/>]`)
)

func init() { register(project.TanStackStart.ID, planTanStack) }

// planTanStack plans the wiring of a TanStack Start app.
func planTanStack(_ context.Context, in *Input) (*Plan, error) {
	pkg, install := clerkPackageFor(in)
	spec := fwSpec{framework: in.Project.Framework.ID, template: "wiring/tanstack.tmpl", clerkPkg: pkg, install: install,
		where: "the root route's document, around {children} in <body>"}
	if in.ProviderWired {
		return &Plan{Framework: spec.framework}, nil
	}
	spec.uses = scanProviders(in.Dir)
	rel, ok := firstExisting(in, tanstackRoots...)
	if !ok {
		return spec.manual("src/routes/__root.tsx", "no root route (src/routes/__root.tsx)")
	}
	src, err := readSource(in, rel)
	if err != nil {
		return nil, err
	}
	var clerk *jsxNode
	for _, u := range spec.uses {
		if u.file == rel && u.kind == useClerk {
			if clerk, err = parseJSXAt(src, u.offset); err != nil {
				return spec.manual(rel, rel+": cannot read <"+u.local+">: "+err.Error())
			}
			break
		}
	}
	inClerk := func(n *jsxNode) bool { return clerk == nil || (clerk.start < n.start && n.end <= clerk.end) }
	children, reason := bodyChildren(src)
	target := children
	if target == nil || !inClerk(target) {
		outlet, why := outletElement(src)
		switch {
		case outlet != nil && inClerk(outlet):
			target = outlet
		case target != nil:
			target, reason = nil, "{children} in <body> is outside <ClerkProvider>, and no <Outlet /> is inside it"
		case why != "":
			reason += "; " + why
		}
	}
	if target == nil {
		return spec.manual(rel, rel+": "+reason)
	}
	plan, err := spec.edit(rel, src, target, false)
	if err != nil || len(plan.Changes) == 0 || clerk != nil {
		return plan, err
	}
	return plan, clerkMiddleware(in, spec, rel, plan)
}

// clerkMiddleware adds what a ClerkProvider new to a TanStack Start app needs on the server:
// clerkMiddleware() in src/start.ts (Start 1.0's layout, routes under src/). A new file is
// created; one that exists without it gets a Manual (its shape is the app's own).
func clerkMiddleware(in *Input, spec fwSpec, rootRel string, plan *Plan) error {
	if !strings.HasPrefix(rootRel, "src/") {
		return nil
	}
	t := fwTemplate{file: spec.template, ClerkPkg: spec.clerkPkg, TS: true, Semi: semiOf(string(plan.Changes[0].Old))}
	text, err := t.block("start")
	if err != nil {
		return err
	}
	rel, ok := firstExisting(in, "src/start.ts", "src/start.tsx", "src/start.js")
	if !ok {
		plan.Changes = append(plan.Changes, Change{Path: "src/start.ts", New: []byte(text),
			Why: "run Clerk's middleware on every request (ClerkProvider reads the session it hands over)"})
		return nil
	}
	src, err := readSource(in, rel)
	if err != nil {
		return err
	}
	if strings.Contains(stripComments(src), "clerkMiddleware(") {
		return nil
	}
	plan.Manual = append(plan.Manual, Manual{Path: rel, Where: "createStart's requestMiddleware",
		Snippet: text, Reason: rel + " has no clerkMiddleware(): ClerkProvider needs it on the server"})
	return nil
}

// bodyChildren finds the {children} that the one <html> element of src renders directly in
// its <body>.
func bodyChildren(src string) (*jsxNode, string) {
	code := stripComments(src)
	locs := htmlTag().FindAllStringIndex(code, -1)
	if len(locs) != 1 {
		return nil, "not one <html> element (the document) in the root route"
	}
	html, err := parseJSXAt(src, locs[0][0])
	if err != nil {
		return nil, "cannot read the document: " + err.Error()
	}
	body := html.find("body")
	if body == nil {
		return nil, "the document has no <body>"
	}
	var found *jsxNode
	for i, c := range body.children {
		if c.kind == jsxExpr && strings.TrimSpace(stripComments(src[c.start+1:c.end-1])) == "children" {
			if found != nil {
				return nil, "<body> renders {children} twice"
			}
			found = &body.children[i]
		}
	}
	if found == nil {
		return nil, "<body> does not render {children}"
	}
	return found, ""
}

// outletElement finds the file's one <Outlet />.
func outletElement(src string) (*jsxNode, string) {
	locs := outletTag().FindAllStringIndex(stripComments(src), -1)
	if len(locs) != 1 {
		return nil, "not one <Outlet /> in the root route"
	}
	n, err := parseJSXAt(src, locs[0][0])
	if err != nil {
		return nil, "cannot read <Outlet />: " + err.Error()
	}
	return n, ""
}
