package cmdutil

import (
	"errors"

	"github.com/clerkconvex/clerkconvex/internal/jsparse"
)

// CheckSyntax parses what a command is about to write to the source file rel (old is nil for
// a new file) and refuses it when it does not parse: exit 2 when the file did not parse before
// either (the user fixes it), 1 when the edit broke it.
func CheckSyntax(rel string, old, updated []byte) error {
	err := jsparse.CheckEdit(rel, old, updated)
	var ee *jsparse.EditError
	if errors.As(err, &ee) && ee.WasBroken {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	return err
}
