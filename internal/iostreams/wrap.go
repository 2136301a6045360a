package iostreams

import (
	"strings"
	"unicode/utf8"
)

// Wrap fits text into lines of at most width columns for a terminal: the first line after a
// prefix of prefixCols columns, the others after indent (a hanging indent). It breaks only
// between words, and never inside a URL (a URL has no spaces), a `quoted` span or a command
// (npx …, git …, chmod …, up to the end of its clause). A unit longer than a line stays whole
// on a line of its own. Lines that start with a space (a snippet) are kept as they are.
// width <= 0 returns text unchanged.
func Wrap(text string, prefixCols, width int, indent string) string {
	if width <= 0 {
		return text
	}
	var b strings.Builder
	for i, line := range strings.Split(text, "\n") {
		if i > 0 {
			b.WriteString("\n")
			if strings.HasPrefix(line, " ") || line == "" {
				b.WriteString(line)
				continue
			}
			b.WriteString(indent)
			prefixCols = Width(indent)
		}
		wrapLine(&b, line, prefixCols, width, indent)
	}
	return b.String()
}

func wrapLine(b *strings.Builder, line string, col, width int, indent string) {
	fresh := true // nothing on this line yet after the prefix or indent
	for _, u := range units(line) {
		w := Width(u)
		sep := 1
		if fresh {
			sep = 0
		}
		switch {
		case col+sep+w <= width:
		case Width(indent)+w > width:
			// Too long for a line after the indent (a long URL): on a line of its own with
			// a short indent, rather than cut by the terminal; then back to the indent.
			b.WriteString("\n" + shortIndent + u)
			col, fresh = width+1, false // what follows starts a new line
			continue
		case !fresh || col > Width(indent):
			b.WriteString("\n" + indent)
			col, sep = Width(indent), 0
		}
		if sep == 1 {
			b.WriteString(" ")
		}
		b.WriteString(u)
		col += sep + w
		fresh = false
	}
}

// shortIndent starts a line holding one unit too long for the hanging indent.
const shortIndent = "    "

// commands start a unit that runs to the end of their clause.
var commands = map[string]bool{
	"npx": true, "npm": true, "pnpm": true, "yarn": true, "bun": true, "bunx": true,
	"git": true, "chmod": true, "clerkconvex": true,
}

// units splits a line at spaces into the pieces that may not be broken.
func units(line string) []string {
	words := strings.Split(line, " ")
	var out []string
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch {
		case strings.HasPrefix(w, "`") && strings.Count(w, "`")%2 == 1:
			j := i + 1
			for j < len(words) && !strings.Contains(words[j], "`") {
				j++
			}
			if j < len(words) {
				w = strings.Join(words[i:j+1], " ")
				i = j
			}
		case commands[strings.TrimLeft(w, "(")] && !endsClause(w):
			j := i + 1
			for j < len(words) {
				next := words[j]
				if next == "and" || next == "then" || next == "or" || strings.HasPrefix(next, "(") {
					break
				}
				j++
				if endsClause(next) {
					break
				}
			}
			w = strings.Join(words[i:j], " ")
			i = j - 1
		}
		out = append(out, w)
	}
	return out
}

func endsClause(w string) bool {
	return strings.HasSuffix(w, ";") || strings.HasSuffix(w, ",") || strings.HasSuffix(w, ")") ||
		(strings.HasSuffix(w, ".") && !strings.Contains(w, "/"))
}

// Width is the number of columns s takes on a terminal: runes, less colour sequences.
func Width(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && (s[j] < 0x40 || s[j] > 0x7e) {
				j++
			}
			i = j + 1
			continue
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n++
	}
	return n
}
