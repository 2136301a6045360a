package doctor

import (
	"context"
	"path/filepath"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/convex"
	"github.com/clerkconvex/clerkconvex/internal/fsutil"
	"github.com/clerkconvex/clerkconvex/internal/project"
	"github.com/clerkconvex/clerkconvex/internal/svixsig"
)

// --- users: Clerk user sync (clerkconvex users init), checked when the project has it ---

// webhookSecretVar is the deployment variable the webhook route verifies signatures with.
const webhookSecretVar = "CLERK_WEBHOOK_SECRET"

// usersFacts is what the users checks found.
type usersFacts struct {
	httpRel, usersRel string
	route             bool   // http.ts routes convex.WebhookPath
	module            bool   // users.ts has upsertFromClerk
	verifyLine        int    // http.ts uses Webhook.verify's return value on this line; 0 when not
	deploySecret      string // the deployment's CLERK_WEBHOOK_SECRET; "" when unknown or unset
}

// usersChecks are listed only for a project with Clerk user sync: an http.ts routing the
// webhook, or a users.ts with upsertFromClerk.
func (s *state) usersChecks() []check {
	u := s.detectUsers()
	if !u.route && !u.module {
		return nil
	}
	s.users = u
	return []check{
		{id: "users.route", section: SectionUsers, run: checkUsersRoute},
		{id: "users.svix_dependency", section: SectionUsers, needs: []string{"users.route"}, run: checkUsersSvix},
		{id: "users.svix_verify", section: SectionUsers, needs: []string{"users.svix_dependency"}, run: checkUsersSvixVerify},
		{id: "users.webhook_secret", section: SectionUsers, live: true, needs: []string{"users.route"}, run: checkUsersSecret},
		{id: "users.env_secret", section: SectionUsers, needs: []string{"users.route"}, after: []string{"env.file", "users.webhook_secret"}, run: checkUsersEnvSecret},
	}
}

// detectUsers reads http.ts and users.ts of the functions folder (before any check runs: it
// decides which checks there are).
func (s *state) detectUsers() *usersFacts {
	u := &usersFacts{}
	if s.in.Dir == "" {
		return u
	}
	funcDir, exists, err := convex.FunctionsDir(s.convexDir())
	if err != nil || !exists {
		return u
	}
	for _, name := range []string{"http.ts", "http.js"} {
		src, ok, err := fsutil.ReadFileIfExists(filepath.Join(funcDir, name))
		if err == nil && ok {
			u.httpRel = relTo(s.in.Dir, filepath.Join(funcDir, name))
			u.route = convex.RoutesUsersWebhook(src)
			u.verifyLine, _ = convex.VerifyResultUse(src)
			break
		}
	}
	for _, name := range []string{"users.ts", "users.js"} {
		src, ok, err := fsutil.ReadFileIfExists(filepath.Join(funcDir, name))
		if err == nil && ok {
			u.usersRel = relTo(s.in.Dir, filepath.Join(funcDir, name))
			u.module = convex.DeclaresUpsertFromClerk(src)
			break
		}
	}
	return u
}

