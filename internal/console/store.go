package console

import (
	"fmt"
	"io"

	"github.com/mobilua/mobilua/host"
)

const storeUsage = `usage: mobilua store ls FILE             list the processes of a host's store (no host may hold it)
       mobilua store show FILE PID       a process's record, source and what its continuation holds
       mobilua store rm FILE PID         remove a process from a store
       mobilua store check FILE          read every process of a host's store; exit 1 if it is damaged
       mobilua store salvage FILE OUT    copy what can still be read of a damaged store into a new one
`

// storeCmd is `mobilua store`: the operator's tools for a host's store.
func storeCmd(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	done := func(err error) int {
		if err != nil {
			fmt.Fprintf(stderr, "mobilua: %v\n", err)
			return 1
		}
		return 0
	}
	switch {
	case len(args) == 2 && args[0] == "ls":
		return done(host.ListStore(args[1], stdout))
	case len(args) == 3 && args[0] == "show":
		return done(host.ShowProcess(args[1], args[2], stdout))
	case len(args) == 3 && args[0] == "rm":
		if err := host.RemoveFromStore(args[1], args[2]); err != nil {
			return done(err)
		}
		fmt.Fprintf(stdout, "%s removed\n", args[2])
		return 0
	case len(args) == 2 && args[0] == "check":
		return done(host.CheckStore(args[1], stdout))
	case len(args) == 3 && args[0] == "salvage":
		return done(host.Salvage(args[1], args[2], stdout))
	case len(args) == 1 && (args[0] == "help" || args[0] == "--help" || args[0] == "-h"):
		fmt.Fprint(stdout, storeUsage)
		return 0
	}
	fmt.Fprint(stderr, storeUsage)
	return 2
}
