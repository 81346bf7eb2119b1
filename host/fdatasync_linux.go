package host

import (
	"os"
	"syscall"
)

// fdatasync writes f's data to the disk, and of its metadata only what
// reading the data needs (a file kept at one size: none).
func fdatasync(f *os.File) error { return syscall.Fdatasync(int(f.Fd())) }
