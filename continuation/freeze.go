package continuation

// # The continuation format, version 1
//
// A continuation is one CBOR data item (RFC 8949) of this shape
// (continuation/FORMAT.md has the same with the reasons and the figures):
//
//	55799(                        ; self-described CBOR: d9 d9 f7
//	  [ "mobilua continuation",   ; 0 magic (text)
//	    1,                        ; 1 format version (uint)
//	    sandboxed: bool,          ; 2 the process's library profile
//	    tail: uint,               ; 3 offset of field 6 from the first byte,
//	                              ;   always 9 bytes (1b + 8) so it can be patched
//	    256([* body]),            ; 4 the bodies of the objects that have one, in
//	                              ;   object order (array head always 9 bytes);
//	                              ;   tag 256 opens the string-reference scope
//	    process,                  ; 5 the process's own fields
//	    [* chunk],                ; 6 the source of every chunk with code in use
//	    kinds,                    ; 7 bytes: one kind letter per object (below)
//	    [* name],                 ; 8 text: the natives' names, in object order
//	    checksum ])               ; 9 bytes(4): CRC-32C (Castagnoli) of every
//	                              ;   byte before this item
//
//	chunk   = [name: bytes, file: bool, source: bytes, sha256: bytes(32),
//	           fingerprint: uint]          ; runtime.Chunk.Fingerprint of its code
//	process = [globals: ref, string metatable: ref/null, [8 * ref/null] type
//	           metatables, main: ref, current: ref, yielded: ref/null,
//	           yielded by: text, [* value] its arguments, [random s0, s1],
//	           steps, budget, max steps]
//
// The decoder reads the tail first (it needs the chunks, and the kinds and
// names to make every object before it reads references to them), then the
// bodies; the encoder writes the bodies as it walks and the tail last, so
// nothing is copied.
//
// Objects are numbered 0, 1, 2… in the order a breadth-first walk from the
// process's roots meets them; that order, the array parts, and the tables'
// insertion-ordered hash parts make the bytes deterministic: the same state
// freezes to the same bytes. The kind letters and bodies:
//
//	't' table      [meta: ref/null, [* value] array part, [* key, value] hash part]
//	               (removed entries, with a null value, stay: a traversal may be
//	               passing them)
//	'T' library table: a native by name (runtime.Process.SealNatives)
//	               [meta: ref/null, [* value] array part, [* key, value] changes]
//	               the changes from what the table held when the process was
//	               sealed: new or changed entries in traversal order, then
//	               removed keys with null
//	'c' closure    [chunk: uint, function: uint, env: ref, [* upvalue ref]]
//	               (without env when it is the process's globals, object 0)
//	'u' upvalue    [value] when closed, [thread: ref, slot: uint] while open
//	'h' thread     [status, [* value] stack, top, [* frame], [* open upvalue ref],
//	                resumer: ref/null, body: value, started: bool,
//	                pending start: bool, [wait fn, nres, mode, aux], wait wrap: bool,
//	                running builtin: ref/null, globals: ref/null]
//	               (without the last three when they are false, null, null and
//	               there is no hook; frames: FORMAT.md)
//	'n' builtin    no body: a native function, by its name in field 8
//	'd' userdata   no body: a native userdata such as io.stdout, by name
//	's' builtin with state   [native: ref, [* value] state]  (gmatch's iterator)
//	'w' coroutine.wrap's function   [thread: ref]
//	'p' userdata without a payload  [meta: ref/null]
//
//	frame   = [closure: ref/null, pc, base, fn, nres, nvar, mode, kind, aux,
//	           concat, builtin: ref/null, [* value] builtin state,
//	           ? tail calls: uint]   ; only when the frame replaced some
//
// A value is null (nil), false/true, an integer (a number that is one
// exactly, not -0), a float32 or float64 (the shortest that holds it), a
// byte string, tag 25 and a uint (a string written before: its number in
// the string table, which holds every byte string written in the scope
// that is long enough, by the stringref extension's rule), or tag 29 and
// a uint (an object, by number).

import (
	"crypto/sha256"
	"fmt"
	"hash/crc32"
	"math/bits"
	"slices"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/mobilua/mobilua/runtime"
)

// Version is the format version this package writes and reads.
const Version = 1

const magic = "mobilua continuation"

