package cmdutil

import (
	"encoding/json"
	"errors"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
)

// Fixer is an error that knows its fix apart from its message.
type Fixer interface {
	error
	// Fix is what to do, one sentence.
	Fix() string
}

// Coder is an error with a stable code for --json ("stale_provider", …).
type Coder interface {
	error
	Code() string
}

// JSONError is the error object of a failed command's --json output.
type JSONError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Fix     string `json:"fix"`
}

// ErrorJSON describes err for --json: a stable code (the error's own, else one per exit code:
// usage, clerk_auth, interrupted, failed), the message and the fix. An error that is no Fixer
// is split at its last "; ", where this tool's one-line errors put the fix. Secrets are
// redacted.
func ErrorJSON(err error) JSONError {
	msg := err.Error()
	var e JSONError
	var f Fixer
	if errors.As(err, &f) {
		e.Fix = f.Fix()
		msg = strings.TrimSuffix(strings.TrimSuffix(msg, e.Fix), "; ")
	} else if i := strings.LastIndex(msg, "; "); i > 0 {
		msg, e.Fix = msg[:i], msg[i+2:]
	}
	e.Message = clerk.RedactSecrets(msg)
	e.Fix = clerk.RedactSecrets(e.Fix)
	var c Coder
	switch {
	case errors.As(err, &c):
		e.Code = c.Code()
	default:
		e.Code = map[int]string{ExitUsage: "usage", ExitAuth: "clerk_auth", ExitInterrupted: "interrupted"}[ExitCode(err)]
		if e.Code == "" {
			e.Code = "failed"
		}
	}
	return e
}

// WriteJSONError prints {"version":1,"ok":false,"error":{"code","message","fix"}} on w: what
// --json prints when a command fails before it has a result of its own.
func WriteJSONError(w io.Writer, err error) error {
	return WriteJSON(w, struct {
		Version int       `json:"version"`
		OK      bool      `json:"ok"`
		Error   JSONError `json:"error"`
	}{1, false, ErrorJSON(err)})
}

// WriteJSON prints v on w as --json output: one object, indented by two spaces, then a newline.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// WantsJSON tells whether cmd was asked for --json: its parsed flag, or, when parsing stopped
// at a bad flag before reaching it, --json among args.
func WantsJSON(cmd *cobra.Command, args []string) bool {
	if cmd == nil || cmd.Flags().Lookup("json") == nil {
		return false
	}
	if v, err := cmd.Flags().GetBool("json"); err == nil && v {
		return true
	}
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "--json" || a == "--json=true" || a == "--json=1" {
			return true
		}
	}
	return false
}
