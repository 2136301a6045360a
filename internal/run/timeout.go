package run

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// WithTimeout limits every program r runs to limit. A program still running then is killed
// (with everything it started) and Run returns a *TimeoutError whose message ends with hint
// (how to allow more time). A limit of zero or less means no limit.
func WithTimeout(r Runner, limit time.Duration, hint string) Runner {
	if limit <= 0 {
		return r
	}
	return timeoutRunner{r: r, limit: limit, hint: hint}
}

type timeoutRunner struct {
	r     Runner
	limit time.Duration
	hint  string
}

func (t timeoutRunner) Run(ctx context.Context, c Cmd) (Result, error) {
	cctx, cancel := context.WithTimeout(ctx, t.limit)
	defer cancel()
	res, err := t.r.Run(cctx, c)
	if err != nil && ctx.Err() == nil && errors.Is(cctx.Err(), context.DeadlineExceeded) {
		return res, &TimeoutError{Limit: t.limit, Hint: t.hint, Err: err}
	}
	return res, err
}

// TimeoutError is a program stopped at its time limit.
type TimeoutError struct {
	Limit time.Duration
	Hint  string // how to allow more time; may be ""
	Err   error  // what the runner returned
}

func (e *TimeoutError) Error() string {
	msg := fmt.Sprintf("stopped after %s, its time limit", e.Limit)
	if e.Hint != "" {
		msg += "; " + e.Hint
	}
	return msg
}

func (e *TimeoutError) Unwrap() error { return e.Err }
