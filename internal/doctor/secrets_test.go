package doctor_test

import (
	"strings"
	"testing"

	"github.com/clerkconvex/clerkconvex/internal/doctor"
	"github.com/clerkconvex/clerkconvex/internal/doctor/doctortest"
)

const plantedSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

// noneShows fails when a check's message or fix holds one of the secrets.
func noneShows(t *testing.T, rep *doctor.Report, secrets ...string) {
	t.Helper()
	for _, c := range rep.Checks {
		for _, s := range secrets {
			if strings.Contains(c.Message+c.Fix, s) {
				t.Errorf("%s prints the secret %s…: %s [fix: %s]", c.ID, s[:6], c.Message, c.Fix)
			}
		}
	}
}

// issue 8 item 6: a deployment or env file value is printed only when it is certainly public;
// a webhook secret (or anything else) where the issuer belongs is masked.
func TestSecretValuesAreMasked(t *testing.T) {
	for _, tc := range []struct {
		name, value, masked string
	}{
		{"webhook secret", plantedSecret, "whsec_…LaSw"},
		{"Clerk secret key", doctortest.OtherSecretKey, "sk_test_…2222"},
		{"opaque token", "tok3n-9f8e7d6c5b4a39281706", "…1706"},
		{"URL with a password", "https://admin:hunter2hunter2@clerk.example.com", "https://…@clerk.example.com"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, doctortest.Options{})
			f.vars["CLERK_JWT_ISSUER_DOMAIN"] = tc.value
			rep := f.run()
			want(t, rep, "convex.env_var", doctor.Fail, "the dev deployment's CLERK_JWT_ISSUER_DOMAIN is "+tc.masked, "npx convex env set CLERK_JWT_ISSUER_DOMAIN http://127.0.0.1:")
			noneShows(t, rep, tc.value, "hunter2")

			// The same value in the env file, the deployment right.
			f.vars["CLERK_JWT_ISSUER_DOMAIN"] = f.env.IssuerURL()
			f.envFile(map[string]string{"CLERK_JWT_ISSUER_DOMAIN": "CLERK_JWT_ISSUER_DOMAIN=" + tc.value})
			rep = f.run()
			want(t, rep, "convex.env_matches_file", doctor.Fail, "CLERK_JWT_ISSUER_DOMAIN is "+tc.masked+" in .env.local", "")
			noneShows(t, rep, tc.value, "hunter2")
		})
	}
}

// A provider whose domain reads a secret variable fails (Convex would send the secret in the
// URL it fetches), and its value is never read into a message.
func TestProviderReadingASecretFails(t *testing.T) {
	for _, name := range []string{"CLERK_SECRET_KEY", "CLERK_WEBHOOK_SECRET", "CONVEX_DEPLOY_KEY", "AUTH_PRIVATE_KEY", "CLERK_API_TOKEN"} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, doctortest.Options{})
			f.write("convex/auth.config.ts", strings.Replace(clerkProviderAt, "%s", "process.env."+name, 1))
			f.vars[name] = plantedSecret
			rep := f.run()
			want(t, rep, "authconfig.provider", doctor.Fail,
				"convex/auth.config.ts:3 process.env."+name+": a provider's domain reads a secret",
				"domain: process.env.CLERK_JWT_ISSUER_DOMAIN")
			noneShows(t, rep, plantedSecret)
		})
	}
	// A publishable key is no secret (another check judges it).
	f := newFixture(t, doctortest.Options{})
	f.write("convex/auth.config.ts", strings.Replace(clerkProviderAt, "%s", "process.env.CLERK_PUBLISHABLE_KEY", 1))
	if r := find(f.run(), "authconfig.provider"); strings.Contains(r.Message, "reads a secret") {
		t.Errorf("a publishable key judged a secret: %s", r.Message)
	}
}

// The command doctor offers to set a variable auth.config reads carries the env file's value
// only when it is certainly public; anything else is <value>.
func TestSetCommandShowsOnlyPublicValues(t *testing.T) {
	f := newFixture(t, doctortest.Options{})
	f.write("convex/auth.config.ts", `console.log(process.env.SITE_URL, process.env.SESSION_SALT, process.env.APP_ENV);
export default {
  providers: [{ domain: process.env.CLERK_JWT_ISSUER_DOMAIN, applicationID: "convex" }],
};
`)
	f.envFile(map[string]string{"CLERK_JWT_ISSUER_DOMAIN": "CLERK_JWT_ISSUER_DOMAIN=" + f.env.IssuerURL() +
		"\nSITE_URL=https://app.example.com\nSESSION_SALT=9f8e7d6c5b4a3928\nAPP_ENV=staging"})
	rep := f.run()
	want(t, rep, "convex.auth_env", doctor.Fail, "SITE_URL",
		"npx convex env set SITE_URL https://app.example.com && npx convex env set SESSION_SALT <value> && npx convex env set APP_ENV <value>")
	noneShows(t, rep, "9f8e7d6c5b4a3928")
}
