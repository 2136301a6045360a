package convex

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

var clerkEnv = Provider{DomainEnv: DefaultIssuerEnv, ApplicationID: "convex"}

// Realistic files, also used as fuzz seeds.
const (
	// A TypeScript auth.config.ts is tsHead, its providers, tsTail.
	tsHead = `import type { AuthConfig } from "convex/server";

export default {
  providers: [
`
	tsTail = `  ],
} satisfies AuthConfig;
`
	// The provider init writes for Clerk in a .ts file.
	clerkProviderTS = `    {
      domain: process.env.CLERK_JWT_ISSUER_DOMAIN!,
      applicationID: "convex",
    },
`
	// A provider of the user's own, with a comment.
	serviceProviderTS = `    // Our own issuer for service tokens.
    {
      type: "customJwt",
      applicationID: "service",
      issuer: "https://auth.example.com",
      jwks: "https://auth.example.com/.well-known/jwks.json",
      algorithm: "RS256",
    },
`

	tsDefault = tsHead + clerkProviderTS + tsTail
	tsOther   = tsHead + serviceProviderTS + tsTail

	jsOld = `export default {
  providers: [
    {
      domain: "https://auth.example.com/",
      applicationID: "web"
    }
  ]
};
`
	jsConst = `const authConfig = {
	providers: [
		{
			domain: process.env.CLERK_FRONTEND_API_URL,
			applicationID: "convex",
		},
	],
};

export default authConfig;
`
)

