package host

import (
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/mobilua/mobilua/continuation"
	"github.com/mobilua/mobilua/continuation/pack"
	"github.com/mobilua/mobilua/runtime"
)

// The operator's look into a store that no host holds (mobilua store
// ls|show|rm): a host holding it makes these fail at once ("in use").

// ListStore writes a line per process of the store at path: PID, owner,
// state, age, continuation bytes, script name.
func ListStore(path string, w io.Writer) error {
	if err := foldJournal(path); err != nil {
		return err
	}
	s, err := openBolt(path, true)
	if err != nil {
		return err
	}
	defer s.Close()
	rs, err := s.All()
	if err != nil {
		return err
	}
	sizes, err := s.ContSizes()
	if err != nil {
		return err
	}
	sort.Slice(rs, func(i, j int) bool { return pidLess(rs[i].PID, rs[j].PID) })
	fmt.Fprintf(w, "%-6s %-28s %-24s %10s %9s  %s\n", "PID", "OWNER", "STATE", "AGE", "BYTES", "NAME")
	for _, r := range rs {
		fmt.Fprintf(w, "%-6s %-28s %-24s %10s %9d  %s\n", r.PID, r.Owner, r.State, time.Since(r.Created).Round(time.Second), sizes[r.PID], r.Name)
	}
	fmt.Fprintf(w, "%d processes\n", len(rs))
	return nil
}

// ShowProcess writes what the store at path keeps of process pid: its
// record and, when it has one, what its continuation holds (as mobilua
// inspect says it).
func ShowProcess(path, pid string, w io.Writer) error {
	if err := foldJournal(path); err != nil {
		return err
	}
	s, err := openBolt(path, true)
	if err != nil {
		return err
	}
	defer s.Close()
	r, cont, err := s.Get(pid)
	if err != nil {
		return fmt.Errorf("%s: %w", pid, err)
	}
	fmt.Fprintf(w, "%s of %s: %s", r.PID, r.Owner, stateText(r))
	if r.Reason != "" && r.State != StateMigrated {
		fmt.Fprintf(w, " (%s)", r.Reason)
	}
	fmt.Fprintf(w, "\ncreated %s", r.Created.Format(time.RFC3339))
	if !r.Started.IsZero() {
		fmt.Fprintf(w, ", started %s", r.Started.Format(time.RFC3339))
	}
	fmt.Fprintln(w)
	for _, h := range r.Travels {
		fmt.Fprintf(w, "came from %s (%s there), left %s\n", h.Host, h.PID, h.Left.Format(time.RFC3339))
	}
	if r.Name != "" || r.Comment != "" {
		fmt.Fprintf(w, "name %q, comment %q\n", r.Name, r.Comment)
	}
	fmt.Fprintf(w, "source (%d bytes):\n%s\n", len(r.Source), r.Source)
	if cont == nil {
		fmt.Fprintln(w, "no continuation")
		return nil
	}
	return continuation.Inspect(w, cont, continuation.Options{NewProcess: func(bool) *runtime.Process {
		return hostPrototype().NewProcess(io.Discard, io.Discard)
	}, Unpack: pack.Unpack})
}

// RemoveFromStore removes process pid (record, continuation, mail) from
// the store at path.
func RemoveFromStore(path, pid string) error {
	if err := foldJournal(path); err != nil {
		return err
	}
	s, err := openBolt(path, false)
	if err != nil {
		return err
	}
	defer s.Close()
	if _, _, err := s.Get(pid); err != nil {
		return fmt.Errorf("%s: %w", pid, err)
	}
	return s.Delete(pid)
}
