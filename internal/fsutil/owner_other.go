//go:build !unix

package fsutil

import (
	"io/fs"
	"os"
)

func keepOwner(f *os.File, fi fs.FileInfo) {}

func readOnly(path string, fi fs.FileInfo) bool { return fi.Mode().Perm()&0o200 == 0 }
