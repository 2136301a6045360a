package main

import "github.com/rogpeppe/go-internal/testscript"

// doctorCmds are the testscript commands of the doctor tests (fake issuer, tokens, ...).
func doctorCmds() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){}
}
