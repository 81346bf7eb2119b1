package console

import (
	"fmt"
	"io"

	"github.com/mobilua/mobilua/host"
	"github.com/mobilua/mobilua/internal/cli"
)

// storeCmd is `mobilua store`: the operator's tools for a host's store.
func storeCmd(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	f := cli.NewFlags("store", stdout, stderr, `An operator's look into a host's store, while no host holds it:
  ls       list its processes (PID, owner, state, size, script)
  show     a process's record, source and what its continuation holds
  rm       remove a process
  check    read every process; exit 1 if the store is damaged
  salvage  copy what can still be read of a damaged store into OUT`,
		"store ls FILE", "store show FILE PID", "store rm FILE PID", "store check FILE", "store salvage FILE OUT")
	rest, status, ok := f.Parse(args)
	if !ok {
		return status
	}
	done := func(err error) int {
		if err != nil {
			fmt.Fprintf(stderr, "mobilua: %v\n", err)
			return 1
		}
		return 0
	}
	switch {
	case len(rest) == 2 && rest[0] == "ls":
		return done(host.ListStore(rest[1], stdout))
	case len(rest) == 3 && rest[0] == "show":
		return done(host.ShowProcess(rest[1], rest[2], stdout))
	case len(rest) == 3 && rest[0] == "rm":
		if err := host.RemoveFromStore(rest[1], rest[2]); err != nil {
			return done(err)
		}
		fmt.Fprintf(stdout, "%s removed\n", rest[2])
		return 0
	case len(rest) == 2 && rest[0] == "check":
		return done(host.CheckStore(rest[1], stdout))
	case len(rest) == 3 && rest[0] == "salvage":
		return done(host.Salvage(rest[1], rest[2], stdout))
	case len(rest) == 1 && rest[0] == "help":
		f.Help(stdout)
		return 0
	}
	return f.Fail("ls FILE, show FILE PID, rm FILE PID, check FILE or salvage FILE OUT expected")
}