// Object kinds.
const (
	kTable     = 't'
	kNativeTab = 'T'
	kClosure   = 'c'
	kUpval     = 'u'
	kThread    = 'h'
	kNativeFn  = 'n'
	kNativeUd  = 'd'
	kStateFn   = 's'
	kWrap      = 'w'
	kUserdata  = 'p'
	fieldsTop  = 10
	fieldsProc = 12
	fieldsThr  = 13 // and a 14th, the hook, when the thread has one
	fieldsHook = 12 // and one more while builtins' return events are due
	fieldsFr   = 12
	// a thread without a hook whose last three fields are false, null,
	// null, and a frame without tail calls whose last two are null and
	// [], are written without them
	fieldsThrShort = fieldsThr - 3
	fieldsFrShort  = fieldsFr - 2
	// a coroutine suspended where a Lua function called (the yield, a
	// resume of another) is written in six: [status, stack, top, frames,
	// wait slot, wait results], when it has no open upvalue, resumer or
	// body, is started and not pending, waits in the normal mode with no
	// argument, and its ten fields' last three are their defaults; a frame
	// whose varargs, kind, argument and concat register are 0 (and no
	// builtin, state or tail calls) in six: [closure, pc, base, function
	// slot, results wanted, delivery mode]
	fieldsThrCompact = 6
	fieldsFrCompact  = 6
)

// castagnoli is the checksum's table, made when first needed (not at
// every program's start).
var castagnoli = sync.OnceValue(func() *crc32.Table { return crc32.MakeTable(crc32.Castagnoli) })

// Freeze returns the continuation of p, which must be suspended: Resume
// returned OutOfSteps or Yielded, or it has not started. It fails when the
// process holds something that cannot travel (an open file, a builtin
// that is not a registered native).
func Freeze(p *runtime.Process) ([]byte, error) {
	b, _, err := freeze(p)
	return b, err
}

// freeze is Freeze, and what the process's live data comes to (its lower
// bound, liveData.bound).
func freeze(p *runtime.Process) (b []byte, live int64, err error) {
	st, err := inner.ProcessState(p)
	if err != nil {
		return nil, 0, err
	}
	e := &encoder{p: p, epoch: epochs.Add(1), ids: make(map[unsafe.Pointer]uint32, 64), cache: make([]cached, 256), chunkIdx: map[*runtime.Chunk]int{}}
	e.lists = lists.Get().(*objectLists)
	e.queue, e.kinds = e.lists.queue, e.lists.kinds[:0]
	defer e.release()
	defer func() {
		if x := recover(); x != nil {
			fe, ok := x.(freezeError)
			if !ok {
				panic(x)
			}
			b, live, err = nil, 0, fe
		}
	}()
	// roots first, so the process section can refer to them
	e.ref(st.Globals)
	e.refOrNil(st.StringMeta)
	for _, m := range st.TypeMeta {
		e.refOrNil(m)
	}
	e.ref(st.Main)
	e.ref(st.Current)
	e.refOrNil(st.Yielded)
	for _, t := range inner.ChangedNatives(p) {
		e.ref(t) // (reached or not, their changes travel)
	}
	last := inner.FrozenSize(p) // (a process frozen again, as a checkpointed one is, is written without growing)
	e.w.b = make([]byte, 0, max(4096, *last+*last/8))
	e.w.tag(tagSelfDescribe)
	e.w.array(fieldsTop)
	e.w.text(magic)
	e.w.uint(Version)
	e.w.bool(st.Sandboxed)
	tailAt := len(e.w.b)
	e.w.fixedUint(0) // the tail's offset, known at the end
	e.objects()
	e.process(st)
	e.w.patchUint(tailAt, uint64(len(e.w.b)))
	e.tail()
	crc := crc32.Checksum(e.w.b, castagnoli())
	e.w.b = append(e.w.b, majBytes|4, byte(crc>>24), byte(crc>>16), byte(crc>>8), byte(crc))
	*last = len(e.w.b)
	live = e.live.bound(len(e.kinds) + int(e.nstrs))
	if cap(e.w.b) > 2*len(e.w.b)+4096 { // (the process shrank: no room kept beyond it)
		return slices.Clone(e.w.b), live, nil
	}
	return e.w.b, live, nil
}

