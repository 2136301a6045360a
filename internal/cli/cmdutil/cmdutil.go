// Package cmdutil holds what every command shares: the Factory that builds dependencies, and
// the error types that map to exit codes.
package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	sdk "github.com/clerk/clerk-sdk-go/v2"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/iostreams"
	"github.com/clerkconvex/clerkconvex/internal/prompt"
	"github.com/clerkconvex/clerkconvex/internal/run"
)

// Exit codes.
const (
	ExitOK          = 0
	ExitFailure     = 1
	ExitUsage       = 2
	ExitAuth        = 4
	ExitInterrupted = 130
)

// Factory builds the real dependencies, lazily, in one place. Tests replace its fields.
type Factory struct {
	IOStreams *iostreams.IOStreams
	Getenv    func(string) string
	// Prompter returns the interactive prompter (only called when IOStreams.CanPrompt()).
	Prompter func() prompt.Prompter
	// HTTPClient returns the client for every outbound call (timeouts, retries, proxy).
	HTTPClient func() *http.Client
	// Clerk builds a Clerk client for a base URL and key.
	Clerk func(baseURL string, key clerk.SecretKey) (ClerkAPI, error)
	// Runner runs child processes (npx).
	Runner func() run.Runner
	// NpxTimeout limits each npx call ($CLERKCONVEX_NPX_TIMEOUT, default DefaultNpxTimeout);
	// init's --npx-timeout starts from it.
	NpxTimeout time.Duration
}

// DefaultNpxTimeout is how long one `npx convex env` call may take: the Convex CLI needs a
// second or two, more on its first run or a slow network.
const DefaultNpxTimeout = 2 * time.Minute

// ClerkAPI is what commands need from Clerk; *clerk.Client implements it.
type ClerkAPI interface {
	Issuer(ctx context.Context) (string, error)
	Templates(ctx context.Context) ([]*sdk.JWTTemplate, error)
	ApplyTemplate(ctx context.Context, name string, p clerk.TemplatePlan) (*sdk.JWTTemplate, error)
}

// FlagError is bad or missing input: exit 2.
type FlagError struct{ Err error }

func (e *FlagError) Error() string { return e.Err.Error() }
func (e *FlagError) Unwrap() error { return e.Err }

// FlagErrorf builds a FlagError.
func FlagErrorf(format string, a ...any) error {
	return &FlagError{Err: fmt.Errorf(format, a...)}
}

// ExitError carries an explicit exit code.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

// ErrSilent means the error was already reported; exit 1 without printing again.
var ErrSilent = errors.New("silent error")

// JSONWrittenError is a command's error after the command printed its own --json result
// (which holds the error): the root prints it on stderr and exits with its code, but does not
// print a second JSON object.
type JSONWrittenError struct{ Err error }

func (e *JSONWrittenError) Error() string { return e.Err.Error() }
func (e *JSONWrittenError) Unwrap() error { return e.Err }

// JSONWritten marks err (nil stays nil) as already part of the command's --json output.
func JSONWritten(err error) error {
	if err == nil {
		return nil
	}
	return &JSONWrittenError{Err: err}
}

// ErrInterrupted is Ctrl-C: exit 130.
var ErrInterrupted = errors.New("interrupted")

// InterruptedError is Ctrl-C with a sentence on the state it left things in; it is
// ErrInterrupted for errors.Is.
type InterruptedError struct{ Msg string }

func (e *InterruptedError) Error() string        { return e.Msg }
func (e *InterruptedError) Is(target error) bool { return target == ErrInterrupted }

// ExitCode maps an error to the process exit code.
func ExitCode(err error) int {
	var fe *FlagError
	var ee *ExitError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ee):
		return ee.Code
	case errors.Is(err, ErrInterrupted), errors.Is(err, prompt.ErrInterrupted), errors.Is(err, context.Canceled):
		return ExitInterrupted
	case clerk.IsUnauthorized(err):
		return ExitAuth
	case errors.As(err, &fe):
		return ExitUsage
	}
	return ExitFailure
}
