package wiring

import (
	"fmt"
	"strings"

	"github.com/clerkconvex/clerkconvex/templates"
)

// keepOneTree undoes the provider changes planned since from when another file of the app
// (neither the layout or _app nor a file the plan edits) renders a ClerkProvider, a
// ConvexProvider or a ConvexProviderWithClerk: the plan adds the same providers again, and
// whether that file's tree encloses the layout's {children} cannot be told from the layout. A
// second ClerkProvider inside the first throws at run time ("You've added multiple
// <ClerkProvider> components"), and a second Convex client is not a small edit. The user
// gets the snippet instead, as the other frameworks' planners do (decide).
func (n *nextApp) keepOneTree(from int) error {
	if len(n.plan.Changes) == from {
		return nil
	}
	mine := map[string]bool{n.layout: true, n.appJS: true}
	for _, c := range n.plan.Changes[from:] {
		mine[c.Path] = true
	}
	for _, u := range scanProviders(n.Dir) {
		if mine[u.file] {
			continue
		}
		withClerk := u.kind != useClerk
		comp, err := templates.Render("wiring/next-provider.tsx.tmpl", providerData{TS: n.ts, WithClerk: withClerk, ClerkPackage: n.clerk, URLVar: nextURLVar})
		if err != nil {
			return err
		}
		where := "in place of <" + u.local + "> in " + u.file + " (its client kept)"
		if !withClerk {
			where = "inside <" + u.local + "> in " + u.file + ", around what it wraps"
		}
		rel := n.layout
		if rel == "" {
			rel = n.appJS
		}
		if rel == "" {
			rel = u.file
		}
		n.plan.Changes = n.plan.Changes[:from]
		n.plan.Manual = append(n.plan.Manual, Manual{
			Path: u.file, Where: where,
			Snippet: strings.TrimRight(string(comp), "\n"),
			Reason:  fmt.Sprintf("%s uses <%s> too, and the wiring must be one tree in one place (%s renders the app)", u.file, u.local, rel),
		})
		return nil
	}
	return nil
}

// insideClerk says whether the span s of src lies inside a <ClerkProvider> element the file
// renders (under any local name it imports Clerk's ClerkProvider as).
func insideClerk(src []byte, imported map[string][2]string, s Span) bool {
	for local, what := range imported {
		if what[1] != "ClerkProvider" || !strings.HasPrefix(what[0], "@clerk/") {
			continue
		}
		for _, e := range FindElements(src, local) {
			if e.Start < s.Start && s.End <= e.End {
				return true
			}
		}
	}
	return false
}
