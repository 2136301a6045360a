package iostreams

import (
	"time"

	"github.com/briandowns/spinner"
	"github.com/fatih/color"
)

// Progress is a spinner with a label on stderr while a slow step runs (a call to Clerk,
// `npx convex env set`). It shows only when stderr is a terminal; elsewhere, and in --json
// runs that never start one, output is exactly as without it.
type Progress struct{ sp *spinner.Spinner }

// StartProgress starts a spinner saying label ("Setting CLERK_JWT_ISSUER_DOMAIN on the dev
// deployment…"). Stop it before printing anything else on the terminal.
func (s *IOStreams) StartProgress(label string) *Progress {
	if !s.stderrTTY || s.errFile == nil {
		return &Progress{}
	}
	// One line: a label that wrapped could not be erased.
	if w := s.ErrWidth(); w > 8 && Width(label) > w-4 {
		r := []rune(label)
		label = string(r[:w-5]) + "…"
	}
	// The cursor stays visible: a run killed while the spinner turns must not leave the
	// terminal without one.
	// The spinner colours through fatih/color, whose switch is that package's own: follow
	// this run's decision (NO_COLOR, TERM=dumb, CLICOLOR).
	color.NoColor = !s.color
	sp := spinner.New(spinner.CharSets[14], 120*time.Millisecond,
		spinner.WithWriterFile(s.errFile), spinner.WithHiddenCursor(false), spinner.WithSuffix(" "+label))
	if s.color {
		sp.Color("cyan")
	}
	sp.Start()
	return &Progress{sp: sp}
}

// Stop erases the spinner's line. A nil or inactive Progress does nothing.
func (p *Progress) Stop() {
	if p != nil && p.sp != nil {
		p.sp.Stop()
	}
}
