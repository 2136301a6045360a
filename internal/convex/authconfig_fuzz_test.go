package convex

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"unicode"
)

// FuzzMergeKeepsUserText checks, for arbitrary input, that MergeAuthConfig
// never panics, never changes a file it does not add to, and when it adds:
// keeps every byte of the input in order, inserts only the provider and
// commas, keeps all but at most two input lines verbatim and in order, and
// produces a file that parses to the old providers plus the new one and that
// a second merge leaves alone.
func FuzzMergeKeepsUserText(f *testing.F) {
	for _, seed := range []string{
		tsDefault, tsOther, jsOld, jsConst,
		"export default { providers: [] };\n",
		"export default {\n  providers: [\n    // none yet\n  ],\n};\n",
		"export default {\n  providers: [{\n    domain: 'https://a.example.com',\n    applicationID: 'a'\n  }],\n};\n",
		"export default { providers: [...base, { domain: d, applicationID: \"x\" }] };\n",
		"const re = /]/g; const s = `${[1, 2]}`;\nexport default {\n  providers: [\n    { domain: \"https://a/*\", applicationID: 'a' } /* c\n */\n  ],\n};\n",
		"export default {\r\n\tproviders: [\r\n\t\t{ domain: process.env.X ?? \"\", applicationID: \"y\" },\r\n\t],\r\n};\r\n",
		"export default { providers: p };\n",
		"#!/usr/bin/env node\nexport default { \"providers\": [ ] }",
	} {
		f.Add([]byte(seed), true, false)
		f.Add([]byte(seed), false, true)
	}
	f.Fuzz(func(t *testing.T, src []byte, ts, literal bool) {
		p := clerkEnv
		if literal {
			p = Provider{DomainURL: "https://x.clerk.accounts.dev", ApplicationID: "convex"}
		}
		before, parseErr := ParseAuthConfig(src)
		out, outcome, reason, err := MergeAuthConfig(src, ts, p)
		if err != nil {
			t.Fatalf("error for a valid provider: %v", err)
		}
		if outcome != MergeAdded {
			if !bytes.Equal(out, src) {
				t.Fatalf("outcome %v changed the file", outcome)
			}
			if outcome == MergeManual && reason == "" {
				t.Fatal("manual outcome without a reason")
			}
			return
		}
		if parseErr != nil {
			t.Fatalf("added to a file ParseAuthConfig rejects: %v", parseErr)
		}
		if !isSubsequence(src, out) {
			t.Fatalf("input bytes lost or reordered:\n--- src\n%s\n--- out\n%s", src, out)
		}
		checkInserted(t, src, out, p, ts)
		checkLines(t, src, out)
		after, err := ParseAuthConfig(out)
		if err != nil {
			t.Fatalf("output does not parse: %v\n%s", err, out)
		}
		if len(after) != len(before)+1 {
			t.Fatalf("providers: %d before, %d after", len(before), len(after))
		}
		for i := range before {
			b, a := before[i], after[i]
			b.Line, a.Line = 0, 0
			if !reflect.DeepEqual(b, a) {
				t.Fatalf("provider %d changed: %+v -> %+v", i, before[i], after[i])
			}
		}
		if last := after[len(after)-1]; last.DomainEnv != p.DomainEnv || last.DomainURL != p.DomainURL || last.ApplicationID != p.ApplicationID || last.Type != "" {
			t.Fatalf("added provider reads back as %+v", last)
		}
		if again, o, _, _ := MergeAuthConfig(out, ts, p); o != MergeUnchanged || !bytes.Equal(again, out) {
			t.Fatalf("second merge: %v", o)
		}
	})
}

func isSubsequence(sub, s []byte) bool {
	j := 0
	for i := 0; i < len(s) && j < len(sub); i++ {
		if s[i] == sub[j] {
			j++
		}
	}
	return j == len(sub)
}

// checkInserted compares the multiset of inserted bytes (out minus src) with
// the provider's text: the same non-space characters, quotes normalised,
// plus between one and four commas (separator, property and element commas).
func checkInserted(t *testing.T, src, out []byte, p Provider, ts bool) {
	t.Helper()
	var diff [256]int
	for _, c := range out {
		diff[c]++
	}
	for _, c := range src {
		diff[c]--
	}
	var want [256]int
	for _, c := range []byte(strings.NewReplacer("'", `"`, ",", "").Replace(p.oneLine(ts, '"'))) {
		want[c]++
	}
	diff['"'] += diff['\'']
	diff['\''] = 0
	commas := diff[',']
	diff[','] = 0
	for c := range 256 {
		if unicode.IsSpace(rune(c)) {
			continue
		}
		if diff[c] != want[c] {
			t.Fatalf("inserted %d of %q, want %d\n--- src\n%s\n--- out\n%s", diff[c], rune(c), want[c], src, out)
		}
	}
	if commas < 1 || commas > 4 {
		t.Fatalf("inserted %d commas", commas)
	}
}

// checkLines: the lines of src appear in out in order; at most two of them
// (the one that gains a comma, the one the array opens or closes on) differ.
// It compares by longest common subsequence of lines.
func checkLines(t *testing.T, src, out []byte) {
	t.Helper()
	a := strings.Split(string(src), "\n")
	b := strings.Split(string(out), "\n")
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for i := range a {
		for j := range b {
			switch {
			case a[i] == b[j]:
				cur[j+1] = prev[j] + 1
			case prev[j+1] >= cur[j]:
				cur[j+1] = prev[j+1]
			default:
				cur[j+1] = cur[j]
			}
		}
		prev, cur = cur, prev
	}
	if changed := len(a) - prev[len(b)]; changed > 2 {
		t.Fatalf("%d input lines not kept verbatim\n--- src\n%s\n--- out\n%s", changed, src, out)
	}
}
