package main

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestCorpus runs init then doctor on project shapes modelled on public Clerk + Convex starters
// (testdata/corpus/*.txtar): each names what it is modelled on and asserts the outcome, then
// reruns init and asserts that nothing changed and Clerk saw no mutation.
func TestCorpus(t *testing.T) {
	p := scriptParams(t, "testdata/corpus")
	p.Cmds["snapshot"] = cmdSnapshot
	setup := p.Setup
	p.Setup = func(env *testscript.Env) error {
		env.Values["snapshot"] = &snapshotHolder{}
		return setup(env)
	}
	testscript.Run(t, p)
}

// snapshot save|same: remember every file of the work folder (but .git, the fake npx's log
// and the doctor fake's key), or assert that none was created, changed or removed since.
func cmdSnapshot(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 || (args[0] != "save" && args[0] != "same") {
		ts.Fatalf("usage: snapshot save|same")
	}
	root := ts.MkAbs(".")
	got := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == ".git" || rel == ".nonpx" {
				return filepath.SkipDir
			}
			return nil
		}
		if rel == ".npx.log" || rel == doctorKeyFile {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		st, _ := d.Info()
		got[rel] = fmt.Sprintf("%x %v", sha256.Sum256(b), st.Mode())
		return nil
	})
	ts.Check(err)
	if args[0] == "save" {
		ts.Value("snapshot").(*snapshotHolder).files = got
		return
	}
	want := ts.Value("snapshot").(*snapshotHolder).files
	if want == nil {
		ts.Fatalf("snapshot same before snapshot save")
	}
	var diffs []string
	for k, v := range got {
		switch w, ok := want[k]; {
		case !ok:
			diffs = append(diffs, "created "+k)
		case w != v:
			diffs = append(diffs, "changed "+k)
		}
	}
	for k := range want {
		if _, ok := got[k]; !ok {
			diffs = append(diffs, "removed "+k)
		}
	}
	slices.Sort(diffs)
	if (len(diffs) == 0) == neg {
		ts.Fatalf("files since snapshot save: %s", strings.Join(append(diffs, "(none)")[:max(1, len(diffs))], ", "))
	}
}

// snapshotHolder keeps a script's saved file list.
type snapshotHolder struct{ files map[string]string }
