package convex

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/clerkconvex/clerkconvex/templates"
)

// The three files of Clerk user sync (`clerkconvex users init`): a users table in
// convex/schema.ts, convex/users.ts (the webhook's mutations and the current-user helpers),
// and the webhook route in convex/http.ts. Each Merge function returns the file with what is
// missing added, every other byte kept, or the source unchanged when nothing is missing; a
// file it cannot edit safely is a *UsersEditError that says why and what to add by hand.

// WebhookPath is the route of Clerk's user webhook in convex/http.ts.
const WebhookPath = "/clerk-users-webhook"

// UsersEditError is a file that cannot be merged safely.
type UsersEditError struct {
	File   string // "convex/schema.ts"…, relative to the project
	Reason string
	Fix    string
}

func (e *UsersEditError) Error() string {
	msg := e.File + ": " + e.Reason
	if e.Fix != "" {
		msg += "; " + e.Fix
	}
	return msg
}

// NewUsersSchema is convex/schema.ts for a project that has none.
func NewUsersSchema() ([]byte, error) { return templates.Render("users/schema.ts.tmpl", nil) }

// NewUsersHTTP is convex/http.ts for a project that has none.
func NewUsersHTTP() ([]byte, error) {
	return templates.Render("users/http.ts.tmpl", routeData{Router: "http", Path: WebhookPath})
}

type routeData struct{ Router, Path string }

// usersBlocks are the blocks of users.ts in file order, with the names they import and the
// other blocks they use.
var usersBlocks = []struct {
	name     string
	exported bool
	needs    []need
	uses     []string
}{
	{"current", true, []need{{"./_generated/server", "query", false}}, []string{"getCurrentUser"}},
	{"upsertFromClerk", true, []need{{"./_generated/server", "internalMutation", false}, {"convex/values", "v", false}}, []string{"userByExternalId", "ClerkUser", "clerkUserName"}},
	{"deleteFromClerk", true, []need{{"./_generated/server", "internalMutation", false}, {"convex/values", "v", false}}, []string{"userByExternalId"}},
	{"getCurrentUserOrThrow", true, []need{{"./_generated/server", "QueryCtx", true}}, []string{"getCurrentUser"}},
	{"getCurrentUser", true, []need{{"./_generated/server", "QueryCtx", true}}, []string{"userByExternalId"}},
	{"userByExternalId", false, []need{{"./_generated/server", "QueryCtx", true}}, nil},
	{"ClerkUser", false, nil, nil},
	{"clerkUserName", false, nil, []string{"ClerkUser"}},
}

// NewUsersModule is convex/users.ts for a project that has none.
func NewUsersModule() ([]byte, error) {
	var names []string
	for _, b := range usersBlocks {
		names = append(names, b.name)
	}
	return templates.Render("users/users.ts.tmpl", map[string]any{"Blocks": names})
}

func usersBlock(name string) (string, error) {
	b, err := templates.RenderBlock("users/users.ts.tmpl", name, nil)
	return string(b), err
}

// MergeUsersModule adds to an existing convex/users.ts the exports of NewUsersModule it lacks
// (current, upsertFromClerk, deleteFromClerk, getCurrentUserOrThrow, getCurrentUser), with
// the private helpers they use that the file does not declare, and their imports. A name the
// file declares without exporting, or imports from elsewhere, is a *UsersEditError.
func MergeUsersModule(file string, src []byte) ([]byte, error) {
	s, err := scan(src)
	if err != nil {
		return src, &UsersEditError{File: file, Reason: fmt.Sprintf("could not be read (%v)", err), Fix: "fix the syntax, or add the functions by hand (docs/users.md)"}
	}
	declared := s.declared()
	add := map[string]bool{}
	var visit func(name string)
	visit = func(name string) {
		for _, b := range usersBlocks {
			if b.name != name || add[name] {
				continue
			}
			if _, ok := declared[name]; ok {
				return
			}
			add[name] = true
			for _, u := range b.uses {
				visit(u)
			}
		}
	}
	for _, b := range usersBlocks {
		if !b.exported {
			continue
		}
		exported, ok := declared[b.name]
		if ok && !exported {
			return src, &UsersEditError{File: file, Reason: fmt.Sprintf("declares %s but does not export it", b.name), Fix: "export it, or rename it so the generated one can be added"}
		}
		visit(b.name)
	}
	if len(add) == 0 {
		return src, nil
	}
	var needs []need
	var text strings.Builder
	for _, b := range usersBlocks {
		if !add[b.name] {
			continue
		}
		needs = append(needs, b.needs...)
		block, err := usersBlock(b.name)
		if err != nil {
			return src, err
		}
		text.WriteString("\n" + block + "\n")
	}
	edits, err := s.importEdits(needs)
	if err != nil {
		return src, &UsersEditError{File: file, Reason: err.Error(), Fix: "rename one of them, or add the functions by hand (docs/users.md)"}
	}
	tail := text.String()
	if len(src) > 0 && src[len(src)-1] != '\n' {
		tail = "\n" + tail
	}
	return applyEdits(src, append(edits, edit{len(src), tail})), nil
}

