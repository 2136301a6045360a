package initcmd

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/gitx"
)

// envFileStep plans the env file: the publishable key under the framework's name, the secret
// key and the issuer, set in the file as it is, every other line kept.
type envFileStep struct{}

func (envFileStep) String() string { return "env file" }

func (envFileStep) Plan(ctx context.Context, s *planState) error {
	opts, p := s.opts, s.p
	p.envFile, p.chmod, p.liveKeysElsewhere = nil, 0, false
	// --prod with live keys and no --env-file: the keys of the production instance belong in
	// the hosting provider's production environment; .env.local (the development keys) is left
	// alone. Only the names the app reads them under are worked out (liveKeys.go).
	if opts.Prod && p.secret.Live && !opts.EnvFileExplicit {
		p.liveKeysElsewhere, p.keptEnv = true, s.envRel
		s.keyVars()
		return nil
	}
	// With --prod, keys of another instance in the file are most likely the developer's own:
	// replacing them would send local development to the production instance.
	if opts.Prod && s.envExists {
		if err := s.keepOtherInstance(); err != nil {
			return err
		}
	}
	s.keyVars()
	want := []cmdutil.EnvVar{{Name: p.pubVar, Value: p.pub.Raw}, {Name: p.secretVar, Value: p.secret.Reveal()}, {Name: p.issuerVar, Value: p.issuerValue}}
	for _, v := range p.extraIssuerVars {
		want = append(want, cmdutil.EnvVar{Name: v, Value: p.issuer})
	}
	f, err := cmdutil.PlanEnvFile(s.envRel, s.envAbs, s.envOld, s.envExists, want, "init")
	if err != nil {
		return err
	}
	p.envFile = f
	p.chmod = 0
	s.warnShadowed(want)
	if mode, open := cmdutil.OpenToOthers(s.envAbs); s.envExists && open {
		return s.offerChmod(mode)
	}
	return nil
}

// offerChmod plans chmod 600 for an env file that others can read: with --yes, or when the
// user agrees; otherwise it warns with the command.
func (s *planState) offerChmod(mode os.FileMode) error {
	opts, p := s.opts, s.p
	fix := opts.Yes
	if !fix && s.canPrompt && !opts.DryRun {
		s.hint("%s is readable by other users (mode %04o) and holds the secret key.", s.envRel, mode)
		ok, err := opts.Prompter().Confirm(fmt.Sprintf("Make %s readable only by you (chmod 600)?", s.envRel), true)
		if err != nil {
			return err
		}
		fix = ok
	}
	if fix {
		p.chmod, p.chmodWas = cmdutil.PrivateMode, mode
		return nil
	}
	p.warn(s.io, "%s is readable by other users (mode %04o) and holds the secret key: chmod 600 %s (or rerun init with --yes)", s.envRel, mode, s.envRel)
	return nil
}

// keepOtherInstance stops a --prod run (unless --yes, or the user agrees) from replacing the
// keys of another Clerk instance in the env file.
func (s *planState) keepOtherInstance() error {
	opts, p := s.opts, s.p
	other := otherInstance(s.env, p.proj.Framework.PublishableKeyVars(), p.pub, p.secret)
	switch {
	case other == "":
		return nil
	case opts.Yes:
		p.warn(s.io, "--prod --yes: replacing the keys of another Clerk instance in %s (%s) with the production keys", s.envRel, other)
		return nil
	case opts.DryRun:
		p.warn(s.io, "--prod: %s holds the keys of another Clerk instance (%s); init would stop here without --yes (or use --env-file .env.production)", s.envRel, other)
		return nil
	case !s.canPrompt:
		return cmdutil.FlagErrorf("--prod: %s holds the keys of another Clerk instance (%s), most likely your development one; pass --env-file .env.production to keep production keys apart, or --yes to replace them", s.envRel, other)
	}
	s.hint("%s holds the keys of another Clerk instance (%s), most likely your development one.", s.envRel, other)
	ok, err := opts.Prompter().Confirm("Replace them with these production keys?", false)
	if err != nil {
		return err
	}
	if !ok {
		return &cmdutil.ExitError{Code: cmdutil.ExitFailure, Err: fmt.Errorf("left %s as it is; run init --prod --env-file .env.production to keep the production keys in their own file", s.envRel)}
	}
	return nil
}

// gitignoreStep keeps the env file, which holds the secret key, out of git: it warns about a
// tracked file, and offers (or with --yes plans) a .gitignore line for an unignored one.
type gitignoreStep struct{}

func (gitignoreStep) String() string { return "gitignore" }

func (gitignoreStep) Plan(ctx context.Context, s *planState) error {
	opts, p := s.opts, s.p
	p.gitignore = ""
	if p.liveKeysElsewhere {
		return nil // no secret goes to the env file
	}
	// Judged on the file the secret goes to (a link's target); envTargetStep has refused a
	// tracked one, to which ignore rules would not apply.
	envRel := s.envShown()
	ignored, inRepo, err := s.ignored(ctx)
	if err != nil {
		return cmdutil.FlagErrorf("--env-file %s: %v", envRel, err)
	}
	if !inRepo || ignored {
		return nil
	}
	holds := "holds"
	if !s.envExists {
		holds = "will hold"
	}
	fix, asked := opts.Yes, false
	if !fix && s.canPrompt && !opts.DryRun {
		s.hint("%s %s your secret key but git does not ignore it.", envRel, holds)
		fix, err = opts.Prompter().Confirm(fmt.Sprintf("Add %s to .gitignore?", envRel), true)
		if err != nil {
			return err
		}
		asked = true
	}
	switch {
	case fix:
		p.gitignore = filepath.ToSlash(s.envTarget)
	case asked:
		p.warn(s.io, "git does not ignore %s, which %s the secret key: keep it out of your commits", envRel, holds)
	default:
		p.warn(s.io, "git does not ignore %s, which %s the secret key: add %s to .gitignore (or rerun with --yes)", envRel, holds, gitx.EscapePattern(filepath.ToSlash(s.envTarget)))
	}
	return nil
}

// keyVars picks the names the app reads the keys under: the first of its Clerk package's
// lookup order the env file already uses (TanStack's CLERK_PUBLISHABLE_KEY, say), else the
// framework's usual one.
func (s *planState) keyVars() {
	p := s.p
	fw := p.proj.Framework
	p.pubVar = fw.PublishableKeyVar
	for _, name := range fw.KeyLookup {
		if v, ok := s.env.Get(name); ok && strings.TrimSpace(v) != "" {
			p.pubVar = name
			break
		}
	}
	p.secretVar = fw.SecretKeyVar
}
