package wiring

import (
	"context"
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/project"
	"github.com/clerkconvex/clerkconvex/templates"
)

func init() { register(project.Next.ID, planNext) }

const nextURLVar = "NEXT_PUBLIC_CONVEX_URL"

// nextApp is what the Next.js planner found: the App Router's root layout or the Pages
// Router's _app, under base ("" or "src/").
type nextApp struct {
	*Input
	base   string
	ts     bool // a TypeScript project: new files are .tsx/.ts
	clerk  string
	plan   *Plan
	layout string   // the root layout: app/layout.*, or the one layout below app/ that renders <html>; "" when none
	roots  []string // the layouts below app/ that render <html>, when there is no app/layout
	appJS  string   // pages/_app.* (Pages Router), "" when none
}

// planNext wires a Next.js app: App Router (a ConvexClientProvider client component around
// {children} in the root layout), else Pages Router (_app), and Clerk's middleware (proxy.ts
// on Next.js 16 and later) when the app has neither file.
func planNext(ctx context.Context, in *Input) (*Plan, error) {
	n := &nextApp{Input: in, plan: &Plan{Framework: project.Next.ID}}
	var installed bool
	n.clerk, installed = in.ClerkPackage()
	if !installed {
		n.plan.Install = append(n.plan.Install, n.clerk)
	}
	if !in.Project.Has("convex") {
		n.plan.Install = append(n.plan.Install, "convex")
	}
	for _, base := range []string{"", "src/"} {
		if l := in.First(exts(base+"app/layout", ".tsx", ".jsx", ".js")...); l != "" && n.layout == "" {
			n.layout, n.base = l, base
		}
		if a := in.First(exts(base+"pages/_app", ".tsx", ".jsx", ".js")...); a != "" && n.appJS == "" {
			n.appJS = a
			if n.layout == "" {
				n.base = base
			}
		}
	}
	if n.layout == "" {
		// No app/layout: the root layout may sit in a dynamic segment or a route group
		// (next-intl's app/[locale]/layout.tsx renders <html>).
		for _, base := range []string{"", "src/"} {
			if n.roots = n.rootLayouts(base + "app"); len(n.roots) > 0 {
				if len(n.roots) == 1 {
					n.layout = n.roots[0]
				}
				n.base = base
				break
			}
		}
	}
	if n.layout == "" && n.appJS == "" && len(n.roots) == 0 && in.IsDir("src/pages") && !in.IsDir("pages") {
		n.base = "src/"
	}
	n.ts = in.Exists("tsconfig.json") || strings.HasSuffix(n.layout+n.appJS, ".tsx")
	if !in.ProviderWired {
		var err error
		from := len(n.plan.Changes)
		switch {
		case n.layout != "":
			err = n.planAppRouter()
		case n.appJS != "" || in.IsDir(n.base+"pages"):
			err = n.planPagesRouter()
		case len(n.roots) > 1:
			n.plan.Manual = append(n.plan.Manual, Manual{
				Path: n.roots[0], Where: "around {children} in <body>, in each root layout: " + strings.Join(n.roots, ", "),
				Snippet: "<ConvexClientProvider>{children}</ConvexClientProvider>",
				Reason:  fmt.Sprintf("the app has %d root layouts (each renders <html>), and every one needs the providers", len(n.roots)),
			})
		default:
			n.plan.Manual = append(n.plan.Manual, Manual{
				Path: "app/layout.tsx", Where: "around {children}",
				Snippet: "<ClerkProvider><ConvexProviderWithClerk client={convex} useAuth={useAuth}>{children}</ConvexProviderWithClerk></ClerkProvider>",
				Reason:  "found neither app/layout nor pages/ (nor under src/)",
			})
		}
		if err == nil {
			err = n.keepOneTree(from)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := n.planMiddleware(); err != nil {
		return nil, err
	}
	return n.plan, nil
}

func exts(stem string, es ...string) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = stem + e
	}
	return out
}

func (n *nextApp) ext() string {
	if n.ts {
		return ".tsx"
	}
	return ".jsx"
}

// providerData is what the Next.js templates are rendered with.
type providerData struct {
	TS           bool
	WithClerk    bool
	ClerkPackage string
	URLVar       string
}

