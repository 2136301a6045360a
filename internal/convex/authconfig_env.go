package convex

import (
	"fmt"
	"regexp"
	"slices"
	"sync"
)

// Convex evaluates the whole auth config at every push, and refuses the push
// (AuthConfigMissingEnvironmentVariable) when a process.env variable it reads is not set on
// the deployment: in a provider, in a fallback, or in a stray console.log alike. This file
// finds every such read.

// EnvRead is one variable an auth config reads from process.env, and where.
type EnvRead struct {
	Name  string
	Lines []int // 1-based lines of each read, in order
}

// EnvReads returns every process.env variable src reads, in order of first read:
// process.env.NAME, process.env?.NAME, process.env["NAME"], the same inside template
// literals, and the names destructured from process.env (const { A, B: b } = process.env).
// Reads with a computed name (process.env[name]) cannot be known and are left out. It
// returns an error when the file does not tokenize.
func EnvReads(src []byte) ([]EnvRead, error) {
	s, err := scan(src)
	if err != nil {
		return nil, fmt.Errorf("read auth config: %w", err)
	}
	return s.envReadsIn(0, len(s.toks)-1, nil), nil
}

// Names returns the names of reads.
func Names(reads []EnvRead) []string {
	if len(reads) == 0 {
		return nil
	}
	out := make([]string, len(reads))
	for i, r := range reads {
		out[i] = r.Name
	}
	return out
}

// templateEnvRE finds process.env reads inside a template literal's ${…} parts.
var templateEnvRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\bprocess\s*\??\.\s*env\s*(?:\??\.\s*([A-Za-z_$][\w$]*)|(?:\?\.)?\[\s*["']([^"'\n]+)["']\s*\])`)
})

var (
	templateExprRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\$\{([^}]*)\}`) })
	identRE        = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[A-Za-z_$][\w$]*`) })
)

// envTemplateRE is a template literal's body whose one substitution reads one variable
// (optionally with a non-null assertion).
var envTemplateRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^([^$\\]*)\$\{\s*` + templateEnvRE().String() + `\s*!?\s*\}([^$\\]*)$`)
})

// envTemplate reads the template literal token i as `before${process.env.NAME}after`, or
// returns nil.
func (s *scanned) envTemplate(i int) *EnvTemplate {
	t := s.toks[i]
	if t.kind != tokTemplate {
		return nil
	}
	m := envTemplateRE().FindSubmatch(s.src[t.start+1 : t.end-1])
	if m == nil {
		return nil
	}
	name := string(m[2])
	if name == "" {
		name = string(m[3])
	}
	return &EnvTemplate{Env: name, Before: string(m[1]), After: string(m[4])}
}

// envReadsIn collects the process.env reads among tokens first..last (inclusive), adding to
// acc (merged by name).
func (s *scanned) envReadsIn(first, last int, acc []EnvRead) []EnvRead {
	add := func(name string, off int) {
		line := s.line(off) + 1
		for i := range acc {
			if acc[i].Name == name {
				if !slices.Contains(acc[i].Lines, line) {
					acc[i].Lines = append(acc[i].Lines, line)
				}
				return
			}
		}
		acc = append(acc, EnvRead{Name: name, Lines: []int{line}})
	}
	for i := max(first, 0); i <= last && i < len(s.toks); i++ {
		t := s.toks[i]
		if t.kind == tokTemplate {
			text := s.src[t.start:t.end]
			for _, m := range templateEnvRE().FindAllSubmatchIndex(text, -1) {
				switch {
				case m[2] >= 0:
					add(string(text[m[2]:m[3]]), t.start+m[2])
				case m[4] >= 0:
					add(string(text[m[4]:m[5]]), t.start+m[4])
				}
			}
			continue
		}
		if !s.isProcessEnv(i) {
			continue
		}
		j := i + 3
		switch {
		case (s.is(j, ".") || s.is(j, "?.")) && j+1 < len(s.toks) && s.toks[j+1].kind == tokIdent:
			add(s.text(j+1), s.toks[j+1].start)
		case s.is(j, "?.") && s.is(j+1, "[") && s.is(j+3, "]"):
			if v, ok := s.stringValue(j + 2); ok {
				add(v, s.toks[j+2].start)
			}
		case s.is(j, "[") && s.is(j+2, "]"):
			if v, ok := s.stringValue(j + 1); ok {
				add(v, s.toks[j+1].start)
			}
		case s.is(i-1, "=") && s.is(i-2, "}") && s.match[i-2] >= 0:
			// const { A, B: b, C = "x", ...rest } = process.env
			for _, k := range s.patternKeys(s.match[i-2]) {
				add(s.text(k), s.toks[k].start)
			}
		}
	}
	return acc
}

