package runtime

import (
	"fmt"
	"unsafe"
)

// Memory accounting. A process with a MemoryLimit is stopped with "memory
// limit exceeded" (an error no pcall catches, like the step limit) when
// what it can reach grows past the limit. What it can reach is measured by
// walking its heap (LiveBytes); the walk runs when the bytes of strings
// built since the last walk (ChargeMemory: concatenation, string.rep,
// format, gsub, table.concat...) reach half the limit, and an embedder
// may run it between slices (the host does), which bounds what tables
// grown one step at a time can take between two walks.

// ChargeMemory accounts for n bytes the running builtin or instruction is
// about to allocate; it raises "memory limit exceeded" if they would take
// the process past its limit.
func (t *Thread) ChargeMemory(n int) {
	p := t.p
	if p.MemoryLimit <= 0 {
		return
	}
	if int64(n) > p.MemoryLimit {
		p.memoryExceeded(t)
	}
	p.allocSince += int64(n)
	if p.allocSince > p.MemoryLimit/2 {
		p.allocSince = 0
		if p.LiveBytes()+int64(n) > p.MemoryLimit {
			p.memoryExceeded(t)
		}
	}
}

func (p *Process) memoryExceeded(t *Thread) {
	msg := fmt.Sprintf("memory limit exceeded (%d bytes)", p.MemoryLimit)
	panic(&Error{Value: String(p.where(t, 1) + msg), Fatal: true})
}

// CheckMemory measures the process and reports an error if it is over its
// limit (for embedders, between slices).
func (p *Process) CheckMemory() error {
	if p.MemoryLimit <= 0 {
		return nil
	}
	p.allocSince = 0
	if live := p.LiveBytes(); live > p.MemoryLimit {
		return fmt.Errorf("memory limit exceeded (%d bytes, the limit is %d)", live, p.MemoryLimit)
	}
	return nil
}

// LiveBytes estimates the memory the process can reach: tables (their
// parts), strings, closures, upvalues, threads (their stacks and frames),
// builtins' states. Shared objects count once.
func (p *Process) LiveBytes() int64 {
	const value = int64(unsafe.Sizeof(Value{}))
	seen := map[unsafe.Pointer]bool{}
	var total int64
	var queue []any
	add := func(o any, ptr unsafe.Pointer) {
		if ptr == nil || seen[ptr] {
			return
		}
		seen[ptr] = true
		queue = append(queue, o)
	}
	val := func(v Value) {
		switch o := v.o.(type) {
		case string:
			if len(o) > 0 {
				ptr := unsafe.Pointer(unsafe.StringData(o))
				if !seen[ptr] {
					seen[ptr] = true
					total += int64(len(o)) + 16
				}
			}
		case *Table:
			add(o, unsafe.Pointer(o))
		case *Closure:
			add(o, unsafe.Pointer(o))
		case *Thread:
			add(o, unsafe.Pointer(o))
		case *GoFunction:
			add(o, unsafe.Pointer(o))
		case *Userdata:
			add(o, unsafe.Pointer(o))
		}
	}
	val(TableValue(p.Globals))
	if p.StringMeta != nil {
		val(TableValue(p.StringMeta))
	}
	if p.typeMeta != nil {
		for _, m := range p.typeMeta {
			if m != nil {
				val(TableValue(m))
			}
		}
	}
	val(Value{o: p.Main})
	val(Value{o: p.cur})
	for i := 0; i < len(queue); i++ {
		switch o := queue[i].(type) {
		case *Table:
			total += int64(unsafe.Sizeof(*o)) + int64(cap(o.arr))*value + int64(cap(o.entries))*2*value + int64(o.skeys.len()+len(o.nkeys)+len(o.okeys))*24 + o.skeys.cacheBytes()
			for _, v := range o.arr {
				val(v)
			}
			for _, e := range o.entries {
				val(e.k)
				val(e.v)
			}
			if o.meta != nil {
				val(TableValue(o.meta))
			}
		case *Closure:
			total += int64(unsafe.Sizeof(*o)) + int64(len(o.Upvals))*8
			if o.Env != nil {
				val(TableValue(o.Env))
			}
			for _, u := range o.Upvals {
				if !seen[unsafe.Pointer(u)] {
					seen[unsafe.Pointer(u)] = true
					total += int64(unsafe.Sizeof(*u))
					if !u.isOpen() {
						val(u.own)
					}
				}
			}
		case *Thread:
			total += int64(unsafe.Sizeof(*o)) + int64(cap(o.stack))*value + int64(cap(o.frames))*int64(unsafe.Sizeof(Frame{}))
			for _, v := range o.stack[:min(len(o.stack), o.extent())] {
				val(v)
			}
			val(o.body)
			if o.gt != nil {
				val(TableValue(o.gt))
			}
			if o.resumer != nil {
				val(Value{o: o.resumer})
			}
			for i := range o.frames {
				if f := &o.frames[i]; f.bound == boundCont {
					for _, v := range f.k.Freeze() {
						val(v)
					}
				}
				if cl := o.frames[i].cl; cl != nil {
					val(ClosureValue(cl))
				}
			}
		case *GoFunction:
			total += int64(unsafe.Sizeof(*o)) + int64(len(o.State))*value
			for _, v := range o.State {
				val(v)
			}
			if o.co != nil {
				val(Value{o: o.co})
			}
		case *Userdata:
			total += int64(unsafe.Sizeof(*o))
			if o.Meta != nil {
				val(TableValue(o.Meta))
			}
		}
	}
	return total
}

// extent is how much of the stack frames may read (see Thread.State).
func (t *Thread) extent() int {
	ext := t.top
	for i := range t.frames {
		f := &t.frames[i]
		if f.cl != nil {
			ext = max(ext, f.base+f.cl.P.IR.MaxStack)
		}
		ext = max(ext, f.fn+1)
	}
	return ext
}
