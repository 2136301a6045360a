package cli

import "io"

// plainCompletions wraps the output of cobra's __complete: a flag's usage names its argument
// in backticks for --help (pflag's UnquoteUsage turns "project `folder`" into "--dir folder"),
// and cobra hands that usage raw to the shell as the completion's description. The writer drops
// backticks from descriptions (the text after a line's first tab), leaving the completions
// themselves and every other line as they are.
func plainCompletions(w io.Writer) io.Writer { return &completionWriter{w: w} }

type completionWriter struct {
	w      io.Writer
	inDesc bool // past the current line's first tab
}

func (c *completionWriter) Write(p []byte) (int, error) {
	out := make([]byte, 0, len(p))
	for _, b := range p {
		switch {
		case b == '\n':
			c.inDesc = false
		case b == '\t':
			c.inDesc = true
		case b == '`' && c.inDesc:
			continue
		}
		out = append(out, b)
	}
	if _, err := c.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}
