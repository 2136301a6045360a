package convex

import (
	"errors"
	"fmt"
)

// An auth config may build its providers where this package does not look: imported from
// another module, returned by a call, or the whole config imported. Convex evaluates the
// file, so such a file can be right; a reader that only sees this file cannot tell, and says
// so (ProvidersNotReadError) rather than calling it wrong.

// ProvidersNotReadError is ParseAuthConfig's error for a file whose providers are valid but
// not written in it as an array literal: the caller cannot judge them from this file.
type ProvidersNotReadError struct{ Reason string }

func (e *ProvidersNotReadError) Error() string { return "read auth config: " + e.Reason }

// IsProvidersNotRead says whether err is a ProvidersNotReadError.
func IsProvidersNotRead(err error) bool {
	var e *ProvidersNotReadError
	return errors.As(err, &e)
}

// providerKeys finds the `providers: …` properties and `providers` shorthands of object
// literals, leaving out the braces of import and export lists
// (import { providers } from "./providers" names a binding, not a key).
func providerKeys(s *scanned) (keys, shorthands []int) {
	for i := range s.toks {
		var isName bool
		switch s.toks[i].kind {
		case tokIdent:
			isName = s.text(i) == "providers"
		case tokString:
			v, _ := s.stringValue(i)
			isName = v == "providers"
		}
		if !isName || s.parent[i] < 0 || !s.is(s.parent[i], "{") || s.moduleList(s.parent[i]) {
			continue
		}
		if !s.is(i-1, "{") && !s.is(i-1, ",") {
			continue
		}
		switch {
		case s.is(i+1, ":"):
			keys = append(keys, i)
		case s.toks[i].kind == tokIdent && (s.is(i+1, ",") || s.is(i+1, "}")):
			shorthands = append(shorthands, i)
		}
	}
	return keys, shorthands
}

// moduleList says whether the { at token open starts an import or export list.
func (s *scanned) moduleList(open int) bool {
	if c := s.match[open]; c > open && s.isIdent(c+1, "from") {
		return true
	}
	prev := open - 1
	if s.isIdent(prev, "type") {
		prev--
	}
	if s.isIdent(prev, "import") || s.isIdent(prev, "export") {
		return true
	}
	// import Default, { … } from
	return s.is(open-1, ",") && s.toks[open-2].kind == tokIdent && s.isIdent(open-3, "import")
}

// importedFrom finds the module a top-level import binds name from.
func (s *scanned) importedFrom(name string) (string, bool) {
	for k := range s.toks {
		if s.parent[k] != -1 || !s.isIdent(k, "import") {
			continue
		}
		found := false
		for j := k + 1; j < len(s.toks); j++ {
			switch {
			case s.isIdent(j, "from") && j+1 < len(s.toks) && s.toks[j+1].kind == tokString:
				if found {
					v, _ := s.stringValue(j + 1)
					return v, true
				}
				j = len(s.toks)
			case s.is(j, ";") || (s.toks[j].kind == tokString && !found):
				j = len(s.toks)
			case s.isIdent(j, name) && !s.isIdent(j+1, "as"):
				found = true
			}
		}
	}
	return "", false
}

// valueOrigin describes a providers value that is not an array literal, starting at token
// first: ", imported from X" for an imported name, ", the result of f(…)" for a call.
func (s *scanned) valueOrigin(first int) string {
	if first >= len(s.toks) || s.toks[first].kind != tokIdent {
		return ""
	}
	name := s.text(first)
	if from, ok := s.importedFrom(name); ok {
		return fmt.Sprintf(" (%s is imported from %s)", name, from)
	}
	if s.is(first+1, "(") {
		return fmt.Sprintf(" (it is what %s() returns)", name)
	}
	return ""
}

// providersNotRead says whether the file's providers are valid but not an array literal in
// it: one providers key whose value is a name or a call, or no providers key while the file
// imports (the config itself may come from there).
func (s *scanned) providersNotRead() bool {
	keys, shorthands := providerKeys(s)
	switch {
	case len(keys)+len(shorthands) > 1:
		return false
	case len(shorthands) == 1:
		return true
	case len(keys) == 1:
		v := keys[0] + 2
		// a name, a call, (…), or an array literal the value goes on from: [a, b].filter(Boolean)
		return v < len(s.toks) && (s.toks[v].kind == tokIdent || s.is(v, "(") || s.is(v, "[") && s.is(s.match[v]+1, "."))
	}
	for k := range s.toks {
		if s.parent[k] == -1 && s.isIdent(k, "import") && !s.isIdent(k+1, "type") && !s.is(k+1, "(") && k+1 < len(s.toks) && s.toks[k+1].kind != tokString {
			return true
		}
		if s.isIdent(k, "require") && s.is(k+1, "(") {
			return true
		}
	}
	return false
}
