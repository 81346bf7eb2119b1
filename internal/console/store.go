package console

import (
	"fmt"
	"io"

	"github.com/mobilua/mobilua/host"
)

const storeUsage = `usage: mobilua store check FILE          read every process of a host's store; exit 1 if it is damaged
       mobilua store salvage FILE OUT    copy what can still be read of a damaged store into a new one
`

// storeCmd is `mobilua store`: the operator's tools for a host's store.
func storeCmd(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	switch {
	case len(args) == 2 && args[0] == "check":
		if err := host.CheckStore(args[1], stdout); err != nil {
			fmt.Fprintf(stderr, "mobilua: %v\n", err)
			return 1
		}
		return 0
	case len(args) == 3 && args[0] == "salvage":
		if err := host.Salvage(args[1], args[2], stdout); err != nil {
			fmt.Fprintf(stderr, "mobilua: %v\n", err)
			return 1
		}
		return 0
	case len(args) == 1 && (args[0] == "help" || args[0] == "--help" || args[0] == "-h"):
		fmt.Fprint(stdout, storeUsage)
		return 0
	}
	fmt.Fprint(stderr, storeUsage)
	return 2
}
