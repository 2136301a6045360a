package convex

import (
	"bytes"
	"errors"
	"testing"
)

// The users-sync merges only insert: on any input they either refuse with a UsersEditError
// (the source untouched) or return the source with text added, every original byte kept in
// order; a second run changes nothing.
func FuzzMergeUsersOnlyInserts(f *testing.F) {
	for _, seed := range []string{
		"import { defineSchema, defineTable } from \"convex/server\";\nexport default defineSchema({\n  a: defineTable({}),\n});\n",
		"export default defineSchema({ ...authTables })",
		"import { httpRouter } from \"convex/server\";\nconst http = httpRouter();\nexport default http;\n",
		"import {\n  query,\n} from \"./_generated/server\";\nexport const current = query({});\n",
		"const x = `${a}` / 2; // defineSchema({",
		"",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, src string) {
		for _, merge := range []func(string, []byte) ([]byte, error){MergeUsersSchema, MergeUsersModule, MergeUsersHTTP} {
			out, err := merge("convex/x.ts", []byte(src))
			var ue *UsersEditError
			if err != nil {
				if !errors.As(err, &ue) {
					t.Fatalf("error that is not a UsersEditError: %v", err)
				}
				if string(out) != src {
					t.Fatalf("source changed on refusal")
				}
				continue
			}
			if !subsequence([]byte(src), out) {
				t.Fatalf("an original byte was lost or moved:\n%q\n->\n%q", src, out)
			}
			again, err := merge("convex/x.ts", out)
			if err != nil || !bytes.Equal(again, out) {
				t.Fatalf("second run: %v, changed %v\n%q", err, !bytes.Equal(again, out), out)
			}
		}
	})
}

// subsequence reports whether every byte of a appears in b in order.
func subsequence(a, b []byte) bool {
	i := 0
	for _, c := range b {
		if i < len(a) && a[i] == c {
			i++
		}
	}
	return i == len(a)
}
