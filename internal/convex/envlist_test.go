package convex

import (
	"context"
	"reflect"
	"testing"

	"github.com/clerkconvex/clerkconvex/internal/run"
)

func TestParseEnvList(t *testing.T) {
	out := "CLERK_JWT_ISSUER_DOMAIN=https://happy-cat-12.clerk.accounts.dev\n" +
		"QUOTED='\"x\"'\n" +
		"HASH='a#b'\n" +
		"MULTI='line one\nline two'\n" +
		"ESCAPED=\"it's\\nthere\"\n" +
		"EMPTY=\n" +
		"Warning (HASH): includes a '#'\n"
	want := map[string]string{
		"CLERK_JWT_ISSUER_DOMAIN": "https://happy-cat-12.clerk.accounts.dev",
		"QUOTED":                  `"x"`,
		"HASH":                    "a#b",
		"MULTI":                   "line one\nline two",
		"ESCAPED":                 "it's\nthere",
		"EMPTY":                   "",
	}
	if got := ParseEnvList(out); !reflect.DeepEqual(got, want) {
		t.Errorf("ParseEnvList = %q\nwant %q", got, want)
	}
}

func TestListEnvArgs(t *testing.T) {
	r := &fakeRunner{res: run.Result{Stdout: []byte("A=1\nB=two\n")}}
	got, err := ListEnv(context.Background(), r, "/p", Deployment{Prod: true})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, map[string]string{"A": "1", "B": "two"}) {
		t.Errorf("ListEnv = %v", got)
	}
	if want := []string{"convex", "env", "list", "--include-values", "--prod"}; len(r.calls) != 1 || !reflect.DeepEqual(r.calls[0].Args, want) || r.calls[0].Dir != "/p" {
		t.Errorf("calls = %+v, want one npx %q in /p", r.calls, want)
	}
}
