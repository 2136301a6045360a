package nodeharness

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TypeCheck runs the real TypeScript compiler over files (relative to projectDir, or
// absolute) and fails the test with tsc's diagnostics when they do not compile.
//
// The settings are those of the convex/tsconfig.json that `npx convex` generates (strict,
// moduleResolution bundler, ESNext, lib ES2023 + dom, isolatedModules), with skipLibCheck and
// the harness's Node type definitions, so `process.env.X` type-checks as in a real project.
// Imports such as "convex/server" resolve through projectDir/node_modules, linked to the
// harness when projectDir has none.
func TypeCheck(t testing.TB, projectDir string, files ...string) {
	t.Helper()
	if err := CheckTypes(t, projectDir, files...); err != nil {
		t.Fatal(err)
	}
}

// CheckTypes is TypeCheck returning tsc's failure as an error instead of failing the test,
// for tests that expect code not to compile. A missing harness still fails the test.
func CheckTypes(t testing.TB, projectDir string, files ...string) error {
	t.Helper()
	return checkTypes(t, tscRun{}, projectDir, files)
}

// TypeCheckJS is TypeCheck with tsc's checkJs on: JavaScript files are type-checked (with the
// types tsc infers, e.g. process.env.X is string | undefined), not only parsed as TypeCheck
// does. TypeScript files are checked as by TypeCheck.
func TypeCheckJS(t testing.TB, projectDir string, files ...string) {
	t.Helper()
	if err := CheckTypesJS(t, projectDir, files...); err != nil {
		t.Fatal(err)
	}
}

// CheckTypesJS is TypeCheckJS returning tsc's failure as an error instead of failing the test.
func CheckTypesJS(t testing.TB, projectDir string, files ...string) error {
	t.Helper()
	return checkTypes(t, tscRun{checkJS: true}, projectDir, files)
}

// TypeCheckWiring type-checks client code (files relative to projectDir, or absolute) against
// the packages of test/wiring (Next.js, the Clerk packages, convex, React 19's types), as
// TypeCheck does with jsx "react-jsx" and the DOM library: projectDir/node_modules is linked
// to test/wiring's unless it has one.
func TypeCheckWiring(t testing.TB, projectDir string, files ...string) {
	t.Helper()
	if err := CheckTypesWiring(t, projectDir, files...); err != nil {
		t.Fatal(err)
	}
}

// CheckTypesWiring is TypeCheckWiring returning tsc's failure as an error.
func CheckTypesWiring(t testing.TB, projectDir string, files ...string) error {
	t.Helper()
	return checkTypes(t, tscRun{wiring: true}, projectDir, files)
}

// tscRun is how checkTypes runs tsc: checkJS type-checks JavaScript too; wiring uses
// test/wiring's packages and compiles JSX.
type tscRun struct{ checkJS, wiring bool }

func checkTypes(t testing.TB, run tscRun, projectDir string, files []string) error {
	t.Helper()
	if len(files) == 0 {
		t.Fatal("nodeharness: CheckTypes needs at least one file")
	}
	checkJS := run.checkJS
	nodeModules := ""
	if run.wiring {
		nodeModules = filepath.Join(WiringDir(t), "node_modules")
		linkTo(t, projectDir, nodeModules)
	} else {
		nodeModules = NodeModules(t)
		LinkNodeModules(t, projectDir)
	}
	tsc := filepath.Join(nodeModules, ".bin", "tsc")
	if runtime.GOOS == "windows" {
		tsc += ".cmd"
	}

	abs := make([]string, len(files))
	for i, f := range files {
		if !filepath.IsAbs(f) {
			f = filepath.Join(projectDir, f)
		}
		abs[i] = f
	}
	config := map[string]any{
		"compilerOptions": map[string]any{
			"strict":                           true,
			"noEmit":                           true,
			"skipLibCheck":                     true,
			"allowJs":                          true,
			"checkJs":                          checkJS,
			"moduleResolution":                 "bundler",
			"module":                           "ESNext",
			"target":                           "ESNext",
			"lib":                              []string{"ES2023", "dom"},
			"isolatedModules":                  true,
			"allowSyntheticDefaultImports":     true,
			"forceConsistentCasingInFileNames": true,
			"types":                            []string{"node"},
			"typeRoots":                        []string{filepath.Join(nodeModules, "@types")},
		},
		"files": abs,
	}
	if run.wiring {
		opts := config["compilerOptions"].(map[string]any)
		opts["jsx"] = "react-jsx"
		opts["lib"] = []string{"ES2023", "dom", "dom.iterable"}
		opts["types"] = []string{"node", "react", "react-dom"}
		// Vite's templates import "./App.tsx" and set this (with noEmit, as here).
		opts["allowImportingTsExtensions"] = true
	}
	b, err := json.MarshalIndent(config, "", "  ")
	if err != nil {
		t.Fatalf("nodeharness: encoding tsconfig: %v", err)
	}
	tsconfig := filepath.Join(t.TempDir(), "tsconfig.json")
	if err := os.WriteFile(tsconfig, b, 0o644); err != nil {
		t.Fatalf("nodeharness: writing %s: %v", tsconfig, err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, tsc, "--project", tsconfig, "--pretty", "false")
	cmd.Dir = projectDir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("nodeharness: tsc did not finish in time: %v", ctx.Err())
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		mode := "tsc --noEmit (strict)"
		if checkJS {
			mode = "tsc --noEmit --checkJs (strict)"
		}
		return fmt.Errorf("%s rejects %s:\n%s", mode, strings.Join(files, ", "), strings.TrimSpace(out.String()))
	}
	if err != nil {
		t.Fatalf("nodeharness: running tsc: %v", err)
	}
	return nil
}
