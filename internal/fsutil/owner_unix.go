//go:build unix

package fsutil

import (
	"io/fs"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// keepOwner gives f the owner and group of the file fi describes, where the process may (root
// may; others only keep their own files' groups). Failing that, the new file is the process's,
// as any new file would be.
func keepOwner(f *os.File, fi fs.FileInfo) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return
	}
	if err := f.Chown(int(st.Uid), int(st.Gid)); err != nil {
		_ = f.Chown(-1, int(st.Gid))
	}
}

// readOnly: the owner has no write bit, or this process may not write the file.
func readOnly(path string, fi fs.FileInfo) bool {
	return fi.Mode().Perm()&0o200 == 0 || unix.Access(path, unix.W_OK) != nil
}

// Links is how many names (hard links) the file fi describes has; 1 where it cannot tell.
func Links(fi fs.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Nlink)
	}
	return 1
}
