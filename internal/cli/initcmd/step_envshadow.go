package initcmd

import (
	"path/filepath"
	"slices"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/cli/cmdutil"
	"github.com/clerkconvex/clerkconvex/internal/dotenv"
	"github.com/clerkconvex/clerkconvex/internal/fsutil"
)

// warnShadowed warns about the keys init writes that another env file the framework's dev server
// loads, one that wins over the env file (Next.js's .env.development.local, Vite's
// .env.development), sets to another value: the app keeps that value whatever init writes. That
// file is the user's, and may be committed (Vite's .env.development often is): it is named, not
// edited. Only when --env-file did not name the file and it is one the dev server loads.
func (s *planState) warnShadowed(want []cmdutil.EnvVar) {
	opts, p := s.opts, s.p
	if opts.EnvFileExplicit || p.proj == nil {
		return
	}
	layers := p.proj.Framework.DevEnvFiles
	at := slices.Index(layers, s.envRel)
	if at <= 0 {
		return
	}
	dir := filepath.Dir(s.envAbs)
	for _, rel := range layers[:at] {
		data, exists, err := fsutil.ReadFileIfExists(filepath.Join(dir, rel))
		if err != nil || !exists {
			continue // a file that cannot be read is doctor's to report
		}
		f := dotenv.Parse(data)
		for _, v := range want {
			if v.Name != p.pubVar && v.Name != p.secretVar {
				continue // the issuer in the env file is for the user and doctor; the app does not read it
			}
			have, set := f.Get(v.Name)
			if !set || strings.TrimSpace(have) == "" || strings.TrimSpace(have) == v.Value {
				continue
			}
			p.warn(s.io, "%s in %s (another value) wins over %s in development: the app keeps that value; remove %s from %s, or set it there to the value init wrote to %s",
				v.Name, rel, s.envRel, v.Name, rel, s.envRel)
		}
	}
}
