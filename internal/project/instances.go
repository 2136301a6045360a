package project

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/clerk"
	"github.com/clerkconvex/clerkconvex/internal/dotenv"
	"github.com/clerkconvex/clerkconvex/internal/fsutil"
	"github.com/clerkconvex/clerkconvex/internal/gitx"
)

// OwnInstance is a Clerk instance the project's own env files hold a publishable key of.
type OwnInstance struct {
	Host string // the key's Frontend API host
	Live bool   // a pk_live_ key: a production instance
	From string // "NAME in FILE"
}

// exampleSuffixes mark env files that document variables rather than set the project's own.
var exampleSuffixes = []string{".example", ".sample", ".template", ".dist", ".defaults", ".schema"}

// OwnClerkInstances lists the Clerk instances whose publishable keys the project keeps in its
// own env files in dirs (.env, .env.local, .env.production, …; not .env.example and the
// like), under a *CLERK_PUBLISHABLE_KEY name. That is how a project that trusts both its
// development and its production instance says so: init --prod --env-file .env.production
// writes the live keys there. A key the repository itself ships (its value in any file git
// tracks, as a starter's .env.example or client code would carry its author's key) is not
// the project's own and is left out. Outside a git repository every such key counts.
func OwnClerkInstances(ctx context.Context, dirs ...string) []OwnInstance {
	type found struct {
		inst OwnInstance
		raw  string
		dir  string
	}
	var all []found
	seen := map[string]bool{}
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			name := e.Name()
			if !isOwnEnvFileName(name) || seen[filepath.Join(dir, name)] {
				continue
			}
			seen[filepath.Join(dir, name)] = true
			data, ok, err := fsutil.ReadFileIfExists(filepath.Join(dir, name))
			if err != nil || !ok || len(data) > 1<<20 {
				continue
			}
			f := dotenv.Parse(data)
			for _, k := range f.Keys() {
				if !strings.HasSuffix(k, "CLERK_PUBLISHABLE_KEY") {
					continue
				}
				v, _ := f.Get(k)
				pk, err := clerk.ParsePublishableKey(strings.TrimSpace(v))
				if err != nil {
					continue
				}
				all = append(all, found{OwnInstance{Host: strings.ToLower(pk.Host), Live: pk.Live, From: k + " in " + name}, pk.Raw, dir})
			}
		}
	}
	if len(all) == 0 {
		return nil
	}
	// Drop the keys a tracked file holds.
	shipped := map[string]bool{}
	byDir := map[string][]string{}
	for _, f := range all {
		if !slices.Contains(byDir[f.dir], f.raw) {
			byDir[f.dir] = append(byDir[f.dir], f.raw)
		}
	}
	for dir, raws := range byDir {
		res, err := gitx.SearchTracked(ctx, dir, raws)
		if err != nil {
			// Unknown: no key of this folder counts.
			for _, r := range raws {
				shipped[r] = true
			}
			continue
		}
		for i, files := range res.Found {
			if len(files) > 0 {
				shipped[raws[i]] = true
			}
		}
	}
	var out []OwnInstance
	for _, f := range all {
		if !shipped[f.raw] && !slices.ContainsFunc(out, func(o OwnInstance) bool { return o.Host == f.inst.Host }) {
			out = append(out, f.inst)
		}
	}
	return out
}

func isOwnEnvFileName(name string) bool {
	if name != ".env" && !strings.HasPrefix(name, ".env.") {
		return false
	}
	for _, s := range exampleSuffixes {
		if strings.HasSuffix(name, s) {
			return false
		}
	}
	return true
}

// FindOwnInstance returns the instance of own on url's host (a URL or a host).
func FindOwnInstance(own []OwnInstance, url string) (OwnInstance, bool) {
	h := strings.TrimSpace(url)
	h = strings.TrimPrefix(strings.TrimPrefix(h, "https://"), "http://")
	if i := strings.IndexAny(h, "/?#"); i >= 0 {
		h = h[:i]
	}
	h = strings.ToLower(strings.TrimSuffix(h, "."))
	for _, o := range own {
		if o.Host == h {
			return o, true
		}
	}
	return OwnInstance{}, false
}
