package convex

// member is one comma-separated member of an array or object literal: tokens first..last
// inclusive (first > last for an empty member, as in `[a,,b]` or after a trailing comma);
// comma says a comma ends it rather than the closing bracket.
type member struct {
	first, last int
	comma       bool
}

// members splits the literal whose opening bracket is token open at its top-level commas,
// skipping over nested brackets. Every member is returned, empty ones included: `[]` gives
// one empty member, `[a,]` gives a and an empty last member.
func (s *scanned) members(open int) []member {
	var out []member
	closeIdx := s.match[open]
	start := open + 1
	for i := open + 1; i <= closeIdx; i++ {
		if i < closeIdx && !s.is(i, ",") {
			if s.match[i] > i {
				i = s.match[i]
			}
			continue
		}
		out = append(out, member{first: start, last: i - 1, comma: i < closeIdx})
		start = i + 1
	}
	return out
}

// keyName is the name of the property key at token i: an identifier or number as written,
// a string literal's value; "" for anything else (computed keys, spreads).
func (s *scanned) keyName(i int) string {
	switch s.toks[i].kind {
	case tokIdent, tokNumber:
		return s.text(i)
	case tokString:
		key, _ := s.stringValue(i)
		return key
	}
	return ""
}