// liveData counts, as a freeze writes them, what a process's live data is
// made of: its numbers and booleans, the bytes of its strings (a repeat
// written as a reference counts as one) and of its chunks' source, and
// its references to objects and to closures' prototypes. bound is what
// they come to at their natural widths (FORMAT.md, "The live data"): a
// lower bound of any encoding that keeps them as the process does.
type liveData struct {
	numbers, booleans, strBytes, refs int64
}

// bound is the live data in bytes, with n objects and numbered strings
// that a reference may name: 8 bytes a number, 1 a boolean, a string's
// bytes, and the fewest whole bytes that tell n things apart a reference.
func (l *liveData) bound(n int) int64 {
	ref := int64(max(1, (bits.Len(uint(n))+7)/8))
	return 8*l.numbers + l.booleans + l.strBytes + ref*l.refs
}

// Objects are numbered through their mark (inner.Mark): the epoch of the freeze
// in the high bits (a new one per freeze, so marks left by earlier ones
// never match) and the number in the low ones. Natives, which processes
// may share, go through a map instead.
const idBits = 26

var epochs atomic.Uint64

type freezeError string

func (e freezeError) Error() string { return "cannot freeze: " + string(e) }

// objectLists are an encoder's lists of objects, kept for the next
// freeze (a host freezes often; growing them again was half of what a
// freeze allocated).
type objectLists struct {
	queue objQueue
	kinds []byte
}

var lists = sync.Pool{New: func() any { return new(objectLists) }}

// release gives the lists back, emptied (up to a million objects' kinds:
// a larger heap's go to the collector).
func (e *encoder) release() {
	e.queue.reset()
	if cap(e.kinds) > 1<<20 {
		e.kinds = nil
	}
	e.lists.queue, e.lists.kinds = e.queue, e.kinds[:0]
	lists.Put(e.lists)
}

// objQueue holds the objects whose bodies are still to be written, first
// numbered first, in blocks: millions of objects grow it without copying
// what it holds (growing one slice was a third of a large freeze's time),
// and a block whose objects are written serves again.
type objQueue struct {
	blocks     [][]any // the first from head on, the last up to tail
	head, tail int
	spare      [][]any // emptied blocks
}

const queueBlock = 4096

func (q *objQueue) push(o any) {
	if len(q.blocks) == 0 || q.tail == queueBlock {
		var b []any
		if n := len(q.spare); n > 0 {
			b, q.spare = q.spare[n-1], q.spare[:n-1]
		} else {
			b = make([]any, queueBlock)
		}
		q.blocks, q.tail = append(q.blocks, b), 0
	}
	q.blocks[len(q.blocks)-1][q.tail] = o
	q.tail++
}

// pop returns the first object and removes it; ok is false when there is
// none.
func (q *objQueue) pop() (o any, ok bool) {
	if len(q.blocks) == 0 || len(q.blocks) == 1 && q.head == q.tail {
		return nil, false
	}
	b := q.blocks[0]
	o, b[q.head] = b[q.head], nil
	if q.head++; q.head == queueBlock {
		q.spare, q.blocks, q.head = append(q.spare, b), q.blocks[1:], 0
	}
	return o, true
}

// reset empties the queue (a freeze that failed leaves objects in it),
// keeping up to a million objects' blocks.
func (q *objQueue) reset() {
	for _, b := range q.blocks {
		clear(b)
		q.spare = append(q.spare, b)
	}
	q.blocks, q.head, q.tail = nil, 0, 0
	if len(q.spare) > 1<<20/queueBlock {
		clear(q.spare[1<<20/queueBlock:])
		q.spare = q.spare[:1<<20/queueBlock]
	}
}

type encoder struct {
	lists    *objectLists
	p        *runtime.Process
	w        writer
	epoch    uint64
	ids      map[unsafe.Pointer]uint32
	lastKey  unsafe.Pointer // the last object looked up in ids, and its number
	lastID   uint32
	kinds    []byte
	natives  []string
	queue    objQueue
	cache    []cached
	nstrs    uint32
	chunks   []*runtime.Chunk
	chunkIdx map[*runtime.Chunk]int
	frames   []runtime.FrameState // thread
	thr      runtime.ThreadState  // thread
	live     liveData
}

