package initcmd

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/convex"
	"github.com/clerkconvex/clerkconvex/internal/dotenv"
	"github.com/clerkconvex/clerkconvex/internal/fsutil"
	"github.com/clerkconvex/clerkconvex/internal/gitx"
	"github.com/clerkconvex/clerkconvex/internal/iostreams"
	"github.com/clerkconvex/clerkconvex/internal/project"
)

// filePlan is one file init may write.
type filePlan struct {
	Rel    string // as shown to the user, relative to the project
	Abs    string // where it is written (symlinks resolved)
	Old    []byte
	Exists bool
	New    []byte
	Perm   fs.FileMode
}

func (f *filePlan) action() string {
	switch {
	case !f.Exists:
		return "created"
	case string(f.Old) != string(f.New):
		return "updated"
	}
	return "unchanged"
}

// plan is everything init will do, decided before anything changes.
type plan struct {
	dir       string
	proj      *project.Project
	secret    clerk.SecretKey
	pub       clerk.PublishableKey
	clerk     cmdutil.ClerkAPI // built once, while planning; apply reuses it
	issuer    string
	issuerVar string
	appID     string
	providers []convex.Provider // [0] is Clerk's
	tmplName  string
	prod      bool
	tmpl      clerk.TemplatePlan
	envFile   *filePlan
	authFile  *filePlan
	manual    []string // snippets to paste by hand
	gitignore string   // pattern to add to .gitignore, when accepted
	warnings  []string
}

func (p *plan) warn(io *iostreams.IOStreams, format string, a ...any) {
	msg := fmt.Sprintf(format, a...)
	p.warnings = append(p.warnings, msg)
	io.Step(iostreams.Warn, "%s", msg)
}

func runInit(ctx context.Context, opts *Options) error {
	io := opts.IO
	p, err := makePlan(ctx, opts)
	if err != nil {
		return interrupted(ctx, err, false)
	}
	if opts.DryRun {
		return printDryRun(opts, p)
	}
	res, err := apply(ctx, opts, p)
	if err != nil && !errors.Is(err, errConvexFailed) {
		return interrupted(ctx, err, true)
	}
	if opts.JSON {
		if jerr := writeJSON(io.Out, res); jerr != nil {
			return jerr
		}
	} else {
		printSummary(io, p, res)
	}
	if errors.Is(err, errConvexFailed) {
		return cmdutil.ErrSilent
	}
	return nil
}

