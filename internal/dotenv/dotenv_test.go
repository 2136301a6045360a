package dotenv

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// realistic is a .env file with everything a user might have written.
const realistic = "\ufeff# Clerk + Convex settings\n" +
	"\n" +
	"   # indented comment\n" +
	"CONVEX_DEPLOYMENT=dev:happy-otter-123 # team: acme, project: app\n" +
	"export NEXT_PUBLIC_CONVEX_URL=https://happy-otter-123.convex.cloud\n" +
	"NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY='pk_test_Y2xlcmsuZXhhbXBsZS5jb20k'\n" +
	"CLERK_SECRET_KEY=\"sk_test_old\" # rotate monthly\n" +
	"SPACED = some value  \n" +
	"EMPTY=\n" +
	"HASH=abc#def\n" +
	"MULTI=\"line one\n" +
	"line two\"\n" +
	"ESCAPED=\"a\\nb \\\"q\\\" c\\\\d\"\n" +
	"\tTABBED=\ttabbed\n" +
	"DUP=first\n" +
	"this line is not an assignment\n" +
	"DUP=second\n" +
	"BACKTICK=`it's \"here\"`\n" +
	"export=literal-export-key\n" +
	"DOTTED.KEY-NAME=ok"

func TestGet(t *testing.T) {
	f := Parse([]byte(realistic))
	tests := []struct {
		key, want string
		ok        bool
	}{
		{"CONVEX_DEPLOYMENT", "dev:happy-otter-123", true},
		{"NEXT_PUBLIC_CONVEX_URL", "https://happy-otter-123.convex.cloud", true},
		{"NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY", "pk_test_Y2xlcmsuZXhhbXBsZS5jb20k", true},
		{"CLERK_SECRET_KEY", "sk_test_old", true},
		{"SPACED", "some value", true},
		{"EMPTY", "", true},
		{"HASH", "abc#def", true},
		{"MULTI", "line one\nline two", true},
		{"ESCAPED", "a\nb \"q\" c\\d", true},
		{"TABBED", "tabbed", true},
		{"DUP", "second", true},
		{"BACKTICK", `it's "here"`, true},
		{"export", "literal-export-key", true},
		{"DOTTED.KEY-NAME", "ok", true},
		{"MISSING", "", false},
		{"line", "", false},
	}
	for _, tt := range tests {
		got, ok := f.Get(tt.key)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Get(%q) = %q, %v; want %q, %v", tt.key, got, ok, tt.want, tt.ok)
		}
	}
	wantKeys := []string{"CONVEX_DEPLOYMENT", "NEXT_PUBLIC_CONVEX_URL", "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY",
		"CLERK_SECRET_KEY", "SPACED", "EMPTY", "HASH", "MULTI", "ESCAPED", "TABBED", "DUP", "BACKTICK",
		"export", "DOTTED.KEY-NAME"}
	if got := f.Keys(); !slices.Equal(got, wantKeys) {
		t.Errorf("Keys() = %q\nwant     %q", got, wantKeys)
	}
	if got := f.Malformed(); !slices.Equal(got, []int{16}) {
		t.Errorf("Malformed() = %v, want [17]", got)
	}
	if got := string(f.Bytes()); got != realistic {
		t.Errorf("Bytes() changed an untouched file:\n%q", got)
	}
}

