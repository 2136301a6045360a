// Package doctor checks the whole chain from Clerk to Convex: the project, the env file,
// convex/auth.config, the client wiring, the Clerk instance, the issuer, the Convex
// deployment and, optionally, a token. Each check has a stable id, a section, a status and,
// for a problem, the fix.
//
// Independent checks run concurrently. Network and process work (Clerk's API, the issuer's
// documents, `npx convex env list`) starts as soon as its inputs are known, in the background,
// and the checks that judge it wait for it with their own time limit.
package doctor

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	sdk "github.com/clerk/clerk-sdk-go/v2"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/convex"
)

// Status of a check.
type Status string

const (
	Pass Status = "pass"
	Warn Status = "warn"
	Fail Status = "fail"
	Skip Status = "skip"
)

// Sections, in the order they print.
const (
	SectionProject    = "project"
	SectionEnv        = "env"
	SectionAuthConfig = "authconfig"
	SectionClient     = "client"
	SectionClerk      = "clerk"
	SectionIssuer     = "issuer"
	SectionConvex     = "convex"
	SectionUsers      = "users"
	SectionToken      = "token"
)

// Result is one check's outcome. Message and Fix never hold the secret key.
type Result struct {
	ID      string `json:"id"`
	Section string `json:"section"`
	Status  Status `json:"status"`
	Message string `json:"message"`
	Fix     string `json:"fix"`
	// Duration is how long the check ran (after what it needs had finished).
	Duration time.Duration `json:"-"`
}

// Report is the result of a run, checks in their fixed order.
type Report struct {
	Checks []Result
	// Elapsed is the wall time of the whole run.
	Elapsed time.Duration
	// Deployment is the Convex deployment checked when one was asked for: "prod" (--prod) or
	// --deployment's ref; "" for the default one.
	Deployment string
	// Repairs are the safe automatic fixes of the failed and warned checks (doctor --fix).
	Repairs []Repair
}

// OK is true when no check failed (warnings are allowed).
func (r *Report) OK() bool {
	for _, c := range r.Checks {
		if c.Status == Fail {
			return false
		}
	}
	return true
}

// Count returns how many checks have each status.
func (r *Report) Count() map[Status]int {
	n := map[Status]int{}
	for _, c := range r.Checks {
		n[c.Status]++
	}
	return n
}

// Slowest is the longest single check.
func (r *Report) Slowest() Result {
	var s Result
	for _, c := range r.Checks {
		if c.Duration > s.Duration {
			s = c
		}
	}
	return s
}

// ClerkAPI is what doctor reads from Clerk's Backend API; *clerk.Client implements it.
type ClerkAPI interface {
	Issuer(ctx context.Context) (string, error)
	Templates(ctx context.Context) ([]*sdk.JWTTemplate, error)
}

// Inputs are everything a run reads besides the project's files.
type Inputs struct {
	Dir string // absolute project folder (the app's)
	// ConvexDir is the absolute folder of the package that holds the Convex functions (where
	// convex.json is and npx convex runs); "" means Dir. In a workspace it may be another
	// package than the app's.
	ConvexDir string
	// Workspace are the other packages of the app's workspace (absolute folders, the root
	// first); nil outside a workspace. convex declared in one of them counts as the app's.
	Workspace []string
	// WorkspaceRoot is the workspace's root folder; "" outside a workspace.
	WorkspaceRoot string
	EnvFile       string // env file, relative to Dir (e.g. .env.local)
	// EnvDir is the folder, relative to Dir, a Vite app's vite.config names as its envDir
	// (where its dev server loads the env files from; EnvFile is in it); "" for Dir itself.
	EnvDir string
	// EnvFileExplicit is true when the user named the env file (--env-file). With Prod, the
	// env file's issuer is compared with the deployment's only then: the default .env.local
	// holds development values.
	EnvFileExplicit bool

	SecretKey      string // --secret-key, "" when not given
	PublishableKey string // --publishable-key, "" when not given
	Getenv         func(string) string

	TemplateName string // the JWT template Convex asks for: "convex"
	Prod         bool   // check the production deployment
	Deployment   string // --deployment: check this named deployment (never with Prod)
	Offline      bool   // skip everything that needs the network or npx
	Token        string // a JWT to verify; "" skips the token checks

	// NewClerk builds the Backend API client for a secret key.
	NewClerk func(clerk.SecretKey) (ClerkAPI, error)
	// HTTPClient fetches the issuer's documents.
	HTTPClient *http.Client
	// ConvexEnvList reads every variable of the deployment in one call (`npx convex env list
	// --include-values [--prod | --deployment REF]`).
	ConvexEnvList func(ctx context.Context, dep convex.Deployment) (map[string]string, error)
	// ConvexDefaultsList reads the project's default variables for new deployments of a type
	// (`npx convex env default list --include-values --type T`); nil skips convex.defaults.
	ConvexDefaultsList func(ctx context.Context, typ string) (map[string]string, error)
	// NodeVersion runs `node --version` (the Node npx would use); nil skips
	// project.node_version.
	NodeVersion func(ctx context.Context) (string, error)

	// Timeout limits each check, and each call to Clerk, the issuer or npx (default 30 s).
	Timeout time.Duration
	// Now is the clock for token times (default time.Now).
	Now func() time.Time

	// OnResult, when set, is called with each check's result as soon as it and every check
	// before it have finished, in print order (redacted as in the report), so that a terminal
	// can show the report section by section. It is called from one goroutine.
	OnResult func(Result)
	// OnChecks, when set, is called once, before any check runs, with the ids of the checks
	// this run makes, in print order.
	OnChecks func(ids []string)
}

const defaultTimeout = 30 * time.Second