func TestMergeAuthConfig(t *testing.T) {
	cases := []struct {
		name    string
		src     string
		ts      bool
		p       Provider
		want    MergeOutcome
		out     string // expected output when Added
		reason  string // substring of the reason when Manual
		parsed  int    // providers after merge when Added
		rewrite bool
	}{
		{name: "same env provider", src: tsDefault, ts: true, p: clerkEnv, want: MergeUnchanged},
		{name: "frontend api url variant matches its own name", src: jsConst, p: Provider{DomainEnv: "CLERK_FRONTEND_API_URL", ApplicationID: "convex"}, want: MergeUnchanged},
		{name: "same url ignoring trailing slash", src: jsOld, p: Provider{DomainURL: "https://auth.example.com", ApplicationID: "web"}, want: MergeUnchanged},
		{name: "env with fallback", ts: true, p: clerkEnv, want: MergeUnchanged,
			src: "export default { providers: [{ domain: process.env.CLERK_JWT_ISSUER_DOMAIN ?? \"https://x.clerk.accounts.dev\", applicationID: \"convex\" }] };\n"},
		{name: "env by index, as string", ts: true, p: clerkEnv, want: MergeUnchanged,
			src: "export default { providers: [{ domain: process.env[\"CLERK_JWT_ISSUER_DOMAIN\"] as string, applicationID: 'convex' }] };\n"},
		{
			name: "other provider: added after it, comment kept", src: tsOther, ts: true, p: clerkEnv, want: MergeAdded, parsed: 2,
			out: tsHead + serviceProviderTS + clerkProviderTS + tsTail,
		},
		{
			name: "js without trailing commas: comma added, style kept", src: jsOld, p: clerkEnv, want: MergeAdded, parsed: 2,
			out: `export default {
  providers: [
    {
      domain: "https://auth.example.com/",
      applicationID: "web"
    },
    {
      domain: process.env.CLERK_JWT_ISSUER_DOMAIN,
      applicationID: "convex"
    }
  ]
};
`,
		},
		{
			name: "tabs and a different env name", src: jsConst, p: clerkEnv, want: MergeAdded, parsed: 2,
			out: "const authConfig = {\n\tproviders: [\n\t\t{\n\t\t\tdomain: process.env.CLERK_FRONTEND_API_URL,\n\t\t\tapplicationID: \"convex\",\n\t\t},\n" +
				"\t\t{\n\t\t\tdomain: process.env.CLERK_JWT_ISSUER_DOMAIN,\n\t\t\tapplicationID: \"convex\",\n\t\t},\n\t],\n};\n\nexport default authConfig;\n",
		},
		{
			name: "comments inside the array, trailing comment on last element", ts: true, p: clerkEnv, want: MergeAdded, parsed: 2,
			src: `export default {
  providers: [
    /* first */ { domain: "https://a.example.com", applicationID: "a" } // keep me
    // {
    //   domain: "https://old.example.com",
    // },
  ],
};
`,
			out: `export default {
  providers: [
    /* first */ { domain: "https://a.example.com", applicationID: "a" }, // keep me
    // {
    //   domain: "https://old.example.com",
    // },
    {
      domain: process.env.CLERK_JWT_ISSUER_DOMAIN!,
      applicationID: "convex",
    }
  ],
};
`,
		},
		{
			name: "four spaces, single quotes, CRLF", ts: true, p: clerkEnv, want: MergeAdded, parsed: 2,
			src: "export default {\r\n    providers: [\r\n        {\r\n            domain: 'https://a.example.com',\r\n            applicationID: 'a',\r\n        },\r\n    ],\r\n};\r\n",
			out: "export default {\r\n    providers: [\r\n        {\r\n            domain: 'https://a.example.com',\r\n            applicationID: 'a',\r\n        },\r\n" +
				"        {\r\n            domain: process.env.CLERK_JWT_ISSUER_DOMAIN!,\r\n            applicationID: 'convex',\r\n        },\r\n    ],\r\n};\r\n",
		},
		{
			name: "empty inline array", ts: true, p: clerkEnv, want: MergeAdded, parsed: 1,
			src: "export default {\n  providers: [],\n} satisfies AuthConfig;\n",
			out: "export default {\n  providers: [\n    {\n      domain: process.env.CLERK_JWT_ISSUER_DOMAIN!,\n      applicationID: \"convex\",\n    },\n  ],\n} satisfies AuthConfig;\n",
		},
		{
			name: "empty multi-line array with a comment", p: clerkEnv, want: MergeAdded, parsed: 1,
			src: "export default {\n  providers: [\n    // add providers here\n  ],\n};\n",
			out: "export default {\n  providers: [\n    // add providers here\n    {\n      domain: process.env.CLERK_JWT_ISSUER_DOMAIN,\n      applicationID: \"convex\",\n    },\n  ],\n};\n",
		},
		{
			name: "one-line array", p: Provider{DomainURL: "https://x.clerk.accounts.dev", ApplicationID: "convex"}, want: MergeAdded, parsed: 2,
			src: "export default { providers: [{ domain: 'https://a.example.com', applicationID: 'a' }] };\n",
			out: "export default { providers: [{ domain: 'https://a.example.com', applicationID: 'a' }, { domain: 'https://x.clerk.accounts.dev', applicationID: 'convex' }] };\n",
		},
		{
			name: "hugged objects", ts: true, p: clerkEnv, want: MergeAdded, parsed: 2,
			src: "export default {\n  providers: [{\n    domain: \"https://a.example.com\",\n    applicationID: \"a\"\n  }],\n};\n",
			out: "export default {\n  providers: [{\n    domain: \"https://a.example.com\",\n    applicationID: \"a\"\n  }, {\n    domain: process.env.CLERK_JWT_ISSUER_DOMAIN!,\n    applicationID: \"convex\"\n  }],\n};\n",
		},
		{
			name: "spread inside the literal: appended after it", ts: true, p: clerkEnv, want: MergeAdded, parsed: 2,
			src: "import base from \"./base\";\nexport default {\n  providers: [\n    ...base.providers,\n  ],\n};\n",
			out: "import base from \"./base\";\nexport default {\n  providers: [\n    ...base.providers,\n    {\n      domain: process.env.CLERK_JWT_ISSUER_DOMAIN!,\n      applicationID: \"convex\",\n    },\n  ],\n};\n",
		},
		{
			name: "strings and template literals that look like code", ts: true, p: clerkEnv, want: MergeAdded, parsed: 2,
			src: "const note = `providers: [${\"]\"}]`; // providers: [\nconst re = /providers: \\[/;\nexport default {\n  providers: [\n    { domain: \"https://a.example.com/*]\", applicationID: \"a\" },\n  ],\n};\n",
			out: "const note = `providers: [${\"]\"}]`; // providers: [\nconst re = /providers: \\[/;\nexport default {\n  providers: [\n    { domain: \"https://a.example.com/*]\", applicationID: \"a\" },\n" +
				"    {\n      domain: process.env.CLERK_JWT_ISSUER_DOMAIN!,\n      applicationID: \"convex\",\n    },\n  ],\n};\n",
		},
		{name: "providers from a variable", src: "const p = [];\nexport default { providers: p };\n", p: clerkEnv, want: MergeManual, reason: "not an array literal"},
		{name: "providers shorthand", src: "const providers = [];\nexport default { providers };\n", p: clerkEnv, want: MergeManual, reason: "refers to a variable"},
		{name: "providers from a call", src: "export default { providers: [a].concat(b) };\n", p: clerkEnv, want: MergeManual, reason: "not a plain array literal"},
		{name: "spread of the whole array", src: "export default { providers: getProviders() };\n", p: clerkEnv, want: MergeManual, reason: "not an array literal"},
		{name: "two providers keys", src: "export const a = { providers: [] };\nexport default { providers: [] };\n", p: clerkEnv, want: MergeManual, reason: "more than one providers key (lines 1, 2)"},
		{name: "no providers", src: "export default {};\n", p: clerkEnv, want: MergeManual, reason: "no providers array"},
		{name: "empty file", src: "", p: clerkEnv, want: MergeManual, reason: "no providers array"},
		{name: "unterminated string", src: "export default { providers: [\"oops] };\n", p: clerkEnv, want: MergeManual, reason: "line 1: unterminated string"},
		{name: "unbalanced", src: "export default {\n  providers: [\n};\n", p: clerkEnv, want: MergeManual, reason: "could not be read"},
		{name: "hole in the array", src: "export default { providers: [a,,b] };\n", p: clerkEnv, want: MergeManual, reason: "empty element"},
		{
			name: "same domain, different applicationID", src: tsDefault, ts: true, p: Provider{DomainEnv: DefaultIssuerEnv, ApplicationID: "web"}, want: MergeManual,
			reason: `the provider with domain process.env.CLERK_JWT_ISSUER_DOMAIN! (line 5) has applicationID "convex", not "web"`,
		},
		{name: "same domain, applicationID from a variable", p: clerkEnv, want: MergeManual, reason: "not a string literal",
			src: "export default { providers: [{ domain: process.env.CLERK_JWT_ISSUER_DOMAIN, applicationID: APP }] };\n"},
		{name: "unreadable domain with same applicationID", p: clerkEnv, want: MergeManual, reason: "line 2 has a domain that is not process.env.NAME",
			src: "const d = process.env.CLERK_JWT_ISSUER_DOMAIN;\nexport default { providers: [{ domain: d.trim(), applicationID: \"convex\" }] };\n"},
		{name: "domain through a const is the variable", p: clerkEnv, want: MergeUnchanged,
			src: "const d = process.env.CLERK_JWT_ISSUER_DOMAIN;\nexport default { providers: [{ domain: d, applicationID: \"convex\" }] };\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, outcome, reason, err := MergeAuthConfig([]byte(tc.src), tc.ts, tc.p)
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if outcome != tc.want {
				t.Fatalf("outcome = %v (reason %q), want %v", outcome, reason, tc.want)
			}
			switch outcome {
			case MergeAdded:
				if string(out) != tc.out {
					t.Fatalf("output mismatch\n--- got\n%s\n--- want\n%s", out, tc.out)
				}
				got, err := ParseAuthConfig(out)
				if err != nil {
					t.Fatalf("output does not re-parse: %v", err)
				}
				if len(got) != tc.parsed {
					t.Fatalf("re-parsed %d providers, want %d: %+v", len(got), tc.parsed, got)
				}
				last := got[len(got)-1]
				if last.DomainEnv != tc.p.DomainEnv || last.DomainURL != tc.p.DomainURL || last.ApplicationID != tc.p.ApplicationID {
					t.Fatalf("last re-parsed provider = %+v, want %+v", last, tc.p)
				}
				if again, o2, _, _ := MergeAuthConfig(out, tc.ts, tc.p); o2 != MergeUnchanged || !bytes.Equal(again, out) {
					t.Fatalf("second merge = %v, want unchanged", o2)
				}
			default:
				if !bytes.Equal(out, []byte(tc.src)) {
					t.Fatalf("outcome %v changed the file:\n%s", outcome, out)
				}
				if !strings.Contains(reason, tc.reason) {
					t.Fatalf("reason = %q, want it to contain %q", reason, tc.reason)
				}
				if outcome == MergeUnchanged && reason != "" {
					t.Fatalf("unchanged with reason %q", reason)
				}
			}
		})
	}
}

