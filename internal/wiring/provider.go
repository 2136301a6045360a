package wiring

import (
	"errors"
	"path"
	"slices"
	"strings"

	"github.com/clerkconvex/clerkconvex/templates"
)

// This file is the edit shared by the frameworks whose wiring lives in one module that
// renders the app (Vite's entry, Expo Router's root layout, TanStack Start's root route):
// put ConvexProviderWithClerk (and ClerkProvider, when the file has none around it) around one
// element, or turn a plain ConvexProvider into ConvexProviderWithClerk, then add the imports
// and the Convex client. Each framework's planner finds the file and the element; anything it
// cannot place with certainty becomes a Manual with the framework's snippet.

// fwTemplate renders a block of a framework's wiring template (templates/wiring/<id>.tmpl).
type fwTemplate struct {
	file     string // "wiring/vite.tmpl"
	ClerkPkg string
	Client   string
	TS       bool
	Semi     string
}

func (t fwTemplate) block(name string) (string, error) {
	b, err := templates.RenderBlock(t.file, name, t)
	return string(b), err
}

// providerEdit is one file's wiring: what to wrap, and what is already there.
type providerEdit struct {
	rel  string // the file, project-relative
	src  string
	tmpl fwTemplate
	// target is the element (or {children}) the providers go around.
	target *jsxNode
	// clerk is the file's ClerkProvider around target, if any, and the module it comes from.
	clerk       *jsxNode
	clerkModule string
	// convex is a plain ConvexProvider (from convex/react) to turn into ConvexProviderWithClerk
	// instead of adding one around target; convexLocal is its local name.
	convex      *jsxNode
	convexLocal string
	// tokenCache: a ClerkProvider written here gets Clerk's token cache (Expo).
	tokenCache bool
}

// apply returns the file with the wiring, or an error: an *UncertainError for a shape the
// edit does not make with certainty.
func (e *providerEdit) apply() (string, error) {
	e.tmpl.Semi = semiOf(e.src)
	e.tmpl.TS = isTS(e.rel)
	clerkMod := e.tmpl.ClerkPkg
	if e.clerk != nil {
		clerkMod = e.clerkModule
	}
	client := ""
	if e.convex == nil {
		var err error
		if client, err = freeName(e.src, "convex", "convexClient"); err != nil {
			return "", err
		}
	}
	e.tmpl.Client = client
	clerkOpen, err := e.tmpl.block("clerk")
	if err != nil {
		return "", err
	}
	convexOpen, err := e.tmpl.block("convex")
	if err != nil {
		return "", err
	}
	imps := []Import{{Module: clerkMod, Names: []string{"useAuth"}}}
	if e.clerk == nil {
		imps[0].Names = []string{"ClerkProvider", "useAuth"}
		if e.tokenCache {
			imps = append(imps, Import{Module: e.tmpl.ClerkPkg + "/token-cache", Names: []string{"tokenCache"}})
		}
	}
	var b []byte
	if e.convex != nil {
		// Convex's starter shape: its ConvexProvider becomes ConvexProviderWithClerk (Clerk's
		// imports first, so they read as Clerk's own), inside a new ClerkProvider when the
		// file has none.
		if b, err = AddImports([]byte(e.src), imps...); err != nil {
			return "", err
		}
		if b, err = UpgradeConvexProvider(b, clerkMod, false); err != nil {
			return "", err
		}
		if e.clerk == nil {
			spans := FindElements(b, "ConvexProviderWithClerk")
			if len(spans) != 1 {
				return "", uncertain("could not find the provider just changed in %s", e.rel)
			}
			out, err := wrapNode(string(b), &jsxNode{start: spans[0].Start, end: spans[0].End}, []string{clerkOpen}, []string{"</ClerkProvider>"})
			if err != nil {
				return "", err
			}
			b = []byte(out)
		}
		return string(b), nil
	}
	var opens, closes []string
	if e.clerk == nil {
		opens, closes = append(opens, clerkOpen), append(closes, "</ClerkProvider>")
	}
	opens, closes = append(opens, convexOpen), append(closes, "</ConvexProviderWithClerk>")
	out, err := wrapNode(e.src, e.target, opens, closes)
	if err != nil {
		return "", err
	}
	b = []byte(out)
	decl, err := e.tmpl.block("client")
	if err != nil {
		return "", err
	}
	if b, err = InsertAfterImports(b, decl); err != nil {
		return "", err
	}
	imps = append(imps,
		Import{Module: "convex/react-clerk", Names: []string{"ConvexProviderWithClerk"}},
		Import{Module: "convex/react", Names: []string{"ConvexReactClient"}})
	if b, err = AddImports(b, imps...); err != nil {
		return "", err
	}
	return string(b), nil
}