// isProcessEnv reports whether tokens i.. spell process.env (or process?.env), and are not a
// property of something else (foo.process.env), except globalThis.process.env.
func (s *scanned) isProcessEnv(i int) bool {
	if !s.isIdent(i, "process") || !(s.is(i+1, ".") || s.is(i+1, "?.")) || !s.isIdent(i+2, "env") {
		return false
	}
	if s.is(i-1, ".") || s.is(i-1, "?.") {
		return s.isIdent(i-2, "globalThis")
	}
	return true
}

// patternKeys returns the tokens naming the keys of the object pattern whose { is open.
func (s *scanned) patternKeys(open int) []int {
	var keys []int
	for _, m := range s.members(open) {
		if m.first > m.last {
			continue
		}
		if s.toks[m.first].kind == tokIdent || s.toks[m.first].kind == tokString && s.is(m.first+1, ":") {
			keys = append(keys, m.first)
		}
	}
	return keys
}

// decl is a top-level `const|let|var NAME = init` of the file: tokens first..last of init.
type decl struct{ first, last int }

// topDecls maps the names declared at the top level (outside any bracket) to their
// initializers, which end at a ; at the top level or where the next top-level statement
// begins.
func (s *scanned) topDecls() map[string]decl {
	out := map[string]decl{}
	for k := 0; k+2 < len(s.toks); k++ {
		if s.parent[k] != -1 || !(s.isIdent(k, "const") || s.isIdent(k, "let") || s.isIdent(k, "var")) || s.toks[k+1].kind != tokIdent {
			continue
		}
		eq := k + 2
		if s.is(eq, ":") { // a type annotation: skip to the = at the top level
			for eq < len(s.toks) && !(s.is(eq, "=") && s.parent[eq] == -1) && !s.is(eq, ";") {
				if s.match[eq] > eq {
					eq = s.match[eq]
				}
				eq++
			}
		}
		if !s.is(eq, "=") {
			continue
		}
		end := eq + 1
		for end < len(s.toks) {
			if s.parent[end] == -1 && (s.is(end, ";") || end > eq+1 && s.startsStatement(end)) {
				break
			}
			if s.match[end] > end {
				end = s.match[end]
			}
			end++
		}
		if end > eq+1 {
			out[s.text(k+1)] = decl{eq + 1, end - 1}
		}
	}
	return out
}

func (s *scanned) startsStatement(i int) bool {
	if s.toks[i].kind != tokIdent || s.is(i-1, ".") || s.is(i-1, "?.") {
		return false
	}
	switch s.text(i) {
	case "const", "let", "var", "export", "import", "function", "class", "if", "for", "while":
		return true
	}
	return false
}

// exprEnvReads is envReadsIn over tokens first..last, following the identifiers there that
// name top-level declarations (const domain = process.env.X; … domain), a few levels deep.
func (s *scanned) exprEnvReads(first, last int, decls map[string]decl) []EnvRead {
	var acc []EnvRead
	seen := map[string]bool{}
	var walk func(first, last, depth int)
	walk = func(first, last, depth int) {
		acc = s.envReadsIn(first, last, acc)
		if depth >= 4 {
			return
		}
		for i := first; i <= last; i++ {
			if s.toks[i].kind == tokTemplate {
				// `https://${slug}.clerk.accounts.dev`: the names in its ${…} parts.
				for _, m := range templateExprRE().FindAllSubmatch(s.src[s.toks[i].start:s.toks[i].end], -1) {
					for _, name := range identRE().FindAll(m[1], -1) {
						if d, ok := decls[string(name)]; ok && !seen[string(name)] {
							seen[string(name)] = true
							walk(d.first, d.last, depth+1)
						}
					}
				}
				continue
			}
			if s.toks[i].kind != tokIdent || s.is(i-1, ".") || s.is(i-1, "?.") || s.is(i+1, ":") && (s.is(i-1, "{") || s.is(i-1, ",")) {
				continue
			}
			name := s.text(i)
			if d, ok := decls[name]; ok && !seen[name] {
				seen[name] = true
				walk(d.first, d.last, depth+1)
			}
		}
	}
	walk(first, last, 0)
	return acc
}
