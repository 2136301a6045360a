package convex

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var updateUsers = flag.Bool("update", false, "rewrite the golden files of testdata/users and test/users/convex")

var usersFiles = []struct {
	name  string
	fresh func() ([]byte, error)
	merge func(string, []byte) ([]byte, error)
}{
	{"schema.ts", NewUsersSchema, MergeUsersSchema},
	{"users.ts", NewUsersModule, MergeUsersModule},
	{"http.ts", NewUsersHTTP, MergeUsersHTTP},
}

// usersSync is what users init does to one file: create it, or merge into it.
func usersSync(t *testing.T, name string, before []byte, exists bool) []byte {
	t.Helper()
	for _, f := range usersFiles {
		if f.name != name {
			continue
		}
		if !exists {
			out, err := f.fresh()
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		out, err := f.merge("convex/"+name, before)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return out
	}
	t.Fatalf("no file %s", name)
	return nil
}

// TestUsersGolden runs the three files of each testdata/users/<case>/before through
// users init's create-or-merge and compares with <case>/after; a second run must change
// nothing. The "merge" case's output is also test/users/convex, which test/users runs under
// convex-test and vitest (so the Go output and what the Node suite proves are the same bytes).
func TestUsersGolden(t *testing.T) {
	cases, err := filepath.Glob(filepath.Join("testdata", "users", "*"))
	if err != nil || len(cases) < 2 {
		t.Fatalf("want at least 2 cases in testdata/users, got %v (%v)", cases, err)
	}
	for _, dir := range cases {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			for _, f := range usersFiles {
				before, err := os.ReadFile(filepath.Join(dir, "before", f.name))
				exists := err == nil
				got := usersSync(t, f.name, before, exists)
				again := usersSync(t, f.name, got, true)
				if !bytes.Equal(again, got) {
					t.Errorf("%s: a second run changed the file:\n%s", f.name, again)
				}
				golden := []string{filepath.Join(dir, "after", f.name)}
				if filepath.Base(dir) == "merge" {
					golden = append(golden, filepath.Join("..", "..", "test", "users", "convex", f.name))
				}
				for _, path := range golden {
					if *updateUsers {
						if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
							t.Fatal(err)
						}
						if err := os.WriteFile(path, got, 0o644); err != nil {
							t.Fatal(err)
						}
					}
					want, err := os.ReadFile(path)
					if err != nil {
						t.Fatalf("%v (run go test ./internal/convex -run TestUsersGolden -update)", err)
					}
					if !bytes.Equal(got, want) {
						t.Errorf("%s differs from %s (run with -update if the change is intended):\n%s", f.name, path, got)
					}
				}
				if exists {
					keptInOrder(t, f.name, before, got)
				}
			}
		})
	}
}

func TestMergeUsersSchemaShapes(t *testing.T) {
	header := "import { defineSchema, defineTable } from \"convex/server\";\nimport { v } from \"convex/values\";\n\n"
	cases := []struct {
		name, src string
		want      []string // substrings of the output, or of the error when wantErr
		wantErr   bool
	}{
		{"same shape, other spelling", header + "export default defineSchema({\n  users: defineTable({ externalId: v.string(), name: v.string(), email: v.optional(v.string()) })\n    .index('byExternalId', ['externalId']),\n});\n", nil, false},
		{"required extra field", header + "export default defineSchema({\n  users: defineTable({ name: v.string(), externalId: v.string(), email: v.string() }).index(\"byExternalId\", [\"externalId\"]),\n});\n",
			[]string{"line 5", "its field email is required (v.string())"}, true},
		{"other index and type", header + "export default defineSchema({\n  \"users\": defineTable({ name: v.string(), externalId: v.id(\"accounts\") }).index(\"by_clerk\", [\"externalId\"]),\n});\n",
			[]string{"its externalId is v.id(\"accounts\"), not v.string()", "no index(\"byExternalId\""}, true},
		{"not an object", "import schema from \"./tables\";\nexport default defineSchema(schema);\n", []string{"something other than an object literal"}, true},
		{"tabs and no trailing comma", "import { defineSchema } from \"convex/server\";\nexport default defineSchema({\n\tposts: postsTable\n});\n",
			[]string{"\tposts: postsTable,\n\t// Clerk", "\tusers: defineTable({\n\t\tname: v.string(),", "import { defineSchema, defineTable } from \"convex/server\";\nimport { v } from \"convex/values\";\n"}, false},
		{"one line, empty", "import { defineSchema, defineTable } from 'convex/server'\nexport default defineSchema({})\n",
			[]string{"defineSchema({\n  // Clerk", "]),\n})\n", "from 'convex/server'\nimport { v } from \"convex/values\";\n"}, false},
		{"Convex Auth's tables", "import { authTables } from \"@convex-dev/auth/server\";\nexport default defineSchema({\n  ...authTables,\n  messages: defineTable({}),\n});\n",
			[]string{"spreads authTables (line 3)"}, true},
		{"v from elsewhere", "import { defineSchema, defineTable } from \"convex/server\";\nimport { v } from \"./validators\";\nexport default defineSchema({});\n",
			[]string{"imports v from \"./validators\""}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := MergeUsersSchema("convex/schema.ts", []byte(tc.src))
			var ue *UsersEditError
			if tc.wantErr {
				if !errors.As(err, &ue) {
					t.Fatalf("want a UsersEditError, got %v", err)
				}
				for _, w := range tc.want {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q lacks %q", err, w)
					}
				}
				if string(out) != tc.src {
					t.Error("the source changed on error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.want == nil && string(out) != tc.src {
				t.Errorf("a users table of the same shape was changed:\n%s", out)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if again, err := MergeUsersSchema("convex/schema.ts", out); err != nil || !bytes.Equal(again, out) {
				t.Errorf("second run: err %v, changed %v", err, !bytes.Equal(again, out))
			}
		})
	}
}

func TestMergeUsersModuleAndHTTPRefusals(t *testing.T) {
	cases := []struct {
		name  string
		merge func(string, []byte) ([]byte, error)
		src   string
		want  string
	}{
		{"users: private current", MergeUsersModule, "import { query } from \"./_generated/server\";\nconst current = query({ args: {}, handler: async () => null });\n", "declares current but does not export it"},
		{"users: query from a wrapper", MergeUsersModule, "import { query } from \"./lib/functions\";\n", "imports query from \"./lib/functions\""},
		{"http: no router", MergeUsersHTTP, "export default {};\n", "has no `const http = httpRouter()`"},
		{"http: router not exported", MergeUsersHTTP, "import { httpRouter } from \"convex/server\";\nconst router = httpRouter();\nexport { router };\n", "does not `export default router`"},
		{"http: unbalanced", MergeUsersHTTP, "const http = httpRouter(;\n", "could not be read"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := tc.merge("convex/x.ts", []byte(tc.src))
			var ue *UsersEditError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want a UsersEditError with %q, got %v", tc.want, err)
			}
			if string(out) != tc.src {
				t.Error("the source changed on error")
			}
		})
	}
}