// MergeUsersHTTP adds the webhook route to the router of an existing convex/http.ts, before
// its `export default`, and the signature check at the end of the file. A file that already
// routes WebhookPath is returned unchanged.
func MergeUsersHTTP(file string, src []byte) ([]byte, error) {
	manual := "add the route by hand (docs/users.md shows it)"
	s, err := scan(src)
	if err != nil {
		return src, &UsersEditError{File: file, Reason: fmt.Sprintf("could not be read (%v)", err), Fix: manual}
	}
	for i := range s.toks {
		if v, ok := s.stringValue(i); ok && v == WebhookPath {
			return src, nil
		}
	}
	router := ""
	for i := range s.toks {
		if s.parent[i] == -1 && (s.isIdent(i, "const") || s.isIdent(i, "let")) && s.is(i+2, "=") && s.isIdent(i+3, "httpRouter") && s.is(i+4, "(") {
			if router != "" {
				return src, &UsersEditError{File: file, Reason: "creates more than one httpRouter()", Fix: manual}
			}
			router = s.text(i + 1)
		}
	}
	if router == "" {
		return src, &UsersEditError{File: file, Reason: "has no `const http = httpRouter()` to add the route to", Fix: manual}
	}
	exportAt := -1
	for i := range s.toks {
		if s.parent[i] == -1 && s.isIdent(i, "export") && s.isIdent(i+1, "default") && s.isIdent(i+2, router) {
			exportAt = i
		}
	}
	if exportAt < 0 {
		return src, &UsersEditError{File: file, Reason: fmt.Sprintf("does not `export default %s`", router), Fix: "export the router as the default export (Convex only serves that one), or " + manual}
	}
	route, err := templates.RenderBlock("users/http.ts.tmpl", "route", routeData{Router: router, Path: WebhookPath})
	if err != nil {
		return src, err
	}
	var edits []edit
	at := s.toks[exportAt].start
	if s.firstOnLine(at) {
		at = s.lineStarts[s.line(at)]
	}
	edits = append(edits, edit{at, string(route) + "\n\n"})
	if _, ok := s.declared()["verifyClerkWebhook"]; !ok {
		helpers, err := templates.RenderBlock("users/http.ts.tmpl", "helpers", nil)
		if err != nil {
			return src, err
		}
		tail := "\n" + string(helpers) + "\n"
		if len(src) > 0 && src[len(src)-1] != '\n' {
			tail = "\n" + tail
		}
		edits = append(edits, edit{len(src), tail})
	}
	imp, err := s.importEdits([]need{
		{"svix", "Webhook", false},
		{"./_generated/api", "internal", false},
		{"./_generated/server", "httpAction", false},
	})
	if err != nil {
		return src, &UsersEditError{File: file, Reason: err.Error(), Fix: manual}
	}
	return applyEdits(src, append(edits, imp...)), nil
}