func checkUsersRoute(ctx context.Context, s *state) outcome {
	u := s.users
	if !u.route {
		where := "there is no convex/http.ts"
		if u.httpRel != "" {
			where = u.httpRel + " does not route POST " + convex.WebhookPath
		}
		return fail("run clerkconvex users init: it adds the route (and keeps your other routes)",
			"%s has upsertFromClerk, but %s: Clerk's user webhook has nowhere to go", u.usersRel, where)
	}
	s.startConvexEnv()
	if !u.module {
		return fail("run clerkconvex users init: it adds the missing functions to "+orDefault(u.usersRel, "convex/users.ts"),
			"%s routes %s, but %s has no upsertFromClerk for it to call", u.httpRel, convex.WebhookPath, orDefault(u.usersRel, "convex/users.ts (missing)"))
	}
	return pass("%s routes POST %s to %s's upsertFromClerk", u.httpRel, convex.WebhookPath, u.usersRel)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func checkUsersSvix(ctx context.Context, s *state) outcome {
	dir := s.convexDir()
	proj, err := project.Load(dir)
	if err != nil {
		return fail("fix package.json", "cannot read %s: %v", relTo(s.in.Dir, filepath.Join(dir, "package.json")), err)
	}
	add := project.AddCommand(dir, "svix")
	if !proj.Has("svix") {
		return fail(add+s.inConvexDir(), "svix is not a dependency of %s: the webhook route imports it to check signatures, so the deployment fails to build", orDefault(proj.Name, "the Convex package"))
	}
	if _, ok := project.InstalledVersion(dir, "svix"); !ok {
		return warn(project.InstallCommand(dir)+s.inConvexDir(), "svix is a dependency but is not installed (no node_modules/svix): npx convex dev cannot bundle the route")
	}
	return pass("svix %s is a dependency", proj.Deps["svix"])
}

func checkUsersSecret(ctx context.Context, s *state) outcome {
	vars, o, ok := s.deploymentVars(ctx)
	if !ok {
		return o
	}
	set := "copy the Signing Secret of the endpoint in Clerk's dashboard (Webhooks), then run clerkconvex users init" + s.target().Flag() + " (it sets it without putting it in a command line)"
	value, ok := vars[webhookSecretVar]
	if !ok || value == "" {
		return fail(set, "%s is not set on the Convex %s deployment: the webhook route refuses every event (400)", webhookSecretVar, s.deployment())
	}
	if _, err := svixsig.ParseSecret(value); err != nil {
		return fail(set, "the Convex %s deployment's %s (%s) is %v", s.deployment(), webhookSecretVar, shown(value), err)
	}
	s.users.deploySecret = value
	return pass("%s is set on the Convex %s deployment (%s); clerkconvex users test%s proves it is Clerk's", webhookSecretVar, s.deployment(), svixsig.Mask(value), s.target().Flag())
}

func checkUsersEnvSecret(ctx context.Context, s *state) outcome {
	if s.env == nil {
		return pass("no env file, so no second %s", webhookSecretVar)
	}
	local, ok := s.env.Get(webhookSecretVar)
	if !ok || local == "" {
		return pass("%s does not hold %s (it belongs on the deployment only)", s.in.EnvFile, webhookSecretVar)
	}
	deploy := s.users.deploySecret
	switch {
	case deploy == "":
		return pass("%s holds a %s (%s); the deployment's was not read, so they were not compared", s.in.EnvFile, webhookSecretVar, svixsig.Mask(local))
	case deploy != local:
		return fail("keep the endpoint's Signing Secret (Clerk's dashboard → Webhooks) on the deployment with clerkconvex users init"+s.target().Flag()+", and remove the other one from "+s.in.EnvFile,
			"%s's %s (%s) is not the %s deployment's (%s): one of them is not the endpoint's secret, and Clerk signs with that one", s.in.EnvFile, webhookSecretVar, svixsig.Mask(local), s.deployment(), svixsig.Mask(deploy))
	}
	return pass("%s's %s is the deployment's", s.in.EnvFile, webhookSecretVar)
}

// checkUsersSvixVerify fails a handler that uses Webhook.verify's return value (as Clerk's
// and Convex's guides do) under svix 2.x, whose verify returns nothing: it refuses every event.
func checkUsersSvixVerify(ctx context.Context, s *state) outcome {
	u := s.users
	if u.verifyLine == 0 {
		return pass("%s calls Webhook.verify without relying on what it returns (works with svix 1.x and 2.x)", u.httpRel)
	}
	dir := s.convexDir()
	version, from := "", "installed"
	if v, ok := project.InstalledVersion(dir, "svix"); ok {
		version = v
	} else if proj, err := project.Load(dir); err == nil {
		version, from = proj.Deps["svix"], "declared"
	}
	fix := "call verify, then parse the body yourself (JSON.parse(payload)) — the route clerkconvex users init writes does; see docs/users.md"
	switch major := svixMajor(version); {
	case major >= 2:
		return fail(fix, "%s:%d uses Webhook.verify's return value, but svix %s (%s) returns nothing from verify: the route answers 400 to every Clerk event", u.httpRel, u.verifyLine, version, from)
	case major == 1:
		return warn(fix, "%s:%d uses Webhook.verify's return value: fine with svix %s, but svix 2.x returns nothing there and the route would refuse every event after an upgrade", u.httpRel, u.verifyLine, version)
	}
	return warn(fix, "%s:%d uses Webhook.verify's return value, which svix 2.x no longer returns (the svix version here is unknown)", u.httpRel, u.verifyLine)
}

// svixMajor is the major version of a version or range ("2.5.0", "^2.0.0", "~1.84"), 2 for
// "latest" or "*" (what npm installs today), 0 when unknown.
func svixMajor(v string) int {
	v = strings.TrimLeft(strings.TrimSpace(v), "^~>=<v ")
	if v == "latest" || v == "*" {
		return 2
	}
	n := 0
	for _, c := range v {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
	}
	return n
}
