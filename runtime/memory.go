package runtime

import (
	"fmt"
	"math"
	"sync"
	"unsafe"
)

// Memory accounting. A process with a MemoryLimit is charged, when they
// are made, for the allocations its script causes: tables and their
// growth (a table knows the process it belongs to), closures,
// coroutines and their stacks, strings built by concatenation and by the
// builtins. The charges add up since the last measure of what the
// process can really reach (LiveBytes, a walk of its heap: garbage is not
// counted); when the charges could take it past its limit, the heap is
// walked again. The inline part is one addition and one comparison
// (charge); the walk is the out-of-line slow path (chargeSlow), run after
// at least as many bytes were charged as the heap held, so its cost is
// amortized over what was allocated.
//
// An allocation that would take the process past its limit is refused
// with "memory limit exceeded (N bytes wanted ...)", an error pcall
// catches (as lua5.1's "not enough memory"): nothing was allocated. A
// process found to hold more than its limit when its heap is walked is
// stopped with "memory limit exceeded", which no pcall catches, like the
// step limit.
//
// A Pool bounds the sum over many processes (a host's budget): each
// process reserves from it what it may reach before its next walk, and
// an allocation the pool cannot cover is refused like one past the
// process's limit.

const (
	memWindowMin = 256 << 10 // bytes charged between two walks, at least
	sizeValue    = int64(unsafe.Sizeof(Value{}))
	sizeTable    = int64(unsafe.Sizeof(Table{}))
	sizeEntry    = int64(unsafe.Sizeof(entry{})) + 24 // with its key's index slots (strIndex, wordIndex: 16-32 bytes a key)
	sizeFrame    = int64(unsafe.Sizeof(Frame{}))
	sizeClosure  = int64(unsafe.Sizeof(Closure{}))
	sizeUpval    = int64(unsafe.Sizeof(Upval{})) + 8
	sizeThread   = int64(unsafe.Sizeof(Thread{}))
	// SizeString is what a string costs besides its bytes (its header in
	// a Value's interface).
	SizeString = 16
)

// Pool is memory shared by processes: the sum of what they reserve stays
// within its limit. It is safe for concurrent use.
type Pool struct {
	mu          sync.Mutex
	limit, used int64
}

// NewPool makes a pool of limit bytes.
func NewPool(limit int64) *Pool { return &Pool{limit: limit} }

// Reserve takes n bytes from the pool, if it has them (an embedder
// admitting work before it allocates: Process.Adopt hands them to a
// process).
func (m *Pool) Reserve(n int64) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.used+n > m.limit {
		return false
	}
	m.used += n
	return true
}

// Release gives n bytes back.
func (m *Pool) Release(n int64) {
	m.mu.Lock()
	m.used -= n
	m.mu.Unlock()
}

// Used is what processes hold reserved; Limit the pool's size.
func (m *Pool) Used() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.used
}

// Limit is the pool's size.
func (m *Pool) Limit() int64 { return m.limit }

// Reserve takes n bytes of p's pool for p (an embedder admitting a
// process it is about to load or start): false when the pool lacks
// them. What p holds is given back by ReleaseMemory, and adjusted at
// each walk of its heap.
func (p *Process) Reserve(n int64) bool {
	if p.Pool == nil || n <= p.reserved {
		return true
	}
	if !p.Pool.Reserve(n - p.reserved) {
		return false
	}
	p.reserved = n
	return true
}

// Adopt makes n bytes the embedder reserved from p's pool p's own.
func (p *Process) Adopt(n int64) { p.reserved += n }

// ReleaseMemory gives what p reserved back to its pool (p is finished,
// or dropped from memory).
func (p *Process) ReleaseMemory() {
	if p.Pool != nil && p.reserved > 0 {
		p.Pool.Release(p.reserved)
	}
	p.reserved = 0
}

// accounted says whether p's memory is accounted for: a limit of its
// own, or a pool shared with others.
func (p *Process) accounted() bool { return p.MemoryLimit > 0 || p.Pool != nil }

// charge accounts for n bytes the process is about to allocate.
func (p *Process) charge(n int64) {
	p.allocSince += n
	if p.allocSince > p.memNext {
		p.chargeSlow(n)
	}
}

// ChargeMemory accounts for n bytes the running builtin or instruction is
// about to allocate: it raises the memory error if they would take the
// process past its limit. Making a large object is work too: a step per
// KiB from 64 KiB on (so that a slice of steps is a slice of time).
func (t *Thread) ChargeMemory(n int) { t.p.chargeLarge(int64(n)) }