// MergeUsersSchema adds the users table to the defineSchema({...}) of an existing
// convex/schema.ts, as its last table, with the indentation of the others. A users table of
// the same shape (name and externalId strings, index byExternalId on externalId; any other
// field optional) leaves the file unchanged; another shape is a *UsersEditError listing what
// differs.
func MergeUsersSchema(file string, src []byte) ([]byte, error) {
	manual := "add the users table by hand (docs/users.md shows it)"
	s, err := scan(src)
	if err != nil {
		return src, &UsersEditError{File: file, Reason: fmt.Sprintf("could not be read (%v)", err), Fix: manual}
	}
	obj := -1
	for i := range s.toks {
		if s.isIdent(i, "defineSchema") && s.is(i+1, "(") {
			if obj >= 0 {
				return src, &UsersEditError{File: file, Reason: "calls defineSchema more than once", Fix: manual}
			}
			if !s.is(i+2, "{") {
				return src, &UsersEditError{File: file, Reason: "passes defineSchema something other than an object literal", Fix: manual}
			}
			obj = i + 2
		}
	}
	if obj < 0 {
		return src, &UsersEditError{File: file, Reason: "has no defineSchema({ … })", Fix: manual}
	}
	end := s.match[obj]
	for i := obj + 1; i < end; i++ {
		if s.parent[i] == obj && s.is(i, "...") && s.isIdent(i+1, "authTables") {
			return src, &UsersEditError{File: file, Reason: fmt.Sprintf("spreads authTables (line %d), Convex Auth's tables, which already define a users table", s.line(s.toks[i].start)+1),
				Fix: "Clerk user sync needs its own users table: use Clerk or Convex Auth for sign-in, not both, or add a differently named table by hand"}
		}
	}
	firstKey := -1
	for i := obj + 1; i < end; i++ {
		if s.parent[i] != obj || !s.is(i+1, ":") || !(s.is(i-1, "{") || s.is(i-1, ",")) {
			continue
		}
		if firstKey < 0 {
			firstKey = i
		}
		key := s.text(i)
		if v, ok := s.stringValue(i); ok {
			key = v
		}
		if key != "users" {
			continue
		}
		valEnd := i + 2
		for valEnd < end && !(s.parent[valEnd] == obj && s.is(valEnd, ",")) {
			valEnd++
		}
		if diffs := usersTableDiffs(s, i+2, valEnd); len(diffs) > 0 {
			return src, &UsersEditError{File: file, Reason: fmt.Sprintf("already has a users table (line %d) of another shape: %s", s.line(s.toks[i].start)+1, strings.Join(diffs, "; ")),
				Fix: "leave it and sync users yourself, or rename that table (and its uses) and run clerkconvex users init again"}
		}
		return src, nil
	}
	unit := "  "
	if firstKey >= 0 && s.firstOnLine(s.toks[firstKey].start) && s.indentOf(s.toks[firstKey].start) != "" {
		unit = s.indentOf(s.toks[firstKey].start)
	}
	table, err := templates.RenderBlock("users/schema.ts.tmpl", "table", nil)
	if err != nil {
		return src, err
	}
	block := templates.Indent(unit, reindent(string(table), unit))
	var edits []edit
	last := end - 1
	if last > obj && !s.is(last, ",") {
		edits = append(edits, edit{s.toks[last].end, ","})
	}
	closeTok := s.toks[end]
	if s.firstOnLine(closeTok.start) {
		edits = append(edits, edit{s.lineStarts[s.line(closeTok.start)], block + "\n"})
	} else {
		edits = append(edits, edit{closeTok.start, "\n" + block + "\n"})
	}
	imp, err := s.importEdits([]need{{"convex/server", "defineTable", false}, {"convex/values", "v", false}})
	if err != nil {
		return src, &UsersEditError{File: file, Reason: err.Error(), Fix: manual}
	}
	return applyEdits(src, append(edits, imp...)), nil
}

// reindent replaces each leading pair of spaces of the template's lines (its indentation
// unit) with unit, a tab or another width.
func reindent(text, unit string) string {
	if unit == "  " {
		return text
	}
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		n := 0
		for strings.HasPrefix(l[n*2:], "  ") {
			n++
		}
		lines[i] = strings.Repeat(unit, n) + l[n*2:]
	}
	return strings.Join(lines, "\n")
}

