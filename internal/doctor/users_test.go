package doctor_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clerkconvex/clerkconvex/internal/doctor"
	"github.com/clerkconvex/clerkconvex/internal/doctor/doctortest"
)

const (
	webhookSecret = "whsec_Q0FOQVJZZG9jdG9ydXNlcnNzZWNyZXQxMjM0"
	otherSecret   = "whsec_Q0FOQVJZb3RoZXJ3ZWJob29rc2VjcmV0NTY3OA=="
)

// withUsers makes the fixture a project after clerkconvex users init: the files it writes
// (test/users/convex, the bytes Go's golden test checks), svix declared and installed, and the
// secret on the deployment.
func withUsers(t *testing.T, f *fixture) {
	t.Helper()
	for _, name := range []string{"schema.ts", "users.ts", "http.ts"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "test", "users", "convex", name))
		if err != nil {
			t.Fatal(err)
		}
		f.write("convex/"+name, string(b))
	}
	f.write("package.json", strings.Replace(doctortest.Project["package.json"], `"react": "^19.0.0"`, `"react": "^19.0.0", "svix": "^2.5.0"`, 1))
	f.write("node_modules/svix/package.json", `{"name":"svix","version":"2.5.0"}`)
	f.vars["CLERK_WEBHOOK_SECRET"] = webhookSecret
}

func usersResults(rep *doctor.Report) map[string]doctor.Result {
	out := map[string]doctor.Result{}
	for _, c := range rep.Checks {
		if c.Section == doctor.SectionUsers {
			out[c.ID] = c
		}
	}
	return out
}

func TestUsersChecksOnlyWithUserSync(t *testing.T) {
	f := newFixture(t, doctortest.Options{})
	if got := usersResults(f.run()); len(got) != 0 {
		t.Fatalf("a project without user sync got users checks: %v", got)
	}
}

func TestUsersChecksHealthy(t *testing.T) {
	f := newFixture(t, doctortest.Options{})
	withUsers(t, f)
	rep := f.run()
	got := usersResults(rep)
	for _, id := range []string{"users.route", "users.svix_dependency", "users.svix_verify", "users.webhook_secret", "users.env_secret"} {
		if got[id].Status != doctor.Pass {
			t.Errorf("%s: %s %s\n%s", id, got[id].Status, got[id].Message, dump(rep))
		}
	}
	if !rep.OK() {
		t.Errorf("not OK:\n%s", dump(rep))
	}
	if strings.Contains(dump(rep), webhookSecret[6:30]) {
		t.Errorf("the secret is in the report:\n%s", dump(rep))
	}
}

// Each link broken in a real way fails (or warns) its check, with a fix, and never shows the
// secret.
func TestUsersChecksBroken(t *testing.T) {
	cases := []struct {
		name, id string
		mutate   func(f *fixture)
		status   doctor.Status
		message  string
		fix      string
	}{
		{"route missing", "users.route", func(f *fixture) {
			f.write("convex/http.ts", "import { httpRouter } from \"convex/server\";\nconst http = httpRouter();\nexport default http;\n")
		}, doctor.Fail, "convex/users.ts has upsertFromClerk, but convex/http.ts does not route POST /clerk-users-webhook", "clerkconvex users init"},
		{"http.ts missing", "users.route", func(f *fixture) { os.Remove(filepath.Join(f.dir, "convex", "http.ts")) },
			doctor.Fail, "there is no convex/http.ts", "clerkconvex users init"},
		{"users.ts missing", "users.route", func(f *fixture) { os.Remove(filepath.Join(f.dir, "convex", "users.ts")) },
			doctor.Fail, "convex/http.ts routes /clerk-users-webhook, but convex/users.ts (missing) has no upsertFromClerk", "clerkconvex users init"},
		{"svix not declared", "users.svix_dependency", func(f *fixture) { f.write("package.json", doctortest.Project["package.json"]) },
			doctor.Fail, "svix is not a dependency of vite-app", "npm install svix"},
		{"svix not installed", "users.svix_dependency", func(f *fixture) { os.RemoveAll(filepath.Join(f.dir, "node_modules", "svix")) },
			doctor.Warn, "not installed", "npm install"},
		{"guide handler under svix 2", "users.svix_verify", func(f *fixture) { f.write("convex/http.ts", guideHTTP) },
			doctor.Fail, "convex/http.ts:11 uses Webhook.verify's return value, but svix 2.5.0 (installed) returns nothing from verify", "JSON.parse(payload)"},
		{"guide handler under svix 1", "users.svix_verify", func(f *fixture) {
			f.write("convex/http.ts", guideHTTP)
			f.write("node_modules/svix/package.json", `{"name":"svix","version":"1.99.1"}`)
		}, doctor.Warn, "fine with svix 1.99.1, but svix 2.x returns nothing there", "JSON.parse(payload)"},
		{"secret unset", "users.webhook_secret", func(f *fixture) { delete(f.vars, "CLERK_WEBHOOK_SECRET") },
			doctor.Fail, "CLERK_WEBHOOK_SECRET is not set on the Convex dev deployment", "clerkconvex users init"},
		{"secret malformed", "users.webhook_secret", func(f *fixture) { f.vars["CLERK_WEBHOOK_SECRET"] = "Q0FOQVJZZG9jdG9ydXNlcnNzZWNyZXQxMjM0" },
			doctor.Fail, "must start with whsec_", "Signing Secret"},
		{"env file holds another", "users.env_secret", func(f *fixture) {
			f.write(".env.local", f.env.EnvFile()+"CLERK_WEBHOOK_SECRET="+otherSecret+"\n")
		}, doctor.Fail, ".env.local's CLERK_WEBHOOK_SECRET (whsec_…OA==) is not the dev deployment's (whsec_…MjM0)", "remove the other one from .env.local"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, doctortest.Options{})
			withUsers(t, f)
			c.mutate(f)
			rep := f.run()
			r := find(rep, c.id)
			if r.Status != c.status || !strings.Contains(r.Message, c.message) || !strings.Contains(r.Fix, c.fix) {
				t.Errorf("%s = %s %q [fix %q]; want %s with %q, fix with %q\n%s", c.id, r.Status, r.Message, r.Fix, c.status, c.message, c.fix, dump(rep))
			}
			for _, s := range []string{webhookSecret[6:30], otherSecret[6:30], "Q0FOQVJZZG9jdG9y"} {
				if strings.Contains(dump(rep), s) {
					t.Errorf("a secret is in the report:\n%s", dump(rep))
				}
			}
		})
	}
}

// guideHTTP is the shape of the webhook handler in the public guides: it relies on what
// Webhook.verify returns.
const guideHTTP = `import { httpRouter } from "convex/server";
import { httpAction } from "./_generated/server";
import { internal } from "./_generated/api";
import { Webhook } from "svix";

const http = httpRouter();

async function validateRequest(req: Request) {
  const payload = await req.text();
  try {
    return new Webhook(process.env.CLERK_WEBHOOK_SECRET!).verify(payload, {
      "svix-id": req.headers.get("svix-id")!,
      "svix-timestamp": req.headers.get("svix-timestamp")!,
      "svix-signature": req.headers.get("svix-signature")!,
    }) as { type: string; data: any };
  } catch {
    return null;
  }
}

http.route({
  path: "/clerk-users-webhook",
  method: "POST",
  handler: httpAction(async (ctx, request) => {
    const event = await validateRequest(request);
    if (!event) return new Response("bad", { status: 400 });
    await ctx.runMutation(internal.users.upsertFromClerk, { data: event.data });
    return new Response(null, { status: 200 });
  }),
});

export default http;
`
