// Package jsparse checks that JavaScript and TypeScript source still parses, with esbuild's Go
// API: every file clerkconvex writes into a user's project (auth.config, the users-sync files,
// client wiring) is parsed before it is written, and refused when it no longer parses.
package jsparse

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

// Loader is the esbuild loader for a file name, from its extension: ts for .ts/.mts/.cts,
// tsx for .tsx, jsx for .jsx and .js (a .js file may hold JSX: Next.js and Expo accept it), js
// for .mjs/.cjs. ok is false for any other extension.
func Loader(name string) (l api.Loader, ok bool) {
	switch strings.ToLower(path.Ext(strings.ReplaceAll(name, `\`, "/"))) {
	case ".ts", ".mts", ".cts":
		return api.LoaderTS, true
	case ".tsx":
		return api.LoaderTSX, true
	case ".js", ".jsx":
		return api.LoaderJSX, true
	case ".mjs", ".cjs":
		return api.LoaderJS, true
	}
	return api.LoaderNone, false
}

// Error is source that does not parse: the file, and esbuild's first error with its place.
type Error struct {
	File   string
	Line   int // 1-based; 0 when esbuild gave no place
	Column int // 1-based, in bytes
	Text   string
	More   int // how many further errors esbuild reported
}

func (e *Error) Error() string {
	where := e.File
	if e.Line > 0 {
		where = fmt.Sprintf("%s:%d:%d", e.File, e.Line, e.Column)
	}
	msg := where + ": " + e.Text
	if e.More > 0 {
		msg += fmt.Sprintf(" (and %d more)", e.More)
	}
	return msg
}

// Check parses src as the file name (its extension picks the loader). It returns nil when src
// parses, an *Error when it does not, and an error for an extension it cannot parse.
func Check(name string, src []byte) error {
	loader, ok := Loader(name)
	if !ok {
		return fmt.Errorf("%s: cannot check the syntax of a %q file", name, path.Ext(name))
	}
	res := api.Transform(string(src), api.TransformOptions{
		Loader:     loader,
		Sourcefile: name,
		LogLevel:   api.LogLevelSilent,
		// Parse only as far as needed: JSX kept, nothing lowered for an older target.
		JSX: api.JSXPreserve,
	})
	if len(res.Errors) == 0 {
		return nil
	}
	m := res.Errors[0]
	e := &Error{File: name, Text: m.Text, More: len(res.Errors) - 1}
	if m.Location != nil {
		e.Line, e.Column = m.Location.Line, m.Location.Column+1
	}
	return e
}

// EditError is an edit refused because its result does not parse. WasBroken: the file did
// not parse before the edit either (the user's to fix, not a bug of the edit), and Err is where
// it does not, in the file as it is.
type EditError struct {
	File      string
	WasBroken bool
	Err       *Error
}

func (e *EditError) Error() string {
	if e.WasBroken {
		return fmt.Sprintf("%s does not parse as JavaScript/TypeScript (%v): fix it, then run again; nothing was written", e.File, e.Err)
	}
	return fmt.Sprintf("refusing to write %s: the change would leave it unparseable (%v); nothing was written (please report this at https://github.com/clerkconvex/clerkconvex/issues)", e.File, e.Err)
}

func (e *EditError) Unwrap() error { return e.Err }

// CheckEdit refuses an edit of the file name (old is nil for a new file) whose result does not
// parse, with an *EditError; an unknown extension is an error too. An edit that changes
// nothing is not checked: nothing is written.
func CheckEdit(name string, old, updated []byte) error {
	if old != nil && string(old) == string(updated) {
		return nil
	}
	err := Check(name, updated)
	var pe *Error
	if !errors.As(err, &pe) {
		return err
	}
	if old != nil {
		// Already broken: name the place in the file as the user has it.
		var before *Error
		if errors.As(Check(name, old), &before) {
			return &EditError{File: name, WasBroken: true, Err: before}
		}
	}
	return &EditError{File: name, Err: pe}
}
