package initcmd

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/httpx"
	"github.com/clerkconvex/clerkconvex/internal/project"
)

// authHint adds the fix to an error from the Clerk API: a rejected key is exit 4; every other
// answer (or no answer) says what to do next. from names where the key came from ("" if unknown).
func authHint(err error, key clerk.SecretKey, from string) error {
	if err == nil {
		return nil
	}
	if clerk.IsUnauthorized(err) {
		src := ""
		if from != "" {
			src = " (from " + from + ")"
		}
		return &cmdutil.ExitError{Code: cmdutil.ExitAuth, Err: fmt.Errorf("Clerk rejected the secret key %s%s: %w; %s", key, src, err, clerk.Fix(err, key))}
	}
	if fix := clerk.Fix(err, key); fix != "" {
		return fmt.Errorf("%w; %s", err, fix)
	}
	var ae *clerk.APIError
	if errors.As(err, &ae) && httpx.Mutating(ae.Method) && (ae.Status == http.StatusBadRequest || ae.Status == http.StatusUnprocessableEntity) {
		return fmt.Errorf("%w; fix --claims or the JWT template in the Clerk dashboard (JWT templates), then run the command again", err)
	}
	return err
}

// keyError names where a malformed key came from and, unless the reason already does, where to
// get a good one.
func keyError(from string, err error) error {
	fix := ""
	if !strings.Contains(err.Error(), "Clerk dashboard") {
		fix = "; copy the whole key from the Clerk dashboard (API keys)"
	}
	return &cmdutil.FlagError{Err: fmt.Errorf("%s: %w%s", from, err, fix)}
}

// projectError is a package.json that is missing or unreadable, with the fix.
func projectError(err error) error {
	if errors.Is(err, project.ErrNoPackageJSON) {
		return &cmdutil.FlagError{Err: err}
	}
	if strings.Contains(err.Error(), "; fix ") {
		return &cmdutil.FlagError{Err: fmt.Errorf("%w, or pass -C <folder>", err)} // project.Load said how
	}
	return &cmdutil.FlagError{Err: fmt.Errorf("%w; fix package.json or pass -C <folder>", err)}
}

// envFileError is an env file that cannot be read, with the fix.
func envFileError(rel string, err error) error {
	if errors.Is(err, fs.ErrPermission) {
		return cmdutil.FlagErrorf("--env-file %s: %v; make it readable by you (chmod 600 %s) or pass another --env-file", rel, err, rel)
	}
	return cmdutil.FlagErrorf("--env-file %s: %v", rel, err)
}

// claimsError is a bad --claims value, with an example of a good one.
func claimsError(err error) error {
	fix := ""
	switch {
	case strings.Contains(err.Error(), "reserved"):
		fix = "; remove it from --claims"
	case !strings.Contains(err.Error(), "like '"):
		fix = `; pass one JSON object, like '{"org":"{{org.slug}}"}'`
	}
	return &cmdutil.FlagError{Err: fmt.Errorf("--claims: %w%s", err, fix)}
}