func TestGetValues(t *testing.T) {
	tests := []struct {
		name, in, key, want string
		ok                  bool
	}{
		{"unquoted comment", "A=b # c\n", "A", "b", true},
		{"hash without space is data", "A=b#c\n", "A", "b#c", true},
		{"value that is a comment", "A=#c\n", "A", "", true},
		{"value after spaces that is a comment", "A=   # c\n", "A", "", true},
		{"double with comment", "A=\"b # x\" # c\n", "A", "b # x", true},
		{"double comment no space", "A=\"b\"#c\n", "A", "b", true},
		{"single keeps escapes", `A='a\nb'`, "A", `a\nb`, true},
		{"double escapes", `A="a\nb\rc\"d\\e\tf"`, "A", "a\nb\rc\"d\\e\\tf", true},
		{"junk after quote reads unquoted", `A="b"c`, "A", `"b"c`, true},
		{"unclosed quote reads unquoted", "A=\"b\nB=1\n", "A", `"b`, true},
		{"unclosed quote keeps next line", "A=\"b\nB=1\n", "B", "1", true},
		{"multi-line CRLF", "A=\"x\r\ny\"\r\nB=2\r\n", "A", "x\ny", true},
		{"multi-line single", "A='x\ny' # c\nB=2", "A", "x\ny", true},
		{"crlf", "A=1\r\nB=2\r\n", "A", "1", true},
		{"crlf last", "A=1\r\nB=2\r\n", "B", "2", true},
		{"no trailing newline", "A=1\nB=two", "B", "two", true},
		{"export with tabs", "export\tA=1", "A", "1", true},
		{"spaces around =", "A  =  1  ", "A", "1", true},
		{"last wins", "A=1\nA=2\nA=3\n", "A", "3", true},
		{"bom", "\ufeffA=1\n", "A", "1", true},
		{"yaml style is not an assignment", "A: 1\n", "A", "", false},
		{"empty double", `A=""`, "A", "", true},
		{"equals in value", "A=b=c==\n", "A", "b=c==", true},
		{"url", "A=https://x.clerk.accounts.dev?a=1&b=2\n", "A", "https://x.clerk.accounts.dev?a=1&b=2", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Parse([]byte(tt.in))
			got, ok := f.Get(tt.key)
			if got != tt.want || ok != tt.ok {
				t.Errorf("Get(%q) = %q, %v; want %q, %v", tt.key, got, ok, tt.want, tt.ok)
			}
			if string(f.Bytes()) != tt.in {
				t.Errorf("Bytes() = %q, want the input", f.Bytes())
			}
		})
	}
}

func TestSet(t *testing.T) {
	tests := []struct {
		name, in, key, value, want string
		changed                    bool
	}{
		{"empty file", "", "A", "1", "A=1\n", true},
		{"append", "A=1\n", "B", "2", "A=1\nB=2\n", true},
		{"append without trailing newline", "A=1", "B", "2", "A=1\nB=2\n", true},
		{"append crlf", "# c\r\nA=1\r\n", "B", "2", "# c\r\nA=1\r\nB=2\r\n", true},
		{"append crlf without trailing newline", "A=1\r\nC=3", "B", "2", "A=1\r\nC=3\r\nB=2\r\n", true},
		{"append after comment only", "# just a comment", "B", "2", "# just a comment\nB=2\n", true},
		{"update unquoted", "A=1\nB=2\nC=3\n", "B", "two", "A=1\nB=two\nC=3\n", true},
		{"update keeps export", "export A=1\n", "A", "2", "export A=2\n", true},
		{"update keeps spacing", "A = 1   # note\n", "A", "2", "A = 2   # note\n", true},
		{"update keeps double quotes", `A="old" # keep`, "A", "new", `A="new" # keep`, true},
		{"update keeps single quotes", "A='old'\n", "A", "new value", "A='new value'\n", true},
		{"update keeps backticks", "A=`old`\n", "A", "new", "A=`new`\n", true},
		{"single cannot hold quote", "A='old'\n", "A", "it's", "A=\"it's\"\n", true},
		{"double cannot hold quote", "A=\"old\"\n", "A", `say "hi"`, "A='say \"hi\"'\n", true},
		{"unquoted gets quotes", "A=old # c\n", "A", "two words", "A=\"two words\" # c\n", true},
		{"unquoted empty value with comment", "A=#c\n", "A", "x", "A=x #c\n", true},
		{"update crlf", "A=1\r\nB=2\r\n", "A", "9", "A=9\r\nB=2\r\n", true},
		{"update last line without newline", "A=1\nB=2", "B", "3", "A=1\nB=3", true},
		{"update last duplicate", "A=1\nA=2\n# tail\n", "A", "3", "A=1\nA=3\n# tail\n", true},
		{"update multi-line", "A=\"x\ny\" # c\nB=1\n", "A", "z", "A=\"z\" # c\nB=1\n", true},
		{"update keeps bom", "\ufeffA=1\n", "A", "2", "\ufeffA=2\n", true},
		{"unchanged", "A='1' # c\r\nB=2", "A", "1", "A='1' # c\r\nB=2", false},
		{"unchanged empty", "A=\n", "A", "", "A=\n", false},
		{"new empty", "", "A", "", "A=\"\"\n", true},
		{"new with spaces", "", "A", "a b", "A=\"a b\"\n", true},
		{"new with hash", "", "A", "a#b", "A=\"a#b\"\n", true},
		{"new with dollar", "", "A", "$HOME", "A=\"$HOME\"\n", true},
		{"new with newline", "", "A", "a\nb", "A=\"a\\nb\"\n", true},
		{"new with double quote", "", "A", `a"b`, "A='a\"b'\n", true},
		{"new with backslash", "", "A", `C:\x`, "A='C:\\x'\n", true},
		{"new with everything", "", "A", "'\"`\\\n", "A=\"'\\\"`\\\\\\n\"\n", true},
		{"new url stays plain", "", "A", "https://x.dev/a?b=c", "A=https://x.dev/a?b=c\n", true},
		{"new key stays plain", "", "A", "sk_test_abc123", "A=sk_test_abc123\n", true},
		{"malformed lines kept", "garbage line\nA=1\n=== x\n", "B", "2", "garbage line\nA=1\n=== x\nB=2\n", true},
		// An unclosed quote above: a double-quoted "# x" would close it and
		// be swallowed, so Set chooses single quotes.
		{"dangling quote above", "A=\"open\n", "B", "# x", "A=\"open\nB='# x'\n", true},
		// Writing B plainly would let A's quote run to the end of the file.
		{"dangling quote stopped by the changed line", "A=\"open\nB=\"x\"y\nC=x\"\n", "B", "w", "A=\"open\nB=\"w\"\nC=x\"\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Parse([]byte(tt.in))
			before := Parse([]byte(tt.in))
			changed := f.Set(tt.key, tt.value)
			if changed != tt.changed {
				t.Errorf("Set changed = %v, want %v", changed, tt.changed)
			}
			if got := string(f.Bytes()); got != tt.want {
				t.Errorf("Bytes() =\n%q\nwant\n%q", got, tt.want)
			}
			if got, ok := f.Get(tt.key); !ok || got != tt.value {
				t.Errorf("Get(%q) after Set = %q, %v", tt.key, got, ok)
			}
			checkSet(t, before, []byte(tt.in), f.Bytes(), tt.key, tt.value, true)
		})
	}
}

