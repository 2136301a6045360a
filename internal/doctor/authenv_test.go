package doctor_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/clerkconvex/clerkconvex/internal/doctor"
	"github.com/clerkconvex/clerkconvex/internal/doctor/doctortest"
)

// problems lists the checks that failed or warned.
func problems(rep *doctor.Report) []string {
	var out []string
	for _, r := range rep.Checks {
		if r.Status == doctor.Fail || r.Status == doctor.Warn {
			out = append(out, r.ID)
		}
	}
	return out
}

// want asserts the one check's status and that its message and fix hold the given texts.
func want(t *testing.T, rep *doctor.Report, id string, st doctor.Status, message, fix string) {
	t.Helper()
	r := find(rep, id)
	if r.Status != st || !strings.Contains(r.Message, message) || !strings.Contains(r.Fix, fix) {
		t.Errorf("%s = %s %q (fix %q); want %s, message with %q, fix with %q\n%s", id, r.Status, r.Message, r.Fix, st, message, fix, dump(rep))
	}
}

const clerkProviderAt = "export default {\n  providers: [\n    {\n      domain: %s,\n      applicationID: \"convex\",\n    },\n  ],\n};\n"

// A starter reads the issuer under its framework's public name: that provider is the Clerk
// provider, and doctor judges that variable, not CLERK_JWT_ISSUER_DOMAIN.
func TestClerkProviderUnderAnotherName(t *testing.T) {
	for _, name := range []string{"EXPO_PUBLIC_CLERK_FRONTEND_API_URL", "NEXT_PUBLIC_CLERK_FRONTEND_API_URL", "CLERK_FRONTEND_API_URL"} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, doctortest.Options{})
			f.write("convex/auth.config.js", strings.Replace(clerkProviderAt, "%s", "process.env."+name, 1))
			f.remove("convex/auth.config.ts")
			f.vars = map[string]string{name: f.env.IssuerURL()}
			f.envFile(map[string]string{"CLERK_JWT_ISSUER_DOMAIN": name + "=" + f.env.IssuerURL()})
			rep := f.run()
			if p := problems(rep); p != nil {
				t.Fatalf("problems %v in a healthy project\n%s", p, dump(rep))
			}
			want(t, rep, "authconfig.provider", doctor.Pass, "domain process.env."+name, "")
			want(t, rep, "convex.env_var", doctor.Pass, "the dev deployment's "+name+" is ", "")

			// Unset it on the deployment: convex.env_var names it, with the command.
			delete(f.vars, name)
			rep = f.run()
			if p := problems(rep); !reflect.DeepEqual(p, []string{"convex.env_var"}) {
				t.Fatalf("problems %v, want only convex.env_var\n%s", p, dump(rep))
			}
			want(t, rep, "convex.env_var", doctor.Fail, name+" is not set on the Convex dev deployment", "npx convex env set "+name+" http://127.0.0.1:")
		})
	}
}

