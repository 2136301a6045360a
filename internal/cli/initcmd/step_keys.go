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
	secretPrompt = "Clerk secret key:"
	pubPrompt    = "Publishable key:"
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
			s.hint("Clerk dashboard, API keys: paste the secret key (sk_test_… or sk_live_…);")
			s.hint("it stays hidden. The publishable key (pk_…) comes next.")
			raw, err = s.askKey(func() (string, error) { return opts.Prompter().Password(secretPrompt) },
				isSecretName, func(v string) error { _, err := clerk.ParseSecretKey(v); return err })
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
		busy := progress(s.opts, "Checking the secret key with Clerk…")
		err = s.discoverIssuer(ctx)
		busy.Stop()
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
				isPublishableName, func(v string) error { _, err := clerk.ParsePublishableKey(v); return err })
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

// askKey asks until check accepts the answer, saying why after each one it refuses. What was
// pasted may be a whole env line (NAME=value, for a name that names allows), and quoted.
func (s *planState) askKey(ask func() (string, error), names func(string) bool, check func(string) error) (string, error) {
	for {
		v, err := ask()
		if err != nil {
			return "", err
		}
		v, err = pastedKey(v, names)
		if err == nil {
			err = check(v)
		}
		if err != nil {
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

// pastedKey takes a key out of what was pasted at its prompt: the key alone, or the line the
// dashboard's copy button gives (CLERK_SECRET_KEY=sk_test_…, maybe with export), with spaces
// and quotes around it. A line for another variable is refused, without its value.
func pastedKey(v string, names func(string) bool) (string, error) {
	v = strings.TrimSpace(v)
	v = strings.TrimSpace(strings.TrimPrefix(v, "export "))
	if name, val, ok := strings.Cut(v, "="); ok && isEnvName(name) {
		if !names(strings.TrimSpace(name)) {
			return "", fmt.Errorf("that line sets %s, not this key", strings.TrimSpace(name))
		}
		v = strings.TrimSpace(val)
	}
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		v = strings.TrimSpace(v[1 : len(v)-1])
	}
	return v, nil
}

// isEnvName tells whether s (before an "=") is a variable name, not the start of a key.
func isEnvName(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasPrefix(s, "sk_") || strings.HasPrefix(s, "pk_") {
		return false
	}
	for i, r := range s {
		if !(r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

func isSecretName(name string) bool { return name == clerk.SecretKeyEnv }

// isPublishableName accepts every framework's name for the publishable key: the dashboard
// shows Next.js's by default.
func isPublishableName(name string) bool { return strings.HasSuffix(name, "CLERK_PUBLISHABLE_KEY") }