func TestSetPanicsOnInvalidKey(t *testing.T) {
	for _, k := range []string{"", "1A", "A-B", "A B", "A=B", "É"} {
		t.Run(k, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("Set(%q) did not panic", k)
				}
			}()
			Parse(nil).Set(k, "v")
		})
	}
}

func TestValidKey(t *testing.T) {
	for k, want := range map[string]bool{
		"A": true, "_": true, "CLERK_SECRET_KEY": true, "a1": true, "_9": true,
		"": false, "9A": false, "A.B": false, "A-B": false, "A B": false, "Ä": false, "A\n": false,
	} {
		if got := ValidKey(k); got != want {
			t.Errorf("ValidKey(%q) = %v, want %v", k, got, want)
		}
	}
}

func TestSetRealistic(t *testing.T) {
	f := Parse([]byte(realistic))
	f.Set("CLERK_SECRET_KEY", "sk_test_new")
	f.Set("DUP", "third")
	f.Set("CLERK_JWT_ISSUER_DOMAIN", "https://x.clerk.accounts.dev")
	want := strings.Replace(realistic, `"sk_test_old" # rotate`, `"sk_test_new" # rotate`, 1)
	want = strings.Replace(want, "DUP=second", "DUP=third", 1)
	want += "\nCLERK_JWT_ISSUER_DOMAIN=https://x.clerk.accounts.dev\n"
	if got := string(f.Bytes()); got != want {
		t.Errorf("Bytes() =\n%s\nwant\n%s", got, want)
	}
	if got := f.Malformed(); !slices.Equal(got, []int{16}) {
		t.Errorf("Malformed() = %v, want [17]", got)
	}
}

