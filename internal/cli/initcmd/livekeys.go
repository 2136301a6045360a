package initcmd

import (
	"fmt"
	"io"

	"github.com/clerkconvex/clerkconvex/internal/iostreams"
)

// init --prod with live keys (pk_live_/sk_live_) and no --env-file: the template goes to the
// production instance and the production issuer to the production deployment, but the keys
// are not written to .env.local, which holds the development keys local development runs
// on. They belong in the hosting provider's production environment, and init says so,
// naming the variables the app reads (the secret masked).

// ResultLiveKeys says where the production keys go (--json).
type ResultLiveKeys struct {
	Where     string            `json:"where"`
	Variables map[string]string `json:"variables"` // name → value; the secret key masked
}

const liveKeysWhere = "your hosting provider's production environment (Vercel: Project → Settings → Environment Variables, Production; Netlify: Site configuration → Environment variables; or your server's environment)"

func (p *plan) resultLiveKeys() *ResultLiveKeys {
	if !p.liveKeysElsewhere {
		return nil
	}
	return &ResultLiveKeys{Where: liveKeysWhere, Variables: map[string]string{p.pubVar: p.pub.Raw, p.secretVar: p.secret.String()}}
}

// liveKeysFile is the env file's entry in --json's files when it is left alone.
func (p *plan) liveKeysFile() []ResultFile {
	if !p.liveKeysElsewhere {
		return nil
	}
	return []ResultFile{{Path: p.keptEnv, Action: "unchanged", Note: "left alone: it keeps the development keys; the live keys belong in " + liveKeysWhere}}
}

// stepLiveKeys is apply's line for the env file left alone.
func stepLiveKeys(io *iostreams.IOStreams, p *plan) {
	if p.liveKeysElsewhere {
		io.Step(iostreams.Skip, "%s left alone (it keeps your development keys); the live keys go to your hosting provider (see below)", p.keptEnv)
	}
}

// printLiveKeys is the summary's paragraph: where the live keys go, and under which names.
func printLiveKeys(out io.Writer, p *plan) {
	if !p.liveKeysElsewhere {
		return
	}
	fmt.Fprintf(out, "Production keys: set them in %s, not in %s:\n  %s=%s\n  %s=%s (your secret key; copy it from Clerk's dashboard → API keys)\n",
		liveKeysWhere, p.keptEnv, p.pubVar, p.pub.Raw, p.secretVar, p.secret)
}
