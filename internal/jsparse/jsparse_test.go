package jsparse

import (
	"errors"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	cases := []struct {
		name, src string
		line      int // 0: parses
	}{
		{"auth.config.ts", "import type { AuthConfig } from \"convex/server\";\nexport default {\n  providers: [{ domain: process.env.X!, applicationID: \"convex\" }],\n} satisfies AuthConfig;\n", 0},
		{"auth.config.js", "export default { providers: [] };\n", 0},
		{"layout.tsx", "export default function L({ children }: { children: React.ReactNode }) {\n  return <html><body>{children}</body></html>;\n}\n", 0},
		{"_app.js", "export default function App({ Component, pageProps }) {\n  return <Component {...pageProps} />;\n}\n", 0},
		{"a.jsx", "const a = <div>{/* c */}</div>;\n", 0},
		{"x.mjs", "export const a = 1;\n", 0},
		{"x.mts", "export const a: number = 1;\n", 0},
		// Broken: a missing brace, an unclosed tag, JSX in a .ts file, types in a .mjs file.
		{"auth.config.ts", "export default {\n  providers: [\n    { domain: \"x\", applicationID: \"convex\" },\n  \n};\n", 5},
		{"layout.tsx", "export default function L() {\n  return <html><body></html>;\n}\n", 2},
		{"a.ts", "const a = <div />;\n", 1},
		{"x.mjs", "export const a: number = 1;\n", 1},
	}
	for _, c := range cases {
		err := Check(c.name, []byte(c.src))
		if c.line == 0 {
			if err != nil {
				t.Errorf("%s: %v, want it to parse:\n%s", c.name, err, c.src)
			}
			continue
		}
		var pe *Error
		if !errors.As(err, &pe) {
			t.Errorf("%s: got %v, want a parse error:\n%s", c.name, err, c.src)
			continue
		}
		if pe.Line != c.line || pe.File != c.name || pe.Text == "" {
			t.Errorf("%s: error %+v, want line %d", c.name, pe, c.line)
		}
		if !strings.HasPrefix(err.Error(), c.name+":") {
			t.Errorf("%s: message %q does not start with the file", c.name, err)
		}
	}
}

func TestCheckUnknownExtension(t *testing.T) {
	if err := Check("styles.css", []byte("a{}")); err == nil {
		t.Fatal("a .css file was accepted")
	}
}

func TestCheckEdit(t *testing.T) {
	good := []byte("export default { providers: [] };\n")
	bad := []byte("export default { providers: [ };\n")
	if err := CheckEdit("auth.config.ts", good, good); err != nil {
		t.Fatalf("a good edit was refused: %v", err)
	}
	if err := CheckEdit("auth.config.ts", nil, good); err != nil {
		t.Fatalf("a good new file was refused: %v", err)
	}
	err := CheckEdit("auth.config.ts", good, bad)
	if err == nil || !strings.Contains(err.Error(), "refusing to write auth.config.ts") || !strings.Contains(err.Error(), "auth.config.ts:1:") {
		t.Fatalf("broken edit: %v", err)
	}
	var ee *EditError
	if !errors.As(err, &ee) || ee.WasBroken {
		t.Fatalf("broken edit of a good file: %#v", err)
	}
	if err := CheckEdit("auth.config.ts", bad, bad); err != nil {
		t.Fatalf("an unchanged file was checked: %v", err)
	}
	err = CheckEdit("auth.config.ts", bad, append(bad, '\n'))
	if !errors.As(err, &ee) || !ee.WasBroken || !strings.Contains(err.Error(), "does not parse") {
		t.Fatalf("edit of an already broken file: %v", err)
	}
}
