package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

// jsonone [PATH=VALUE...]: stdout is exactly one JSON object (nothing before or after it), and
// each dotted PATH (error.code, ok) holds VALUE: a string's text, or the JSON of anything else
// (true, 1). PATH~TEXT asserts the string at PATH contains TEXT.
func cmdJSONOne(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("jsonone does not support !")
	}
	out := ts.ReadFile("stdout")
	dec := json.NewDecoder(strings.NewReader(out))
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		ts.Fatalf("stdout is not one JSON object: %v\n%s", err, out)
	}
	if _, err := dec.Token(); err != io.EOF {
		ts.Fatalf("stdout has more than one JSON value:\n%s", out)
	}
	for _, a := range args {
		path, want, contains := a, "", false
		if i := strings.IndexAny(a, "=~"); i > 0 {
			path, want, contains = a[:i], a[i+1:], a[i] == '~'
		}
		var v any = obj
		for _, k := range strings.Split(path, ".") {
			m, ok := v.(map[string]any)
			if !ok {
				ts.Fatalf("%s: %v is not an object", path, v)
			}
			if v, ok = m[k]; !ok {
				ts.Fatalf("%s: no key %q in stdout's object:\n%s", path, k, out)
			}
		}
		got, ok := v.(string)
		if !ok {
			var b bytes.Buffer
			json.NewEncoder(&b).Encode(v)
			got = strings.TrimSpace(b.String())
		}
		if contains && !strings.Contains(got, want) || !contains && got != want {
			ts.Fatalf("%s = %s, want %s%s", path, fmt.Sprintf("%q", got), map[bool]string{true: "text with ", false: ""}[contains], fmt.Sprintf("%q", want))
		}
	}
}
