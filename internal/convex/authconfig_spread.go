package convex

// Reading a provider element: an object literal, a top-level const naming one, an object
// that spreads such consts ({ ...clerk, applicationID: "convex" }), or `...NAME` where NAME
// is a top-level array literal of providers. Members are applied in source order, as
// JavaScript does, so a later key wins over a spread before it.

// maxSpreadDepth bounds how many consts deep a spread is followed.
const maxSpreadDepth = 4

// readElement reads the providers array element spanning tokens first..last.
func (s *scanned) readElement(first, last int, decls map[string]decl, depth int) []ParsedProvider {
	line := s.line(s.toks[first].start) + 1
	if s.is(first, "...") && first+1 == last && s.toks[last].kind == tokIdent && depth < maxSpreadDepth {
		// providers: [...clerkProviders] with const clerkProviders = [ … ] above.
		name := s.text(last)
		if open, ok := s.literalOf(decls, name, "["); ok {
			var out []ParsedProvider
			for _, e := range s.elementsOf(open) {
				for _, pp := range s.readElement(e.first, e.last, decls, depth+1) {
					if pp.Via == "" {
						pp.Via = name
					}
					out = append(out, pp)
				}
			}
			return out
		}
	}
	pp := ParsedProvider{Line: line}
	obj := first
	if first == last && s.toks[first].kind == tokIdent {
		// providers: [clerkProvider] with const clerkProvider = { … } above.
		if open, ok := s.literalOf(decls, s.text(first), "{"); ok {
			obj = open
		}
	}
	if !s.is(obj, "{") || (obj == first && s.match[obj] != last) {
		pp.Expr = string(s.src[s.toks[first].start:s.toks[last].end])
		pp.DomainEnvs = Names(s.exprEnvReads(first, last, decls))
		return []ParsedProvider{pp}
	}
	s.readObject(obj, decls, &pp, depth)
	return []ParsedProvider{pp}
}

// literalOf returns the opening token of the top-level const name's initializer when it is
// an array ("[") or object ("{") literal, optionally followed by `as …` or `satisfies …`.
func (s *scanned) literalOf(decls map[string]decl, name, open string) (int, bool) {
	d, ok := decls[name]
	if !ok || !s.is(d.first, open) {
		return 0, false
	}
	end := s.match[d.first]
	if end < 0 || end > d.last || end < d.last && !s.isIdent(end+1, "as") && !s.isIdent(end+1, "satisfies") {
		return 0, false
	}
	return d.first, true
}

// elementsOf splits the array literal whose [ is open into its elements (holes skipped).
func (s *scanned) elementsOf(open int) []element {
	var out []element
	for _, m := range s.members(open) {
		if m.first <= m.last {
			out = append(out, element{m.first, m.last})
		}
	}
	return out
}

// readObject fills pp from the members of the object literal whose { is open, in order:
// key: value properties, the shorthand `domain` (const domain = … above), and spreads of
// top-level object consts. A spread it cannot follow leaves what it may set unknown: the
// variables it reads count as the domain's, and the fields it could set are cleared.
func (s *scanned) readObject(open int, decls map[string]decl, pp *ParsedProvider, depth int) {
	for _, m := range s.members(open) {
		first, last := m.first, m.last
		switch {
		case first > last:
		case s.is(first, "..."):
			if inner, ok := s.spreadObject(first, last, decls); ok && depth < maxSpreadDepth {
				s.readObject(inner, decls, pp, depth+1)
				continue
			}
			// An unknown spread may set any key: what came before it is no longer certain.
			*pp = ParsedProvider{Line: pp.Line, Via: pp.Via, DomainEnvs: Names(s.exprEnvReads(first+1, last, decls))}
		case first == last && s.isIdent(first, "domain"):
			// { domain, applicationID } with const domain = … above.
			pp.DomainEnv, pp.DomainURL = s.domainVia(first, first, decls, 0)
			pp.DomainTemplate = nil
			pp.DomainLine = s.line(s.toks[first].start) + 1
			pp.DomainEnvs = Names(s.exprEnvReads(first, first, decls))
		case last-first >= 2 && s.is(first+1, ":"):
			s.readProp(first, last, decls, pp)
		}
	}
}

// spreadObject resolves `...NAME` (tokens first..last) to NAME's object literal.
func (s *scanned) spreadObject(first, last int, decls map[string]decl) (int, bool) {
	if first+1 != last || s.toks[last].kind != tokIdent {
		return 0, false
	}
	return s.literalOf(decls, s.text(last), "{")
}

// readProp applies the property `key: value` spanning tokens first..last to pp.
func (s *scanned) readProp(first, last int, decls map[string]decl, pp *ParsedProvider) {
	key := s.keyName(first)
	vf, vl := first+2, last
	switch key {
	case "domain":
		pp.DomainEnv, pp.DomainURL = s.domainVia(vf, vl, decls, 0)
		pp.DomainTemplate = nil
		if vf == vl {
			pp.DomainTemplate = s.envTemplate(vf)
		}
		pp.DomainLine = s.line(s.toks[vf].start) + 1
		pp.DomainEnvs = Names(s.exprEnvReads(vf, vl, decls))
	case "issuer":
		pp.IssuerEnv, pp.IssuerURL = readDomain(s, vf, vl)
	case "applicationID":
		pp.ApplicationID, pp.ApplicationIDEnv, pp.appIDTok = "", "", 0
		if vf == vl {
			var ok bool
			if pp.ApplicationID, ok = s.stringValue(vf); ok {
				pp.appIDTok = vf
			}
		} else if env, _ := readDomain(s, vf, vl); env != "" {
			pp.ApplicationIDEnv = env
		}
		pp.ApplicationIDLine = s.line(s.toks[vf].start) + 1
	case "type":
		pp.Type = ""
		if vf == vl {
			pp.Type, _ = s.stringValue(vf)
		}
	}
}

// domainVia is readDomain over tokens first..last, following a lone identifier to the
// top-level declaration it names (const domain = process.env.X!; … domain: domain), a few
// levels deep: the domain is then exactly that variable (or literal). Anything else built from
// a variable (process.env.X?.replace(…), normalize(process.env.X)) gives "", "".
func (s *scanned) domainVia(first, last int, decls map[string]decl, depth int) (env, lit string) {
	if first == last && s.toks[first].kind == tokIdent && depth < 4 {
		if d, ok := decls[s.text(first)]; ok {
			return s.domainVia(d.first, d.last, decls, depth+1)
		}
	}
	return readDomain(s, first, last)
}