// wrapNode puts opens[0]…opens[k] around the node (outermost first) with Wrap, each on lines
// of their own. A node that does not start its line but follows an opening parenthesis
// (render(<App />)) or `return` (return <Slot />, which gets parentheses) is first moved to a
// line of its own; after it, only , ; or ) may follow on its last line.
func wrapNode(src string, n *jsxNode, opens, closes []string) (string, error) {
	ls := lineStart(src, n.start)
	before := strings.TrimRight(src[ls:n.start], " \t")
	after := strings.TrimRight(src[n.end:lineEnd(src, n.end)], "\r\n")
	if strings.Trim(after, " \t,;)") != "" {
		return "", uncertain("something follows the element on its line")
	}
	span := Span{n.start, n.end}
	if strings.TrimSpace(before) != "" {
		ind := lineIndent(src, n.start)
		unit := indentUnit(src, ls)
		if unit == "" || strings.TrimSpace(lineIndent(src, ls)) != "" {
			unit = "  "
		}
		var head, tail string
		switch {
		case strings.HasSuffix(before, "("):
			head, tail = before+"\n", "\n"+ind
		case before == ind+"return" || strings.HasSuffix(before, " return"):
			head, tail = before+" (\n", "\n"+ind+")"
		default:
			return "", uncertain("the element does not start its line")
		}
		if strings.Contains(src[n.start:n.end], "\n") {
			return "", uncertain("the element shares its first line with other code and spans several")
		}
		head += ind + unit
		src = src[:ls] + head + src[n.start:n.end] + tail + src[n.end:]
		span = Span{ls + len(head), ls + len(head) + n.end - n.start}
	}
	for i := len(opens) - 1; i >= 0; i-- {
		b, err := Wrap([]byte(src), span, opens[i], closes[i])
		if err != nil {
			return "", err
		}
		span.End += len(b) - len(src)
		src = string(b)
	}
	return src, nil
}

// lineIndent is the whitespace that starts the line holding offset i.
func lineIndent(src string, i int) string {
	ls := strings.LastIndexByte(src[:i], '\n') + 1
	j := ls
	for j < len(src) && (src[j] == ' ' || src[j] == '\t') {
		j++
	}
	return src[ls:j]
}

// semiOf is the file's statement end for the code the edit adds: ";" unless its last import
// has none.
func semiOf(src string) string {
	if m := parseModule(src); len(m.imports) > 0 && !m.imports[len(m.imports)-1].semi {
		return ""
	}
	return ";"
}

func isTS(rel string) bool {
	switch path.Ext(rel) {
	case ".ts", ".tsx", ".mts", ".cts":
		return true
	}
	return false
}

// freeName returns the first of names the file does not use yet, or an *UncertainError.
func freeName(src string, names ...string) (string, error) {
	for _, n := range names {
		if !Contains([]byte(src), n) {
			return n, nil
		}
	}
	return "", uncertain("the names %s are taken", strings.Join(names, " and "))
}

// decide works out the edit for the app element target of file rel, from the providers the
// project uses. With descend, a ClerkProvider and then a plain ConvexProvider at target are
// taken as the file's own, and the app is looked for beneath them (an entry that renders
// <ClerkProvider><App /></ClerkProvider>); without, a ClerkProvider must enclose target. Any
// other provider anywhere is a shape to leave alone: a ClerkProvider in another file (whose
// tree the entry does not show), one not around the app, a ConvexProviderWithClerk already
// there (wired some other way), a ConvexProvider outside ClerkProvider.
func decide(rel, src string, target *jsxNode, uses []providerUse, descend bool) (*providerEdit, error) {
	e := &providerEdit{rel: rel, src: src, target: target}
	var clerks, convexes []providerUse
	for _, u := range uses {
		if u.file != rel {
			return nil, uncertain("%s uses <%s> too, and the wiring must be one tree in one place", u.file, u.local)
		}
		switch u.kind {
		case useCPWC:
			return nil, uncertain("%s already has <%s>, wired in a way this edit does not know", rel, u.local)
		case useClerk:
			clerks = append(clerks, u)
		case useConvex:
			convexes = append(convexes, u)
		}
	}
	if len(clerks) > 1 || len(convexes) > 1 {
		return nil, uncertain("%s has more than one <ClerkProvider> or <ConvexProvider>", rel)
	}
	at := func(us []providerUse, n *jsxNode) (providerUse, bool) {
		if len(us) == 1 && n.kind == jsxElement && us[0].offset == n.start && us[0].local == n.name {
			return us[0], true
		}
		return providerUse{}, false
	}
	if descend {
		if u, ok := at(clerks, e.target); ok {
			e.clerk, e.clerkModule = e.target, u.module
			kid, ok := e.target.soleElement(src)
			if !ok {
				return nil, uncertain("<%s> in %s holds more than one element", u.local, rel)
			}
			e.target = kid
		}
		if u, ok := at(convexes, e.target); ok {
			e.convex, e.convexLocal = e.target, u.local
		}
	} else if len(clerks) == 1 {
		c, err := parseJSXAt(src, clerks[0].offset)
		if err != nil || c.start > target.start || target.end > c.end {
			return nil, uncertain("<%s> in %s is not around the app", clerks[0].local, rel)
		}
		e.clerk, e.clerkModule = c, clerks[0].module
	}
	if len(clerks) == 1 && e.clerk == nil {
		if e.convex != nil {
			return nil, uncertain("<%s> in %s is outside <%s>: ConvexProviderWithClerk must be inside it, and moving providers is not a small edit", e.convexLocal, rel, clerks[0].local)
		}
		return nil, uncertain("<%s> in %s is not around the app", clerks[0].local, rel)
	}
	if len(convexes) == 1 && e.convex == nil {
		return nil, uncertain("<%s> in %s is not where ConvexProviderWithClerk can take its place (inside ClerkProvider, around the app)", convexes[0].local, rel)
	}
	return e, nil
}

