// Package textdiff renders the change a command is about to make to a file
// as a unified diff, the format `git diff` prints.
package textdiff

import (
	"strings"

	"github.com/pmezard/go-difflib/difflib"
)

// noNewline is the marker diff(1) and git print after a last line that has
// no line end.
const noNewline = "\n\\ No newline at end of file\n"

// Unified returns a unified diff from old to new with three lines of
// context, headed `--- a/name` and `+++ b/name`; "" when they are equal.
// old == nil means the file does not exist yet (`--- /dev/null`); new == nil
// means it is removed (`+++ /dev/null`). Creating or removing an empty file
// changes no line and also gives "".
func Unified(name string, old, new []byte) string {
	if old != nil && new != nil && string(old) == string(new) {
		return ""
	}
	if old == nil && new == nil {
		return ""
	}
	from, to := "a/"+name, "b/"+name
	if old == nil {
		from = "/dev/null"
	}
	if new == nil {
		to = "/dev/null"
	}
	diff, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A:        splitLines(old),
		B:        splitLines(new),
		FromFile: from,
		ToFile:   to,
		Context:  3,
	})
	if err != nil {
		// difflib writes to a bytes.Buffer, which cannot fail.
		panic("textdiff: " + err.Error())
	}
	return diff
}

// splitLines splits b into lines that each end in "\n"; a last line without
// one gets the "No newline at end of file" marker, so that adding or
// removing a final newline shows as a change of that line.
func splitLines(b []byte) []string {
	if len(b) == 0 {
		return nil
	}
	lines := strings.SplitAfter(string(b), "\n")
	if last := lines[len(lines)-1]; last == "" {
		lines = lines[:len(lines)-1]
	} else {
		lines[len(lines)-1] = last + noNewline
	}
	return lines
}
