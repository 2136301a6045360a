package wiring

import (
	"context"
	"regexp"
	"slices"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/project"
)

// Expo Router: the providers go in the root layout (app/_layout.tsx, or src/app/ since SDK
// 50), around what its default export returns; a ClerkProvider written there gets Clerk's
// token cache (@clerk/…/token-cache, which keeps the session in expo-secure-store).

var expoLayouts = []string{
	"app/_layout.tsx", "app/_layout.jsx", "app/_layout.js", "app/_layout.ts",
	"src/app/_layout.tsx", "src/app/_layout.jsx", "src/app/_layout.js", "src/app/_layout.ts",
}

var (
	defaultFunc  = onceRe(`\bexport\s+default\s+(?:async\s+)?function\b\s*[\w$]*\s*(?:<[^>]*>)?\s*\(`)
	defaultName  = onceRe(`\bexport\s+default\s+([A-Za-z_$][\w$]*)\s*;?\s*(?:\n|$)`)
	returnJSX    = onceRe(`\breturn\s*(\(\s*)?<`)
	namedFuncFmt = `\bfunction\s+%s\s*(?:<[^>]*>)?\s*\(`
)

func init() { register(project.Expo.ID, planExpo) }

// planExpo plans the wiring of an Expo Router app.
func planExpo(_ context.Context, in *Input) (*Plan, error) {
	pkg, install := clerkPackageFor(in)
	if !in.Project.Has(secureStore) {
		install = append(slices.Clone(install), secureStore)
	}
	spec := fwSpec{framework: in.Project.Framework.ID, template: "wiring/expo.tmpl", clerkPkg: pkg, install: install,
		where: "the root layout, around what it returns", tokenCache: true}
	if in.ProviderWired {
		return &Plan{Framework: spec.framework}, nil
	}
	spec.uses = scanProviders(in.Dir)
	rel, ok := firstExisting(in, expoLayouts...)
	if !ok {
		return spec.manual("app/_layout.tsx", "no Expo Router root layout (app/_layout.tsx): put the providers around your root component")
	}
	src, err := readSource(in, rel)
	if err != nil {
		return nil, err
	}
	target, reason := layoutElement(src)
	if target == nil {
		return spec.manual(rel, rel+": "+reason)
	}
	return spec.edit(rel, src, target, true)
}

// layoutElement finds the element the layout's default export returns: the one JSX return in
// its body (others may return null).
func layoutElement(src string) (*jsxNode, string) {
	code := stripComments(src)
	open := -1
	if loc := defaultFunc().FindStringIndex(code); loc != nil {
		open = loc[1] - 1
	} else if m := defaultName().FindStringSubmatchIndex(code); m != nil {
		name := code[m[2]:m[3]]
		if loc := regexp.MustCompile(strings.Replace(namedFuncFmt, "%s", regexp.QuoteMeta(name), 1)).FindStringIndex(code); loc != nil {
			open = loc[1] - 1
		}
	}
	if open < 0 {
		return nil, "no `export default function` to find the layout's element in"
	}
	// Past the parameters, to the body's brace.
	p := &jsxParser{src: code, pos: open + 1}
	if err := p.skipCode(')'); err != nil {
		return nil, "cannot read the layout function's parameters"
	}
	bodyOpen := strings.IndexByte(code[p.pos:], '{')
	if bodyOpen < 0 {
		return nil, "the layout function has no body"
	}
	p.pos += bodyOpen + 1
	start := p.pos
	if err := p.skipCode('}'); err != nil {
		return nil, "cannot read the layout function's body"
	}
	body := code[start:p.pos]
	var found *jsxNode
	for _, loc := range returnJSX().FindAllStringIndex(body, -1) {
		at := start + loc[1] - 1
		if found != nil && at < found.end {
			continue // a return inside the element already found (a render prop)
		}
		n, err := parseJSXAt(src, at)
		if err != nil {
			return nil, "cannot read the element the layout returns: " + err.Error()
		}
		if found != nil {
			return nil, "the layout returns more than one element (one on each path): wrapping one would leave the others outside the providers"
		}
		found = n
	}
	if found == nil {
		return nil, "the layout's default export returns no JSX element"
	}
	return found, ""
}
