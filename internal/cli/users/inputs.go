package users

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/convex"
	"github.com/clerkconvex/clerkconvex/internal/dotenv"
	"github.com/clerkconvex/clerkconvex/internal/fsutil"
	"github.com/clerkconvex/clerkconvex/internal/svixsig"
)

// secretFromInput reads the signing secret from --webhook-secret-stdin or $CLERK_WEBHOOK_SECRET.
// from says where it came from; a zero Secret with no error means neither was given.
func secretFromInput(opts *Options) (s svixsig.Secret, from string, err error) {
	var raw string
	switch {
	case opts.SecretStdin:
		b, err := io.ReadAll(io.LimitReader(opts.IO.In, 4096))
		if err != nil {
			return s, "", fmt.Errorf("--webhook-secret-stdin: reading stdin: %w", err)
		}
		raw, from = strings.TrimSpace(string(b)), "--webhook-secret-stdin"
		if raw == "" {
			return s, "", cmdutil.FlagErrorf("--webhook-secret-stdin: stdin was empty; pipe the whsec_… secret in, e.g. printf %%s \"$SECRET\" | clerkconvex users …")
		}
	case opts.Getenv(SecretEnv) != "":
		raw, from = opts.Getenv(SecretEnv), "$"+SecretEnv
	default:
		return s, "", nil
	}
	s, err = svixsig.ParseSecret(raw)
	if err != nil {
		return s, "", cmdutil.FlagErrorf("%s: %v", from, err)
	}
	return s, from, nil
}

// projectEnv reads the env file (--env-file) of the project in dir; nil when it does not exist.
func projectEnv(opts *Options, dir string) (*dotenv.File, string, error) {
	pf := cmdutil.ProjectFlags{EnvFile: opts.EnvFile}
	path, err := pf.EnvFilePath(dir)
	if err != nil {
		return nil, "", err
	}
	rel := pf.EnvFileRel(dir)
	b, exists, err := fsutil.ReadFileIfExists(path)
	if err != nil {
		return nil, rel, fmt.Errorf("reading %s: %w", rel, err)
	}
	if !exists {
		return nil, rel, nil
	}
	return dotenv.Parse(b), rel, nil
}

// convexURLVars are the variables frameworks keep the deployment URL in (.convex.cloud).
var convexURLVars = []string{"CONVEX_URL", "VITE_CONVEX_URL", "NEXT_PUBLIC_CONVEX_URL", "EXPO_PUBLIC_CONVEX_URL", "PUBLIC_CONVEX_URL"}

// siteVars hold the HTTP actions' URL (.convex.site) directly.
var siteVars = []string{"CONVEX_SITE_URL", "VITE_CONVEX_SITE_URL", "NEXT_PUBLIC_CONVEX_SITE_URL", "EXPO_PUBLIC_CONVEX_SITE_URL"}

// errNoSite means the site URL could not be found; the caller says what to pass.
var errNoSite = errors.New("no site URL")

// siteURL is where the deployment serves HTTP actions, and where it came from: --url, a
// *_SITE_URL variable (environment, then the env file), or a *_CONVEX_URL one with
// .convex.cloud turned into .convex.site. With --prod or --deployment only --url and
// $CONVEX_SITE_URL count: the env file names the dev deployment. With a deploy key in the
// environment (the Deployment Platform API path), the key's deployment's site follows them.
func siteURL(opts *Options, env *dotenv.File, envRel string) (string, string, error) {
	if opts.URL != "" {
		u, err := checkSiteURL(opts.URL)
		if err != nil {
			return "", "", cmdutil.FlagErrorf("--url %s: %v", opts.URL, err)
		}
		return u, "--url", nil
	}
	key, keyed := opts.cloudKey()
	// The env file holds the default dev deployment's URLs: not production's, a named one's,
	// or the one a cloud deploy key reaches.
	envFileIsOther := opts.Prod || opts.Deployment != "" || keyed
	lookup := func(name string) (string, string) {
		if v := opts.Getenv(name); v != "" {
			return v, "$" + name
		}
		if env != nil && !envFileIsOther {
			if v, ok := env.Get(name); ok && v != "" {
				return v, name + " in " + envRel
			}
		}
		return "", ""
	}
	for _, name := range siteVars {
		if envFileIsOther && name != "CONVEX_SITE_URL" {
			continue
		}
		if v, from := lookup(name); v != "" {
			u, err := checkSiteURL(v)
			if err != nil {
				return "", "", cmdutil.FlagErrorf("%s (%s): %v", from, v, err)
			}
			return u, from, nil
		}
	}
	if keyed {
		// A cloud deployment's HTTP actions are served at https://<name>[.<region>].convex.site.
		host := key.Name + ".convex.cloud"
		if u, err := url.Parse(key.URL); err == nil && strings.HasSuffix(u.Hostname(), ".convex.cloud") {
			host = u.Hostname()
		}
		return "https://" + strings.TrimSuffix(host, ".convex.cloud") + ".convex.site", "$" + key.Source + " (deployment " + key.Name + ")", nil
	}
	if envFileIsOther {
		return "", "", errNoSite
	}
	for _, name := range convexURLVars {
		v, from := lookup(name)
		if v == "" {
			continue
		}
		u, err := url.Parse(strings.TrimSpace(v))
		if err != nil || u.Host == "" {
			return "", "", cmdutil.FlagErrorf("%s is %q, not a URL: fix it, or pass --url", from, v)
		}
		if !strings.HasSuffix(u.Hostname(), ".convex.cloud") {
			// Self-hosted or a custom domain: the site URL cannot be derived.
			return "", "", errNoSite
		}
		return "https://" + strings.TrimSuffix(u.Hostname(), ".convex.cloud") + ".convex.site", from + " (.convex.cloud → .convex.site)", nil
	}
	return "", "", errNoSite
}

func checkSiteURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", errors.New("not an http(s) URL such as https://happy-cat-123.convex.site")
	}
	if strings.HasSuffix(u.Hostname(), ".convex.cloud") {
		return "", fmt.Errorf("that is the deployment's API URL; HTTP actions are served at https://%s.convex.site", strings.TrimSuffix(u.Hostname(), ".convex.cloud"))
	}
	return strings.TrimSuffix(u.String(), "/"), nil
}

// endpoint is the webhook's URL at site.
func endpoint(site string) string { return site + convex.WebhookPath }
