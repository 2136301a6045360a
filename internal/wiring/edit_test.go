package wiring

import (
	"errors"
	"strings"
	"testing"
)

func TestAddImports(t *testing.T) {
	cm := Import{Module: "../components/ConvexClientProvider", Names: []string{"ConvexClientProvider"}}
	auth := Import{Module: "@clerk/nextjs", Names: []string{"ClerkProvider", "useAuth"}}
	cases := []struct {
		name   string
		src    string
		imps   []Import
		want   string
		unsure bool
	}{
		{"after the last import, CSS included",
			"import type { Metadata } from \"next\";\nimport { Geist } from \"next/font/google\";\nimport \"./globals.css\";\n\nconst geist = Geist({ subsets: [\"latin\"] });\n",
			[]Import{cm},
			"import type { Metadata } from \"next\";\nimport { Geist } from \"next/font/google\";\nimport \"./globals.css\";\nimport { ConvexClientProvider } from \"../components/ConvexClientProvider\";\n\nconst geist = Geist({ subsets: [\"latin\"] });\n", false},
		{"single quotes, no semicolons, use client",
			"'use client'\n\nimport { useState } from 'react'\n\nexport default function A() {}\n",
			[]Import{{Module: "convex/react", Names: []string{"ConvexReactClient"}}},
			"'use client'\n\nimport { useState } from 'react'\nimport { ConvexReactClient } from 'convex/react'\n\nexport default function A() {}\n", false},
		{"joins the module's named imports",
			"import { ClerkProvider } from \"@clerk/nextjs\";\nexport default 1;\n",
			[]Import{auth},
			"import { ClerkProvider, useAuth } from \"@clerk/nextjs\";\nexport default 1;\n", false},
		{"joins a list of one name a line",
			"import {\n  ClerkProvider,\n  SignIn, // the page\n} from \"@clerk/nextjs\";\n",
			[]Import{auth},
			"import {\n  ClerkProvider,\n  SignIn, // the page\n  useAuth,\n} from \"@clerk/nextjs\";\n", false},
		{"already imported: unchanged",
			"import { ClerkProvider, useAuth } from \"@clerk/nextjs\";\n",
			[]Import{auth},
			"import { ClerkProvider, useAuth } from \"@clerk/nextjs\";\n", false},
		{"a type-only import is not joined",
			"import type { ReactNode } from \"react\";\n",
			[]Import{{Module: "react", Names: []string{"useState"}}},
			"import type { ReactNode } from \"react\";\nimport { useState } from \"react\";\n", false},
		{"default and named",
			"import \"./x.css\"\n",
			[]Import{{Module: "m", Default: "M", Names: []string{"a as b"}}},
			"import \"./x.css\"\nimport M, { a as b } from \"m\"\n", false},
		{"after use client when there is no import",
			"\"use client\";\n\nexport function P() {}\n",
			[]Import{cm},
			"\"use client\";\n\nimport { ConvexClientProvider } from \"../components/ConvexClientProvider\";\n\nexport function P() {}\n", false},
		{"no import: after a header comment",
			"// Copyright\n\nexport default function L() {}\n",
			[]Import{cm},
			"// Copyright\n\nimport { ConvexClientProvider } from \"../components/ConvexClientProvider\";\n\nexport default function L() {}\n", false},
		{"CRLF kept",
			"import a from \"a\";\r\nconst x = 1;\r\n",
			[]Import{cm},
			"import a from \"a\";\r\nimport { ConvexClientProvider } from \"../components/ConvexClientProvider\";\r\nconst x = 1;\r\n", false},
		{"multi-line import with a comment",
			"import {\n  a, /* } */\n  b\n} from \"ab\" // end\nimport c from 'c';\nfoo();\n",
			[]Import{cm},
			"import {\n  a, /* } */\n  b\n} from \"ab\" // end\nimport c from 'c';\nimport { ConvexClientProvider } from \"../components/ConvexClientProvider\";\nfoo();\n", false},
		// An import after code is an import all the same (a duplicate binding went in before).
		{"joins an import that comes after code",
			"import a from \"a\";\nfoo();\nimport { ClerkProvider } from \"@clerk/nextjs\";\n",
			[]Import{auth},
			"import a from \"a\";\nfoo();\nimport { ClerkProvider, useAuth } from \"@clerk/nextjs\";\n", false},
		{"name taken by an import after code", "import a from \"a\";\nfoo();\nimport { useAuth } from \"./auth\";\n", []Import{auth}, "", true},
		{"name taken by another module", "import { useAuth } from \"./auth\";\n", []Import{auth}, "", true},
		{"name declared in the file", "import x from \"x\";\nconst useAuth = () => 1;\n", []Import{auth}, "", true},
		{"code after the last import on its line", "import x from \"x\"; foo();\n", []Import{cm}, "", true},
	}
	for _, c := range cases {
		got, err := AddImports([]byte(c.src), c.imps...)
		var ue *UncertainError
		if c.unsure {
			if !errors.As(err, &ue) {
				t.Errorf("%s: got %q, %v; want an UncertainError", c.name, got, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if string(got) != c.want {
			t.Errorf("%s:\ngot:\n%s\nwant:\n%s", c.name, got, c.want)
		}
	}
}

func TestWrap(t *testing.T) {
	open, close := "<ConvexClientProvider>", "</ConvexClientProvider>"
	cases := []struct{ name, src, want string }{
		{"inline", "<body className={x}>{children}</body>\n",
			"<body className={x}><ConvexClientProvider>{children}</ConvexClientProvider></body>\n"},
		{"own line", "      <body>\n        {children}\n      </body>\n",
			"      <body>\n        <ConvexClientProvider>\n          {children}\n        </ConvexClientProvider>\n      </body>\n"},
		{"own line, tabs", "\t<body>\n\t\t{children}\n\t</body>\n",
			"\t<body>\n\t\t<ConvexClientProvider>\n\t\t\t{children}\n\t\t</ConvexClientProvider>\n\t</body>\n"},
		{"multi-line element, 4 spaces", "    return (\n        <Layout>\n            <Component {...pageProps} />\n        </Layout>\n    );\n", ""},
	}
	for _, c := range cases {
		var s Span
		if c.want == "" {
			spans := FindElements([]byte(c.src), "Layout")
			if len(spans) != 1 {
				t.Fatalf("%s: %d elements", c.name, len(spans))
			}
			s = spans[0]
			c.want = "    return (\n        <ConvexClientProvider>\n            <Layout>\n                <Component {...pageProps} />\n            </Layout>\n        </ConvexClientProvider>\n    );\n"
		} else {
			spans := FindChildren([]byte(c.src))
			if len(spans) != 1 {
				t.Fatalf("%s: %d {children}", c.name, len(spans))
			}
			s = spans[0]
		}
		got, err := Wrap([]byte(c.src), s, open, close)
		if err != nil || string(got) != c.want {
			t.Errorf("%s: %v\ngot:\n%s\nwant:\n%s", c.name, err, got, c.want)
		}
	}
	src := "const a = (\n  <A>\n    {`x\n    y`}\n  </A>\n);\n"
	if _, err := Wrap([]byte(src), FindElements([]byte(src), "A")[0], "<P>", "</P>"); err == nil {
		t.Error("a multi-line template literal was re-indented")
	}
	// A template literal on one line is no reason to refuse (it was, anywhere in the element).
	src = "const a = (\n  <A>\n    <B title={`Hi <there>`} />\n  </A>\n);\n"
	want := "const a = (\n  <P>\n    <A>\n      <B title={`Hi <there>`} />\n    </A>\n  </P>\n);\n"
	if got, err := Wrap([]byte(src), FindElements([]byte(src), "A")[0], "<P>", "</P>"); err != nil || string(got) != want {
		t.Errorf("one-line template literal: %v\n%s", err, got)
	}
}

func TestFindSkipsCommentsAndStrings(t *testing.T) {
	src := "// {children}\nconst s = \"{children}\";\n/* <A> */\n<p>Don't</p>\n<div>{ children }</div>\n<A/>\n"
	if got := FindChildren([]byte(src)); len(got) != 1 || src[got[0].Start:got[0].End] != "{ children }" {
		t.Errorf("FindChildren: %v", got)
	}
	if got := FindElements([]byte(src), "A"); len(got) != 1 || src[got[0].Start:got[0].End] != "<A/>" {
		t.Errorf("FindElements: %v", got)
	}
}

// An apostrophe in JSX text is no string: the closing tag after it on its line is found (it
// was masked to the line's end, so the ClerkProvider seemed to enclose the rest of the file and
// {children} after it seemed inside).
func TestApostropheInJSXText(t *testing.T) {
	src := "<body>\n  <ClerkProvider><p>Don't panic</p></ClerkProvider>\n  {children}\n</body>\n"
	got := FindElements([]byte(src), "ClerkProvider")
	want := strings.Index(src, "</ClerkProvider>") + len("</ClerkProvider>")
	if len(got) != 1 || got[0].End != want {
		t.Fatalf("FindElements = %v, want one ending at %d", got, want)
	}
	if c := FindChildren([]byte("<p>We're here</p>{children}\n")); len(c) != 1 {
		t.Errorf("FindChildren after an apostrophe = %v", c)
	}
	// Strings stay masked.
	if m := mask(`const s = '<A>{children}</A>'; f(x,'y')`); strings.Contains(m, "children") || strings.Contains(m, "y") {
		t.Errorf("mask = %q", m)
	}
}
