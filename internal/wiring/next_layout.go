package wiring

import (
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

const maxLayoutDepth = 4

// rootLayouts lists the layouts below the app folder dir (not dir/layout itself) that render
// <html>: the root layouts of an app without app/layout (next-intl's app/[locale]/layout.tsx,
// or one per route group). A layout below another one found is not a root.
func (n *nextApp) rootLayouts(dir string) []string {
	var out []string
	var walk func(rel string, depth int)
	walk = func(rel string, depth int) {
		entries, err := os.ReadDir(filepath.Join(n.Dir, filepath.FromSlash(rel)))
		if err != nil || depth > maxLayoutDepth {
			return
		}
		if depth > 0 {
			if l := n.First(exts(rel+"/layout", ".tsx", ".jsx", ".js")...); l != "" {
				if src, _, err := n.Read(l); err == nil && strings.Contains(mask(string(src)), "<html") {
					out = append(out, l)
					return // the layouts below render inside this one
				}
			}
		}
		for _, e := range entries {
			name := e.Name()
			// node_modules, hidden folders and private folders (_components) hold no routes.
			if !e.IsDir() || name == "node_modules" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
				continue
			}
			walk(rel+"/"+name, depth+1)
		}
	}
	walk(dir, 0)
	slices.Sort(out)
	return out
}

// aliasImport is the import of file (relative to the app folder, no extension) through the
// path alias the layout src already uses for the app's own files (@/ or ~/), when one of its
// imports shows where the alias points: "@/lib/utils" naming src/lib/utils.ts maps @/ to src/.
// "" when the layout uses no such alias, or file is outside what it maps.
func (n *nextApp) aliasImport(src []byte, file string) string {
	for _, st := range parseModule(string(src)).imports {
		for _, alias := range []string{"@/", "~/"} {
			rest, ok := strings.CutPrefix(st.module, alias)
			if !ok || rest == "" {
				continue
			}
			for _, root := range []string{n.base, ""} {
				if !n.namesFile(root + rest) {
					continue
				}
				if strings.HasPrefix(file, root) {
					return alias + strings.TrimPrefix(file, root)
				}
				return ""
			}
		}
	}
	return ""
}

// namesFile says whether an import of stem (relative to the app folder) names a file: itself
// (a stylesheet), with a source extension, or its folder's index.
func (n *nextApp) namesFile(stem string) bool {
	if path.Clean(stem) != stem || strings.HasPrefix(stem, "../") {
		return false
	}
	cands := append([]string{stem}, exts(stem, ".tsx", ".ts", ".jsx", ".js")...)
	cands = append(cands, exts(stem+"/index", ".tsx", ".ts", ".jsx", ".js")...)
	for _, c := range cands {
		if st, err := os.Stat(filepath.Join(n.Dir, filepath.FromSlash(c))); err == nil && st.Mode().IsRegular() {
			return true
		}
	}
	return false
}
