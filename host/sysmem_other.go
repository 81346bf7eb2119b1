//go:build !linux

package host

// DefaultHostMemory is 1 GiB where the machine's memory is not known.
func DefaultHostMemory() int64 { return 1 << 30 }
