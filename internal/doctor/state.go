package doctor

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	sdk "github.com/clerk/clerk-sdk-go/v2"
	jose "github.com/go-jose/go-jose/v4"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/convex"
	"github.com/clerkconvex/clerkconvex/internal/dotenv"
	"github.com/clerkconvex/clerkconvex/internal/oidc"
	"github.com/clerkconvex/clerkconvex/internal/project"
)

// state is what the checks found. Each field is written by one check before it finishes and
// read only by checks that wait for it (needs or after), so no lock is needed for them.
type state struct {
	in  Inputs
	ctx context.Context // the run's context: background work lives as long as the run

	// project.*
	proj    *project.Project
	funcDir string

	// env.*
	env                 *dotenv.File // nil when the file does not exist
	pub                 clerk.PublishableKey
	pubFrom, secretFrom string
	secret              clerk.SecretKey
	// layers are the env files the app's dev server loads (appEnvFiles), read once.
	layersOnce sync.Once
	layers     []envLayer
	// fileSecret is the env file's CLERK_SECRET_KEY when it is not the key in use (which
	// came from --secret-key or the environment); "" otherwise.
	fileSecret string

	// authconfig.*
	authRel   string
	authTS    bool
	parsed    []convex.ParsedProvider // the providers array; nil when it could not be read
	authReads []convex.EnvRead        // every process.env variable auth.config reads
	authRead  bool                    // authReads is known (the file tokenized)
	provider  *convex.ParsedProvider  // the Clerk provider
	appID     string
	// issuerVars are the variables the Clerk provider's domain reads, in order (a fallback
	// after the first); empty when the domain is a literal. issuerVar is the one that gives
	// the domain on the deployment: the first one set there (convex.env_var sets it).
	issuerVars []string
	issuerVar  string
	// issuerUnset is the variable convex.env_var failed as not set on the deployment, so
	// convex.auth_env does not name it again.
	issuerUnset string
	// own are the project's own other Clerk instances (ownInstances).
	ownOnce sync.Once
	own     []project.OwnInstance
	// appIDUnset is the variable authconfig.application_id failed as not set on the deployment.
	appIDUnset string

	// clerk.*
	issuer string
	tmpl   *sdk.JWTTemplate

	// issuer.*
	disc *oidc.Discovery
	jwks *jose.JSONWebKeySet

	// convex.*
	deployValue string

	// users.* (listed only when the project syncs Clerk users)
	users *usersFacts

	// client.*
	wiring *wiringFacts // the client code, as client.provider_wiring read it; nil if not read

	// token.*
	tok *oidc.Token

	// convex.defaults (checks_defaults.go)
	defaultsOnce sync.Once
	defaults     *defaultsFacts

	// project.node_version (checks_node.go)
	nodeOnce sync.Once
	node     *nodeEngine
	nodeVer  *future[string]

	// Background work, started once. bg counts its goroutines: Run cancels and waits for
	// them all before it returns, so no call (and no npx child) outlives the run.
	bg        sync.WaitGroup
	mu        sync.Mutex
	clerkOnce sync.Once
	clerkIss  *future[string]
	clerkTpls *future[[]*sdk.JWTTemplate]
	convexEnv *future[map[string]string]
	discs     map[string]*future[*oidc.Discovery]
	keySets   map[string]*future[*jose.JSONWebKeySet]
}

func newState(ctx context.Context, in Inputs) *state {
	return &state{
		in:      in,
		ctx:     ctx,
		discs:   map[string]*future[*oidc.Discovery]{},
		keySets: map[string]*future[*jose.JSONWebKeySet]{},
	}
}

// redact masks the secret keys in text (belt and braces: messages use their masked form
// anyway).
func (s *state) redact(text string) string {
	for _, raw := range []string{s.secret.Reveal(), s.fileSecret} {
		if raw != "" {
			text = strings.ReplaceAll(text, raw, clerk.Mask(raw))
		}
	}
	return text
}

// future is a value computed in the background, with its own time limit. Start one with
// goFuture and the run's WaitGroup.
type future[T any] struct {
	done chan struct{}
	v    T
	err  error
}