func makePlan(ctx context.Context, opts *Options) (*plan, error) {
	io := opts.IO
	dir, err := cmdutil.ProjectDir(opts.Dir)
	if err != nil {
		return nil, err
	}
	p := &plan{dir: dir, tmplName: opts.TemplateName, prod: opts.Prod}
	// --claims is checked before anything else is read or asked.
	var extra map[string]any
	if opts.Claims != "" {
		if extra, err = clerk.ParseClaims(opts.Claims); err != nil {
			return nil, claimsError(err)
		}
	}
	p.proj, err = project.Load(dir)
	if err != nil {
		return nil, projectError(err)
	}
	if !p.proj.Has("convex") {
		p.warn(io, "package.json does not depend on convex: run %s (npx convex needs it)", project.AddCommand(dir, "convex"))
	}

	// The env file: read it first, it may hold the keys.
	envRel := opts.EnvFileRel(dir)
	envAbs, err := opts.EnvFilePath(dir)
	if err != nil {
		return nil, err
	}
	envOld, envExists, err := fsutil.ReadFileIfExists(envAbs)
	if err != nil {
		return nil, envFileError(envRel, err)
	}
	env := dotenv.Parse(envOld)
	if bad := env.Malformed(); len(bad) > 0 {
		they := "they are"
		if len(bad) == 1 {
			they = "it is"
		}
		p.warn(io, "%s: %s not KEY=value; left as %s", envRel, dotenv.LinesAre(bad), they)
	}

	// Keys.
	canPrompt := io.CanPrompt()
	secretRaw, secretFrom := firstOf(
		src{opts.SecretKey, "--secret-key"},
		src{opts.Getenv(clerk.SecretKeyEnv), "$" + clerk.SecretKeyEnv},
		fromFile(env, clerk.SecretKeyEnv, envRel),
	)
	if secretRaw == "" {
		if !canPrompt {
			return nil, cmdutil.FlagErrorf("missing the Clerk secret key: pass --secret-key or set %s (in the environment or %s); copy it from the Clerk dashboard, API keys", clerk.SecretKeyEnv, envRel)
		}
		for {
			secretRaw, err = opts.Prompter().Password("Clerk secret key (sk_test_… or sk_live_…, from the Clerk dashboard, API keys):")
			if err != nil {
				return nil, err
			}
			secretRaw, secretFrom = strings.TrimSpace(secretRaw), "the prompt"
			if _, perr := clerk.ParseSecretKey(secretRaw); perr != nil {
				io.Step(iostreams.Warn, "%v; try again", perr)
				continue
			}
			break
		}
	}
	p.secret, err = clerk.ParseSecretKey(secretRaw)
	if err != nil {
		return nil, keyError(secretFrom, err)
	}

	fw := p.proj.Framework
	srcs := []src{{opts.PublishableKey, "--publishable-key"}}
	for _, name := range fw.PublishableKeyVars() {
		srcs = append(srcs, src{opts.Getenv(name), "$" + name})
	}
	for _, name := range fw.PublishableKeyVars() {
		srcs = append(srcs, fromFile(env, name, envRel))
	}
	pubRaw, pubFrom := firstOf(srcs...)
	if pubRaw == "" {
		if !canPrompt {
			return nil, cmdutil.FlagErrorf("missing the Clerk publishable key: pass --publishable-key or set %s (in the environment or %s)", fw.PublishableKeyVar, envRel)
		}
		for {
			pubRaw, err = opts.Prompter().Input("Clerk publishable key (pk_test_… or pk_live_…):", "")
			if err != nil {
				return nil, err
			}
			pubRaw, pubFrom = strings.TrimSpace(pubRaw), "the prompt"
			if _, perr := clerk.ParsePublishableKey(pubRaw); perr != nil {
				io.Step(iostreams.Warn, "%v; try again", perr)
				continue
			}
			break
		}
	}
	p.pub, err = clerk.ParsePublishableKey(pubRaw)
	if err != nil {
		return nil, keyError(pubFrom, err)
	}
	if p.pub.Live != p.secret.Live {
		return nil, cmdutil.FlagErrorf("the keys come from two Clerk instances: the publishable key (%s) is a %s key but the secret key (%s) is a %s key; copy both from the same instance (Clerk dashboard, API keys)",
			pubFrom, p.pub.Kind(), secretFrom, p.secret.Kind())
	}
	if opts.Prod && !p.secret.Live {
		p.warn(io, "--prod with test keys: the production deployment will trust your development Clerk instance; use the sk_live_/pk_live_ keys of your production instance")
	}

	// Clerk: discover the issuer.
	apiURL, err := opts.APIURL(opts.Getenv)
	if err != nil {
		return nil, err
	}
	cc, err := opts.Clerk(apiURL, p.secret)
	if err != nil {
		return nil, err
	}
	p.clerk = cc
	p.issuer, err = cc.Issuer(ctx)
	if err != nil {
		return nil, authHint(err, p.secret, secretFrom)
	}
	if !p.pub.NamesIssuer(p.issuer) {
		return nil, cmdutil.FlagErrorf("the keys come from two Clerk instances: the secret key belongs to %s but the publishable key (%s) to %s; copy both keys from the same instance (Clerk dashboard, API keys)",
			p.issuer, pubFrom, p.pub.Issuer())
	}
	io.Step(iostreams.OK, "Clerk keys: %s instance, accepted by Clerk (secret key %s from %s)", p.secret.Kind(), p.secret, secretFrom)
	io.Step(iostreams.OK, "Issuer: %s", p.issuer)

	// Convex side: functions folder and the existing auth config.
	funcDir, _, err := convex.FunctionsDir(dir)
	if err != nil {
		return nil, &cmdutil.FlagError{Err: err}
	}
	authPath, ts, authExists := convex.FindAuthConfig(funcDir)
	authRel := rel(dir, authPath)
	var authOld []byte
	var parsed []convex.ParsedProvider
	if authExists {
		authOld, _, err = fsutil.ReadFileIfExists(authPath)
		if err != nil {
			return nil, &cmdutil.FlagError{Err: err}
		}
		parsed, _ = convex.ParseAuthConfig(authOld)
	}
	p.issuerVar = convex.DefaultIssuerEnv
	defaultApp := "convex"
	for _, pp := range parsed {
		if pp.DomainEnv != "" && isClerkIssuerVar(pp.DomainEnv) {
			p.issuerVar = pp.DomainEnv
			if pp.ApplicationID != "" {
				defaultApp = pp.ApplicationID
			}
			break
		}
	}

	// Providers: flags, else prompts, else defaults.
	if err := p.chooseProviders(opts, canPrompt, defaultApp); err != nil {
		return nil, err
	}
	p.appID = p.providers[0].ApplicationID

	// The JWT template: profile claims and --claims on create; only --claims forced on update.
	all, err := cc.Templates(ctx)
	if err != nil {
		return nil, authHint(err, p.secret, secretFrom)
	}
	existing, near := clerk.FindTemplate(all, opts.TemplateName)
	spec := clerk.TemplateSpec{Name: opts.TemplateName, Audience: p.appID}
	if existing == nil {
		spec.Claims = clerk.ProfileClaims()
		for k, v := range extra {
			spec.Claims[k] = v
		}
	} else if extra != nil {
		spec.Claims, spec.ForceClaims = extra, true
	}
	p.tmpl, err = clerk.PlanTemplate(existing, near, spec)
	if err != nil {
		return nil, err
	}
	for _, n := range near {
		p.warn(io, "Clerk has a JWT template named %q: Convex's Clerk provider asks for exactly %q; delete or rename %q in the Clerk dashboard to avoid confusion", n, opts.TemplateName, n)
	}
	if p.tmpl.Action == clerk.Updated && !opts.DryRun && !opts.Yes {
		q := fmt.Sprintf("JWT template %q needs a change (%s). Update it?", opts.TemplateName, strings.Join(p.tmpl.Changes, "; "))
		if !canPrompt {
			return nil, cmdutil.FlagErrorf("JWT template %q needs a change (%s): rerun with --yes to allow it", opts.TemplateName, strings.Join(p.tmpl.Changes, "; "))
		}
		ok, err := opts.Prompter().Confirm(q, true)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, &cmdutil.ExitError{Code: cmdutil.ExitFailure, Err: fmt.Errorf("left JWT template %q as it is: Convex will reject its tokens until its aud contains %q; run init again and answer yes, or pass --yes", opts.TemplateName, p.appID)}
		}
	}

	// The env file. With --prod, keys of another instance in it are most likely the developer's
	// own: replacing them would send local development to the production instance.
	if opts.Prod && envExists {
		other := otherInstance(env, fw.PublishableKeyVars(), p.pub, p.secret)
		if other != "" && opts.Yes {
			p.warn(io, "--prod --yes: replacing the keys of another Clerk instance in %s (%s) with the production keys", envRel, other)
		}
		if other != "" && !opts.Yes {
			if !canPrompt || opts.DryRun {
				if !opts.DryRun {
					return nil, cmdutil.FlagErrorf("--prod: %s holds the keys of another Clerk instance (%s), most likely your development one; pass --env-file .env.production to keep production keys apart, or --yes to replace them", envRel, other)
				}
				p.warn(io, "--prod: %s holds the keys of another Clerk instance (%s); init would stop here without --yes (or use --env-file .env.production)", envRel, other)
			} else {
				ok, err := opts.Prompter().Confirm(fmt.Sprintf("%s holds the keys of another Clerk instance (%s), most likely your development one. Replace them with these production keys?", envRel, other), false)
				if err != nil {
					return nil, err
				}
				if !ok {
					return nil, &cmdutil.ExitError{Code: cmdutil.ExitFailure, Err: fmt.Errorf("left %s as it is; run init --prod --env-file .env.production to keep the production keys in their own file", envRel)}
				}
			}
		}
	}
	newEnv := dotenv.Parse(envOld)
	want := [][2]string{{fw.PublishableKeyVar, p.pub.Raw}, {clerk.SecretKeyEnv, p.secret.Reveal()}, {p.issuerVar, p.issuer}}
	for _, kv := range want {
		newEnv.Set(kv[0], kv[1])
	}
	// Read the result back as a dotenv reader would: an unclosed quote earlier in the file can
	// swallow later lines.
	check := dotenv.Parse(newEnv.Bytes())
	for _, kv := range want {
		if got, _ := check.Get(kv[0]); got != kv[1] {
			return nil, cmdutil.FlagErrorf("%s: %s could not be written so that it reads back (an unclosed quote above it?); fix the file's quoting and run init again", envRel, kv[0])
		}
	}
	p.envFile = &filePlan{Rel: envRel, Abs: envAbs, Old: envOld, Exists: envExists, New: newEnv.Bytes(), Perm: 0o600}
	if envExists {
		if st, err := os.Stat(envAbs); err == nil && st.Mode().Perm()&0o077 != 0 {
			p.warn(io, "%s is readable by other users (mode %04o) and holds the secret key: chmod 600 %s", envRel, st.Mode().Perm(), envRel)
		}
	}

	// .gitignore.
	tracked, _, _ := gitx.IsTracked(ctx, dir, envRel)
	if tracked {
		// Ignore rules do not apply to a tracked file: the secret would go into the next commit.
		p.warn(io, "git tracks %s, which holds the secret key: run git rm --cached %s and commit, then make sure .gitignore lists it", envRel, envRel)
	} else if ignored, inRepo, err := gitx.IsIgnored(ctx, dir, envRel); err == nil && inRepo && !ignored {
		holds := "holds"
		if !envExists {
			holds = "will hold"
		}
		fix, asked := opts.Yes, false
		if !fix && canPrompt && !opts.DryRun {
			fix, err = opts.Prompter().Confirm(fmt.Sprintf("%s %s your secret key but git does not ignore it. Add it to .gitignore?", envRel, holds), true)
			if err != nil {
				return nil, err
			}
			asked = true
		}
		switch {
		case fix:
			p.gitignore = "/" + filepath.ToSlash(envRel)
		case asked:
			p.warn(io, "git does not ignore %s, which %s the secret key: keep it out of your commits", envRel, holds)
		default:
			p.warn(io, "git does not ignore %s, which %s the secret key: add %s to .gitignore (or rerun with --yes)", envRel, holds, envRel)
		}
	}

	// auth.config.
	p.authFile = &filePlan{Rel: authRel, Abs: authPath, Old: authOld, Exists: authExists, Perm: 0o644}
	if !authExists {
		p.authFile.New, err = convex.RenderAuthConfig(ts, p.providers)
		if err != nil {
			return nil, err
		}
	} else {
		cur := authOld
		for _, prov := range p.providers {
			out, outcome, reason, err := convex.MergeAuthConfig(cur, ts, prov)
			if err != nil {
				return nil, err
			}
			if outcome == convex.MergeManual {
				p.manual = append(p.manual, prov.Snippet(ts))
				p.warn(io, "%s can't be edited safely (%s): add this provider to its providers array by hand:\n%s", authRel, reason, indent(prov.Snippet(ts), "    "))
				continue
			}
			cur = out
		}
		p.authFile.New = cur
	}
	return p, nil
}

