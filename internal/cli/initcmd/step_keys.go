package initcmd

import (
	"context"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/iostreams"
)

// keysStep finds the Clerk secret and publishable keys: flags, then the environment, then the
// env file, else (on a terminal) a prompt that asks again until the key is well formed.
type keysStep struct{}

func (keysStep) String() string { return "keys" }

func (keysStep) Plan(ctx context.Context, s *planState) error {
	if err := s.secretKey(); err != nil {
		return err
	}
	if err := s.publishableKey(); err != nil {
		return err
	}
	p := s.p
	if p.pub.Live != p.secret.Live {
		return cmdutil.FlagErrorf("the keys come from two Clerk instances: the publishable key (%s) is a %s key but the secret key (%s) is a %s key; copy both from the same instance (Clerk dashboard, API keys)",
			s.pubFrom, p.pub.Kind(), s.secretFrom, p.secret.Kind())
	}
	if s.opts.Prod && !p.secret.Live {
		p.warn(s.io, "--prod with test keys: the production deployment will trust your development Clerk instance; use the sk_live_/pk_live_ keys of your production instance")
	}
	return nil
}

func (s *planState) secretKey() error {
	opts := s.opts
	raw, from := firstOf(
		src{opts.SecretKey, "--secret-key"},
		src{opts.Getenv(clerk.SecretKeyEnv), "$" + clerk.SecretKeyEnv},
		fromFile(s.env, clerk.SecretKeyEnv, s.envRel),
	)
	if raw == "" {
		if !s.canPrompt {
			return cmdutil.FlagErrorf("missing the Clerk secret key: pass --secret-key or set %s (in the environment or %s); copy it from the Clerk dashboard, API keys", clerk.SecretKeyEnv, s.envRel)
		}
		var err error
		raw, err = s.askKey(func() (string, error) {
			return opts.Prompter().Password("Clerk secret key (sk_test_… or sk_live_…, from the Clerk dashboard, API keys):")
		}, func(v string) error { _, err := clerk.ParseSecretKey(v); return err })
		if err != nil {
			return err
		}
		from = "the prompt"
	}
	key, err := clerk.ParseSecretKey(raw)
	if err != nil {
		return keyError(from, err)
	}
	s.p.secret, s.secretFrom = key, from
	return nil
}

func (s *planState) publishableKey() error {
	opts := s.opts
	fw := s.p.proj.Framework
	srcs := []src{{opts.PublishableKey, "--publishable-key"}}
	for _, name := range fw.PublishableKeyVars() {
		srcs = append(srcs, src{opts.Getenv(name), "$" + name})
	}
	for _, name := range fw.PublishableKeyVars() {
		srcs = append(srcs, fromFile(s.env, name, s.envRel))
	}
	raw, from := firstOf(srcs...)
	if raw == "" {
		if !s.canPrompt {
			return cmdutil.FlagErrorf("missing the Clerk publishable key: pass --publishable-key or set %s (in the environment or %s)", fw.PublishableKeyVar, s.envRel)
		}
		var err error
		raw, err = s.askKey(func() (string, error) {
			return opts.Prompter().Input("Clerk publishable key (pk_test_… or pk_live_…):", "")
		}, func(v string) error { _, err := clerk.ParsePublishableKey(v); return err })
		if err != nil {
			return err
		}
		from = "the prompt"
	}
	key, err := clerk.ParsePublishableKey(raw)
	if err != nil {
		return keyError(from, err)
	}
	s.p.pub, s.pubFrom = key, from
	return nil
}

// askKey asks until check accepts the answer, saying why after each one it refuses.
func (s *planState) askKey(ask func() (string, error), check func(string) error) (string, error) {
	for {
		v, err := ask()
		if err != nil {
			return "", err
		}
		v = strings.TrimSpace(v)
		if err := check(v); err != nil {
			s.io.Step(iostreams.Warn, "%v; try again", err)
			continue
		}
		return v, nil
	}
}