// process.env.A ?? process.env.B: the domain is the first one set; every one of them must be
// set, because Convex evaluates the file at every push.
func TestFallbackVariables(t *testing.T) {
	const a, b = "CLERK_FRONTEND_API_URL", "CLERK_JWT_ISSUER_DOMAIN"
	setup := func(t *testing.T, vars ...string) *fixture {
		f := newFixture(t, doctortest.Options{})
		f.write("convex/auth.config.ts", strings.Replace(clerkProviderAt, "%s", "process.env."+a+" ?? process.env."+b+"!", 1))
		f.vars = map[string]string{}
		for _, v := range vars {
			f.vars[v] = f.env.IssuerURL()
		}
		// The env file holds both, as the app's local copy.
		f.envFile(map[string]string{b: b + "=" + f.env.IssuerURL() + "\n" + a + "=" + f.env.IssuerURL()})
		return f
	}
	t.Run("first set, fallback unset", func(t *testing.T) {
		f := setup(t, a)
		rep := f.run()
		want(t, rep, "convex.env_var", doctor.Pass, "the dev deployment's "+a+" is ", "")
		want(t, rep, "convex.auth_env", doctor.Fail, "convex/auth.config.ts reads "+b+" (convex/auth.config.ts:4), not set on the Convex dev deployment", "npx convex env set "+b+" http://127.0.0.1:")
		if p := problems(rep); !reflect.DeepEqual(p, []string{"convex.auth_env"}) {
			t.Errorf("problems %v, want only convex.auth_env", p)
		}
	})
	t.Run("fallback set only", func(t *testing.T) {
		f := setup(t, b)
		rep := f.run()
		want(t, rep, "convex.env_var", doctor.Pass, "the dev deployment's "+b+" is ", "")
		want(t, rep, "convex.auth_env", doctor.Fail, "reads "+a+" (convex/auth.config.ts:4)", "npx convex env set "+a+" http://127.0.0.1:")
		// The env file's value of the variable in use is compared.
		want(t, rep, "convex.env_matches_file", doctor.Pass, b+" in .env.local matches", "")
	})
	t.Run("neither set", func(t *testing.T) {
		f := setup(t)
		rep := f.run()
		want(t, rep, "convex.env_var", doctor.Fail, a+" (nor "+b+") is not set on the Convex dev deployment", "npx convex env set "+a+" http://127.0.0.1:")
		// a is convex.env_var's: not named twice.
		want(t, rep, "convex.auth_env", doctor.Fail, "reads "+b+" (convex/auth.config.ts:4), not set", "")
		if r := find(rep, "convex.auth_env"); strings.Contains(r.Message, a) {
			t.Errorf("convex.auth_env names %s again: %q", a, r.Message)
		}
	})
	t.Run("fallback on another instance", func(t *testing.T) {
		f := setup(t, a)
		f.vars[b] = "https://fond-owl-31.clerk.accounts.dev"
		rep := f.run()
		want(t, rep, "convex.auth_env", doctor.Fail, "the Clerk provider's "+b+" (process.env."+a+" ?? process.env."+b+") is https://fond-owl-31.clerk.accounts.dev on the dev deployment, not the issuer", "npx convex env set "+b+" http://127.0.0.1:")
		if p := problems(rep); !reflect.DeepEqual(p, []string{"convex.auth_env"}) {
			t.Errorf("problems %v, want only convex.auth_env", p)
		}
	})
	t.Run("both set", func(t *testing.T) {
		f := setup(t, a, b)
		if p := problems(f.run()); p != nil {
			t.Errorf("problems %v", p)
		}
	})
}

// Every variable, wherever auth.config reads it: a stray console.log, another provider, a
// template literal. A value known from the env file goes into the command; a secret never.
func TestAuthEnvEveryVariable(t *testing.T) {
	f := newFixture(t, doctortest.Options{})
	f.write("convex/auth.config.ts", `import type { AuthConfig } from "convex/server";

console.log("providers for", process.env.APP_ENV, process.env.CLERK_SECRET_KEY?.length);

export default {
  providers: [
    {
      domain: process.env.CLERK_JWT_ISSUER_DOMAIN!,
      applicationID: "convex",
    },
    {
      type: "customJwt",
      issuer: `+"`https://${process.env.AUTH0_TENANT}.us.auth0.com/`"+`,
      jwks: "https://example.us.auth0.com/.well-known/jwks.json",
      algorithm: "RS256",
      applicationID: "api",
    },
  ],
} satisfies AuthConfig;
`)
	f.envFile(map[string]string{"CLERK_JWT_ISSUER_DOMAIN": "CLERK_JWT_ISSUER_DOMAIN=" + f.env.IssuerURL() + "\nAPP_ENV=staging"})
	rep := f.run()
	want(t, rep, "convex.auth_env", doctor.Fail,
		"convex/auth.config.ts reads APP_ENV (convex/auth.config.ts:3), CLERK_SECRET_KEY (convex/auth.config.ts:3) and AUTH0_TENANT (convex/auth.config.ts:13), not set on the Convex dev deployment",
		"npx convex env set APP_ENV <value> && npx convex env set CLERK_SECRET_KEY <value> && npx convex env set AUTH0_TENANT <value>")
	if p := problems(rep); !reflect.DeepEqual(p, []string{"convex.auth_env"}) {
		t.Errorf("problems %v, want only convex.auth_env\n%s", p, dump(rep))
	}
	for _, v := range []string{"APP_ENV", "CLERK_SECRET_KEY", "AUTH0_TENANT"} {
		f.vars[v] = "x"
	}
	rep = f.run()
	want(t, rep, "convex.auth_env", doctor.Pass, "APP_ENV, CLERK_SECRET_KEY, CLERK_JWT_ISSUER_DOMAIN and AUTH0_TENANT are set on the dev deployment", "")
	if f.calls.Load() != 2 {
		t.Errorf("npx convex env list ran %d times in two runs, want once each", f.calls.Load())
	}
}