func goFuture[T any](bg *sync.WaitGroup, ctx context.Context, limit time.Duration, f func(context.Context) (T, error)) *future[T] {
	fu := &future[T]{done: make(chan struct{})}
	bg.Go(func() {
		defer close(fu.done)
		c, cancel := context.WithTimeout(ctx, limit)
		defer cancel()
		fu.v, fu.err = f(c)
		if fu.err != nil && errors.Is(c.Err(), context.DeadlineExceeded) && ctx.Err() == nil {
			fu.err = &timeoutError{limit: limit, err: fu.err}
		}
	})
	return fu
}

// timeoutError is background work that ran out of time.
type timeoutError struct {
	limit time.Duration
	err   error
}

func (e *timeoutError) Error() string { return fmt.Sprintf("no answer within %s: %v", e.limit, e.err) }
func (e *timeoutError) Unwrap() error { return e.err }

// timedOut turns a timeout into the check's outcome.
func timedOut(err error) (outcome, bool) {
	var te *timeoutError
	if errors.As(err, &te) {
		return fail(timeoutFix, "%v", te), true
	}
	return outcome{}, false
}

const (
	timeoutFix      = "rerun with a longer --timeout, or check your network"
	localTimeoutFix = "rerun with a longer --timeout"
)

// wait returns the value, or ctx's error if ctx ends first.
func (f *future[T]) wait(ctx context.Context) (T, error) {
	select {
	case <-f.done:
		return f.v, f.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

// startClerk starts the two Backend API calls (domains and templates) side by side.
func (s *state) startClerk(key clerk.SecretKey) {
	if s.in.Offline || s.in.NewClerk == nil {
		return
	}
	s.clerkOnce.Do(func() {
		api, err := s.in.NewClerk(key)
		s.mu.Lock()
		defer s.mu.Unlock()
		if err != nil {
			s.clerkIss = &future[string]{done: closed(), err: err}
			s.clerkTpls = &future[[]*sdk.JWTTemplate]{done: closed(), err: err}
			return
		}
		s.clerkIss = goFuture(&s.bg, s.ctx, s.in.Timeout, api.Issuer)
		s.clerkTpls = goFuture(&s.bg, s.ctx, s.in.Timeout, api.Templates)
	})
}

func closed() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}

func (s *state) clerkFutures() (*future[string], *future[[]*sdk.JWTTemplate]) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.clerkIss, s.clerkTpls
}

// discovery returns the (shared) fetch of issuer's discovery document, starting it if needed.
func (s *state) discovery(issuer string) *future[*oidc.Discovery] {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f, ok := s.discs[issuer]; ok {
		return f
	}
	f := goFuture(&s.bg, s.ctx, s.in.Timeout, func(ctx context.Context) (*oidc.Discovery, error) {
		return oidc.FetchDiscovery(ctx, s.in.HTTPClient, issuer)
	})
	s.discs[issuer] = f
	return f
}

// keySet returns the (shared) fetch of a JWKS, starting it if needed.
func (s *state) keySet(uri string) *future[*jose.JSONWebKeySet] {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f, ok := s.keySets[uri]; ok {
		return f
	}
	f := goFuture(&s.bg, s.ctx, s.in.Timeout, func(ctx context.Context) (*jose.JSONWebKeySet, error) {
		return oidc.FetchJWKS(ctx, s.in.HTTPClient, uri)
	})
	s.keySets[uri] = f
	return f
}

// prefetchIssuer starts fetching the documents of the issuer the publishable key names, so
// they are there when the Backend API confirms the issuer. Clerk serves the key set at a fixed
// path; when the discovery document names another jwks_uri, that one is fetched then.
func (s *state) prefetchIssuer(issuer string) {
	if s.in.Offline {
		return
	}
	s.discovery(issuer)
	s.keySet(oidc.DefaultJWKSURL(issuer))
}

// startConvexEnv starts the one `npx convex env list` of the run: every variable of the
// deployment, for convex.env_var and convex.auth_env alike.
func (s *state) startConvexEnv() {
	s.startDefaults() // the project defaults' lists, side by side (checks_defaults.go)
	if s.in.Offline || s.in.ConvexEnvList == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.convexEnv != nil {
		return
	}
	s.convexEnv = goFuture(&s.bg, s.ctx, s.in.Timeout, func(ctx context.Context) (map[string]string, error) {
		if err := s.nodeGate(ctx); err != nil {
			return nil, err
		}
		return s.in.ConvexEnvList(ctx, s.target())
	})
}

func (s *state) convexEnvFuture() *future[map[string]string] {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.convexEnv
}
