package doctor_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/clerkconvex/clerkconvex/internal/doctor"
	"github.com/clerkconvex/clerkconvex/internal/doctor/doctortest"
)

// A domain written `http://${process.env.CLERK_HOST}` is the domain that template makes: doctor
// passes the right host and fails another instance's (it once only warned and exited 0).
func TestClerkDomainFromTemplate(t *testing.T) {
	f := newFixture(t, doctortest.Options{})
	f.write("convex/auth.config.ts", strings.Replace(clerkProviderAt, "%s", "`http://${process.env.CLERK_HOST!}`", 1))
	host := strings.TrimPrefix(f.env.IssuerURL(), "http://")
	f.vars = map[string]string{"CLERK_HOST": host}
	f.envFile(map[string]string{"CLERK_JWT_ISSUER_DOMAIN": "CLERK_HOST=" + host})
	rep := f.run()
	if p := problems(rep); p != nil {
		t.Fatalf("problems %v in a healthy project\n%s", p, dump(rep))
	}
	want(t, rep, "convex.env_var", doctor.Pass, "builds from the dev deployment's CLERK_HOST is "+f.env.IssuerURL(), "")

	// Another Clerk instance's host on the deployment: convex.env_var fails, naming it, and
	// its fix sets the host, which the template turns into the issuer.
	f.vars["CLERK_HOST"] = "other-instance-42.clerk.accounts.dev"
	rep = f.run()
	if p := problems(rep); !reflect.DeepEqual(p, []string{"convex.env_var"}) {
		t.Fatalf("problems %v, want only convex.env_var\n%s", p, dump(rep))
	}
	want(t, rep, "convex.env_var", doctor.Fail, `CLERK_HOST is "http://other-instance-42.clerk.accounts.dev", but the issuer is `+f.env.IssuerURL(), "npx convex env set CLERK_HOST "+host)

	// Unset there: the fix sets the host too.
	delete(f.vars, "CLERK_HOST")
	rep = f.run()
	want(t, rep, "convex.env_var", doctor.Fail, "CLERK_HOST is not set on the Convex dev deployment", "npx convex env set CLERK_HOST "+host)

	// The env file holds another value than the (right) deployment: the fix writes the host.
	f.vars["CLERK_HOST"] = host
	f.envFile(map[string]string{"CLERK_JWT_ISSUER_DOMAIN": "CLERK_HOST=other-instance-42.clerk.accounts.dev"})
	rep = f.run()
	if p := problems(rep); !reflect.DeepEqual(p, []string{"convex.env_matches_file"}) {
		t.Fatalf("problems %v, want only convex.env_matches_file\n%s", p, dump(rep))
	}
	want(t, rep, "convex.env_matches_file", doctor.Fail, "CLERK_HOST", "set CLERK_HOST="+host+" in .env.local")
}