// planAppRouter creates the ConvexClientProvider component (in components/ when the app has
// that folder, else next to the layout) and wraps the layout's one {children} in it.
func (n *nextApp) planAppRouter() error {
	old, _, err := n.Read(n.layout)
	if err != nil {
		return err
	}
	dir := n.base + "app/"
	if n.IsDir(n.base + "components") {
		dir = n.base + "components/"
	}
	file := dir + "ConvexClientProvider" + n.ext()
	specifier := relImport(path.Dir(n.layout), strings.TrimSuffix(file, n.ext()))
	if a := n.aliasImport(old, strings.TrimSuffix(file, n.ext())); a != "" {
		specifier = a
	}
	manual := func(reason string) error {
		// The component is part of the snippet, not written: a provider no layout uses would
		// not wire anything.
		comp, err := templates.Render("wiring/next-provider.tsx.tmpl", providerData{TS: n.ts, WithClerk: true, ClerkPackage: n.clerk, URLVar: nextURLVar})
		if err != nil {
			return err
		}
		snippet := fmt.Sprintf("// %s\n%s\n// %s\nimport { ConvexClientProvider } from %q;\n…\n<ConvexClientProvider>{children}</ConvexClientProvider>", file, strings.TrimRight(string(comp), "\n"), n.layout, specifier)
		n.plan.Manual = append(n.plan.Manual, Manual{Path: n.layout, Where: "around {children} in <body>, with the component " + file, Snippet: snippet, Reason: reason})
		return nil
	}
	m := parseModule(string(old))
	imported := m.imported()
	layoutClerk := false
	for _, what := range imported {
		if what[1] == "ClerkProvider" && strings.HasPrefix(what[0], "@clerk/") {
			layoutClerk = true // the layout has Clerk's provider already
		}
	}
	for local, what := range imported {
		if strings.Contains(local, "Convex") {
			// Used outside the layout's ClerkProvider, the component cannot take
			// ConvexProviderWithClerk alone (useAuth outside Clerk) nor with a ClerkProvider
			// of its own (the layout's would be a second one inside it).
			outside := false
			for _, sp := range FindElements(old, local) {
				outside = outside || (layoutClerk && !insideClerk(old, imported, sp))
			}
			if done, err := n.upgradeLocalProvider(what[0], layoutClerk, outside); done || err != nil {
				return err
			}
		}
		if what[0] == "convex/react" || what[0] == "convex/react-clerk" || strings.Contains(local, "Convex") {
			return manual(fmt.Sprintf("%s already imports %s from %s", n.layout, local, what[0]))
		}
	}
	if n.Exists(file) {
		return manual(file + " exists and is not imported by " + n.layout)
	}
	spans := FindChildren(old)
	switch len(spans) {
	case 0:
		return manual("no {children} in " + n.layout)
	case 1:
	default:
		return manual(fmt.Sprintf("{children} appears %d times in %s", len(spans), n.layout))
	}
	withClerk := !layoutClerk
	if layoutClerk && !insideClerk(old, imported, spans[0]) {
		return manual(fmt.Sprintf("{children} is outside <ClerkProvider> in %s: the provider must go inside it", n.layout))
	}
	updated, err := Wrap(old, spans[0], "<ConvexClientProvider>", "</ConvexClientProvider>")
	if err == nil {
		updated, err = AddImports(updated, Import{Module: specifier, Names: []string{"ConvexClientProvider"}})
	}
	if ue, ok := err.(*UncertainError); ok {
		return manual(ue.Reason)
	}
	if err != nil {
		return err
	}
	comp, err := templates.Render("wiring/next-provider.tsx.tmpl", providerData{TS: n.ts, WithClerk: withClerk, ClerkPackage: n.clerk, URLVar: nextURLVar})
	if err != nil {
		return err
	}
	why := "a client component: ConvexProviderWithClerk with Clerk's useAuth"
	if withClerk {
		why = "a client component: ClerkProvider, and ConvexProviderWithClerk with Clerk's useAuth"
	}
	n.plan.Changes = append(n.plan.Changes,
		Change{Path: file, New: comp, Why: why},
		Change{Path: n.layout, Old: old, New: updated, Why: "{children} wrapped in <ConvexClientProvider>"})
	return nil
}