func TestMalformed(t *testing.T) {
	tests := []struct {
		in   string
		want []int
	}{
		{"", nil},
		{"A=1\n# c\n\n  \n", nil},
		{"nope\nA=1\nexport\nexport B\n=1\nA: b\n", []int{1, 3, 4, 5, 6}},
		// Line numbers count the lines inside a multi-line value.
		{"A=\"x\ny\nz\"\nbad\n", []int{4}},
		{"A=1\r\nbad\r\n", []int{2}},
	}
	for _, tt := range tests {
		if got := Parse([]byte(tt.in)).Malformed(); !slices.Equal(got, tt.want) {
			t.Errorf("Malformed(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// checkSet verifies Set's promise: out is in with only key's effective
// line rewritten (or a line appended), and out reads back as f has it.
func checkSet(t *testing.T, before *File, in, out []byte, key, value string, wantGet bool) {
	t.Helper()
	inLines := strings.SplitAfter(string(in), "\n")
	if inLines[len(inLines)-1] == "" {
		inLines = inLines[:len(inLines)-1]
	}
	pos := before.last(key)
	if pos >= 0 && before.entries[pos].value == value {
		if string(out) != string(in) {
			t.Fatalf("unchanged value altered the file:\n%q\n%q", in, out)
		}
		return
	}
	var prefix, suffix, middle string
	if pos >= 0 {
		first := 0
		for _, e := range before.entries[:pos] {
			first += 1 + strings.Count(e.text, "\n")
		}
		last := first + strings.Count(before.entries[pos].text, "\n")
		prefix = strings.Join(inLines[:first], "")
		suffix = strings.Join(inLines[last+1:], "")
		if !strings.HasPrefix(string(out), prefix) || !strings.HasSuffix(string(out), suffix) || len(out) < len(prefix)+len(suffix) {
			t.Fatalf("lines around %s changed:\nin  %q\nout %q", key, in, out)
		}
		middle = string(out[len(prefix) : len(out)-len(suffix)])
		e := before.entries[pos]
		if !strings.HasPrefix(middle, e.text[:e.valStart]) {
			t.Fatalf("the start of %s's line changed: %q -> %q", key, e.text[:e.valStart], middle)
		}
		if !strings.HasSuffix(middle, e.eol) {
			t.Fatalf("line end of %s's line changed: %q", key, middle)
		}
	} else {
		prefix = string(in)
		if len(in) > 0 && in[len(in)-1] != '\n' {
			// The file's line end is its first line's, not a CRLF inside a quoted value
			// ("0=\"\r\n\"" has no line end yet: a new line gets "\n").
			eol := "\n"
			for _, e := range before.entries {
				if e.eol != "" {
					eol = e.eol
					break
				}
			}
			prefix += eol
		}
		if !strings.HasPrefix(string(out), prefix) {
			t.Fatalf("appending changed earlier lines:\nin  %q\nout %q", in, out)
		}
		middle = string(out[len(prefix):])
		if !strings.HasPrefix(middle, key+"=") || !strings.HasSuffix(middle, "\n") {
			t.Fatalf("appended line %q is not %s=...\\n", middle, key)
		}
	}
	if n := strings.Count(middle, "\n"); n > 1 || n == 0 && suffix != "" {
		t.Fatalf("the new line %q spans %d line ends", middle, n)
	}
	again := Parse(out)
	at := pos
	if at < 0 {
		at = len(before.entries)
	}
	if !wantGet && !before.danglingBefore(at) {
		wantGet = true
	}
	if got, ok := again.Get(key); wantGet && (!ok || got != value) {
		t.Fatalf("after Set(%q, %q) and re-reading, Get = %q, %v\nin  %q\nout %q", key, value, got, ok, in, out)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"", "\n", "\r\n", "A", "A=", "A=1", "A=1\n", realistic, "A=\"x\ny\"", "A='", "A=`a\\`b`",
		"\ufeff", "export A=\"\\\"\\\\\" # c\r\n", "A=\"unclosed\nB=2\nC=\"", "#\n=\n", "A=\r", "A=b\rc",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// Time as well as correctness: the work is bounded by the size, whatever the bytes.
		if _, steps := parseCounted(string(data)); steps > maxSteps(len(data)) {
			t.Fatalf("%d bytes took %d steps, want at most %d: %q", len(data), steps, maxSteps(len(data)), data)
		}
		p := Parse(data)
		if got := p.Bytes(); string(got) != string(data) {
			t.Fatalf("Bytes() = %q, want %q", got, data)
		}
		keys := p.Keys()
		for _, k := range keys {
			if _, ok := p.Get(k); !ok {
				t.Fatalf("Keys() lists %q but Get misses it", k)
			}
		}
		if !p.rereadsSame() {
			t.Fatal("re-reading Bytes() gives a different parse")
		}
		lines := strings.Count(string(data), "\n") + 1
		for _, n := range p.Malformed() {
			if n < 1 || n > lines {
				t.Fatalf("Malformed() reports line %d of %d", n, lines)
			}
		}
	})
}

func FuzzSetKeepsOtherLines(f *testing.F) {
	seeds := []struct{ data, key, value string }{
		{"", "A", "1"},
		{realistic, "CLERK_SECRET_KEY", "sk_test_new"},
		{realistic, "DUP", "x y"},
		{realistic, "MULTI", "one\ntwo"},
		{realistic, "NEW_KEY", "it's \"complicated\" \\ #"},
		{"A=1\r\nB=2", "B", ""},
		{"A=1\r\nB=2", "C", "$x"},
		{"export A='x' # c", "A", "it's"},
		{"A=\"open\n", "B", "# x"},
		{"A=\"open\nB=\"x\"y\nC=x\"\n", "B", "w"},
		{"A=`x\nB='y\nC=\"z\n", "D", "#'\"`"},
	}
	for _, s := range seeds {
		f.Add([]byte(s.data), s.key, s.value)
	}
	f.Fuzz(func(t *testing.T, data []byte, key, value string) {
		if !ValidKey(key) {
			return // Set's contract: keys are checked by the caller
		}
		before := Parse(data)
		p := Parse(data)
		p.Set(key, value)
		out := p.Bytes()
		// Get must return the value, unless an earlier unclosed quote made
		// that impossible (then p must at least tell the truth).
		checkSet(t, before, data, out, key, value, false)
		if !p.rereadsSame() {
			t.Fatalf("File after Set differs from a re-read of its bytes:\nin  %q\nout %q", data, out)
		}
	})
}

func BenchmarkSet(b *testing.B) {
	var sb strings.Builder
	for i := range 500 {
		switch i % 5 {
		case 0:
			fmt.Fprintf(&sb, "# comment %d\n", i)
		case 1:
			fmt.Fprintf(&sb, "KEY_%d=value_%d\n", i, i)
		case 2:
			fmt.Fprintf(&sb, "export KEY_%d=\"quoted %d\" # note\n", i, i)
		case 3:
			fmt.Fprintf(&sb, "KEY_%d='single %d'\n", i, i)
		default:
			sb.WriteString("\n")
		}
	}
	data := []byte(sb.String())
	b.Run("update", func(b *testing.B) {
		f := Parse(data)
		vals := []string{"https://a.clerk.accounts.dev", "https://b.clerk.accounts.dev"}
		i := 0
		for b.Loop() {
			if !f.Set("KEY_251", vals[i%2]) {
				b.Fatal("Set did not change the file")
			}
			i++
		}
	})
	b.Run("parse+append+bytes", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			f := Parse(data)
			f.Set("CLERK_SECRET_KEY", "sk_test_0123456789abcdef")
			_ = f.Bytes()
		}
	})
}

func TestLinesAre(t *testing.T) {
	if got := LinesAre([]int{3}); got != "line 3 is" {
		t.Errorf("%q", got)
	}
	in := []int{5, 2, 3}
	if got := LinesAre(in); got != "lines 2, 3, 5 are" || in[0] != 5 {
		t.Errorf("%q (input %v must not be reordered)", got, in)
	}
}

func TestRedact(t *testing.T) {
	in := "# top\nA=1\nexport DUP=\"first\" # c\nDUP=second\nMY-KEY.x=v\n# OLD=commented\nnot an assignment\nM=\"multi\nline\"\n\n"
	got := string(Parse([]byte(in)).Redact(func(key, value string) string {
		if key == "A" {
			return value
		}
		return "<" + key + ">"
	}))
	want := "# top\nA=1\nexport DUP=<DUP> # c\nDUP=<DUP>\nMY-KEY.x=<MY-KEY.x>\n# OLD=<OLD>\n<>\nM=<M>\n\n"
	if got != want {
		t.Errorf("Redact:\n%q\nwant\n%q", got, want)
	}
}
