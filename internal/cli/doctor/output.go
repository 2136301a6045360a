// The report printed: --json, the text report, and the live stream of checks on a terminal.

package doctor

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/clerkconvex/clerkconvex/internal/doctor"
	"github.com/clerkconvex/clerkconvex/internal/iostreams"
	"github.com/clerkconvex/clerkconvex/internal/safetext"
)

// WriteJSON prints the report as JSON, version 1:
//
//	{"version":1,"ok":…,"deployment":…,"checks":[{"id","section","status","message","fix"},…]}
//
// where deployment is the Convex deployment asked for (prod for --prod, or --deployment's
// ref), left out for the default one.
//
// with one check per line, so it reads and greps well.
func WriteJSON(w io.Writer, rep *doctor.Report) error { return writeJSON(w, rep, "") }

// writeJSON is WriteJSON with more top-level fields (each line ending ",\n") before "checks".
func writeJSON(w io.Writer, rep *doctor.Report, more string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "{\n  \"version\": 1,\n  \"ok\": %t,\n", rep.OK())
	if rep.Deployment != "" {
		dep, err := json.Marshal(rep.Deployment)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "  \"deployment\": %s,\n", dep)
	}
	b.WriteString(more)
	b.WriteString("  \"checks\": [")
	for i, c := range rep.Checks {
		var line bytes.Buffer
		enc := json.NewEncoder(&line)
		enc.SetEscapeHTML(false) // messages quote JSX: keep < and > readable
		if err := enc.Encode(c); err != nil {
			return err
		}
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n    ")
		b.Write(bytes.TrimRight(line.Bytes(), "\n"))
	}
	if len(rep.Checks) > 0 {
		b.WriteString("\n  ")
	}
	b.WriteString("]\n}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

var sectionTitles = map[string]string{
	doctor.SectionProject:    "Project",
	doctor.SectionEnv:        "Env file",
	doctor.SectionAuthConfig: "convex/auth.config",
	doctor.SectionClient:     "Client wiring",
	doctor.SectionClerk:      "Clerk",
	doctor.SectionIssuer:     "Issuer",
	doctor.SectionConvex:     "Convex deployment",
	doctor.SectionUsers:      "Clerk user sync",
	doctor.SectionToken:      "Token",
}

// WriteText prints the report grouped by section, a Fix line under each problem, and a
// one-line summary.
func WriteText(ios *iostreams.IOStreams, rep *doctor.Report) error {
	w := &textWriter{ios: ios, width: ios.OutWidth()}
	for _, c := range rep.Checks {
		w.idWidth = max(w.idWidth, len(c.ID))
	}
	var b strings.Builder
	for _, c := range rep.Checks {
		b.WriteString(w.check(c))
	}
	b.WriteString(w.summary(rep))
	_, err := io.WriteString(ios.Out, b.String())
	return err
}

// textWriter formats the report a check at a time, so that a terminal can show each section
// as soon as its checks are done.
type textWriter struct {
	ios     *iostreams.IOStreams
	idWidth int // the longest check id, for the column of messages
	width   int // the terminal's columns, 0 when stdout is not a terminal (no wrapping)
	section string
}

// check is one check's lines, after its section's title when it opens a section.
func (w *textWriter) check(c doctor.Result) string {
	ios := w.ios
	var b strings.Builder
	if c.Section != w.section {
		if w.section != "" {
			b.WriteString("\n")
		}
		w.section = c.Section
		b.WriteString(ios.OutBold(sectionTitle(c.Section)) + "\n")
	}
	head := fmt.Sprintf("  %s %-*s  ", ios.OutIcon(ioStatus(c.Status)), w.idWidth, c.ID)
	// Checks build their messages with network text made safe; this is the last guard: one
	// line per message (wrapped below), so a value holding a newline cannot fake a report line.
	b.WriteString(head + w.wrap(safetext.Line(c.Message), iostreams.Width(head)) + "\n")
	if c.Fix != "" && (c.Status == doctor.Fail || c.Status == doctor.Warn) {
		head := fmt.Sprintf("  %s %-*s  Fix: ", strings.Repeat(" ", iconWidth(ios)), w.idWidth, "")
		b.WriteString(head + w.wrap(safetext.Line(c.Fix), iostreams.Width(head)) + "\n")
	}
	return b.String()
}

// wrap fits text after a column of col on a terminal, continuing under its first character.
func (w *textWriter) wrap(text string, col int) string {
	if w.width <= 0 {
		return text
	}
	return iostreams.Wrap(text, col, w.width-1, strings.Repeat(" ", col))
}

func (w *textWriter) summary(rep *doctor.Report) string {
	ios := w.ios
	n := rep.Count()
	summary := fmt.Sprintf("%d passed, %d %s, %d failed, %d skipped",
		n[doctor.Pass], n[doctor.Warn], doctor.Plural(n[doctor.Warn], "warning", "warnings"), n[doctor.Fail], n[doctor.Skip])
	if rep.OK() {
		summary = "\n" + summary + ": the Clerk → Convex chain looks right.\n"
		if n[doctor.Skip] > 0 {
			summary = strings.Replace(summary, "looks right", "looks right as far as checked", 1)
		}
	} else {
		summary = "\n" + summary + ": fix the ✗ items above, then run clerkconvex doctor again.\n"
		if !ios.IsStdoutTTY() {
			summary = strings.Replace(summary, "the ✗ items", "the FAIL items", 1)
		}
	}
	if w.width > 0 {
		summary = "\n" + iostreams.Wrap(strings.TrimPrefix(summary, "\n"), 0, w.width-1, "")
	}
	return summary
}

// busyLabels say what doctor is waiting for while a section's checks run.
var busyLabels = map[string]string{
	doctor.SectionEnv:        "Checking the env file…",
	doctor.SectionAuthConfig: "Reading convex/auth.config…",
	doctor.SectionClient:     "Checking the client wiring…",
	doctor.SectionClerk:      "Asking Clerk…",
	doctor.SectionIssuer:     "Fetching the issuer's documents…",
	doctor.SectionConvex:     "Asking the Convex deployment (npx convex env list)…",
	doctor.SectionToken:      "Checking the token…",
}

func sectionTitle(section string) string {
	if t := sectionTitles[section]; t != "" {
		return t
	}
	return section
}

// streamer shows the report on a terminal section by section, as the checks finish, with a
// spinner on stderr naming the section being checked.
type streamer struct {
	w       *textWriter
	pending strings.Builder // the lines of the section not yet printed
	busy    *iostreams.Progress
}

func newStreamer(ios *iostreams.IOStreams) *streamer {
	st := &streamer{w: &textWriter{ios: ios, width: ios.OutWidth()}}
	st.busy = ios.StartProgress("Checking the project…")
	return st
}

// checks learns the run's check ids, for the column of messages.
func (st *streamer) checks(ids []string) {
	for _, id := range ids {
		st.w.idWidth = max(st.w.idWidth, len(id))
	}
}

// add takes the next result in print order; a result of a new section prints the one before.
func (st *streamer) add(c doctor.Result) {
	if c.Section != st.w.section && st.w.section != "" {
		st.flush()
		label := busyLabels[c.Section]
		if label == "" {
			label = "Checking " + sectionTitle(c.Section) + "…"
		}
		st.busy = st.w.ios.StartProgress(label)
	}
	st.pending.WriteString(st.w.check(c))
}

func (st *streamer) flush() {
	st.busy.Stop()
	io.WriteString(st.w.ios.Out, st.pending.String())
	st.pending.Reset()
}

// finish prints the last section and the summary.
func (st *streamer) finish(rep *doctor.Report) error {
	st.pending.WriteString(st.w.summary(rep))
	st.busy.Stop()
	_, err := io.WriteString(st.w.ios.Out, st.pending.String())
	return err
}

// ioStatus is the iostreams status whose symbol a check's status prints with.
func ioStatus(st doctor.Status) iostreams.Status {
	switch st {
	case doctor.Pass:
		return iostreams.OK
	case doctor.Warn:
		return iostreams.Warn
	case doctor.Fail:
		return iostreams.Fail
	}
	return iostreams.Skip
}

func iconWidth(ios *iostreams.IOStreams) int {
	if !ios.IsStdoutTTY() {
		return 4
	}
	return 1
}