// usersTableDiffs compares the users table's value (tokens from..to) with the generated one.
func usersTableDiffs(s *scanned, from, to int) []string {
	var fields = -1
	for i := from; i < to; i++ {
		if s.isIdent(i, "defineTable") && s.is(i+1, "(") && s.is(i+2, "{") {
			fields = i + 2
			break
		}
	}
	if fields < 0 {
		return []string{"it is not defineTable({ … })"}
	}
	var diffs []string
	seen := map[string]string{}
	fieldsEnd := s.match[fields]
	for i := fields + 1; i < fieldsEnd; i++ {
		if s.parent[i] != fields || !s.is(i+1, ":") || !(s.is(i-1, "{") || s.is(i-1, ",")) {
			continue
		}
		key := s.text(i)
		if v, ok := s.stringValue(i); ok {
			key = v
		}
		j := i + 2
		for j < fieldsEnd && !(s.parent[j] == fields && s.is(j, ",")) {
			j++
		}
		seen[key] = s.normalized(i+2, j)
	}
	for _, f := range []string{"name", "externalId"} {
		switch got, ok := seen[f]; {
		case !ok:
			diffs = append(diffs, fmt.Sprintf("it has no %s field (want %s: v.string())", f, f))
		case got != "v.string()":
			diffs = append(diffs, fmt.Sprintf("its %s is %s, not v.string()", f, got))
		}
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if got := seen[k]; k != "name" && k != "externalId" && !strings.HasPrefix(got, "v.optional(") {
			diffs = append(diffs, fmt.Sprintf("its field %s is required (%s), so the webhook's inserts would fail", k, got))
		}
	}
	if !strings.Contains(s.normalized(s.match[fields]+1, to), `.index("byExternalId",["externalId"])`) {
		diffs = append(diffs, `it has no index("byExternalId", ["externalId"])`)
	}
	return diffs
}

// normalized is the source of tokens from..to without spaces and comments, strings
// double-quoted, so that two spellings of the same expression compare equal.
func (s *scanned) normalized(from, to int) string {
	var b strings.Builder
	for i := from; i < to && i < len(s.toks); i++ {
		if v, ok := s.stringValue(i); ok && s.toks[i].kind == tokString {
			b.WriteString(strconv.Quote(v))
			continue
		}
		b.WriteString(s.text(i))
	}
	return b.String()
}

// RoutesUsersWebhook reports whether an http.ts routes WebhookPath (a string literal of that
// value, outside comments).
func RoutesUsersWebhook(src []byte) bool {
	s, err := scan(src)
	if err != nil {
		return strings.Contains(string(src), `"`+WebhookPath+`"`)
	}
	for i := range s.toks {
		if v, ok := s.stringValue(i); ok && v == WebhookPath {
			return true
		}
	}
	return false
}

// DeclaresUpsertFromClerk reports whether a users.ts declares upsertFromClerk at its top level.
func DeclaresUpsertFromClerk(src []byte) bool {
	s, err := scan(src)
	if err != nil {
		return false
	}
	_, ok := s.declared()["upsertFromClerk"]
	return ok
}

// VerifyResultUse finds where an http.ts uses the value Webhook.verify returns (assigned,
// returned or passed on: `const evt = wh.verify(…)`, as Clerk's and Convex's guides do). svix
// 2.x's verify returns nothing, so such a handler refuses every event. line is 1-based; ok is
// false when the file does not use it (or cannot be read).
func VerifyResultUse(src []byte) (line int, ok bool) {
	s, err := scan(src)
	if err != nil {
		return 0, false
	}
	for i := range s.toks {
		if !s.isIdent(i, "verify") || !s.is(i-1, ".") || !s.is(i+1, "(") {
			continue
		}
		// Walk back over the expression to what precedes it in its statement.
		j := i - 1
		for j > 0 && (s.is(j, ".") || s.is(j, ")") || s.is(j, "]") || s.toks[j].kind == tokIdent && !s.isIdent(j, "return") && !s.isIdent(j, "await")) {
			if s.is(j, ")") || s.is(j, "]") {
				j = s.match[j]
			}
			j--
		}
		if j >= 0 && (s.is(j, "=") || s.isIdent(j, "return") || s.isIdent(j, "await") && (s.is(j-1, "=") || s.isIdent(j-1, "return")) || s.is(j, "(") && s.parent[i] == j || s.is(j, ",")) {
			return s.line(s.toks[i].start) + 1, true
		}
	}
	return 0, false
}