// ref returns o's object number, giving it one (and queueing its body)
// when it is new.
func (e *encoder) ref(o any) uint32 {
	mark := inner.Mark(o)
	var key unsafe.Pointer
	if mark != nil {
		if *mark>>idBits == e.epoch {
			return uint32(*mark & (1<<idBits - 1))
		}
	} else {
		key = ptrOf(o)
		if key == e.lastKey { // (a builtin again: coroutine.yield in each coroutine's stack)
			return e.lastID
		}
		if id, ok := e.ids[key]; ok {
			e.lastKey, e.lastID = key, id
			return id
		}
	}
	if len(e.kinds) >= 1<<idBits-1 {
		panic(freezeError("more than 2^26 objects"))
	}
	id := uint32(len(e.kinds))
	if mark != nil {
		*mark = e.epoch<<idBits | uint64(id)
	} else {
		e.ids[key] = id
	}
	kind := e.kindOf(o)
	e.kinds = append(e.kinds, kind)
	switch kind {
	case kNativeFn:
		e.natives = append(e.natives, o.(*runtime.GoFunction).Name)
	case kNativeUd:
		e.natives = append(e.natives, o.(*runtime.Userdata).Name)
	case kNativeTab:
		e.natives = append(e.natives, inner.NativeName(e.p, o))
		e.queue.push(libraryTable{o.(*runtime.Table)})
	default:
		e.queue.push(o)
	}
	return id
}

// ptrOf returns the address of a heap object: distinct objects have
// distinct addresses, and a pointer hashes faster than an interface.
func ptrOf(o any) unsafe.Pointer {
	switch o := o.(type) {
	case *runtime.Table:
		return unsafe.Pointer(o)
	case *runtime.Closure:
		return unsafe.Pointer(o)
	case *runtime.Upval:
		return unsafe.Pointer(o)
	case *runtime.Thread:
		return unsafe.Pointer(o)
	case *runtime.GoFunction:
		return unsafe.Pointer(o)
	case *runtime.Userdata:
		return unsafe.Pointer(o)
	}
	panic(freezeError(fmt.Sprintf("unknown object %T", o)))
}

func (e *encoder) kindOf(o any) byte {
	switch o := o.(type) {
	case *runtime.Table:
		if inner.LibraryTable(e.p, o) {
			return kNativeTab
		}
		return kTable
	case *runtime.Closure:
		return kClosure
	case *runtime.Upval:
		return kUpval
	case *runtime.Thread:
		return kThread
	case *runtime.GoFunction:
		if inner.Wrapped(o) != nil {
			return kWrap
		}
		if o.State != nil {
			if _, ok := e.p.Native(o.Name).(*runtime.GoFunction); !ok {
				panic(freezeError(fmt.Sprintf("builtin %s is not a registered native", o.Name)))
			}
			return kStateFn
		}
		if e.p.Native(o.Name) != o {
			panic(freezeError(fmt.Sprintf("builtin %s is not a registered native", o.Name)))
		}
		return kNativeFn
	case *runtime.Userdata:
		if o.Name != "" && e.p.Native(o.Name) == o {
			return kNativeUd
		}
		if o.Data != nil {
			panic(freezeError(fmt.Sprintf("a userdata holding %s cannot travel (close open files first)", describe(o.Data))))
		}
		return kUserdata
	}
	panic(freezeError(fmt.Sprintf("unknown object %T", o)))
}

func describe(x any) string {
	if s, ok := x.(fmt.Stringer); ok {
		return s.String()
	}
	return fmt.Sprintf("%T", x)
}

// table and friends write a reference.
func (e *encoder) refTo(o any) {
	e.live.refs++
	e.w.tag(tagObjectRef)
	e.w.uint(uint64(e.ref(o)))
}

func (e *encoder) refOrNil(o any) {
	switch o := o.(type) {
	case *runtime.Table:
		if o == nil {
			e.w.null()
			return
		}
	case *runtime.Thread:
		if o == nil {
			e.w.null()
			return
		}
	case *runtime.GoFunction:
		if o == nil {
			e.w.null()
			return
		}
	case *runtime.Closure:
		if o == nil {
			e.w.null()
			return
		}
	case nil:
		e.w.null()
		return
	}
	e.refTo(o)
}