// Another provider's variable holds another Clerk instance's issuer on the deployment.
func TestAuthEnvOtherInstanceOnTheDeployment(t *testing.T) {
	f := newFixture(t, doctortest.Options{})
	f.write("convex/auth.config.ts", strings.Replace(doctortest.Project["convex/auth.config.ts"], "  providers: [\n",
		"  providers: [\n    { domain: process.env.LEGACY_ISSUER!, applicationID: \"convex\" },\n", 1))
	f.vars["LEGACY_ISSUER"] = "https://fond-owl-31.clerk.accounts.dev"
	rep := f.run()
	want(t, rep, "convex.auth_env", doctor.Fail,
		"convex/auth.config.ts:5 reads process.env.LEGACY_ISSUER, which is https://fond-owl-31.clerk.accounts.dev on the dev deployment: another Clerk instance", "remove that provider")
	// The same value in the env file: authconfig.other_instance says so offline too.
	f.envFile(map[string]string{"CLERK_JWT_ISSUER_DOMAIN": "CLERK_JWT_ISSUER_DOMAIN=" + f.env.IssuerURL() + "\nLEGACY_ISSUER=https://fond-owl-31.clerk.accounts.dev"})
	f.in.Offline = true
	rep = f.run()
	want(t, rep, "authconfig.other_instance", doctor.Fail, "convex/auth.config.ts:5 process.env.LEGACY_ISSUER, which is https://fond-owl-31.clerk.accounts.dev in .env.local", "")
}

// A hard-coded publishable key: another instance's passed to ClerkProvider fails (file:line, host); the project's own
// passes; a placeholder is no key.
func TestPublishableKeyLiterals(t *testing.T) {
	f := newFixture(t, doctortest.Options{})
	main := strings.Replace(doctortest.MainTSX, "publishableKey={import.meta.env.VITE_CLERK_PUBLISHABLE_KEY}", `publishableKey="`+f.env.PublishableKey()+`"`, 1)
	f.write("src/main.tsx", main)
	f.write("src/placeholder.ts", "// pk_test_"+"Y2xlcmsub3RoZXIuZGV2JA\nexport const example = \"pk_test_xxxxxxxxxxxx\";\n")
	rep := f.run()
	want(t, rep, "client.publishable_key", doctor.Pass, "the publishable key written at src/main.tsx:13 is this project's", "")
	f.write("src/main.tsx", strings.Replace(doctortest.MainTSX, "publishableKey={import.meta.env.VITE_CLERK_PUBLISHABLE_KEY}", `publishableKey="`+f.env.OtherPublishableKey()+`"`, 1))
	rep = f.run()
	// Passed to ClerkProvider, that key is the one the app signs in with: a failure.
	want(t, rep, "client.publishable_key", doctor.Fail, "src/main.tsx:13 (127.0.0.1:", "pass the key from VITE_CLERK_PUBLISHABLE_KEY instead")
	if p := problems(rep); !reflect.DeepEqual(p, []string{"client.publishable_key"}) {
		t.Errorf("problems %v, want only client.publishable_key\n%s", p, dump(rep))
	}
}

// A Next.js app wired with another framework's Clerk package: the hint names every import
// that has to move, not only useAuth's.
func TestWrongPackageHintNamesEveryImport(t *testing.T) {
	f := newFixture(t, doctortest.Options{})
	f.write("package.json", `{"name":"next-app","dependencies":{"next":"15.0.0","convex":"^1.48.0","@clerk/nextjs":"^6.0.0","@clerk/clerk-react":"^5.0.0","react":"^19.0.0"}}`)
	f.envFile(map[string]string{"VITE_CLERK_PUBLISHABLE_KEY": "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=" + f.env.PublishableKey()})
	f.remove("src")
	f.write("app/ConvexClientProvider.tsx", `"use client";
import { ReactNode } from "react";
import { ConvexReactClient } from "convex/react";
import { ConvexProviderWithClerk } from "convex/react-clerk";
import { useAuth } from "@clerk/clerk-react";

const convex = new ConvexReactClient(process.env.NEXT_PUBLIC_CONVEX_URL!);

export default function ConvexClientProvider({ children }: { children: ReactNode }) {
  return <ConvexProviderWithClerk client={convex} useAuth={useAuth}>{children}</ConvexProviderWithClerk>;
}
`)
	f.write("app/layout.tsx", `import { ClerkProvider, SignInButton } from "@clerk/clerk-react";
import ConvexClientProvider from "./ConvexClientProvider";

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return <ClerkProvider><ConvexClientProvider>{children}</ConvexClientProvider></ClerkProvider>;
}
`)
	rep := f.run()
	want(t, rep, "client.provider_wiring", doctor.Warn, "uses the useAuth of @clerk/clerk-react, but this is a Next.js app",
		"import from @clerk/nextjs instead in app/ConvexClientProvider.tsx:5 (useAuth from @clerk/clerk-react); app/layout.tsx:1 (ClerkProvider, SignInButton from @clerk/clerk-react)")
}