// chargeLarge is charge for an allocation that may be large (strings,
// tables and stacks that double): it costs steps too.
func (p *Process) chargeLarge(n int64) {
	p.charge(n)
	if n >= 64<<10 {
		p.cur.ChargeSteps(n >> 10)
	}
}

// resetMemory makes the next charge measure the heap (a new limit, a new
// slice: MemoryLimit and Pool are the embedder's to set between them).
func (p *Process) resetMemory() {
	p.memNext = math.MaxInt64
	if p.accounted() {
		p.memNext = p.memWindow
	}
	p.scheduleCycle()
}

// chargeSlow is charge's out-of-line part: the heap is walked, and n is
// granted or refused.
func (p *Process) chargeSlow(n int64) {
	p.allocSince -= n
	if !p.accounted() {
		p.allocSince += n
		p.cycleDue()
		return
	}
	limit := p.MemoryLimit
	if limit <= 0 {
		limit = math.MaxInt64 / 4
	}
	if n > limit {
		p.memoryRefused(n)
	}
	live := p.LiveBytes()
	p.allocSince, p.memLive = 0, live
	if live > limit {
		p.memoryExceeded(live)
	}
	if live+n > limit {
		p.memNext = 0
		p.memoryRefused(n)
	}
	// the next walk comes after as many bytes as the heap holds (at
	// least memWindowMin), or sooner at the limit; past the limit by an
	// eighth at the most, garbage included
	w := min(max(live, memWindowMin), max(limit-live-n, limit/8))
	if !p.Reserve(live + n + w) {
		if w = memWindowMin; !p.Reserve(live + n + w) {
			p.memNext = 0
			p.memoryRefused(n)
		}
	}
	if p.Pool != nil && p.reserved > 2*(live+n+w) { // it shrank: give back
		p.Pool.Release(p.reserved - (live + n + w))
		p.reserved = live + n + w
	}
	p.memWindow = n + w
	p.allocSince = n
	p.memNext = p.memWindow
	if p.gcActive && !p.gcStopped {
		p.askCycle()
	}
}

// memoryRefused raises the error of an allocation that is not made.
func (p *Process) memoryRefused(n int64) {
	msg := fmt.Sprintf("memory limit exceeded (%d bytes wanted, %d in use; the limit is %d)", n, p.memLive, p.MemoryLimit)
	if p.MemoryLimit <= 0 || p.memLive+n <= p.MemoryLimit {
		msg = "memory limit exceeded (the host's memory is all in use)"
	}
	panic(&Error{Value: String(p.where(p.cur, 1) + msg)})
}

func (p *Process) memoryExceeded(live int64) {
	msg := fmt.Sprintf("memory limit exceeded (%d bytes, the limit is %d)", live, p.MemoryLimit)
	panic(&Error{Value: String(p.where(p.cur, 1) + msg), Fatal: true})
}

// CheckMemory measures the process and reports an error if it is over its
// limit (for embedders, between slices).
func (p *Process) CheckMemory() error {
	if p.MemoryLimit <= 0 {
		return nil
	}
	live := p.LiveBytes()
	p.memLive, p.allocSince = live, 0
	if live > p.MemoryLimit {
		return fmt.Errorf("memory limit exceeded (%d bytes, the limit is %d)", live, p.MemoryLimit)
	}
	return nil
}

// MemoryInUse is the process's own charge: its heap at the last walk and
// what it allocated since (collectgarbage("count")).
func (p *Process) MemoryInUse() int64 { return p.memLive + p.allocSince }

// ownBytes is what object o holds itself, without the objects and strings
// it refers to.
func ownBytes(o any) int64 {
	const value = int64(unsafe.Sizeof(Value{}))
	switch o := o.(type) {
	case *Table:
		return int64(unsafe.Sizeof(*o)) + int64(cap(o.arr))*value + int64(cap(o.entries))*2*value + o.x.bytes()
	case *Closure:
		return int64(unsafe.Sizeof(*o)) + int64(len(o.Upvals))*8
	case *Upval:
		return int64(unsafe.Sizeof(*o))
	case *Thread:
		return int64(unsafe.Sizeof(*o)) + int64(cap(o.stack))*value + int64(cap(o.frames))*int64(unsafe.Sizeof(Frame{}))
	case *GoFunction:
		return int64(unsafe.Sizeof(*o)) + int64(len(o.State))*value
	case *Userdata:
		return int64(unsafe.Sizeof(*o))
	}
	return 0
}