func (p *plan) chooseProviders(opts *Options, canPrompt bool, defaultApp string) error {
	if len(opts.ProviderURLs) > 0 || len(opts.ApplicationIDs) > 0 || !canPrompt {
		url := ""
		if len(opts.ProviderURLs) > 0 {
			url = opts.ProviderURLs[0]
		}
		app := defaultApp
		if len(opts.ApplicationIDs) > 0 {
			app = opts.ApplicationIDs[0]
		}
		if url != "" {
			if err := p.checkClerkURL(url, "--identity-provider-url"); err != nil {
				return &cmdutil.FlagError{Err: err}
			}
		}
		if err := checkAppID(app); err != nil {
			return err
		}
		p.providers = append(p.providers, convex.Provider{DomainEnv: p.issuerVar, ApplicationID: app})
		for i := 1; i < len(opts.ProviderURLs); i++ {
			norm, err := p.checkExtraURL(opts.ProviderURLs[i], "--identity-provider-url")
			if err != nil {
				return &cmdutil.FlagError{Err: err}
			}
			if err := checkAppID(opts.ApplicationIDs[i]); err != nil {
				return err
			}
			p.providers = append(p.providers, convex.Provider{DomainURL: norm, ApplicationID: opts.ApplicationIDs[i]})
		}
		return nil
	}

	// Interactive: the questions of the old `npx convex auth add`. A wrong answer is explained
	// and the same question asked again.
	pr := opts.Prompter()
	ask := func(msg, def string, check func(string) error) (string, error) {
		for {
			v, err := pr.Input(msg, def)
			if err != nil {
				return "", err
			}
			v = strings.TrimSpace(v)
			if err := check(v); err != nil {
				opts.IO.Step(iostreams.Warn, "%v; try again", err)
				continue
			}
			return v, nil
		}
	}
	appCheck := func(v string) error { return appIDError(v, "the application ID") }
	// Clerk's provider first: its Domain URL must be the issuer.
	if _, err := ask("Enter the identity provider's Domain URL", p.issuer, func(v string) error {
		return p.checkClerkURL(v, "the Domain URL")
	}); err != nil {
		return err
	}
	app, err := ask("Enter your application/client ID with this identity provider", defaultApp, appCheck)
	if err != nil {
		return err
	}
	p.providers = append(p.providers, convex.Provider{DomainEnv: p.issuerVar, ApplicationID: app})
	// Then any others, while the user wants more.
	for {
		more, err := pr.Confirm("Would you like to add another provider?", false)
		if err != nil || !more {
			return err
		}
		var norm string
		v, err := ask("Enter the identity provider's Domain URL (leave empty to stop adding)", "", func(v string) (err error) {
			if v == "" {
				return nil
			}
			norm, err = p.checkExtraURL(v, "the Domain URL")
			return err
		})
		if err != nil || v == "" {
			return err
		}
		app, err := ask("Enter your application/client ID with this identity provider", "convex", appCheck)
		if err != nil {
			return err
		}
		p.providers = append(p.providers, convex.Provider{DomainURL: norm, ApplicationID: app})
	}
}

