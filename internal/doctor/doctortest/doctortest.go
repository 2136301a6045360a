// Package doctortest builds what doctor's tests need: a fake Clerk Backend API whose instances
// have fake issuers on 127.0.0.1 (so nothing reaches a real Clerk host), and a healthy
// project on disk, as `clerkconvex init` leaves it, for tests to break one link at a time.
package doctortest

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/fakes/clerkapi"
	"github.com/clerkconvex/clerkconvex/internal/fakes/issuer"
)

// Secret keys of the two instances. They are canaries: tests fail if they appear in output.
const (
	SecretKey      = "sk_test_CANARYdocOneAbCdEfGhIjKlMnOpQrSt1111"
	OtherSecretKey = "sk_test_CANARYdocTwoAbCdEfGhIjKlMnOpQrSt2222"
	// UnknownSecretKey is well-formed but belongs to no instance (the fake answers 401).
	UnknownSecretKey = "sk_test_CANARYdocNoneAbCdEfGhIjKlMnOpQrS9999"
	// LiveSecretKey is the production instance's (its own issuer, Env.Live).
	LiveSecretKey = "sk_live_CANARYdocLiveAbCdEfGhIjKlMnOpQrS7777"
)

// Options shape the fakes.
type Options struct {
	// Latency is added to every answer of the Clerk fake and both issuers.
	Latency time.Duration
	// Issuer configures the main instance's issuer (Latency is set from above).
	Issuer issuer.Options
	// TemplateName and TemplateClaims plant the main instance's JWT template; the default is
	// "convex" with {"aud":"convex"}. NoTemplate plants none.
	TemplateName   string
	TemplateClaims string
	NoTemplate     bool
}

// keys are the issuers' signing keys, made once per test binary: an RSA key takes a good part
// of a second to generate on a small CI machine, and every test starts two issuers.
var keys = sync.OnceValue(func() [2]*rsa.PrivateKey {
	var k [2]*rsa.PrivateKey
	for i := range k {
		var err error
		if k[i], err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	}
	return k
})

// SigningKey is the main issuer's signing key (the default of Options.Issuer.Key), for tests
// that sign tokens themselves.
func SigningKey() *rsa.PrivateKey { return keys()[0] }

// Env is a running set of fakes.
type Env struct {
	Clerk  *clerkapi.Server
	Issuer *issuer.Issuer // the main instance's
	Other  *issuer.Issuer // the second instance's
	Live   *issuer.Issuer // the production instance's (LiveSecretKey), with a "convex" template
}

// Start starts the fakes. Call Close when done.
func Start(o Options) (*Env, error) {
	io := o.Issuer
	io.Latency = o.Latency
	if io.Key == nil {
		io.Key = keys()[0]
	}
	e := &Env{Issuer: issuer.New(io), Other: issuer.New(issuer.Options{Latency: o.Latency, Key: keys()[1]}),
		Live: issuer.New(issuer.Options{Latency: o.Latency, Key: keys()[1]})}
	e.Clerk = clerkapi.New(clerkapi.Options{Latency: o.Latency, Instances: []clerkapi.Instance{
		{SecretKey: SecretKey, FrontendAPIURL: e.Issuer.URL},
		{SecretKey: OtherSecretKey, FrontendAPIURL: e.Other.URL},
		{SecretKey: LiveSecretKey, FrontendAPIURL: e.Live.URL},
	}})
	if _, err := e.Clerk.AddTemplate(LiveSecretKey, clerkapi.Template{Name: "convex", Claims: json.RawMessage(`{"aud":"convex"}`)}); err != nil {
		e.Close()
		return nil, err
	}
	if !o.NoTemplate {
		name, claims := o.TemplateName, o.TemplateClaims
		if name == "" {
			name = "convex"
		}
		if claims == "" {
			claims = `{"aud":"convex","name":"{{user.full_name}}"}`
		}
		if _, err := e.Clerk.AddTemplate(SecretKey, clerkapi.Template{Name: name, Claims: json.RawMessage(claims)}); err != nil {
			e.Close()
			return nil, err
		}
	}
	return e, nil
}

// Close stops the fakes.
func (e *Env) Close() {
	e.Clerk.Close()
	e.Issuer.Close()
	e.Other.Close()
	e.Live.Close()
}

// LiveInstancePublishableKey is the production instance's publishable key (pk_live_).
func (e *Env) LiveInstancePublishableKey() string {
	return clerk.EncodePublishableKey(hostOf(e.Live.URL), true)
}

// IssuerURL is the main instance's issuer.
func (e *Env) IssuerURL() string { return e.Issuer.URL }

// PublishableKey is the main instance's publishable key (test).
func (e *Env) PublishableKey() string { return clerk.EncodePublishableKey(hostOf(e.Issuer.URL), false) }

