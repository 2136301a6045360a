//go:build !unix

package fsutil

import (
	"io/fs"
	"os"
)

func keepOwner(f *os.File, fi fs.FileInfo) {}

func readOnly(path string, fi fs.FileInfo) bool { return fi.Mode().Perm()&0o200 == 0 }

// Links is how many names (hard links) the file fi describes has; 1 where it cannot tell.
func Links(fi fs.FileInfo) uint64 { return 1 }