// upgradeLocalProvider upgrades the app's own Convex provider component, imported by the layout
// from specifier, when it uses plain ConvexProvider (Convex's Next.js starter does): done is
// true when it planned a change or a Manual for it.
func (n *nextApp) upgradeLocalProvider(specifier string, layoutClerk, outsideClerk bool) (done bool, err error) {
	file := n.resolveLocal(path.Dir(n.layout), specifier)
	if file == "" {
		return false, nil
	}
	src, _, err := n.Read(file)
	if err != nil {
		return false, err
	}
	imported := parseModule(string(src)).imported()
	if imported["ConvexProvider"] != [2]string{"convex/react", "ConvexProvider"} {
		return false, nil
	}
	withClerk := !layoutClerk
	for _, what := range imported {
		if what[1] == "ClerkProvider" && strings.HasPrefix(what[0], "@clerk/") {
			withClerk = false
		}
	}
	updated, err := UpgradeConvexProvider(src, n.clerk, withClerk)
	if outsideClerk {
		updated, err = nil, uncertain("%s renders it outside its <ClerkProvider>: ConvexProviderWithClerk must be inside ClerkProvider, and moving providers is not a small edit", n.layout)
	}
	if ue, ok := err.(*UncertainError); ok {
		n.plan.Manual = append(n.plan.Manual, Manual{Path: file, Where: "in place of <ConvexProvider client={convex}>",
			Snippet: fmt.Sprintf("import { ClerkProvider, useAuth } from %q;\nimport { ConvexProviderWithClerk } from \"convex/react-clerk\";\n…\n<ClerkProvider>\n  <ConvexProviderWithClerk client={convex} useAuth={useAuth}>{children}</ConvexProviderWithClerk>\n</ClerkProvider>", n.clerk),
			Reason:  ue.Reason})
		return true, nil
	}
	if err != nil {
		return false, err
	}
	why := "ConvexProvider replaced by ConvexProviderWithClerk with Clerk's useAuth"
	if withClerk {
		why += ", inside ClerkProvider"
	}
	n.plan.Changes = append(n.plan.Changes, Change{Path: file, Old: src, New: updated, Why: why})
	return true, nil
}

// resolveLocal finds the file a relative or @/ import from a module in dir names ("" when
// none, or when it is a package).
func (n *nextApp) resolveLocal(dir, specifier string) string {
	var stems []string
	switch {
	case strings.HasPrefix(specifier, "./") || strings.HasPrefix(specifier, "../"):
		stems = []string{path.Join(dir, specifier)}
	case strings.HasPrefix(specifier, "@/"), strings.HasPrefix(specifier, "~/"):
		stems = []string{n.base + specifier[2:], specifier[2:]}
	}
	for _, stem := range stems {
		if strings.HasPrefix(stem, "../") {
			continue
		}
		if f := n.First(exts(stem, ".tsx", ".jsx", ".js", ".ts")...); f != "" {
			return f
		}
	}
	return ""
}

// planPagesRouter wraps <Component {...pageProps} /> in pages/_app in ClerkProvider and
// ConvexProviderWithClerk, or creates _app when there is none.
func (n *nextApp) planPagesRouter() error {
	if n.appJS == "" {
		out, err := templates.Render("wiring/next-app.tsx.tmpl", providerData{TS: n.ts, WithClerk: true, ClerkPackage: n.clerk, URLVar: nextURLVar})
		if err != nil {
			return err
		}
		n.plan.Changes = append(n.plan.Changes, Change{Path: n.base + "pages/_app" + n.ext(), New: out, Why: "the app's root: ClerkProvider, and ConvexProviderWithClerk with Clerk's useAuth"})
		return nil
	}
	old, _, err := n.Read(n.appJS)
	if err != nil {
		return err
	}
	ts := strings.HasSuffix(n.appJS, ".tsx")
	updated, withClerk, err := wrapPagesApp(old, n.clerk, ts)
	if ue, ok := err.(*UncertainError); ok {
		bang := ""
		if ts {
			bang = "!"
		}
		n.plan.Manual = append(n.plan.Manual, Manual{
			Path:  n.appJS,
			Where: "around the page the App component renders",
			Snippet: fmt.Sprintf("import { ClerkProvider, useAuth } from %q;\nimport { ConvexReactClient } from \"convex/react\";\nimport { ConvexProviderWithClerk } from \"convex/react-clerk\";\n\nconst convex = new ConvexReactClient(process.env.%s%s);\n…\n<ClerkProvider {...pageProps}>\n  <ConvexProviderWithClerk client={convex} useAuth={useAuth}>\n    <Component {...pageProps} />\n  </ConvexProviderWithClerk>\n</ClerkProvider>",
				n.clerk, nextURLVar, bang),
			Reason: ue.Reason,
		})
		return nil
	}
	if err != nil {
		return err
	}
	why := "<Component> wrapped in ConvexProviderWithClerk with Clerk's useAuth"
	if withClerk {
		why = "<Component> wrapped in ClerkProvider and ConvexProviderWithClerk with Clerk's useAuth"
	}
	n.plan.Changes = append(n.plan.Changes, Change{Path: n.appJS, Old: old, New: updated, Why: why})
	return nil
}