// check is one check: what it needs, and how to run it.
type check struct {
	id, section string
	// needs must pass (or warn) first; otherwise the check is skipped, saying which.
	needs []string
	// after are waited for whatever their outcome (the check reads what they found, if any).
	after []string
	// live checks use the network or npx: skipped with --offline.
	live bool
	run  func(ctx context.Context, s *state) outcome
}

// outcome is what a check's run returns.
type outcome struct {
	status       Status
	message, fix string
}

func pass(format string, a ...any) outcome {
	return outcome{status: Pass, message: fmt.Sprintf(format, a...)}
}

func warn(fix, format string, a ...any) outcome {
	return outcome{status: Warn, message: fmt.Sprintf(format, a...), fix: fix}
}

func fail(fix, format string, a ...any) outcome {
	return outcome{status: Fail, message: fmt.Sprintf(format, a...), fix: fix}
}

func skip(format string, a ...any) outcome {
	return outcome{status: Skip, message: fmt.Sprintf(format, a...)}
}

// Run runs every check and returns their results in a fixed order. It returns early only
// when ctx is cancelled, with ctx's error. Either way, every goroutine and child process it
// started has ended when it returns.
func Run(ctx context.Context, in Inputs) (*Report, error) {
	if in.Getenv == nil {
		in.Getenv = func(string) string { return "" }
	}
	if in.TemplateName == "" {
		in.TemplateName = "convex"
	}
	if in.Timeout <= 0 {
		in.Timeout = defaultTimeout
	}
	if in.Now == nil {
		in.Now = time.Now
	}
	if in.HTTPClient == nil {
		in.HTTPClient = http.DefaultClient
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	s := newState(runCtx, in)
	checks := s.checks()
	if in.OnChecks != nil {
		ids := make([]string, len(checks))
		for i, c := range checks {
			ids[i] = c.id
		}
		in.OnChecks(ids)
	}
	start := time.Now()
	results := runChecks(runCtx, s, checks)
	repairs := s.repairs(runCtx, results)
	// Background work nobody waited for (npx convex env get started early, a prefetch whose
	// check was skipped) ends here: cancel it (the runner kills npx's process group) and wait,
	// so nothing outlives Run.
	cancel()
	s.bg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rep := &Report{Checks: results, Elapsed: time.Since(start), Repairs: repairs}
	if in.Prod || in.Deployment != "" {
		rep.Deployment = convex.Deployment{Prod: in.Prod, Ref: in.Deployment}.String()
	}
	for i := range rep.Checks {
		rep.Checks[i] = s.redacted(rep.Checks[i])
	}
	return rep, nil
}

// redacted is a result with every secret masked in its message and fix.
func (s *state) redacted(r Result) Result {
	r.Message = clerk.RedactSecrets(s.redact(r.Message))
	r.Fix = clerk.RedactSecrets(s.redact(r.Fix))
	return r
}

// runChecks runs each check in its own goroutine once what it waits for is done.
func runChecks(ctx context.Context, s *state, checks []check) []Result {
	index := map[string]int{}
	for i, c := range checks {
		if _, dup := index[c.id]; dup {
			panic("doctor: duplicate check id " + c.id)
		}
		for _, d := range append(append([]string(nil), c.needs...), c.after...) {
			if _, ok := index[d]; !ok {
				panic(fmt.Sprintf("doctor: check %s waits on %s, which is not an earlier check", c.id, d))
			}
		}
		index[c.id] = i
	}
	results := make([]Result, len(checks))
	done := make([]chan struct{}, len(checks))
	for i := range done {
		done[i] = make(chan struct{})
	}
	for i, c := range checks {
		go func() {
			defer close(done[i])
			for _, d := range append(append([]string(nil), c.needs...), c.after...) {
				select {
				case <-done[index[d]]:
				case <-ctx.Done():
					results[i] = Result{ID: c.id, Section: c.section, Status: Skip, Message: "interrupted"}
					return
				}
			}
			results[i] = runOne(ctx, s, c, results, index)
		}()
	}
	for i := range done {
		<-done[i]
		if s.in.OnResult != nil && ctx.Err() == nil {
			// Redacting reads the keys env.secret_key found: wait for it first.
			if k, ok := index["env.secret_key"]; ok {
				<-done[k]
			}
			s.in.OnResult(s.redacted(results[i]))
		}
	}
	return results
}

func runOne(ctx context.Context, s *state, c check, results []Result, index map[string]int) Result {
	r := Result{ID: c.id, Section: c.section}
	if c.live && s.in.Offline {
		r.Status, r.Message = Skip, "not checked: --offline"
		return r
	}
	for _, d := range c.needs {
		switch dep := results[index[d]]; dep.Status {
		case Fail:
			r.Status, r.Message = Skip, fmt.Sprintf("waits on %s, which failed", d)
			return r
		case Skip:
			r.Status, r.Message = Skip, fmt.Sprintf("waits on %s, which was skipped", d)
			return r
		}
	}
	// --timeout limits every check, so its fix ("a longer --timeout") always applies.
	limit := s.in.Timeout
	cctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	start := time.Now()
	o := c.run(cctx, s)
	r.Duration = time.Since(start)
	// A failure that came from running out of time says so. A warning stays as the check
	// put it: a check that can end without an answer warns in its own words.
	if o.status == Fail && errors.Is(cctx.Err(), context.DeadlineExceeded) && ctx.Err() == nil {
		fix := timeoutFix
		if !c.live {
			fix = localTimeoutFix
		}
		o = fail(fix, "no answer within %s: %s", limit, o.message)
	}
	r.Status, r.Message, r.Fix = o.status, o.message, o.fix
	return r
}
