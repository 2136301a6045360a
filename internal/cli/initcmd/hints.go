package initcmd

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
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
		return &cmdutil.ExitError{Code: cmdutil.ExitAuth, Err: fmt.Errorf("Clerk rejected the secret key %s%s: %w; copy a current secret key from the Clerk dashboard, API keys", key, src, err)}
	}
	var ae *clerk.APIError
	var ne net.Error
	switch {
	case errors.As(err, &ae):
		switch s := ae.Status; {
		case s == http.StatusForbidden:
			return fmt.Errorf("%w; check that the secret key %s is this instance's and still active (Clerk dashboard, API keys)", err, key)
		case s == http.StatusNotFound:
			return fmt.Errorf("%w; check the Clerk API URL (--clerk-api-url or $CLERK_API_URL; leave both unset for https://api.clerk.com)", err)
		case s == http.StatusTooManyRequests:
			return fmt.Errorf("%w; Clerk is limiting requests for this key: wait a minute and run the command again", err)
		case s >= 500:
			return fmt.Errorf("%w; Clerk, or a proxy on the way, failed: try again in a minute (https://status.clerk.com)", err)
		case s == http.StatusBadRequest || s == http.StatusUnprocessableEntity:
			return fmt.Errorf("%w; fix --claims or the JWT template in the Clerk dashboard (JWT templates), then run the command again", err)
		}
	case errors.As(err, &ne):
		// No answer at all.
		return fmt.Errorf("%w; check your network and proxy (HTTPS_PROXY, NO_PROXY) and try again (CLERKCONVEX_HTTP_TIMEOUT sets the time limit)", err)
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
	return &cmdutil.FlagError{Err: fmt.Errorf("%w; fix package.json (npm cannot read it either) or pass -C <folder>", err)}
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
