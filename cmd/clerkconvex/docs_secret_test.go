package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDocsKeepTheSecretOutOfArgv: no example in README.md or docs/*.md passes the secret key
// as an argument (--secret-key <value>), which every user of the machine sees in ps; CI
// examples give it through the environment, and docs/ci.md says why.
func TestDocsKeepTheSecretOutOfArgv(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "docs", "*.md"))
	files = append(files, filepath.Join("..", "..", "README.md"))
	if len(files) < 3 {
		t.Fatalf("found only %v", files)
	}
	withValue := regexp.MustCompile(`--secret-key[ =]+["']?(\$|sk_)`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inCode := false
		for i, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "```") {
				inCode = !inCode
				continue
			}
			if inCode && withValue.MatchString(line) {
				t.Errorf("%s:%d passes the secret key in argv: %s", f, i+1, strings.TrimSpace(line))
			}
		}
	}
	ci, err := os.ReadFile(filepath.Join("..", "..", "docs", "ci.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"CLERK_SECRET_KEY: ${{ secrets.CLERK_SECRET_KEY }}", "`ps`", "Never pass `--secret-key"} {
		if !strings.Contains(string(ci), want) {
			t.Errorf("docs/ci.md does not say %q", want)
		}
	}
}
