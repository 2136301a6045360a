package cmdutil

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
)

// Heredoc removes the common leading tabs of a raw string literal, for help texts.
func Heredoc(s string) string {
	lines := strings.Split(strings.Trim(s, "\n"), "\n")
	indent := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, "\t"))
		if indent < 0 || n < indent {
			indent = n
		}
	}
	for i, l := range lines {
		if len(l) >= indent && indent > 0 {
			lines[i] = l[indent:]
		}
	}
	return strings.Join(lines, "\n")
}

// ProjectDir resolves -C/--dir to an absolute folder, or a usage error.
func ProjectDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	st, err := os.Stat(abs)
	if err != nil {
		return "", FlagErrorf("-C/--dir %s: no such folder; pass the folder that holds your app's package.json", dir)
	}
	if !st.IsDir() {
		return "", FlagErrorf("-C/--dir %s is a file, not a folder; pass the folder that holds your app's package.json", dir)
	}
	return abs, nil
}

// NoArgsUseDir refuses positional arguments, pointing a folder name at -C.
func NoArgsUseDir(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	return FlagErrorf("%s takes no arguments (got %q); to run it in a folder, pass -C %s", cmd.CommandPath(), args[0], args[0])
}
