//go:build !linux

package host

import "os"

// fdatasync writes f to the disk (fsync where fdatasync is not had).
func fdatasync(f *os.File) error { return f.Sync() }