// LivePublishableKey names the main instance's host as a live key.
func (e *Env) LivePublishableKey() string {
	return clerk.EncodePublishableKey(hostOf(e.Issuer.URL), true)
}

// OtherPublishableKey is the second instance's publishable key.
func (e *Env) OtherPublishableKey() string {
	return clerk.EncodePublishableKey(hostOf(e.Other.URL), false)
}

func hostOf(u string) string { return strings.TrimPrefix(strings.TrimPrefix(u, "http://"), "https://") }

// Project is the healthy Vite project init leaves behind, without its env file and without
// node_modules (WriteInstalledConvex adds convex's). MainTSX is src/main.tsx.
var Project = map[string]string{
	"package.json": `{
  "name": "vite-app",
  "dependencies": { "convex": "^1.48.0", "@clerk/clerk-react": "^5.0.0", "react": "^19.0.0" },
  "devDependencies": { "vite": "^7.0.0", "typescript": "^5.9.0" }
}
`,
	".gitignore": "node_modules\n.env.local\n",
	"convex/auth.config.ts": `import type { AuthConfig } from "convex/server";

export default {
  providers: [
    {
      domain: process.env.CLERK_JWT_ISSUER_DOMAIN!,
      applicationID: "convex",
    },
  ],
} satisfies AuthConfig;
`,
	"convex/schema.ts": "import { defineSchema } from \"convex/server\";\nexport default defineSchema({});\n",
	"src/main.tsx":     MainTSX,
	"src/App.tsx":      "export default function App() {\n  return <h1>Hello</h1>;\n}\n",
}

// MainTSX wires Convex to Clerk the way Convex's docs show.
const MainTSX = `import React from "react";
import ReactDOM from "react-dom/client";
import { ClerkProvider, useAuth } from "@clerk/clerk-react";
import { ConvexProviderWithClerk } from "convex/react-clerk";
import { ConvexReactClient } from "convex/react";
import App from "./App";

const convex = new ConvexReactClient(import.meta.env.VITE_CONVEX_URL as string);

// <ConvexProvider> would send no token: see https://docs.convex.dev/auth/clerk
ReactDOM.createRoot(document.getElementById("root")!).render(
  <React.StrictMode>
    <ClerkProvider publishableKey={import.meta.env.VITE_CLERK_PUBLISHABLE_KEY}>
      <ConvexProviderWithClerk client={convex} useAuth={useAuth}>
        <App />
      </ConvexProviderWithClerk>
    </ClerkProvider>
  </React.StrictMode>,
);
`

// EnvFile is the healthy .env.local for the main instance.
func (e *Env) EnvFile() string {
	return fmt.Sprintf("VITE_CLERK_PUBLISHABLE_KEY=%s\nCLERK_SECRET_KEY=%s\nCLERK_JWT_ISSUER_DOMAIN=%s\n",
		e.PublishableKey(), SecretKey, e.IssuerURL())
}

// WriteProject writes the healthy project and its env file into dir.
func (e *Env) WriteProject(dir string) error {
	for name, body := range Project {
		if err := WriteFile(dir, name, body); err != nil {
			return err
		}
	}
	return WriteFile(dir, ".env.local", e.EnvFile())
}

// WriteInstalledConvex writes node_modules/convex/package.json (convex 1.48.0), as in any
// project where npx convex dev has run: doctor's project.convex_version warns while convex is
// declared but not installed. Never call it on a folder whose node_modules is a link to a real
// installation.
func WriteInstalledConvex(dir string) error {
	return WriteFile(dir, "node_modules/convex/package.json", `{ "name": "convex", "version": "1.48.0" }`+"\n")
}

// WriteFile writes dir/name, creating folders.
func WriteFile(dir, name, body string) error {
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, []byte(body), 0o600)
}

// GitAdd makes dir a git repository (if it is not one) and stages every file except the env
// file (and the file it links to, if it is a link), as a project whose .env.local was never
// committed.
func GitAdd(dir string) error {
	if _, err := os.Stat(filepath.Join(dir, ".git")); err != nil {
		if err := git(dir, "init", "-q"); err != nil {
			return err
		}
	}
	if err := git(dir, "add", "-A"); err != nil {
		return err
	}
	unstage := []string{".env.local"}
	if target, err := os.Readlink(filepath.Join(dir, ".env.local")); err == nil && !filepath.IsAbs(target) {
		unstage = append(unstage, filepath.ToSlash(target))
	}
	return git(dir, append([]string{"rm", "-q", "--cached", "--ignore-unmatch", "--"}, unstage...)...)
}

func git(dir string, args ...string) error {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return nil
}