func (e *encoder) value(v runtime.Value) {
	switch v.Type() {
	case runtime.TNil:
		e.w.null()
	case runtime.TBoolean:
		e.live.booleans++
		e.w.bool(v.Truthy())
	case runtime.TNumber:
		e.live.numbers++
		e.w.number(v.Num())
	case runtime.TString:
		s, _ := v.Str()
		e.string(s)
	default:
		e.refTo(v.Raw())
	}
}

// string writes a string, or a reference to an equal one written before.
// Every string long enough gets a number in the string table (the decoder
// numbers them the same way); the encoder finds repeats through a
// direct-mapped cache indexed by a hash of the content, so a repeat may be
// missed (it is then written again) but the bytes depend only on the
// sequence of strings: freezing is deterministic.
func (e *encoder) string(s string) {
	if len(s) >= 3 {
		h := strHash(s) & uint32(len(e.cache)-1)
		if c := &e.cache[h]; c.n == uint32(len(s)) && c.p != nil && unsafe.String(c.p, c.n) == s {
			e.live.refs++
			e.w.tag(tagStringRef)
			e.w.uint(uint64(c.idx))
			return
		}
		if len(s) >= stringRefMin(int(e.nstrs)) {
			e.cache[h] = cached{p: unsafe.StringData(s), n: uint32(len(s)), idx: e.nstrs}
			e.nstrs++
			if e.nstrs == uint32(len(e.cache)) && len(e.cache) < 1<<12 {
				e.cache = make([]cached, 4*len(e.cache)) // grown at fixed counts: still deterministic
			}
		}
	}
	e.live.strBytes += int64(len(s))
	e.w.str(s)
}

type cached struct {
	p      *byte // the string's bytes (nil: empty slot)
	n, idx uint32
}

// strHash is FNV-1a over the length and up to 24 bytes of the string.
func strHash(s string) uint32 {
	h := uint32(2166136261) ^ uint32(len(s))
	n := min(len(s), 24)
	for i := 0; i < n; i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return h ^ h>>15
}

func (e *encoder) values(vs []runtime.Value) {
	e.w.reserve(9*len(vs) + 9)
	e.w.array(len(vs))
	for _, v := range vs {
		e.value(v)
	}
}

// objects writes the bodies of the queued objects (and of those they
// reach).
func (e *encoder) objects() {
	e.w.tag(tagStringNamespace)
	at := len(e.w.b)
	e.w.fixedArray(0) // the count, known at the end
	n := 0
	for o, ok := e.queue.pop(); ok; o, ok = e.queue.pop() {
		n++
		switch o := o.(type) {
		case *runtime.Table:
			e.table(o)
		case libraryTable:
			e.libraryTable(o.t)
		case *runtime.Closure:
			e.closure(o)
		case *runtime.Upval:
			th, idx, v := inner.UpvalState(o)
			if th == nil {
				e.w.array(1)
				e.value(v)
			} else {
				e.w.array(2)
				e.refTo(th)
				e.w.uint(uint64(idx))
			}
		case *runtime.Thread:
			e.thread(o)
		case *runtime.GoFunction:
			if co := inner.Wrapped(o); co != nil {
				e.w.array(1)
				e.refTo(co)
			} else {
				e.w.array(2)
				e.refTo(e.p.Native(o.Name))
				e.values(o.State)
			}
		case *runtime.Userdata:
			e.w.array(1)
			e.refOrNil(o.Meta)
		}
	}
	e.w.patchArray(at, uint64(n))
}

// libraryTable is a library table in the queue of bodies: its body is
// its changes (libraryTable).
type libraryTable struct{ t *runtime.Table }

// libraryTable writes the changes of a library table since the baseline.
func (e *encoder) libraryTable(t *runtime.Table) {
	keys, vals := inner.TableChanges(e.p, t)
	e.w.array(3)
	e.refOrNil(t.Meta())
	e.values(t.Array())
	e.w.array(2 * len(keys))
	for i, k := range keys {
		e.value(k)
		e.value(vals[i])
	}
}

// table writes the body of a table (not a library's).
func (e *encoder) table(t *runtime.Table) {
	sizes, kept := inner.LuaSizes(t)
	if kept {
		e.w.array(4)
	} else {
		e.w.array(3)
	}
	e.refOrNil(t.Meta())
	arr := t.Array()
	e.values(arr)
	n := inner.HashLen(t)
	e.w.reserve(12*n + 9)
	e.w.array(2 * (n - shadowed(t, len(arr))))
	for i := 0; i < n; i++ {
		k, v := inner.HashEntry(t, i)
		if !inArray(k, len(arr)) {
			e.value(k)
			e.value(v)
		}
	}
	if kept {
		// lua5.1's sizes, when a rehash of the keys would not give them
		e.w.array(3)
		for _, s := range sizes {
			e.w.uint(uint64(s))
		}
	}
}

