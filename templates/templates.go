// Package templates holds the files clerkconvex writes into a project, embedded
// at build time and rendered with text/template.
//
// Every template is rendered with Option("missingkey=error"), so a field the
// caller forgot is an error rather than "<no value>" in a user's file.
package templates

import (
	"bytes"
	"embed"
	"fmt"
	"path"
	"strings"
	"text/template"
	"unicode/utf8"
)

//go:embed *.tmpl users/*.tmpl wiring/*.tmpl
var files embed.FS

// funcs are the helpers available to every template; t is the template set being parsed, for
// include.
func funcs(t *template.Template) template.FuncMap {
	return template.FuncMap{
		// js quotes a string as a double-quoted JavaScript string literal.
		"js": func(s string) string { return JSString(s, '"') },
		// include renders the block called name (a {{define}} of the same file) with data, as
		// a string a pipeline can pass on (to indent).
		"include": func(name string, data any) (string, error) {
			var b bytes.Buffer
			err := t.ExecuteTemplate(&b, name, data)
			return b.String(), err
		},
		// indent puts prefix before every line of s that is not empty.
		"indent": Indent,
	}
}

// Indent puts prefix before every line of s that is not empty.
func Indent(prefix, s string) string {
	lines := strings.SplitAfter(s, "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "")
}

// Render renders the embedded template file called name (for example
// "auth.config.ts.tmpl" or "users/http.ts.tmpl") with data.
func Render(name string, data any) ([]byte, error) {
	return RenderBlock(name, path.Base(name), data)
}

// RenderBlock renders the block called block (a {{define}}, or the file's own base name for the
// whole file) of the embedded template file name with data.
func RenderBlock(name, block string, data any) ([]byte, error) {
	t := template.New(path.Base(name)).Option("missingkey=error")
	t, err := t.Funcs(funcs(t)).ParseFS(files, name)
	if err != nil {
		return nil, fmt.Errorf("load template %s: %w", name, err)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, block, data); err != nil {
		return nil, fmt.Errorf("render template %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

// JSString returns s as a JavaScript string literal delimited by quote: a double
// quote, or a single quote when quote is '\u0027'. Backslashes, the quote, control characters, and the
// line terminators U+2028/U+2029 are escaped; invalid UTF-8 becomes U+FFFD.
func JSString(s string, quote rune) string {
	if quote != '\'' {
		quote = '"'
	}
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteRune(quote)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == quote || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f || r == 0x2028 || r == 0x2029:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r) // utf8.RuneError for invalid bytes is written as U+FFFD
		}
	}
	b.WriteRune(quote)
	return b.String()
}
