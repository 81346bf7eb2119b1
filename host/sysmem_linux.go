package host

import "syscall"

// DefaultHostMemory is half of the machine's memory.
func DefaultHostMemory() int64 {
	var si syscall.Sysinfo_t
	if syscall.Sysinfo(&si) != nil || si.Totalram == 0 {
		return 1 << 30
	}
	return int64(si.Totalram) * int64(si.Unit) / 2
}