// shadowed counts t's hash entries whose key is now in the array part of
// length n: a removed key the array part grew over (its entry stays for a
// traversal that passed it, but the array part answers for the key). A
// continuation leaves them out (a reader refuses them: before, such a
// table could be frozen but not thawed).
func shadowed(t *runtime.Table, n int) int {
	if n == 0 { // (most tables with a hash part: no key is in an empty array)
		return 0
	}
	c := 0
	for i := range inner.HashLen(t) {
		if k, _ := inner.HashEntry(t, i); inArray(k, n) {
			c++
		}
	}
	return c
}

// inArray reports whether k is an integer key 1..n.
func inArray(k runtime.Value, n int) bool {
	if !k.IsNumber() {
		return false
	}
	f := k.Num()
	return f >= 1 && f <= float64(n) && f == float64(int(f))
}

func (e *encoder) closure(c *runtime.Closure) {
	ch := c.P.Chunk
	ci, ok := e.chunkIdx[ch]
	if !ok {
		ci = len(e.chunks)
		e.chunkIdx[ch] = ci
		e.chunks = append(e.chunks, ch)
	}
	e.live.refs++ // (its prototype: which function it is)
	// most closures' environment is the process's globals (object 0):
	// left out
	globals := c.Env == e.p.Globals
	if globals {
		e.live.refs++
		e.w.array(3)
	} else {
		e.w.array(4)
	}
	e.w.uint(uint64(ci))
	e.w.uint(uint64(c.P.Index()))
	if !globals {
		e.refTo(c.Env)
	}
	e.w.array(len(c.Upvals))
	for _, u := range c.Upvals {
		e.refTo(u)
	}
}

func (e *encoder) thread(t *runtime.Thread) {
	s := &e.thr
	if err := inner.ThreadState(t, s, e.frames); err != nil {
		panic(freezeError(err.Error()))
	}
	e.frames = s.Frames // (written out below, then free for the next thread)
	w := &e.w
	fields := threadFields(s)
	w.array(fields)
	w.uint(uint64(s.Status))
	e.values(s.Stack)
	w.uint(uint64(s.Top))
	w.array(len(s.Frames))
	for _, f := range s.Frames {
		e.frame(f, s.Stack)
	}
	if fields == fieldsThrCompact {
		w.int(int64(s.Wait.Fn))
		w.int(int64(s.Wait.NRes))
		return
	}
	w.array(len(s.Open))
	for _, u := range s.Open {
		e.refTo(u)
	}
	e.refOrNil(s.Resumer)
	e.value(s.Body)
	w.bool(s.Started)
	w.bool(s.PendingStart)
	w.array(4)
	w.int(int64(s.Wait.Fn))
	w.int(int64(s.Wait.NRes))
	w.int(int64(s.Wait.Mode))
	w.int(int64(s.Wait.Aux))
	if fields > fieldsThrShort {
		w.bool(s.WaitWrap)
		e.refOrNil(s.GoCall)
		e.refOrNil(s.Globals)
	}
	if h := s.Hook; h != nil {
		e.hook(h)
	}
}

// threadFields is the number of fields a thread is written in: 6, 10, 13
// or 14 (with its hook).
func threadFields(s *runtime.ThreadState) int {
	switch {
	case s.Hook != nil:
		return fieldsThr + 1
	case s.WaitWrap || s.GoCall != nil || s.Globals != nil:
		return fieldsThr
	case len(s.Open) == 0 && s.Resumer == nil && s.Body.IsNil() && s.Started && !s.PendingStart &&
		s.Wait.Mode == 0 && s.Wait.Aux == 0:
		return fieldsThrCompact
	}
	return fieldsThrShort
}