func TestMergeAuthConfigInvalidProvider(t *testing.T) {
	src := []byte(tsDefault)
	for _, p := range []Provider{
		{},
		{DomainEnv: "A", DomainURL: "https://a", ApplicationID: "x"},
		{DomainEnv: "1BAD", ApplicationID: "x"},
		{DomainEnv: "BAD-NAME", ApplicationID: "x"},
		{DomainEnv: "OK"},
		{DomainURL: "ftp://a.example.com", ApplicationID: "x"},
		{DomainURL: "a.example.com", ApplicationID: "x"},
	} {
		out, _, _, err := MergeAuthConfig(src, true, p)
		if err == nil {
			t.Errorf("MergeAuthConfig(%+v) accepted an invalid provider", p)
		}
		if !bytes.Equal(out, src) {
			t.Errorf("MergeAuthConfig(%+v) changed the file on error", p)
		}
		if _, err := RenderAuthConfig(true, []Provider{p}); err == nil {
			t.Errorf("RenderAuthConfig(%+v) accepted an invalid provider", p)
		}
	}
}

func TestParseAuthConfig(t *testing.T) {
	src := `// auth
export default {
  providers: [
    { domain: process.env.CLERK_JWT_ISSUER_DOMAIN!, applicationID: "convex" },
    {
      "domain": "https://a.example.com", // literal
      'applicationID': 'a\u0062c',
    },
    { type: "customJwt", issuer: process.env.ISSUER, jwks: "https://j", algorithm: "RS256", applicationID: "svc" },
    { domain: ` + "`https://tpl.example.com`" + `, applicationID: "t" },
    { domain: ` + "`${base}/x`" + `, applicationID: "t2" },
    ...extra,
    clerk(),
  ],
};
`
	got, err := ParseAuthConfig([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []ParsedProvider{
		{DomainEnv: "CLERK_JWT_ISSUER_DOMAIN", DomainEnvs: []string{"CLERK_JWT_ISSUER_DOMAIN"}, ApplicationID: "convex", ApplicationIDLine: 4, Line: 4, DomainLine: 4},
		{DomainURL: "https://a.example.com", ApplicationID: "abc", ApplicationIDLine: 7, Line: 5, DomainLine: 6, Elem: 1},
		{Type: "customJwt", IssuerEnv: "ISSUER", ApplicationID: "svc", ApplicationIDLine: 9, Line: 9, Elem: 2},
		{DomainURL: "https://tpl.example.com", ApplicationID: "t", ApplicationIDLine: 10, Line: 10, DomainLine: 10, Elem: 3},
		{ApplicationID: "t2", ApplicationIDLine: 11, Line: 11, DomainLine: 11, Elem: 4},
		{Expr: "...extra", Line: 12, Elem: 5},
		{Expr: "clerk()", Line: 13, Elem: 6},
	}
	for i := range got {
		got[i].appIDTok = 0 // where the literal is: SetApplicationID's tests check it
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ParseAuthConfig:\n got %+v\nwant %+v", got, want)
	}

	for _, bad := range []string{"", "export default {}", "export default { providers: p }", "/* unterminated", "export default { providers: [`x] }"} {
		if _, err := ParseAuthConfig([]byte(bad)); err == nil {
			t.Errorf("ParseAuthConfig(%q) returned no error", bad)
		}
	}
}

func TestReadDomainForms(t *testing.T) {
	cases := []struct{ expr, env, url string }{
		{`process.env.X`, "X", ""},
		{`process.env.X!`, "X", ""},
		{`process.env?.X`, "X", ""},
		{`process.env["X"]!`, "X", ""},
		{`process.env.X as string`, "X", ""},
		{`process.env.X ?? "https://f"`, "X", ""},
		{`process.env.X || "https://f"`, "X", ""},
		{`"https://lit"`, "", "https://lit"},
		{`'https://lit'`, "", "https://lit"},
		{`process.env.X + "/"`, "", ""},
		{`String(process.env.X)`, "", ""},
		{`env.X`, "", ""},
		{`process.env`, "", ""},
	}
	for _, tc := range cases {
		src := "export default { providers: [{ domain: " + tc.expr + ", applicationID: \"a\" }] };"
		got, err := ParseAuthConfig([]byte(src))
		if err != nil {
			t.Fatalf("%s: %v", tc.expr, err)
		}
		if got[0].DomainEnv != tc.env || got[0].DomainURL != tc.url {
			t.Errorf("domain %s read as env %q url %q, want env %q url %q", tc.expr, got[0].DomainEnv, got[0].DomainURL, tc.env, tc.url)
		}
	}
}

func TestRenderAuthConfig(t *testing.T) {
	out, err := RenderAuthConfig(true, []Provider{clerkEnv})
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != tsDefault {
		t.Fatalf("RenderAuthConfig(ts) =\n%s\nwant\n%s", out, tsDefault)
	}
	js, err := RenderAuthConfig(false, []Provider{clerkEnv, {DomainURL: "https://a.example.com", ApplicationID: "a"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"domain: process.env.CLERK_JWT_ISSUER_DOMAIN,\n", `domain: "https://a.example.com",`} {
		if !strings.Contains(string(js), want) {
			t.Errorf("js render lacks %q:\n%s", want, js)
		}
	}
	if strings.Contains(string(js), "!") || strings.Contains(string(js), "satisfies") || strings.Contains(string(js), "import") {
		t.Errorf("js render has TypeScript syntax:\n%s", js)
	}
	// The rendered files parse back to what was rendered, and merging the
	// same provider again is a no-op.
	for _, tc := range []struct {
		out []byte
		ts  bool
		n   int
	}{{out, true, 1}, {js, false, 2}} {
		got, err := ParseAuthConfig(tc.out)
		if err != nil || len(got) != tc.n {
			t.Fatalf("re-parse = %+v, %v", got, err)
		}
		if _, o, _, _ := MergeAuthConfig(tc.out, tc.ts, clerkEnv); o != MergeUnchanged {
			t.Errorf("merge into rendered file = %v", o)
		}
	}
}

func TestSnippet(t *testing.T) {
	if got, want := clerkEnv.Snippet(true), "{\n  domain: process.env.CLERK_JWT_ISSUER_DOMAIN!,\n  applicationID: \"convex\",\n}"; got != want {
		t.Errorf("Snippet(ts) = %q, want %q", got, want)
	}
	if got, want := clerkEnv.Snippet(false), "{\n  domain: process.env.CLERK_JWT_ISSUER_DOMAIN,\n  applicationID: \"convex\",\n}"; got != want {
		t.Errorf("Snippet(js) = %q, want %q", got, want)
	}
	lit := Provider{DomainURL: `https://a.example.com/"x"`, ApplicationID: "convex"}
	if got, want := lit.Snippet(true), "{\n  domain: \"https://a.example.com/\\\"x\\\"\",\n  applicationID: \"convex\",\n}"; got != want {
		t.Errorf("Snippet(literal) = %q, want %q", got, want)
	}
	// The snippet is what a new file holds, indented by two levels.
	out, _ := RenderAuthConfig(true, []Provider{clerkEnv})
	indented := "    " + strings.ReplaceAll(clerkEnv.Snippet(true), "\n", "\n    ")
	if !strings.Contains(string(out), indented) {
		t.Errorf("rendered file does not contain the snippet:\n%s", out)
	}
}

func TestClerkIssuerEnvNames(t *testing.T) {
	names := ClerkIssuerEnvNames()
	if names[0] != DefaultIssuerEnv || len(names) != 3 {
		t.Fatalf("ClerkIssuerEnvNames() = %v", names)
	}
	names[0] = "CHANGED"
	if ClerkIssuerEnvNames()[0] != DefaultIssuerEnv {
		t.Fatal("ClerkIssuerEnvNames shares its slice")
	}
}

func TestMergeOutcomeString(t *testing.T) {
	for o, want := range map[MergeOutcome]string{MergeUnchanged: "unchanged", MergeAdded: "added", MergeManual: "manual", 7: "MergeOutcome(7)"} {
		if o.String() != want {
			t.Errorf("%d.String() = %q, want %q", int(o), o.String(), want)
		}
	}
}

func BenchmarkMergeAuthConfig(b *testing.B) {
	src := []byte(tsOther)
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, o, _, _ := MergeAuthConfig(src, true, clerkEnv); o != MergeAdded {
			b.Fatal(o)
		}
	}
}
