package convex

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/clerkconvex/clerkconvex/internal/httpx"
)

// The deployment a Convex deploy key (or a self-hosted admin key) belongs to, read from the
// environment the way convex 1.48's CLI reads it (dist/cjs/cli/lib/deploymentSelection.js,
// getDeploymentSelectionFromEnv; lib/deployment.js; lib/utils/utils.js):
//
//   - CONVEX_DEPLOY_KEY, else CONVEX_DEPLOYMENT_TOKEN, is a deploy key. "preview:team:project|…"
//     is a preview key and "project:…|…" a project key: neither names one deployment (the CLI
//     asks the control plane which). Any other "<type>:<name>|<secret>" is the key of deployment
//     <name>, of type dev or prod; "<name>|<secret>" (no type) is a production key.
//   - Otherwise CONVEX_SELF_HOSTED_URL + CONVEX_SELF_HOSTED_ADMIN_KEY name a self-hosted backend,
//     unless CONVEX_DEPLOYMENT is set too (the CLI refuses that mix).
//
// The CLI turns a deployment key into a URL by asking its control plane
// (POST <CONVEX_PROVISION_HOST or https://api.convex.dev>/api/deployment/url_for_key). Here the
// URL follows from the key itself, so that the key goes to its deployment and nowhere else:
// https://<name>.convex.cloud, the Deployment Platform API's documented server. A deployment in
// another region is served at https://<name>.<region>.convex.cloud: when a Convex URL variable
// of the environment (CONVEX_URL, NEXT_PUBLIC_CONVEX_URL, …) names the same deployment under
// convex.cloud, that URL is used. Only when CONVEX_PROVISION_HOST is set (the CLI's own
// variable for another control plane, which tests point at a fake) is the control plane asked,
// as the CLI asks it.

// PlatformKey is the credential of the Deployment Platform API path and the deployment it
// reaches. Its String form never shows the secret.
type PlatformKey struct {
	// Source is the variable the key came from: CONVEX_DEPLOY_KEY, CONVEX_DEPLOYMENT_TOKEN or
	// CONVEX_SELF_HOSTED_ADMIN_KEY.
	Source string
	// Kind is "deployment", "preview", "project" or "self-hosted".
	Kind string
	// Type is the deployment's type (dev, prod) for a deployment key; "" otherwise.
	Type string
	// Name is the deployment's name for a deployment key; "" otherwise.
	Name string
	// URL is the deployment's URL when known without a network call: a self-hosted backend's
	// CONVEX_SELF_HOSTED_URL, or a deployment key's https://<name>.convex.cloud (or the
	// regional URL the environment names). "" when the control plane must be asked.
	URL string
	// ProvisionHost is CONVEX_PROVISION_HOST when set: the control plane to ask for the URL.
	ProvisionHost string

	secret string
}

func (k PlatformKey) String() string {
	if k.Name != "" {
		return k.Source + " (" + k.Type + ":" + k.Name + "|…)"
	}
	return k.Source + " (…)"
}

// GoString keeps %#v from printing the secret.
func (k PlatformKey) GoString() string { return "convex.PlatformKey{" + k.String() + "}" }

// deployKeyVars are the variables the CLI reads a deploy key from, in order.
var deployKeyVars = []string{"CONVEX_DEPLOY_KEY", "CONVEX_DEPLOYMENT_TOKEN"}

// convexURLVars are variables that commonly hold the deployment's URL in CI and build
// environments (the CLI's own, and the frameworks' public ones).
var convexURLVars = []string{"CONVEX_URL", "CONVEX_CLOUD_URL", "NEXT_PUBLIC_CONVEX_URL", "VITE_CONVEX_URL", "EXPO_PUBLIC_CONVEX_URL", "PUBLIC_CONVEX_URL", "NUXT_PUBLIC_CONVEX_URL", "REACT_APP_CONVEX_URL"}

var deploymentNameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`) })

// ErrNoPlatformKey is PlatformKeyFromEnv's error when the environment holds no deploy key and
// no self-hosted URL + admin key.
var ErrNoPlatformKey = errors.New("no CONVEX_DEPLOY_KEY (or CONVEX_SELF_HOSTED_URL + CONVEX_SELF_HOSTED_ADMIN_KEY) in the environment")

// PlatformKeyFromEnv reads the key the Convex CLI would use from the environment (not from
// .env.local: a key there goes through npx, which reads it). The error names the variable and
// never holds the secret.
func PlatformKeyFromEnv(getenv func(string) string) (PlatformKey, error) {
	for _, v := range deployKeyVars {
		raw := strings.TrimSpace(getenv(v))
		if raw == "" || raw == "<ignore_deploy_key>" {
			continue
		}
		if strings.HasPrefix(raw, "<missing_deploy_key:") {
			return PlatformKey{}, fmt.Errorf("%s is a placeholder, not a deploy key: set it to a deploy key from the Convex dashboard (deployment → Settings → Deploy keys)", v)
		}
		return parseDeployKey(v, raw, getenv)
	}
	u, k := strings.TrimSpace(getenv("CONVEX_SELF_HOSTED_URL")), strings.TrimSpace(getenv("CONVEX_SELF_HOSTED_ADMIN_KEY"))
	if u == "" || k == "" {
		return PlatformKey{}, ErrNoPlatformKey
	}
	if getenv("CONVEX_DEPLOYMENT") != "" {
		return PlatformKey{}, errors.New("CONVEX_DEPLOYMENT must not be set when CONVEX_SELF_HOSTED_URL and CONVEX_SELF_HOSTED_ADMIN_KEY are set (the Convex CLI refuses the mix too): unset one of them")
	}
	if err := checkBaseURL(u); err != nil {
		return PlatformKey{}, fmt.Errorf("CONVEX_SELF_HOSTED_URL: %w", err)
	}
	return PlatformKey{Source: "CONVEX_SELF_HOSTED_ADMIN_KEY", Kind: "self-hosted", URL: strings.TrimRight(u, "/"), secret: k}, nil
}

func parseDeployKey(source, raw string, getenv func(string) string) (PlatformKey, error) {
	k := PlatformKey{Source: source, secret: raw, ProvisionHost: strings.TrimRight(getenv("CONVEX_PROVISION_HOST"), "/")}
	prefix, _, ok := strings.Cut(raw, "|")
	if !ok || prefix == "" {
		return PlatformKey{}, fmt.Errorf("%s is not a Convex deploy key (they look like prod:happy-otter-123|ey…): copy it again from the Convex dashboard (deployment → Settings → Deploy keys)", source)
	}
	parts := strings.Split(prefix, ":")
	switch {
	case parts[0] == "preview" && len(parts) == 3:
		k.Kind = "preview"
		return k, nil
	case parts[0] == "project":
		k.Kind = "project"
		return k, nil
	case len(parts) == 1:
		k.Kind, k.Type, k.Name = "deployment", "prod", parts[0]
	default:
		k.Kind, k.Type, k.Name = "deployment", parts[0], parts[len(parts)-1]
	}
	if !deploymentNameRE().MatchString(k.Name) {
		return PlatformKey{}, fmt.Errorf("%s names no deployment the Convex CLI would accept (%q before the |): copy it again from the Convex dashboard", source, k.Type+":"+k.Name)
	}
	if k.ProvisionHost == "" {
		k.URL = cloudURL(k.Name, getenv)
	}
	return k, nil
}

// cloudURL is the deployment's URL: a Convex URL variable of the environment that names this
// deployment under convex.cloud (a regional https://<name>.<region>.convex.cloud), else
// https://<name>.convex.cloud.
func cloudURL(name string, getenv func(string) string) string {
	for _, v := range convexURLVars {
		u, err := url.Parse(strings.TrimSpace(getenv(v)))
		if err != nil || u.Scheme != "https" || u.User != nil || u.Port() != "" || (u.Path != "" && u.Path != "/") {
			continue
		}
		host := strings.ToLower(u.Hostname())
		if strings.HasPrefix(host, name+".") && strings.HasSuffix(host, ".convex.cloud") {
			return "https://" + host
		}
	}
	return "https://" + name + ".convex.cloud"
}

// checkBaseURL refuses a URL a credential must not be sent to: not http(s), or plain http to
// another machine.
func checkBaseURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("%q is not an http(s) URL", raw)
	}
	if u.Scheme == "http" && !httpx.IsLoopback(u.Hostname()) {
		return fmt.Errorf("%q uses plain http: clerkconvex sends the admin key only over https (or to this machine)", raw)
	}
	return nil
}

// redact removes the secret from text that came back from the network.
func (k PlatformKey) redact(s string) string {
	if k.secret == "" {
		return s
	}
	s = strings.ReplaceAll(s, k.secret, "…")
	if _, after, ok := strings.Cut(k.secret, "|"); ok && len(after) >= 8 {
		s = strings.ReplaceAll(s, after, "…")
	}
	return s
}