// fwSpec is what a framework's planner found: the file to edit and where the app is in it.
type fwSpec struct {
	framework string // project.Framework ID
	template  string // "wiring/vite.tmpl"
	where     string // for a Manual: where in the file the snippet goes
	clerkPkg  string // the Clerk package to import from
	install   []string
	// tokenCache: a ClerkProvider written here gets Clerk's token cache (Expo).
	tokenCache bool
	uses       []providerUse // the project's providers (scanProviders)
}

// manual is the plan that changes nothing and shows the snippet, for rel.
func (s fwSpec) manual(rel, reason string) (*Plan, error) {
	t := fwTemplate{file: s.template, ClerkPkg: s.clerkPkg, Client: "convex", TS: rel == "" || isTS(rel), Semi: ";"}
	snippet, err := t.block("snippet")
	if err != nil {
		return nil, err
	}
	return &Plan{Framework: s.framework, Install: s.install,
		Manual: []Manual{{Path: rel, Where: s.where, Snippet: snippet, Reason: reason}}}, nil
}

// edit plans the wiring of the app element target in file rel (src its text): the change, or
// the Manual when the shape is one to leave alone.
func (s fwSpec) edit(rel, src string, target *jsxNode, descend bool) (*Plan, error) {
	e, err := decide(rel, src, target, s.uses, descend)
	if err == nil {
		e.tmpl = fwTemplate{file: s.template, ClerkPkg: s.clerkPkg}
		e.tokenCache = s.tokenCache
		var out string
		if out, err = e.apply(); err == nil {
			why := "wrap the app in ConvexProviderWithClerk with Clerk's useAuth"
			switch {
			case e.convex != nil:
				why = "make ConvexProvider ConvexProviderWithClerk, with Clerk's useAuth, so Convex gets Clerk's token"
			case e.clerk == nil:
				why = "wrap the app in ClerkProvider and ConvexProviderWithClerk with Clerk's useAuth"
			}
			if e.convex != nil && e.clerk == nil {
				why += ", inside ClerkProvider"
			}
			install := s.install
			if !s.tokenCache || e.clerk != nil {
				install = withoutTokenCacheDeps(install)
			}
			return &Plan{Framework: s.framework, Install: install,
				Changes: []Change{{Path: rel, Old: []byte(src), New: []byte(out), Why: why}}}, nil
		}
	}
	var u *UncertainError
	if errors.As(err, &u) {
		return s.manual(rel, u.Reason)
	}
	return nil, err
}

// The package Clerk's Expo token cache needs at run time.
const secureStore = "expo-secure-store"

func withoutTokenCacheDeps(install []string) []string {
	return slices.DeleteFunc(slices.Clone(install), func(p string) bool { return p == secureStore })
}

// clerkPackageFor is the Clerk package to import from, and what the wiring needs installed
// that the app does not depend on yet: that package, convex.
func clerkPackageFor(in *Input) (pkg string, install []string) {
	pkg, installed := in.ClerkPackage()
	if !installed {
		install = []string{pkg}
	}
	if !in.Project.Has("convex") {
		install = append(install, "convex")
	}
	return pkg, install
}

// readSource reads a project file for editing (one the planner found, so it exists).
func readSource(in *Input, rel string) (string, error) {
	data, _, err := in.Read(rel)
	return string(data), err
}

// firstExisting returns the first of rels that is a file.
func firstExisting(in *Input, rels ...string) (string, bool) {
	r := in.First(rels...)
	return r, r != ""
}
