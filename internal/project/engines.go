package project

import (
	"strconv"
	"strings"
)

// NodeSatisfies tells whether a Node version (v20.19.1, as `node --version` prints it) is in
// an npm "engines" range: comparators (>=, >, <=, <, =), caret and tilde ranges, x-ranges
// (20, 20.x, *), hyphen ranges (A - B), joined by spaces (and) and || (or). known is false when
// the range or the version has a form this does not read: the caller then says nothing rather
// than guess.
func NodeSatisfies(version, rng string) (ok, known bool) {
	v, good := parseVer(strings.TrimPrefix(strings.TrimSpace(version), "v"))
	if !good || v.partial {
		return false, false
	}
	for _, alt := range strings.Split(rng, "||") {
		sat, good := satisfiesAll(v, strings.Fields(alt))
		if !good {
			return false, false
		}
		if sat {
			return true, true
		}
	}
	return false, true
}

type ver struct {
	n       [3]int
	parts   int // how many of major, minor, patch were given (x and * stop the count)
	partial bool
}

func (a ver) cmp(b ver) int {
	for i := 0; i < 3; i++ {
		if a.n[i] != b.n[i] {
			if a.n[i] < b.n[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}

// parseVer reads 20, 20.1, 20.1.2, 20.x, 20.1.x, * (pre-release and build tags dropped).
func parseVer(s string) (ver, bool) {
	s = strings.TrimPrefix(s, "v")
	if i := strings.IndexAny(s, "-+"); i >= 0 {
		s = s[:i]
	}
	var v ver
	if s == "" || s == "*" || s == "x" || s == "X" {
		v.partial = true
		return v, true
	}
	for i, p := range strings.Split(s, ".") {
		if i > 2 {
			return v, false
		}
		if p == "x" || p == "X" || p == "*" {
			v.partial = true
			break
		}
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return v, false
		}
		v.n[i] = n
		v.parts = i + 1
	}
	if v.parts < 3 {
		v.partial = true
	}
	return v, true
}

// upper is the first version above a partial one's range: 20 → 21.0.0, 20.1 → 20.2.0.
func (a ver) upper() ver {
	u := ver{parts: 3}
	switch a.parts {
	case 0:
		u.n = [3]int{1 << 30, 0, 0}
	case 1:
		u.n = [3]int{a.n[0] + 1, 0, 0}
	default:
		u.n = [3]int{a.n[0], a.n[1] + 1, 0}
	}
	return u
}

func satisfiesAll(v ver, toks []string) (bool, bool) {
	// Join an operator written apart from its version (">= 20").
	var cs []string
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if strings.Trim(t, "<>=~^") == "" && i+1 < len(toks) {
			t += toks[i+1]
			i++
		}
		cs = append(cs, t)
	}
	if len(cs) == 3 && cs[1] == "-" { // hyphen range A - B
		lo, ok1 := parseVer(cs[0])
		hi, ok2 := parseVer(cs[2])
		if !ok1 || !ok2 {
			return false, false
		}
		in := v.cmp(lo) >= 0
		if hi.partial {
			in = in && v.cmp(hi.upper()) < 0
		} else {
			in = in && v.cmp(hi) <= 0
		}
		return in, true
	}
	for _, c := range cs {
		sat, ok := satisfies(v, c)
		if !ok {
			return false, false
		}
		if !sat {
			return false, true
		}
	}
	return true, true
}

func satisfies(v ver, c string) (bool, bool) {
	op := c[:len(c)-len(strings.TrimLeft(c, "<>=~^"))]
	b, ok := parseVer(c[len(op):])
	if !ok {
		return false, false
	}
	switch op {
	case ">=":
		return v.cmp(b) >= 0, true
	case ">":
		if b.partial {
			return v.cmp(b.upper()) >= 0, true
		}
		return v.cmp(b) > 0, true
	case "<=":
		if b.partial {
			return v.cmp(b.upper()) < 0, true
		}
		return v.cmp(b) <= 0, true
	case "<":
		return v.cmp(b) < 0, true
	case "", "=":
		if b.partial {
			return v.cmp(b) >= 0 && v.cmp(b.upper()) < 0, true
		}
		return v.cmp(b) == 0, true
	case "~":
		if b.parts <= 1 {
			return v.cmp(b) >= 0 && v.cmp(b.upper()) < 0, true
		}
		return v.cmp(b) >= 0 && v.cmp(ver{n: [3]int{b.n[0], b.n[1] + 1, 0}, parts: 3}) < 0, true
	case "^":
		var hi ver
		switch {
		case b.n[0] > 0 || b.parts <= 1:
			hi = ver{n: [3]int{b.n[0] + 1, 0, 0}, parts: 3}
		case b.n[1] > 0 || b.parts == 2:
			hi = ver{n: [3]int{0, b.n[1] + 1, 0}, parts: 3}
		default:
			hi = ver{n: [3]int{0, 0, b.n[2] + 1}, parts: 3}
		}
		return v.cmp(b) >= 0 && v.cmp(hi) < 0, true
	}
	return false, false
}
