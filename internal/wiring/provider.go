package wiring

import (
	"errors"
	"fmt"
	"path"
	"regexp"
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

// errLeaveAlone is a shape the edit will not touch; its text says why, for the Manual.
type errLeaveAlone struct{ reason string }

func (e *errLeaveAlone) Error() string { return e.reason }

func leaveAlone(format string, a ...any) error {
	return &errLeaveAlone{fmt.Sprintf(format, a...)}
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

// apply returns the file with the wiring, or an *errLeaveAlone.
func (e *providerEdit) apply() (string, error) {
	st := styleOf(e.src)
	e.tmpl.Semi = st.semi
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
	var out string
	if e.convex != nil {
		out, err = e.swapConvex(st, clerkOpen)
	} else {
		var opens, closes []string
		if e.clerk == nil {
			opens, closes = append(opens, clerkOpen), append(closes, "</ClerkProvider>")
		}
		opens, closes = append(opens, convexOpen), append(closes, "</ConvexProviderWithClerk>")
		out, err = wrapNode(e.src, e.target, st.unit, opens, closes)
	}
	if err != nil {
		return "", err
	}
	if client != "" {
		decl, err := e.tmpl.block("client")
		if err != nil {
			return "", err
		}
		out = insertAfterImports(out, decl)
	}
	type imp struct{ module, name string }
	imps := []imp{}
	if e.clerk == nil {
		imps = append(imps, imp{clerkMod, "ClerkProvider"})
	}
	imps = append(imps, imp{clerkMod, "useAuth"})
	if e.clerk == nil && e.tokenCache {
		imps = append(imps, imp{e.tmpl.ClerkPkg + "/token-cache", "tokenCache"})
	}
	imps = append(imps, imp{"convex/react-clerk", "ConvexProviderWithClerk"})
	if client != "" {
		imps = append(imps, imp{"convex/react", "ConvexReactClient"})
	}
	for _, im := range imps {
		if out, err = addNamedImport(out, im.module, im.name, st); err != nil {
			return "", err
		}
	}
	return out, nil
}

// swapConvex turns the plain ConvexProvider into ConvexProviderWithClerk (its client prop
// kept), wraps it in ClerkProvider when none is around it, and drops ConvexProvider from its
// import when nothing else uses it.
func (e *providerEdit) swapConvex(st style, clerkOpen string) (string, error) {
	n := e.convex
	src := e.src
	openTag := src[n.start:n.openEnd]
	if !strings.HasSuffix(openTag, ">") || strings.HasSuffix(openTag, "/>") {
		return "", leaveAlone("<%s> at %s has no children to keep", e.convexLocal, e.rel)
	}
	closeTag := src[n.closeStart:n.end]
	newOpen := "<ConvexProviderWithClerk" + strings.TrimSuffix(openTag[1+len(e.convexLocal):], ">")
	newOpen = strings.TrimRight(newOpen, " \t\r\n")
	if strings.Contains(openTag[:len(openTag)-1], "\n") {
		// A tag written over several lines: the new prop on a line of its own, like the others.
		ind := lineIndent(src, n.start)
		newOpen += "\n" + ind + st.unit + "useAuth={useAuth}\n" + ind + ">"
	} else {
		newOpen += " useAuth={useAuth}>"
	}
	if strings.TrimSpace(closeTag[2:len(closeTag)-1]) != e.convexLocal {
		return "", leaveAlone("the closing tag of <%s> at %s is not plain", e.convexLocal, e.rel)
	}
	out := src[:n.start] + newOpen + src[n.openEnd:n.closeStart] + "</ConvexProviderWithClerk>" + src[n.end:]
	if e.clerk == nil {
		swapped, err := parseJSXAt(out, n.start)
		if err != nil {
			return "", leaveAlone("cannot re-read the provider in %s: %v", e.rel, err)
		}
		if out, err = wrapNode(out, swapped, st.unit, []string{clerkOpen}, []string{"</ClerkProvider>"}); err != nil {
			return "", err
		}
	}
	return dropNamedImport(out, "convex/react", e.convexLocal)
}

// wrapNode puts opens[0]…opens[k] around the node (outermost first), each level indented by
// unit, the node re-indented beneath them. The node must start its line, or follow an opening
// parenthesis (render(<App />) is broken over lines) or `return` (return <Slot /> gets
// parentheses) on it; only , ; or ) may follow it on its last line.
func wrapNode(src string, n *jsxNode, unit string, opens, closes []string) (string, error) {
	ls := strings.LastIndexByte(src[:n.start], '\n') + 1
	before := strings.TrimRight(src[ls:n.start], " \t")
	after := src[n.end:]
	if nl := strings.IndexByte(after, '\n'); nl >= 0 {
		after = after[:nl]
	}
	if strings.Trim(after, " \t\r,;)") != "" {
		return "", leaveAlone("something follows the element on its line")
	}
	ind := lineIndent(src, n.start)
	prefix, indent, trail, extra := src[:n.start], ind, "", ""
	switch {
	case strings.TrimSpace(before) == "":
	case strings.HasSuffix(before, "("):
		prefix, indent, trail, extra = src[:ls]+before+"\n", ind+unit, "\n"+ind, unit
	case before == ind+"return" || strings.HasSuffix(before, " return"):
		prefix, indent, trail, extra = src[:ls]+before+" (\n", ind+unit, "\n"+ind+")", unit
	default:
		return "", leaveAlone("the element does not start its line")
	}
	if strings.TrimSpace(before) == "" {
		prefix = src[:ls]
	}
	var b strings.Builder
	b.WriteString(prefix)
	for i, o := range opens {
		b.WriteString(indent + strings.Repeat(unit, i) + o + "\n")
	}
	extra += strings.Repeat(unit, len(opens))
	for i, l := range strings.Split(src[n.start:n.end], "\n") {
		switch {
		case i == 0:
			b.WriteString(indent + strings.Repeat(unit, len(opens)) + l)
		case strings.TrimSpace(l) == "":
			b.WriteString("\n" + l)
		default:
			b.WriteString("\n" + extra + l)
		}
	}
	for i := len(closes) - 1; i >= 0; i-- {
		b.WriteString("\n" + indent + strings.Repeat(unit, i) + closes[i])
	}
	b.WriteString(trail)
	return b.String() + src[n.end:], nil
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

// style is how a file is written: semicolons after statements, its quote for module names,
// and one level of indentation.
type style struct {
	semi  string // ";" or ""
	quote byte
	unit  string
}

func styleOf(src string) style {
	st := style{semi: ";", quote: '"', unit: "  "}
	if im := findImports(src); len(im) > 0 {
		first := im[0]
		st.quote = src[first.modStart-1]
		if !strings.HasSuffix(strings.TrimRight(src[first.start:first.end], " \t"), ";") {
			st.semi = ""
		}
	}
	// The unit: tabs when a line starts with one, else the smallest indentation of a line.
	smallest := 0
	for _, l := range strings.Split(src, "\n") {
		if strings.HasPrefix(l, "\t") {
			st.unit = "\t"
			return st
		}
		n := len(l) - len(strings.TrimLeft(l, " "))
		if n > 0 && strings.TrimSpace(l) != "" && !strings.HasPrefix(strings.TrimSpace(l), "*") && (smallest == 0 || n < smallest) {
			smallest = n
		}
	}
	if smallest >= 2 && smallest <= 8 {
		st.unit = strings.Repeat(" ", smallest)
	}
	return st
}

func isTS(rel string) bool {
	switch path.Ext(rel) {
	case ".ts", ".tsx", ".mts", ".cts":
		return true
	}
	return false
}

// freeName returns the first of names not already bound in src (as an identifier anywhere
// outside comments), or an *errLeaveAlone.
func freeName(src string, names ...string) (string, error) {
	code := stripComments(src)
	for _, n := range names {
		if !regexp.MustCompile(`(^|[^\w$.])` + regexp.QuoteMeta(n) + `\b`).MatchString(code) {
			return n, nil
		}
	}
	return "", leaveAlone("the names %s are taken", strings.Join(names, " and "))
}

// isLeaveAlone tells whether err is a shape to leave alone (rather than a failure).
func isLeaveAlone(err error) (*errLeaveAlone, bool) {
	var la *errLeaveAlone
	ok := errors.As(err, &la)
	return la, ok
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
			return nil, leaveAlone("%s uses <%s> too, and the wiring must be one tree in one place", u.file, u.local)
		}
		switch u.kind {
		case useCPWC:
			return nil, leaveAlone("%s already has <%s>, wired in a way this edit does not know", rel, u.local)
		case useClerk:
			clerks = append(clerks, u)
		case useConvex:
			convexes = append(convexes, u)
		}
	}
	if len(clerks) > 1 || len(convexes) > 1 {
		return nil, leaveAlone("%s has more than one <ClerkProvider> or <ConvexProvider>", rel)
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
				return nil, leaveAlone("<%s> in %s holds more than one element", u.local, rel)
			}
			e.target = kid
		}
		if u, ok := at(convexes, e.target); ok {
			e.convex, e.convexLocal = e.target, u.local
		}
	} else if len(clerks) == 1 {
		c, err := parseJSXAt(src, clerks[0].offset)
		if err != nil || c.start > target.start || target.end > c.end {
			return nil, leaveAlone("<%s> in %s is not around the app", clerks[0].local, rel)
		}
		e.clerk, e.clerkModule = c, clerks[0].module
	}
	if len(clerks) == 1 && e.clerk == nil {
		return nil, leaveAlone("<%s> in %s is not around the app", clerks[0].local, rel)
	}
	if len(convexes) == 1 && e.convex == nil {
		return nil, leaveAlone("<%s> in %s is not where ConvexProviderWithClerk can take its place (inside ClerkProvider, around the app)", convexes[0].local, rel)
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
	if la, ok := isLeaveAlone(err); ok {
		return s.manual(rel, la.reason)
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
