package dotenv

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// hostileShapes are files that made the parser quadratic, or could: a quote opened at the top
// and never closed, many lines each opening a quote, quotes of every kind, escapes at line ends.
func hostileShapes(lines int) map[string]string {
	body := func(line func(i int) string) string {
		var b strings.Builder
		for i := range lines {
			b.WriteString(line(i))
			b.WriteByte('\n')
		}
		return b.String()
	}
	return map[string]string{
		"unclosed quote at the top":              "A=\"open\n" + body(func(i int) string { return fmt.Sprintf("KEY_%d=value_%d", i, i) }),
		"unclosed single quote at the top, CRLF": "A='open\r\n" + strings.ReplaceAll(body(func(i int) string { return fmt.Sprintf("KEY_%d=v", i) }), "\n", "\r\n"),
		"every line opens a quote":               body(func(i int) string { return fmt.Sprintf("K%d=\"x", i) }),
		"every line opens one of three":          body(func(i int) string { return fmt.Sprintf("K%d=%cx", i, "\"'`"[i%3]) }),
		"quotes closed with text after them":     body(func(i int) string { return fmt.Sprintf("K%d=\"x\"y", i) }),
		"backslash at every line end":            "A=\"\\\n" + body(func(i int) string { return fmt.Sprintf("K%d=x\\", i) }),
		"long multi-line value":                  "A=\"" + body(func(i int) string { return "line" }) + "\"\n",
	}
}

// TestParseIsLinear holds the parse to work proportional to the file: the parser counts the
// bytes it examines, and no file may cost more than a few passes. (A work count, not a clock:
// the unclosed quote at the top of a 20,000-line file used to take minutes.)
func TestParseIsLinear(t *testing.T) {
	for name, data := range hostileShapes(20000) {
		t.Run(name, func(t *testing.T) {
			if _, steps := parseCounted(data); steps > maxSteps(len(data)) {
				t.Errorf("%d bytes took %d steps, want at most %d", len(data), steps, maxSteps(len(data)))
			}
		})
	}
}

// maxSteps is the work a parse of n bytes may do (see parser).
func maxSteps(n int) int { return 6*n + 16 }

// TestParseAllocatesLinearly holds Parse, through its public API, to memory proportional to
// the file: the quadratic parser copied the growing value once per line it looked at.
func TestParseAllocatesLinearly(t *testing.T) {
	for name, data := range hostileShapes(20000) {
		t.Run(name, func(t *testing.T) {
			b := []byte(data)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			f := Parse(b)
			runtime.ReadMemStats(&after)
			if got := f.Bytes(); string(got) != data {
				t.Fatal("Bytes() differs from the input")
			}
			alloc := after.TotalAlloc - before.TotalAlloc
			if limit := uint64(40*len(data)) + 1<<20; alloc > limit {
				t.Errorf("parsing %d bytes allocated %d bytes, want at most %d", len(data), alloc, limit)
			}
		})
	}
}

func BenchmarkParseHostile(b *testing.B) {
	for name, data := range hostileShapes(20000) {
		b.Run(strings.ReplaceAll(name, " ", "_"), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				_ = Parse([]byte(data))
			}
		})
	}
}