// wrapPagesApp wraps the one <Component …/> element of an _app, returned as the root element,
// in ConvexProviderWithClerk, and in ClerkProvider unless the file has one.
func wrapPagesApp(old []byte, clerkPkg string, ts bool) (out []byte, withClerk bool, err error) {
	m := parseModule(string(old))
	imported := m.imported()
	withClerk = true
	for _, what := range imported {
		if what[1] == "ClerkProvider" && strings.HasPrefix(what[0], "@clerk/") {
			withClerk = false
		}
	}
	if imported["ConvexProvider"] == [2]string{"convex/react", "ConvexProvider"} {
		out, err := UpgradeConvexProvider(old, clerkPkg, withClerk)
		return out, withClerk, err
	}
	for local, what := range imported {
		if what[0] == "convex/react" || what[0] == "convex/react-clerk" {
			return nil, false, uncertain("it already imports %s from %s", local, what[0])
		}
	}
	spans := FindElements(old, "Component")
	if len(spans) != 1 {
		return nil, false, uncertain("<Component> appears %d times", len(spans))
	}
	if withClerk && !isReturnedRoot(old, spans[0]) {
		return nil, false, uncertain("<Component> is inside other elements: ClerkProvider must enclose everything that uses Clerk")
	}
	if !withClerk && !insideClerk(old, imported, spans[0]) {
		return nil, false, uncertain("<Component> is outside <ClerkProvider>: ConvexProviderWithClerk must go inside it")
	}
	client, err := freeName(string(old), "convex", "convexClient")
	if err != nil {
		return nil, false, err
	}
	out, err = Wrap(old, spans[0], "<ConvexProviderWithClerk client={"+client+"} useAuth={useAuth}>", "</ConvexProviderWithClerk>")
	if err != nil {
		return nil, false, err
	}
	imps := []Import{
		{Module: clerkPkg, Names: []string{"useAuth"}},
		{Module: "convex/react", Names: []string{"ConvexReactClient"}},
		{Module: "convex/react-clerk", Names: []string{"ConvexProviderWithClerk"}},
	}
	if withClerk {
		s := FindElements(out, "ConvexProviderWithClerk")
		if len(s) != 1 {
			return nil, false, uncertain("could not find the element just added")
		}
		if out, err = Wrap(out, s[0], "<ClerkProvider {...pageProps}>", "</ClerkProvider>"); err != nil {
			return nil, false, err
		}
		imps[0].Names = []string{"ClerkProvider", "useAuth"}
	}
	if out, err = AddImports(out, imps...); err != nil {
		return nil, false, err
	}
	bang := ""
	if ts {
		bang = "!"
	}
	out, err = InsertAfterImports(out, fmt.Sprintf("const %s = new ConvexReactClient(process.env.%s%s)%s", client, nextURLVar, bang, semiOf(string(old))))
	return out, withClerk, err
}

// isReturnedRoot says whether the element at s is what a function returns: return (…),
// return …, or an arrow's body.
func isReturnedRoot(src []byte, s Span) bool {
	before := strings.TrimRight(mask(string(src[:s.Start])), " \t\r\n")
	before = strings.TrimRight(strings.TrimSuffix(before, "("), " \t\r\n")
	return strings.HasSuffix(before, "return") || strings.HasSuffix(before, "=>")
}