// checkClerkURL checks the Clerk provider's Domain URL: it must be this instance's issuer.
// what names the input in messages ("--identity-provider-url", "the Domain URL").
func (p *plan) checkClerkURL(url, what string) error {
	norm, err := clerk.NormalizeIssuer(url)
	if err != nil {
		return fmt.Errorf("%s%s%v", what, sep(what), err)
	}
	if norm != p.issuer {
		fix := "use " + p.issuer
		if strings.HasPrefix(what, "--") {
			fix = "omit the flag or pass " + p.issuer
		}
		return fmt.Errorf("%s %s is not this Clerk instance's issuer, so Convex would reject its tokens; %s", what, url, fix)
	}
	return nil
}

// sep joins an input's name and a problem: "--flag: …" but "the Domain URL …".
func sep(what string) string {
	if strings.HasPrefix(what, "--") {
		return ": "
	}
	return " "
}

// checkExtraURL checks another provider's Domain URL and returns it normalised.
func (p *plan) checkExtraURL(url, what string) (string, error) {
	norm, err := clerk.NormalizeIssuer(url)
	if err != nil {
		return "", fmt.Errorf("%s%s%v", what, sep(what), err)
	}
	if norm == p.issuer {
		return "", fmt.Errorf("%s %s is the Clerk issuer, which is already the first provider", what, url)
	}
	for _, prov := range p.providers {
		if prov.DomainURL == norm {
			return "", fmt.Errorf("%s %s is given twice", what, url)
		}
	}
	return norm, nil
}

