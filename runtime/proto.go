package runtime

import (
	"fmt"
	"slices"
)

// ---- processes made alike
//
// A host makes many processes with the same libraries, and opening them
// is most of what a fresh process costs (over 200 allocations and 90 KB;
// most of the thaw of a small continuation). Copy makes one from a
// process that opened them once, its prototype: the copy gets its own
// library tables, as they were sealed (a script may change them), and
// shares the prototype's builtins. A builtin may be shared because it
// keeps what one process needs in that process (found through its
// thread), never in a Go closure; a library that does keep state in its
// closures (io's open files, package's loaders) registers a native
// userdata, and Copyable refuses a prototype with one.

// Copyable reports why p cannot be a prototype for Copy, or nil: it is
// sealed (SealNatives) and has never run; its natives are builtins with no
// state of their own and its library tables; those tables hold strings,
// numbers, booleans, builtins and each other, keyed by strings, numbers
// and booleans.
func (p *Process) Copyable() error {
	switch {
	case p.base == nil || len(p.sealed) == 0 || p.sealed[0] != p.Globals:
		return fmt.Errorf("not sealed")
	case p.total != 0 || p.running || p.cur != p.Main || len(p.Main.frames) != 0 || len(p.chunks) != 0:
		return fmt.Errorf("it has run")
	case p.outBuf != nil || p.registry != nil || p.typeMeta != nil || p.protoNatives != nil:
		return fmt.Errorf("it holds state of its own")
	}
	for name, o := range p.natives {
		switch o := o.(type) {
		case *GoFunction:
			if !sharable(o) {
				return fmt.Errorf("builtin %s has state", name)
			}
		case *Table:
			if p.tableNames[o] == "" {
				return fmt.Errorf("native %s is not a library table", name)
			}
		default:
			return fmt.Errorf("native %s is a %T", name, o)
		}
	}
	for _, t := range p.sealed {
		name := p.tableNames[t]
		if t.meta != nil && p.tableNames[t.meta] == "" {
			return fmt.Errorf("%s: its metatable is not a library table", name)
		}
		for _, v := range t.arr {
			if !p.copyableValue(v) {
				return fmt.Errorf("%s: holds a %s", name, v.TypeName())
			}
		}
		for _, e := range t.entries {
			if _, ok := e.k.asTable(); ok || !p.copyableValue(e.k) || !p.copyableValue(e.v) {
				return fmt.Errorf("%s: holds %s = %s", name, e.k.TypeName(), e.v.TypeName())
			}
		}
	}
	return nil
}

// sharable reports whether processes may share the builtin f.
func sharable(f *GoFunction) bool { return len(f.State) == 0 && f.Scratch == nil && f.co == nil }

// copyableValue reports whether Copy can copy v: a plain value, a
// sharable builtin, or a library table.
func (p *Process) copyableValue(v Value) bool {
	switch o := v.ref().(type) {
	case *Table:
		return p.tableNames[o] != ""
	case *GoFunction:
		return sharable(o)
	case *Closure, *Thread, *Userdata:
		return false
	}
	return true
}

// Copy makes a process with p's libraries, p a prototype (Copyable, which
// the caller has checked): the process made the way p was would be the
// same, and it has p's settings (output, compiler, limits). p is only
// read: many goroutines may copy it at once.
func (p *Process) Copy() *Process {
	q := &Process{Stdout: p.Stdout, Stderr: p.Stderr, Compiler: p.Compiler, MaxFrames: p.MaxFrames,
		Sandboxed: p.Sandboxed, MaxSteps: p.MaxSteps, Random: p.Random, Locale: p.Locale, MemoryLimit: p.MemoryLimit}
	q.memAccount = p.memAccount // (what opening the libraries charged)
	q.Main = q.newThread()
	q.Main.status = coRunning
	q.cur = q.Main
	n := len(p.sealed)
	tables := make([]Table, n) // (one allocation: the libraries live as long as the process)
	dup := make(map[*Table]*Table, n)
	for i, t := range p.sealed {
		dup[t] = &tables[i]
	}
	remap := func(v Value) Value {
		if t, ok := v.asTable(); ok {
			return TableValue(dup[t])
		}
		return v
	}
	q.natives = make(map[string]any, n)
	q.protoNatives = p.natives
	q.tableNames = make(map[*Table]string, n)
	q.base = make(map[*Table]*baseTable, n)
	q.sealed = make([]*Table, n)
	bases := make([]baseTable, n)
	for i, t := range p.sealed {
		c := &tables[i]
		c.copyOf(t, remap, dup[t.meta])
		c.owner = q
		name := p.tableNames[t]
		q.natives[name] = c
		q.tableNames[c] = name
		q.tableBits |= tableBit(c)
		q.sealed[i] = c
		b := &bases[i]
		*b = baseTable{entries: slices.Clone(c.entries), arr: slices.Clone(c.arr), meta: c.meta}
		q.base[c] = b
	}
	q.Globals, q.StringMeta = dup[p.Globals], dup[p.StringMeta]
	return q
}

// copyOf makes t a copy of table u (Process.Copy) whose values remap
// copies and whose metatable is meta: its own array part, entries and
// index, of u's capacities (memory is charged by them), none of u's
// caches.
func (t *Table) copyOf(u *Table, remap func(Value) Value, meta *Table) {
	*t = Table{smask: u.smask, live: u.live, dense: u.dense, lsa: u.lsa, lnodes: u.lnodes, meta: meta}
	if cap(u.arr) > 0 {
		t.arr = make([]Value, len(u.arr), cap(u.arr))
		for i, v := range u.arr {
			t.arr[i] = remap(v)
		}
	}
	if cap(u.entries) > 0 {
		t.entries = make([]entry, len(u.entries), cap(u.entries))
		for i, e := range u.entries {
			t.entries[i] = entry{e.k, remap(e.v)}
		}
	}
	if x := u.x; x != nil {
		t.x = &keyIndex{nkeys: x.nkeys.clone(), okeys: x.okeys.clone()} // (no table keys: Copyable)
		if x.skeys != nil {
			t.x.skeys = x.skeys.clone()
		}
	}
}
