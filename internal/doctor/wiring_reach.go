package doctor

import (
	"context"
	"path"
	"regexp"
	"strings"
	"sync"
)

// A <ConvexProviderWithClerk> wires nothing when nothing renders its file: a provider
// component written by the guide's first step whose use in the root layout was never added is
// the common case. A file counts as rendered when the framework loads it by its name or
// folder (an entry, a root layout, a route) or when another file of the project imports it.

// entryStems are the file names (without extension) frameworks load without an import.
var entryStems = map[string]bool{
	"main": true, "index": true, "App": true, "app": true, "root": true, "__root": true, "_app": true,
	"_layout": true, "layout": true, "page": true, "template": true, "client": true, "entry": true,
	"entry-client": true, "entry.client": true, "router": true,
}

var specifierRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?:\bfrom|\bimport|\brequire\s*\(|\bimport\s*\()\s*['"]([^'"\n]+)['"]`)
})

const maxReachFiles = 20000

// unrendered says whether the file rel (relative to dir, slashes) is neither loaded by the
// framework by its name or folder nor imported by any other file of the project.
func unrendered(ctx context.Context, dir, rel string, expo bool) bool {
	stem := strings.TrimSuffix(path.Base(rel), path.Ext(rel))
	if entryStems[stem] {
		return false
	}
	for _, seg := range strings.Split(path.Dir(rel), "/") {
		if seg == "pages" || seg == "routes" || (expo && seg == "app") {
			return false
		}
	}
	found := false
	complete := sourceFiles(ctx, dir, func(_, r string, data []byte) bool {
		if r == rel {
			return true
		}
		for _, m := range specifierRe().FindAllStringSubmatch(string(data), -1) {
			base := path.Base(m[1])
			if base == stem || strings.TrimSuffix(base, path.Ext(base)) == stem {
				found = true
				return false
			}
		}
		return true
	})
	// Too many files to read, or out of time: do not claim nothing imports it.
	return !found && complete
}