func TestMergeUsersModulePartial(t *testing.T) {
	src := "import {\n  query,\n  type QueryCtx\n} from \"./_generated/server\";\n\nexport const current = query({ args: {}, handler: async () => null });\n\nexport async function getCurrentUser(ctx: QueryCtx) {\n  return null;\n}"
	out, err := MergeUsersModule("convex/users.ts", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	got := string(out)
	for _, w := range []string{
		"  type QueryCtx,\n  internalMutation\n} from", // added into the multi-line import
		"import { v } from \"convex/values\";",
		"export const upsertFromClerk", "export const deleteFromClerk", "export async function getCurrentUserOrThrow",
		"async function userByExternalId", "interface ClerkUser", "function clerkUserName",
		"  return null;\n}\n\n// Called by the Clerk webhook",
	} {
		if !strings.Contains(got, w) {
			t.Errorf("output lacks %q:\n%s", w, got)
		}
	}
	if strings.Count(got, "export const current") != 1 || strings.Count(got, "function getCurrentUser(") != 1 {
		t.Errorf("an existing export was added again:\n%s", got)
	}
}

// keptInOrder checks that every line of before except import lines (which may gain names) is
// in after, in the same order (commas aside: a comma is added after the last table).
func keptInOrder(t *testing.T, name string, before, after []byte) {
	t.Helper()
	rest := strings.ReplaceAll(string(after), ",", "")
	for _, line := range strings.Split(strings.ReplaceAll(string(before), ",", ""), "\n") {
		if strings.HasPrefix(line, "import ") || line == "" {
			continue
		}
		i := strings.Index(rest, line+"\n")
		if i < 0 {
			t.Errorf("%s: the line %q was lost or moved", name, line)
			return
		}
		rest = rest[i+len(line):]
	}
}

func TestVerifyResultUse(t *testing.T) {
	cases := []struct {
		src  string
		line int
	}{
		{"const wh = new Webhook(secret);\nlet evt: WebhookEvent;\ntry {\n  evt = wh.verify(payload, headers) as WebhookEvent;\n} catch {}\n", 4},
		{"async function v(req: Request) {\n  return new Webhook(s).verify(await req.text(), h);\n}\n", 2},
		{"const event = await new Webhook(s).verify(body, svixHeaders);\n", 1},
		{"handle(wh.verify(body, headers));\n", 1},
		{"// const evt = wh.verify(body)\nnew Webhook(secret).verify(payload, headers);\nconst event = JSON.parse(payload);\n", 0},
		{"try {\n  wh.verify(payload, headers);\n} catch (e) {\n  return null;\n}\n", 0},
	}
	for _, c := range cases {
		line, ok := VerifyResultUse([]byte(c.src))
		if ok != (c.line > 0) || line != c.line {
			t.Errorf("VerifyResultUse(%q) = %d, %v; want line %d", c.src, line, ok, c.line)
		}
	}
	// The route users init writes calls verify and parses the body itself.
	fresh, err := NewUsersHTTP()
	if err != nil {
		t.Fatal(err)
	}
	if line, ok := VerifyResultUse(fresh); ok {
		t.Errorf("the generated http.ts uses verify's result (line %d)", line)
	}
}
