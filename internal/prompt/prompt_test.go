package prompt

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// chunkReader returns its chunks one per Read, the last one with err.
type chunkReader struct {
	chunks []string
	err    error
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if len(r.chunks) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.chunks[0])
	r.chunks = r.chunks[1:]
	if len(r.chunks) == 0 {
		return n, r.err
	}
	return n, nil
}

func (r *chunkReader) Fd() uintptr { return ^uintptr(0) }

func TestStopAtR(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name    string
		chunks  []string
		err     error
		want    []string
		wantErr error
	}{
		{name: "no R", chunks: []string{"abc", "de"}, want: []string{"abc", "de"}, wantErr: io.EOF},
		{name: "R last", chunks: []string{"abR", "cd"}, want: []string{"abR", "cd"}, wantErr: io.EOF},
		{name: "split", chunks: []string{"abRcdRRe"}, want: []string{"abR", "cdR", "R", "e"}, wantErr: io.EOF},
		{name: "cursor answer then keys", chunks: []string{"\x1b[24;80RsecRet\r"}, want: []string{"\x1b[24;80R", "secR", "et\r"}, wantErr: io.EOF},
		{name: "error after split data", chunks: []string{"aRb"}, err: boom, want: []string{"aR", "b"}, wantErr: boom},
		{name: "error with whole data", chunks: []string{"ab"}, err: boom, want: []string{"ab"}, wantErr: boom},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &stopAtR{FileReader: &chunkReader{chunks: tt.chunks, err: tt.err}}
			var got []string
			var err error
			buf := make([]byte, 64)
			for i := 0; i < 20 && err == nil; i++ {
				var n int
				n, err = r.Read(buf)
				if n > 0 {
					got = append(got, string(buf[:n]))
				}
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("reads = %q, want %q", got, tt.want)
			}
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
		})
	}
}
