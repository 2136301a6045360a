package initcmd

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/iostreams"
)

// The prompts for the keys; tests match them.
const (
	secretPrompt = "Clerk secret key (sk_test_… or sk_live_…, from the Clerk dashboard, API keys):"
	pubPrompt    = "Clerk publishable key (pk_test_… or pk_live_…):"
	fromPrompt   = "the prompt"
)

// secretKeyStep finds the Clerk secret key: --secret-key, then the environment, then the env
// file, else (on a terminal) a prompt that asks again until the key is well formed. On a
// terminal the key is checked at Clerk as soon as it is known, and asked again when Clerk
// rejects it; elsewhere instanceStep checks it, as one of the first calls.
type secretKeyStep struct{}

func (secretKeyStep) String() string { return "secret key" }

func (secretKeyStep) Plan(ctx context.Context, s *planState) error {
	opts := s.opts
	raw, from := firstOf(
		src{opts.SecretKey, "--secret-key"},
		src{opts.Getenv(clerk.SecretKeyEnv), "$" + clerk.SecretKeyEnv},
		fromFile(s.env, clerk.SecretKeyEnv, s.envRel),
		fromFile(s.env, s.p.proj.Framework.SecretKeyVar, s.envRel),
	)
	for {
		if raw == "" {
			if !s.canPrompt {
				return cmdutil.FlagErrorf("missing the Clerk secret key: pass --secret-key or set %s (in the environment or %s); copy it from the Clerk dashboard, API keys", clerk.SecretKeyEnv, s.envRel)
			}
			var err error
			raw, err = s.askKey(func() (string, error) { return opts.Prompter().Password(secretPrompt) },
				func(v string) error { _, err := clerk.ParseSecretKey(v); return err })
			if err != nil {
				return err
			}
			from = fromPrompt
		}
		key, err := clerk.ParseSecretKey(raw)
		if err != nil {
			if s.canPrompt && reaskable(from) {
				s.io.Step(iostreams.Warn, "%s: %v; paste the key again", from, err)
				raw = ""
				continue
			}
			return keyError(from, err)
		}
		s.p.secret, s.secretFrom = key, from
		if !s.canPrompt {
			return nil
		}
		// On a terminal: ask Clerk now, before the next question.
		err = s.discoverIssuer(ctx)
		if err == nil || !rejected(err) || !reaskable(from) {
			return err
		}
		s.io.Step(iostreams.Warn, "%v; paste a current key", err)
		raw = ""
	}
}

// publishableKeyStep finds the publishable key: --publishable-key, then the framework's
// variables in the environment, then in the env file, else a prompt. The keys must be of the
// same kind (test or live); on a terminal, where the instance is already known, a key of
// another instance is asked again, saying which instance the secret key belongs to.
type publishableKeyStep struct{}

func (publishableKeyStep) String() string { return "publishable key" }

func (publishableKeyStep) Plan(ctx context.Context, s *planState) error {
	opts, p := s.opts, s.p
	fw := p.proj.Framework
	// As the app reads it: its Clerk package's lookup order, the environment over the file for
	// each name; then any other name a publishable key goes by.
	srcs := []src{{opts.PublishableKey, "--publishable-key"}}
	for _, name := range fw.KeyLookup {
		srcs = append(srcs, src{opts.Getenv(name), "$" + name}, fromFile(s.env, name, s.envRel))
	}
	for _, name := range fw.PublishableKeyVars()[len(fw.KeyLookup):] {
		srcs = append(srcs, src{opts.Getenv(name), "$" + name})
	}
	for _, name := range fw.PublishableKeyVars()[len(fw.KeyLookup):] {
		srcs = append(srcs, fromFile(s.env, name, s.envRel))
	}
	raw, from := firstOf(srcs...)
	for {
		if raw == "" {
			if !s.canPrompt {
				return cmdutil.FlagErrorf("missing the Clerk publishable key: pass --publishable-key or set %s (in the environment or %s)", fw.PublishableKeyVar, s.envRel)
			}
			var err error
			raw, err = s.askKey(func() (string, error) { return opts.Prompter().Input(pubPrompt, "") },
				func(v string) error { _, err := clerk.ParsePublishableKey(v); return err })
			if err != nil {
				return err
			}
			from = fromPrompt
		}
		key, err := clerk.ParsePublishableKey(raw)
		if err == nil {
			err = s.samePair(key, from)
		}
		if err == nil {
			p.pub, s.pubFrom = key, from
			break
		}
		var fe *cmdutil.FlagError
		pairErr := errors.As(err, &fe)
		if !pairErr {
			err = fmt.Errorf("%s: %w", from, err)
		}
		if !s.canPrompt || !reaskable(from) {
			if pairErr {
				return err
			}
			return keyError(from, errors.Unwrap(err))
		}
		s.io.Step(iostreams.Warn, "%v; paste it again", err)
		raw = ""
	}
	if opts.Prod && !p.secret.Live {
		p.warn(s.io, "--prod with test keys: the production deployment will trust your development Clerk instance; use the sk_live_/pk_live_ keys of your production instance")
	}
	return nil
}

// samePair checks that a publishable key goes with the secret key: the same kind, and, once
// Clerk has named the secret key's instance, that instance.
func (s *planState) samePair(pub clerk.PublishableKey, from string) error {
	p := s.p
	if pub.Live != p.secret.Live {
		return cmdutil.FlagErrorf("the keys come from two Clerk instances: the publishable key (%s) is a %s key but the secret key (%s) is a %s key; copy both from the same instance (Clerk dashboard, API keys)",
			from, pub.Kind(), s.secretFrom, p.secret.Kind())
	}
	if p.issuer != "" && !pub.NamesIssuer(p.issuer) {
		return cmdutil.FlagErrorf("the keys come from two Clerk instances: the secret key belongs to %s but the publishable key (%s) to %s; copy both keys from the same instance (Clerk dashboard, API keys)",
			p.issuer, from, pub.Issuer())
	}
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

// reaskable tells whether a key from this source may be replaced by asking: one typed at the
// prompt, or read from the env file (which init rewrites). A key passed as a flag or through
// the environment was chosen on purpose: a bad one ends the run.
func reaskable(from string) bool {
	return from == fromPrompt || strings.Contains(from, " in ")
}

// rejected tells whether Clerk refused the secret key itself (401, 403).
func rejected(err error) bool {
	var ae *clerk.APIError
	return errors.As(err, &ae) && (ae.Status == http.StatusUnauthorized || ae.Status == http.StatusForbidden)
}