// frame writes a frame of a thread whose stack is stack. A Lua function's
// closure, in its function slot as it nearly always is, is written true.
func (e *encoder) frame(f runtime.FrameState, stack []runtime.Value) {
	w := &e.w
	fields := frameFields(&f)
	w.array(fields)
	if f.Closure != nil && int(f.Fn) < len(stack) && stack[f.Fn].Closure() == f.Closure {
		e.live.refs++
		w.bool(true)
	} else {
		e.refOrNil(f.Closure)
	}
	w.uint(uint64(f.PC))
	w.uint(uint64(f.Base))
	w.uint(uint64(f.Fn))
	w.int(int64(f.NRes))
	if fields == fieldsFrCompact {
		w.uint(uint64(f.Mode))
		return
	}
	w.uint(uint64(f.NVar))
	w.uint(uint64(f.Mode))
	w.uint(uint64(f.Bound))
	w.int(int64(f.Aux))
	w.uint(uint64(f.Concat))
	if fields > fieldsFrShort {
		e.refOrNil(f.Builtin)
		e.values(f.K)
	}
	if fields > fieldsFr {
		w.uint(uint64(f.Tails))
	}
}

// frameFields is the number of fields a frame is written in: 6, 10, 12
// or 13 (with its tail calls).
func frameFields(f *runtime.FrameState) int {
	switch {
	case f.Tails > 0:
		return fieldsFr + 1
	case f.Builtin != nil || len(f.K) > 0:
		return fieldsFr
	case f.NVar == 0 && f.Bound == 0 && f.Aux == 0 && f.Concat == 0:
		return fieldsFrCompact
	}
	return fieldsFrShort
}

// hook writes a thread's debug hook.
func (e *encoder) hook(h *runtime.HookState) {
	w := &e.w
	pending := len(h.Builtins) > 0
	if pending {
		w.array(fieldsHook + 1)
	} else {
		w.array(fieldsHook)
	}
	e.value(h.Fn)
	w.uint(uint64(h.Mask))
	w.uint(uint64(h.Count))
	w.uint(uint64(h.Left))
	w.bool(h.In)
	w.uint(uint64(h.InDepth))
	w.uint(uint64(h.Skip))
	w.bool(h.Tail)
	w.uint(uint64(h.Depth))
	w.uint(uint64(h.Base))
	e.refOrNil(h.Last)
	w.int(int64(h.LastPC))
	if pending {
		w.array(3 * len(h.Builtins))
		for _, c := range h.Builtins {
			e.refOrNil(c.Fn)
			w.uint(uint64(c.Depth))
			w.uint(uint64(c.Base))
		}
	}
}

func (e *encoder) process(s runtime.ProcessState) {
	w := &e.w
	if s.Locale != (runtime.Locale{}) {
		w.array(fieldsProc + 1)
	} else {
		w.array(fieldsProc)
	}
	e.refTo(s.Globals)
	e.refOrNil(s.StringMeta)
	w.array(8)
	for _, m := range s.TypeMeta {
		e.refOrNil(m)
	}
	e.refTo(s.Main)
	e.refTo(s.Current)
	e.refOrNil(s.Yielded)
	w.text(s.YieldedBy)
	e.values(s.YieldArgs)
	w.array(1 + len(s.Random.Words))
	w.uint(uint64(s.Random.Front))
	for _, x := range s.Random.Words {
		w.uint(uint64(x))
	}
	w.uint(uint64(s.Steps))
	w.uint(uint64(s.Budget))
	w.uint(uint64(s.MaxSteps))
	if s.Locale != (runtime.Locale{}) {
		w.array(len(s.Locale))
		for _, n := range s.Locale {
			w.text(n)
		}
	}
}

// tail writes the chunks, the object kinds and the natives' names.
func (e *encoder) tail() {
	w := &e.w
	size := len(e.kinds) + 16
	for _, c := range e.chunks {
		size += len(c.Source) + len(c.Name) + 64
	}
	for _, n := range e.natives {
		size += len(n) + 2
	}
	w.reserve(size)
	w.array(len(e.chunks))
	for _, c := range e.chunks {
		e.live.strBytes += int64(len(c.Source))
		sum := sha256.Sum256(c.Source)
		w.array(5)
		w.str(c.Name)
		w.bool(c.File)
		w.bytes(c.Source)
		w.bytes(sum[:])
		w.uint(c.Fingerprint())
	}
	w.bytes(e.kinds)
	w.array(len(e.natives))
	for _, n := range e.natives {
		w.text(n)
	}
}