// planMiddleware creates Clerk's middleware (proxy on Next.js 16 and later) next to app/ or
// pages/ when there is neither a middleware nor a proxy file; one without clerkMiddleware is
// left to the user.
func (n *nextApp) planMiddleware() error {
	major, known := NextMajor(n.Dir, n.Project.Deps)
	existing := n.First(MiddlewareFiles()...)
	mw, px := n.First(exts(n.base+"middleware", ".ts", ".js", ".mjs", ".tsx", ".jsx")...), n.First(exts(n.base+"proxy", ".ts", ".js", ".mjs", ".tsx", ".jsx")...)
	switch {
	case known && major < 16 && mw == "" && px != "":
		// Next.js 15 and earlier read only middleware.ts: the proxy never runs.
		n.plan.Manual = append(n.plan.Manual, Manual{
			Path: px, Where: "the whole file: rename it to " + strings.Replace(px, "proxy.", "middleware.", 1),
			Snippet: fmt.Sprintf("mv %s %s", px, strings.Replace(px, "proxy.", "middleware.", 1)),
			Reason:  fmt.Sprintf("Next.js %d reads only middleware.ts; proxy.ts is Next.js 16's name for it", major),
		})
		return nil
	case known && major >= 16 && mw != "" && px != "":
		n.plan.Manual = append(n.plan.Manual, Manual{
			Path: mw, Where: "move what it does into " + px + ", then delete it",
			Snippet: fmt.Sprintf("import { clerkMiddleware } from %q;\n\nexport default clerkMiddleware(async (auth, req) => {\n  // what %s and %s do today\n});", n.clerk+"/server", mw, px),
			Reason:  fmt.Sprintf("Next.js %d refuses to start with both %s and %s", major, mw, px),
		})
		return nil
	case mw != "" && (px == "" || !known || major < 16):
		existing = mw
	case px != "":
		existing = px
	}
	if existing != "" {
		src, _, err := n.Read(existing)
		if err != nil {
			return err
		}
		if !Contains(src, "clerkMiddleware", "authMiddleware") {
			n.plan.Manual = append(n.plan.Manual, Manual{
				Path: existing, Where: "as its default export (keep what it does inside the handler)",
				Snippet: fmt.Sprintf("import { clerkMiddleware } from %q;\n\nexport default clerkMiddleware(async (auth, req) => {\n  // what this file does today\n});", n.clerk+"/server"),
				Reason:  existing + " exists without clerkMiddleware(); a second middleware file would be ignored",
			})
		}
		return nil
	}
	stem := "middleware"
	if known && major >= 16 {
		stem = "proxy"
	}
	ext := ".js"
	if n.ts {
		ext = ".ts"
	}
	out, err := templates.Render("wiring/next-middleware.ts.tmpl", providerData{ClerkPackage: n.clerk})
	if err != nil {
		return err
	}
	n.plan.Changes = append(n.plan.Changes, Change{Path: n.base + stem + ext, New: out, Why: "Clerk's middleware (clerkMiddleware) with the matcher Clerk documents"})
	return nil
}

// MiddlewareFiles are where Next.js looks for middleware (proxy from Next.js 16), in the app
// folder or src/, in the order the planner (and doctor's check) look at them.
func MiddlewareFiles() []string {
	var names []string
	for _, base := range []string{"", "src/"} {
		for _, stem := range []string{"middleware", "proxy"} {
			names = append(names, exts(base+stem, ".ts", ".js", ".mjs", ".tsx", ".jsx")...)
		}
	}
	return names
}

// NextMajor is the major version of Next.js in the app folder dir: installed, else as
// package.json's deps declare it; false when unknown.
func NextMajor(dir string, deps map[string]string) (int, bool) {
	if v, ok := project.InstalledVersion(dir, "next"); ok {
		return leadingInt(v)
	}
	return leadingInt(strings.TrimLeft(deps["next"], "^~>=v <"))
}

func leadingInt(s string) (int, bool) {
	end := 0
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	v, err := strconv.Atoi(s[:end])
	return v, err == nil
}

// relImport is the import specifier of file (no extension) from a module in dir: ./x or ../x.
func relImport(dir, file string) string {
	up := ""
	for dir != "." && dir != "" && !strings.HasPrefix(file, dir+"/") {
		dir, up = path.Dir(dir), up+"../"
	}
	if dir != "." && dir != "" {
		file = strings.TrimPrefix(file, dir+"/")
	}
	if up == "" {
		return "./" + file
	}
	return up + file
}