// checkAppID checks --application-id.
func checkAppID(app string) error {
	if err := appIDError(app, "--application-id"); err != nil {
		return &cmdutil.FlagError{Err: err}
	}
	return nil
}

// appIDError checks an application ID; what names the input in messages.
func appIDError(app, what string) error {
	switch {
	case app == "":
		return fmt.Errorf("%s is empty: use \"convex\", the aud of Clerk's convex JWT template", what)
	case len(app) > 128:
		return fmt.Errorf("%s is %d characters long: keep it under 128 (usually just \"convex\")", what, len(app))
	case strings.ContainsAny(app, " \t\r\n\"'`\\"):
		return fmt.Errorf("%s %q has spaces, quotes or backslashes: use a plain identifier such as \"convex\"", what, app)
	}
	for _, r := range app {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("%s has a control character: use a plain identifier such as \"convex\"", what)
		}
	}
	return nil
}

func isClerkIssuerVar(name string) bool {
	for _, n := range convex.ClerkIssuerEnvNames() {
		if n == name {
			return true
		}
	}
	return false
}

type src struct{ val, from string }

func fromFile(env *dotenv.File, key, file string) src {
	v, _ := env.Get(key)
	return src{v, key + " in " + file}
}

func firstOf(ss ...src) (string, string) {
	for _, s := range ss {
		if strings.TrimSpace(s.val) != "" {
			return s.val, s.from
		}
	}
	return "", ""
}

func rel(dir, path string) string {
	r, err := filepath.Rel(dir, path)
	if err != nil {
		return path
	}
	return filepath.ToSlash(r)
}

func indent(s, pre string) string {
	return pre + strings.ReplaceAll(s, "\n", "\n"+pre)
}

// otherInstance describes the Clerk keys an env file holds when they belong to another instance
// than pub/secret ("" when they don't, or when it holds none).
func otherInstance(env *dotenv.File, pubVars []string, pub clerk.PublishableKey, secret clerk.SecretKey) string {
	for _, name := range pubVars {
		if v, ok := env.Get(name); ok {
			if old, err := clerk.ParsePublishableKey(v); err == nil && !strings.EqualFold(old.Host, pub.Host) {
				return fmt.Sprintf("%s for https://%s", name, old.Host)
			}
		}
	}
	if v, ok := env.Get(clerk.SecretKeyEnv); ok {
		if old, err := clerk.ParseSecretKey(v); err == nil && old.Live != secret.Live {
			return fmt.Sprintf("%s, a %s key", clerk.SecretKeyEnv, old.Kind())
		}
	}
	return ""
}
