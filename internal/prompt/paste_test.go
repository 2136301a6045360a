package prompt

import (
	"io"
	"os"
	"testing"
)

// pasteReader returns its chunks one Read at a time, as a terminal delivers a paste.
type pasteReader struct {
	*os.File
	chunks []string
}

func (c *pasteReader) Read(p []byte) (int, error) {
	if len(c.chunks) == 0 {
		return 0, io.EOF
	}
	n := copy(p, c.chunks[0])
	c.chunks = c.chunks[1:]
	return n, nil
}

func TestStopAtREndsEachReadAtALine(t *testing.T) {
	r := &stopAtR{FileReader: &pasteReader{chunks: []string{"sk_test_A\rpk_test_B\r\nthird\nR1", "x"}}}
	var got []string
	buf := make([]byte, 64)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			got = append(got, string(buf[:n]))
		}
		if err != nil {
			break
		}
	}
	want := []string{"sk_test_A\r", "pk_test_B\r", "third\n", "R", "1", "x"}
	if len(got) != len(want) {
		t.Fatalf("reads %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("reads %q, want %q", got, want)
		}
	}
}

func TestSurveyKeepsOneReader(t *testing.T) {
	f, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := NewSurvey(f, os.Stdout, io.Discard)
	// Asking is not possible on /dev/null; the reader the prompts share is what matters.
	s.Confirm("x", false)
	first := s.reader
	s.Confirm("y", false)
	if first == nil || s.reader != first {
		t.Fatal("each prompt got a reader of its own: a line typed ahead would be lost")
	}
}