// stringBytes is what a string of n bytes is counted for.
func stringBytes(n int) int64 { return int64(n) + 16 }

// thawed sets what p holds after a thaw made objects of objBytes
// (ownBytes each, not the natives it shares with its libraries) and n
// strings of strLen bytes in all: what LiveBytes would find, without
// walking the heap. A weak table among them makes cycles run by
// themselves (collect.go), and one runs at the first stop: what was
// charged before the freeze is not known, and a process frozen at every
// stop would otherwise never have one.
func (p *Process) thawed(objBytes int64, n, strLen int, weak bool) {
	p.restore = restoreBlocks{}
	if weak {
		p.activateGC()
		p.gcDue = true
	}
	total := objBytes + int64(strLen) + stringBytes(0)*int64(n)
	for _, c := range p.Chunks() {
		total += chunkBytes(len(c.Source))
	}
	p.memLive, p.allocSince = total, 0
}

// LiveBytes estimates the memory the process can reach: tables (their
// parts), strings, closures, upvalues, threads (their stacks and frames),
// builtins' states. Shared objects count once.
func (p *Process) LiveBytes() int64 {
	w := newWalker(false)
	w.roots(p)
	w.drain()
	return w.total
}

// extent is how much of the stack frames may read (see Thread.State).
func (t *Thread) extent() int {
	ext := t.top
	for i := range t.frames {
		f := &t.frames[i]
		if f.cl != nil {
			ext = max(ext, int(f.base)+f.cl.P.maxStack)
		}
		ext = max(ext, int(f.Fn)+1)
	}
	return ext
}

// chunkBytes is what a loaded chunk of n bytes of source is charged: its
// source and its code.
func chunkBytes(n int) int64 { return 1024 + 16*int64(n) }

// Buffer builds a string whose growth is charged to the process of the
// thread that writes (builtins that build strings piece by piece, over
// calls into Lua: gsub, format, table.concat, load's reader). Its bytes
// follow room for a string header, where Value puts the header of the
// string it makes: one allocation for the bytes and the value's box.
type Buffer struct {
	b []byte // b[:stringHeader] is the header's room; bytes written are never changed
}

// Add appends s.
func (b *Buffer) Add(t *Thread, s string) {
	b.grow(t, len(s))
	b.b = append(b.b, s...)
}

// AddByte appends c.
func (b *Buffer) AddByte(t *Thread, c byte) {
	b.grow(t, 1)
	b.b = append(b.b, c)
}

// grow makes room for n more bytes, charging what it allocates (it
// doubles); a nil thread (a thaw filling it back) is not charged.
func (b *Buffer) grow(t *Thread, n int) {
	need := max(len(b.b), stringHeader) + n
	if need <= cap(b.b) {
		return
	}
	size := max(need, 2*cap(b.b), stringHeader+16)
	if t != nil {
		t.p.chargeLarge(int64(size))
	}
	nb := make([]byte, max(len(b.b), stringHeader), size)
	copy(nb, b.b)
	b.b = nb
}

// Len is the length so far.
func (b *Buffer) Len() int { return max(len(b.b)-stringHeader, 0) }

// String returns what was built (its bytes, not a copy: as
// strings.Builder's).
func (b *Buffer) String() string {
	if b.Len() == 0 {
		return ""
	}
	return unsafe.String(&b.b[stringHeader], b.Len())
}

// Value returns what was built as a string value, made without copying
// or allocating, and empties the buffer (the header it writes is the
// value's box: a later Value of the same bytes would write over it).
func (b *Buffer) Value() Value {
	var v Value
	if b.Len() <= 1 {
		v = String(b.String())
	} else {
		v = boxedIn(b.b)
	}
	b.b = nil
	return v
}

// Substring returns s[i:j] as a value: a copy, charged, when it is a
// small part of s, so that a short string never keeps a long one alive
// (a heap walk counts strings by their own length). A string of one byte
// (or none) is one of String's, never a copy.
func (t *Thread) Substring(s string, i, j int) Value {
	if j-i <= 1 || j-i >= len(s)/2 || j-i <= 32 && len(s) <= 256 {
		return String(s[i:j])
	}
	t.p.charge(int64(j-i) + SizeString)
	return BuildString(j-i, func(b []byte) { copy(b, s[i:j]) })
}
