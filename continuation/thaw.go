package continuation

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"math/bits"
	"sync"
	"unsafe"

	"github.com/mobilua/mobilua/internal/block"
	"github.com/mobilua/mobilua/runtime"
)

// Options control a thaw.
type Options struct {
	// NewProcess returns the fresh process to thaw into. It must have the
	// libraries of the process that was frozen (its natives resolve the
	// builtins' names) and a Compiler (the chunks are compiled again from
	// their source). sandboxed is the frozen process's profile.
	NewProcess func(sandboxed bool) *runtime.Process
	// MaxBytes refuses longer continuations (default 1 GiB), packed or
	// unpacked.
	MaxBytes int
	// MaxObjects refuses continuations with more heap objects (default
	// 50 million).
	MaxObjects int
	// Cache, if set, keeps compiled chunks by source hash, so that thawing
	// many continuations of the same script compiles it once (whatever
	// its chunk's name in each).
	Cache *ChunkCache
	// Unpack, if set, unpacks a packed continuation (pack.Unpack: its
	// result at most max bytes); without it, one is refused.
	Unpack func(b []byte, max int) ([]byte, error)
}

// ChunkCache holds compiled chunks by file flag and source hash (one
// found under another chunk name is renamed: what the code says of its
// positions). It is safe for concurrent use.
type ChunkCache struct {
	mu sync.Mutex
	m  map[chunkKey]*runtime.Chunk
}

type chunkKey struct {
	file bool
	sum  [32]byte
}

func (c *ChunkCache) get(k chunkKey) *runtime.Chunk {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[k]
}

func (c *ChunkCache) put(k chunkKey, ch *runtime.Chunk) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[chunkKey]*runtime.Chunk)
	}
	c.m[k] = ch
}

// Error is a continuation that cannot be thawed, and why.
type Error struct {
	Msg string
}

func (e *Error) Error() string { return "bad continuation: " + e.Msg }

func bad(format string, args ...any) error { return &Error{fmt.Sprintf(format, args...)} }

// Thaw rebuilds a process from a continuation, or a packed one (with
// Options.Unpack).
// The bytes may be untrusted:
// every reference, index, count and size is checked, and a continuation
// that fails a check gets an *Error saying what is wrong. Nesting is
// bounded by the format itself (values refer to objects by number; the
// decoder never recurses on its input).
func Thaw(b []byte, opts Options) (*runtime.Process, error) {
	d, err := thaw(b, opts)
	if err != nil {
		return nil, err
	}
	return d.p, nil
}

func thaw(b []byte, opts Options) (dd *decoder, err error) {
	if opts.NewProcess == nil {
		return nil, errors.New("continuation.Thaw: Options.NewProcess is required")
	}
	maxBytes := opts.MaxBytes
	if maxBytes <= 0 {
		maxBytes = 1 << 30
	}
	maxObjects := opts.MaxObjects
	if maxObjects <= 0 {
		maxObjects = 50_000_000
	}
	if len(b) > maxBytes {
		return nil, bad("%d bytes is more than the limit of %d", len(b), maxBytes)
	}
	if Packed(b) { // (within the same limit, checked before it is unpacked)
		if opts.Unpack == nil {
			return nil, bad("packed (a Zstandard frame), and this reader does not unpack")
		}
		var err error
		if b, err = opts.Unpack(b, maxBytes); err != nil {
			return nil, err
		}
	}
	d := &decoder{r: reader{b: b}, size: len(b), maxObjects: maxObjects}
	defer func() {
		if x := recover(); x != nil {
			ef, ok := x.(*errFormat)
			if !ok {
				// a check this decoder missed: still a refusal, not a crash
				ef = &errFormat{d.r.off, fmt.Sprintf("internal error: %v", x)}
			}
			dd, err = nil, &Error{ef.Error()}
		}
	}()
	if err := d.header(); err != nil {
		return nil, err
	}
	if err := d.body(opts); err != nil {
		return nil, err
	}
	return d, nil
}

type decoder struct {
	r          reader
	size       int // the continuation's bytes (unpacked)
	fields     int // the table body tableParts last read has so many
	p          *runtime.Process
	maxObjects int
	chunks     []*runtime.Chunk
	kinds      []byte
	objs       []any
	strs       valueList                  // the string table: each string boxed once
	consts     []map[string]runtime.Value // the chunks' string constants
	constMax   int                        // the longest
	shortConst [32]shortConst             // the last lookups of short strings in consts
	threads    []threadBody
	frames     block.Blocks[runtime.FrameState] // the threads' frame states (frameStates)
	proc       runtime.ProcessState
	sandboxed  bool
	arena      []byte
	boxes      block.Blocks[string] // strValue
	// the shells of tables, closures and upvalues, made a block at a time
	// (a block lives as long as any of its objects: at most what the
	// continuation brought)
	tables        block.Blocks[runtime.Table]
	closureShells block.Blocks[runtime.Closure]
	upvalShells   block.Blocks[runtime.Upval]
	upvalLists    block.Blocks[*runtime.Upval] // the closures' lists of upvalues
	stacks        block.Blocks[runtime.Value]  // the threads' stacks
	closures      []*runtime.Closure
	globalsEnv    bool // a closure was written without its environment: object 0
	upvals        []*runtime.Upval
	nstr          int // strings made, and their bytes: what the process holds
	strLen        int
}

type threadBody struct {
	th *runtime.Thread
	s  runtime.ThreadState
}

// header checks the magic, the version and the checksum.
func (d *decoder) header() error {
	r := &d.r
	if len(r.b) < 3 || !bytes.Equal(r.b[:3], []byte{0xd9, 0xd9, 0xf7}) {
		return bad("not a continuation (no CBOR self-description tag)")
	}
	r.off = 3
	r.countExactly("continuation", fieldsTop)
	if m := r.text("magic"); m != magic {
		return bad("not a mobilua continuation (magic %q)", m)
	}
	if v := r.uint("version", math.MaxUint32); v != Version {
		return bad("format version %d is not supported (this mobilua reads version %d)", v, Version)
	}
	n := len(r.b)
	if n < 5 || r.b[n-5] != majBytes|4 {
		return bad("truncated (no checksum at the end)")
	}
	want := uint32(r.b[n-4])<<24 | uint32(r.b[n-3])<<16 | uint32(r.b[n-2])<<8 | uint32(r.b[n-1])
	if got := crc32.Checksum(r.b[:n-5], castagnoli()); got != want {
		return bad("checksum mismatch (damaged or truncated): %08x, expected %08x", got, want)
	}
	r.b = r.b[:n-5] // the checksum item is read
	return nil
}

func (d *decoder) body(opts Options) error {
	r := &d.r
	sandboxed := r.bool("sandbox flag")
	d.sandboxed = sandboxed
	at := r.off
	tail := r.uint("tail offset", uint64(len(r.b)))
	objStart := r.off
	if tail <= uint64(objStart) {
		r.off = at
		r.fail("tail offset %d points into the header", tail)
	}
	// the tail first: chunks, kinds, natives
	r.off = int(tail)
	type rawChunk struct {
		name        string
		file        bool
		src         []byte
		sum         [32]byte // SHA-256 of src
		fingerprint uint64
	}
	nc := r.count("chunk list", 5)
	raws := make([]rawChunk, nc)
	for i := range raws {
		r.countExactly("chunk", 5)
		c := &raws[i]
		c.name = string(r.rawBytes(majBytes, "chunk name"))
		c.file = r.bool("chunk file flag")
		c.src = r.rawBytes(majBytes, "chunk source")
		sum := r.rawBytes(majBytes, "chunk hash")
		c.fingerprint = r.uint("chunk fingerprint", math.MaxUint64)
		if c.sum = sha256.Sum256(c.src); !bytes.Equal(sum, c.sum[:]) {
			return bad("chunk %s: source does not match its hash", c.name)
		}
	}
	d.kinds = r.rawBytes(majBytes, "object kinds")
	if len(d.kinds) > d.maxObjects {
		return bad("%d objects is more than the limit of %d", len(d.kinds), d.maxObjects)
	}
	nn := r.count("native list", 1)
	names := make([]string, nn)
	for i := range names {
		names[i] = r.text("native name")
	}
	if r.left() != 0 {
		return bad("%d bytes of garbage before the checksum", r.left())
	}
	d.p = opts.NewProcess(sandboxed)
	if !inner.Sealed(d.p) {
		d.p.SealNatives()
	}
	if d.p.Compiler == nil {
		return errors.New("continuation.Thaw: the new process has no Compiler")
	}
	for _, c := range raws {
		key := chunkKey{c.file, c.sum}
		ch := opts.Cache.get(key)
		switch {
		case ch == nil || ch.Fingerprint() != c.fingerprint:
			var err error
			if ch, err = d.compile(c.name, c.file, c.src, c.fingerprint); err != nil {
				return err
			}
			opts.Cache.put(key, ch)
		case ch.Name != c.name:
			// (each process's chunk has a name of its own; the cached
			// one's fingerprint, kept with it, is the renamed one's)
			ch = renamed(ch, c.name)
		}
		d.chunks = append(d.chunks, ch)
	}
	d.p.SetChunks(d.chunks)
	for _, c := range d.chunks {
		m, maxLen := inner.StringConstants(c)
		d.consts = append(d.consts, m)
		d.constMax = max(d.constMax, maxLen)
	}
	if err := d.shells(names); err != nil {
		return err
	}
	// then the objects and the process, which end where the tail starts
	r.b, r.off = r.b[:tail], objStart
	d.objects()
	if err := d.process(); err != nil {
		return err
	}
	if r.left() != 0 {
		return bad("%d bytes between the process and the tail", r.left())
	}
	return nil
}

// renamed is ch as compiled from a chunk of the same source named name.
func renamed(ch *runtime.Chunk, name string) *runtime.Chunk {
	c := runtime.NewChunk(name, ch.Source, ch.Main.IR.Renamed(name))
	c.File = ch.File
	return c
}

func (d *decoder) compile(name string, file bool, src []byte, fingerprint uint64) (*runtime.Chunk, error) {
	code := src
	if file && len(src) > 0 && src[0] == '#' {
		// what a file chunk's compilation skips: its #! line
		if i := bytes.IndexByte(src, '\n'); i >= 0 {
			code = append([]byte("--"), src[i:]...)
		} else {
			code = nil
		}
	}
	ip, err := d.p.Compiler.Compile(code, name)
	if err != nil {
		return nil, bad("chunk %s does not compile: %v", name, err)
	}
	c := runtime.NewChunk(name, src, ip)
	c.File = file
	if err := inner.CheckFrozenChunk(c, fingerprint); err != nil {
		if old := d.earlierCode(code, name, src, file, fingerprint); old != nil {
			return old, nil
		}
		return nil, &Error{err.Error()}
	}
	return c, nil
}

// earlierCode compiles code as the compiler's earlier generations did,
// newest first, and returns the chunk whose code has the fingerprint the
// continuation was frozen with (nil: none has).
func (d *decoder) earlierCode(code []byte, name string, src []byte, file bool, fingerprint uint64) *runtime.Chunk {
	gc, ok := d.p.Compiler.(runtime.GenerationCompiler)
	if !ok {
		return nil
	}
	for gen := gc.Generation() - 1; gen >= 1; gen-- {
		ip, err := gc.CompileGeneration(code, name, gen)
		if err != nil {
			continue
		}
		c := runtime.NewChunk(name, src, ip)
		c.File = file
		if c.Fingerprint() == fingerprint {
			return c
		}
	}
	return nil
}

// shells makes every object empty (natives are looked up), so that
// references can be resolved while the bodies are read.
func (d *decoder) shells(names []string) error {
	n := len(d.kinds)
	seen := map[*runtime.Table]bool{} // a library table is one object
	d.objs = make([]any, n)
	ni, nthreads := 0, 0
	for i, k := range d.kinds {
		var o any
		switch k {
		case kTable:
			o = &d.tables.Cut(1, 16, 512)[0] // (a zero table is an empty one)
		case kClosure:
			o = &d.closureShells.Cut(1, 16, 512)[0]
		case kUpval:
			o = &d.upvalShells.Cut(1, 16, 512)[0]
		case kThread:
			o = inner.NewThread(d.p)
			nthreads++
		case kStateFn, kWrap:
			o = &runtime.GoFunction{}
		case kUserdata:
			o = &runtime.Userdata{}
		case kNativeFn, kNativeUd, kNativeTab:
			if ni >= len(names) {
				return bad("more natives than names")
			}
			name := names[ni]
			ni++
			switch x := d.p.Native(name).(type) {
			case *runtime.GoFunction:
				if k == kNativeFn {
					o = x
				}
			case *runtime.Userdata:
				if k == kNativeUd {
					o = x
				}
			case *runtime.Table:
				if k == kNativeTab && !seen[x] {
					seen[x] = true
					o = x
				}
			}
			if o == nil {
				return bad("unknown builtin %q (the process thawing it lacks that library)", name)
			}
		default:
			return bad("object %d: unknown kind 0x%02x", i, k)
		}
		d.objs[i] = o
	}
	if ni != len(names) {
		return bad("%d native names for %d natives", len(names), ni)
	}
	d.threads = make([]threadBody, 0, nthreads) // (appended to by thread)
	return nil
}

// objects reads the bodies.
func (d *decoder) objects() {
	r := &d.r
	r.tag(tagStringNamespace, "object list")
	n := r.count("object list", 2)
	want := 0
	for _, k := range d.kinds {
		if k != kNativeFn && k != kNativeUd {
			want++
		}
	}
	// (library tables have a body: their changes)
	if n != want {
		r.fail("%d object bodies for %d objects", n, want)
	}
	for i, k := range d.kinds {
		switch k {
		case kTable:
			d.table(d.objs[i].(*runtime.Table))
		case kNativeTab:
			d.nativeTable(d.objs[i].(*runtime.Table))
		case kClosure:
			d.closure(d.objs[i].(*runtime.Closure))
		case kUpval:
			d.upval(d.objs[i].(*runtime.Upval))
		case kThread:
			d.thread(d.objs[i].(*runtime.Thread))
		case kStateFn:
			r.countExactly("builtin with state", 2)
			f := d.native()
			*d.objs[i].(*runtime.GoFunction) = *f.WithState(d.values("builtin state"))
		case kWrap:
			r.countExactly("wrapped coroutine", 1)
			*d.objs[i].(*runtime.GoFunction) = *inner.WrapThread(d.thread1())
		case kUserdata:
			r.countExactly("userdata", 1)
			d.objs[i].(*runtime.Userdata).Meta = d.tableOrNil()
		}
	}
}

// valueOf is the Lua value of object o (nil for an upvalue).
func valueOf(o any) runtime.Value {
	switch o := o.(type) {
	case *runtime.Table:
		return runtime.TableValue(o)
	case *runtime.Closure:
		return runtime.ClosureValue(o)
	case *runtime.Thread:
		return runtime.ThreadValue(o)
	case *runtime.GoFunction:
		return runtime.FunctionValue(o)
	case *runtime.Userdata:
		return runtime.UserdataValue(o)
	}
	return runtime.Nil
}

// ref reads an object reference.
func (d *decoder) ref() any {
	r := &d.r
	r.tag(tagObjectRef, "reference")
	id := d.objectNumber()
	return d.objs[id]
}

// refTo reads a reference to an object of type T (what names it in
// errors), or null when orNull.
func refTo[T any](d *decoder, what string, orNull bool) T {
	var zero T
	if orNull && d.r.isNull() {
		return zero
	}
	at := d.r.off
	o, ok := d.ref().(T)
	if !ok {
		d.r.off = at
		d.r.fail("reference to %s expected", what)
	}
	return o
}

// objectNumber reads an object's number (after its tag): most are above
// 23, a head's short form.
func (d *decoder) objectNumber() int {
	at := d.r.off
	if m, id := d.r.head(); m == majUint && id < uint64(len(d.objs)) {
		return int(id)
	}
	d.r.off = at
	return int(d.r.uint("object number", uint64(len(d.objs)-1)))
}

func (d *decoder) table1() *runtime.Table { return refTo[*runtime.Table](d, "a table", false) }

func (d *decoder) tableOrNil() *runtime.Table { return refTo[*runtime.Table](d, "a table", true) }

func (d *decoder) thread1() *runtime.Thread { return refTo[*runtime.Thread](d, "a thread", false) }

func (d *decoder) threadOrNil() *runtime.Thread { return refTo[*runtime.Thread](d, "a thread", true) }

func (d *decoder) builtinOrNil() *runtime.GoFunction {
	return refTo[*runtime.GoFunction](d, "a builtin", true)
}

// native reads a reference to a native builtin.
func (d *decoder) native() *runtime.GoFunction {
	r := &d.r
	at := r.off
	r.tag(tagObjectRef, "reference")
	id := d.objectNumber()
	if d.kinds[id] != kNativeFn {
		r.off = at
		r.fail("reference to a native builtin expected")
	}
	return d.objs[id].(*runtime.GoFunction)
}

func (d *decoder) value() runtime.Value {
	r := &d.r
	c := r.peek()
	switch c >> 5 {
	case 0:
		if c < 24 {
			r.off++
			return runtime.Number(float64(c))
		}
		fallthrough
	case 1:
		if c&0x1f <= 26 { // (at most 32 bits: within 2^53)
			m, n := r.head()
			if m == majUint {
				return runtime.Number(float64(n))
			}
			return runtime.Number(-1 - float64(n))
		}
		return runtime.Number(float64(r.int("number", -1<<53, 1<<53)))
	case 2:
		var b []byte
		if n := int(c & 0x1f); n < 24 && r.off+n < len(r.b) { // (a short string, its length in its first byte)
			b = r.b[r.off+1 : r.off+1+n]
			r.off += 1 + n
		} else {
			b = r.rawBytes(majBytes, "string")
		}
		v, ok := d.constant(b)
		if !ok {
			v = d.strValue(b)
		}
		if len(b) >= stringRefMin(d.strs.len()) {
			d.strs.add(v)
		}
		return v
	case 6:
		at := r.off
		var t uint64
		if c == majTag|24 && at+1 < len(r.b) { // (both tags of references: one byte)
			t = uint64(r.b[at+1])
			r.off += 2
		} else {
			_, t = r.head()
		}
		switch t {
		case tagStringRef:
			i := r.uint("string reference", math.MaxUint32)
			if i >= uint64(d.strs.len()) {
				r.off = at
				r.fail("string reference %d out of range (%d strings)", i, d.strs.len())
			}
			return d.strs.at(int(i))
		case tagObjectRef:
			id := d.objectNumber()
			v := valueOf(d.objs[id])
			if v.IsNil() {
				r.off = at
				r.fail("object %d is not a value", id)
			}
			return v
		}
		r.off = at
		r.fail("unexpected tag %d in a value", t)
	case 7:
		r.off++
		switch c {
		case cborNull:
			return runtime.Nil
		case cborFalse:
			return runtime.False
		case cborTrue:
			return runtime.True
		case cborF32:
			return runtime.Number(r.float32())
		case cborF64:
			return runtime.Number(r.float64())
		}
		r.off--
	}
	r.fail("value expected (item 0x%02x)", c)
	return runtime.Nil
}

// constant is the string b as a constant of the chunks has it, if one
// does: the code's field accesses find such keys by their box. A short
// one is looked up in the maps once per slot of d.shortConst (a table's
// short keys come again and again, inline: a reference would be longer).
func (d *decoder) constant(b []byte) (runtime.Value, bool) {
	if len(b) > d.constMax {
		return runtime.Nil, false
	}
	if len(b) > 7 {
		return d.lookConstant(b)
	}
	var k uint64
	for _, c := range b {
		k = k<<8 | uint64(c)
	}
	k = k<<4 | uint64(len(b)+1) // (56 bits of bytes, the length+1 below them: "" and "\0" differ, 0 is no key)
	e := &d.shortConst[(k*0x9E3779B97F4A7C15)>>59]
	if e.key != k {
		e.v, e.found = d.lookConstant(b)
		e.key = k
	}
	return e.v, e.found
}

// shortConst is what constant found for a string of up to 7 bytes.
type shortConst struct {
	key   uint64 // its bytes and length+1; 0: none yet
	found bool
	v     runtime.Value
}

// lookConstant looks b up in the chunks' constants.
func (d *decoder) lookConstant(b []byte) (runtime.Value, bool) {
	for _, m := range d.consts {
		if v, ok := m[string(b)]; ok {
			return v, true
		}
	}
	return runtime.Nil, false
}

// strValue is the string b as a value: its bytes in an arena (str), its
// box in a block of them (a surviving string keeps its block, as it
// keeps its arena: at most what the continuation brought).
func (d *decoder) strValue(b []byte) runtime.Value {
	s := d.str(b)
	if len(s) <= 1 {
		return runtime.String(s) // (no box: see runtime.String)
	}
	p := &d.boxes.Cut(1, 16, 512)[0]
	*p = s
	return runtime.StringBoxed(p)
}

// str copies b into a string. Short strings share blocks of up to 64 KiB
// (one allocation for many); a block lives as long as any of its strings.
func (d *decoder) str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	d.nstr++
	d.strLen += len(b)
	if len(b) > 1024 {
		return string(b)
	}
	if len(d.arena)+len(b) > cap(d.arena) {
		// (no larger than the strings to come can fill: b and what
		// follows it)
		d.arena = make([]byte, 0, min(64<<10, len(b)+d.r.left()))
	}
	n := len(d.arena)
	d.arena = append(d.arena, b...)
	return unsafe.String(&d.arena[n], len(b))
}

func (d *decoder) values(what string) []runtime.Value {
	return d.valuesIn(what, func(n int) []runtime.Value { return make([]runtime.Value, n) })
}

// stack reads a thread's stack into room for the thread to use it in
// place, cut from a block shared by the thaw's threads.
func (d *decoder) stack() []runtime.Value {
	return d.valuesIn("stack", func(n int) []runtime.Value {
		return d.stacks.Cut(inner.ThreadStackSize(n), 64, 4096)[:n]
	})
}

// valuesIn reads values into room(n) for n values.
func (d *decoder) valuesIn(what string, room func(n int) []runtime.Value) []runtime.Value {
	n := d.r.count(what, 1)
	vs := room(n)
	for i := range vs {
		vs[i] = d.value()
	}
	return vs
}

// tableParts reads what a table's body and a library table's body share:
// the metatable, the array part, and the count of key/value pairs that
// follow (pairs names them in errors).
func (d *decoder) tableParts(what, pairs string) (meta *runtime.Table, arr []runtime.Value, n int) {
	r := &d.r
	d.fields = r.countBetween(what, 3, 4)
	meta = d.tableOrNil()
	arr = d.values("array part")
	n = r.count(pairs, 2)
	if n%2 != 0 {
		r.fail("%s of odd length %d", pairs, n)
	}
	return meta, arr, n / 2
}

func (d *decoder) table(t *runtime.Table) {
	if d.record(t) {
		return
	}
	meta, arr, n := d.tableParts("table", "hash part")
	d.entries(t, arr, n)
	var sizes *[3]int32
	if d.fields == 4 {
		r := &d.r
		r.countExactly("table sizes", 3)
		sizes = new([3]int32)
		for i := range sizes {
			sizes[i] = int32(r.uint("table size", 1<<26))
		}
	}
	if err := inner.EndRestore(t, sizes); err != nil {
		d.r.fail("%v", err)
	}
	t.SetMeta(meta)
}

// record reads the body of t when it is a small record, as most tables
// are: no metatable, no array part, at most 11 fields (their count in
// its byte), no sizes of its own — written 0x83 null [] [2n] k v ...
// (FORMAT.md), known by its first four bytes. Else it reads nothing and
// reports false.
func (d *decoder) record(t *runtime.Table) bool {
	b := d.r.b[d.r.off:]
	if len(b) < 4 || b[0] != majArray|3 || b[1] != cborNull || b[2] != majArray || b[3]&0xe0 != majArray ||
		b[3]&0x1f >= 24 || b[3]&1 != 0 {
		return false
	}
	d.r.off += 4
	d.entries(t, nil, int(b[3]&0x1f)/2)
	if err := inner.EndRestore(t, nil); err != nil {
		d.r.fail("%v", err)
	}
	return true
}

// entries begins the restore of t with its array part arr and reads its n
// hash entries.
func (d *decoder) entries(t *runtime.Table, arr []runtime.Value, n int) {
	if err := inner.BeginRestore(d.p, t, arr, n); err != nil {
		d.r.fail("%v", err)
	}
	for i := 0; i < n; i++ {
		k := d.value()
		if err := inner.RestoreEntry(t, k, d.value()); err != nil {
			d.r.fail("%v", err)
		}
	}
}

// nativeTable applies the changes a library table went through.
func (d *decoder) nativeTable(t *runtime.Table) {
	meta, arr, n := d.tableParts("library table", "changes")
	if d.fields != 3 {
		d.r.fail("library table has %d fields, wants 3", d.fields)
	}
	had := t.Len()
	for i, v := range arr {
		t.SetInt(i+1, v)
	}
	for i := len(arr) + 1; i <= had; i++ { // (an array part a rehash made shorter)
		t.SetInt(i, runtime.Nil)
	}
	keys := make([]runtime.Value, n)
	vals := make([]runtime.Value, n)
	for i := range keys {
		keys[i] = d.value()
		vals[i] = d.value()
	}
	if err := inner.ApplyChanges(t, keys, vals); err != nil {
		d.r.fail("%v", err)
	}
	t.SetMeta(meta)
}

func (d *decoder) closure(c *runtime.Closure) {
	r := &d.r
	withEnv := r.countBetween("closure", 3, 4) == 4
	ci := r.uint("chunk number", uint64(len(d.chunks))-1)
	if len(d.chunks) == 0 {
		r.fail("closure without chunks")
	}
	protos := d.chunks[ci].Protos()
	fi := r.uint("function number", uint64(len(protos)-1))
	c.P = protos[fi]
	if withEnv {
		c.Env = d.table1()
	} else {
		// the process's globals (checked in process): object 0, the
		// first root
		c.Env, d.globalsEnv = d.objs[0].(*runtime.Table)
		if !d.globalsEnv {
			r.fail("closure without environment: object 0 is not a table")
		}
	}
	n := r.count("upvalue list", 2)
	c.Upvals = d.upvalLists.Cut(n, 16, 1024)
	for i := range c.Upvals {
		c.Upvals[i] = refTo[*runtime.Upval](d, "an upvalue", false)
	}
	if err := inner.CheckClosure(c); err != nil {
		r.fail("%v", err)
	}
}

func (d *decoder) upval(u *runtime.Upval) {
	r := &d.r
	n := r.count("upvalue", 1)
	switch n {
	case 1:
		inner.SetClosed(u, d.value())
	case 2:
		th := d.thread1()
		inner.SetOpen(u, th, int(r.uint("upvalue slot", runtime.MaxStackSlots)))
		d.upvals = append(d.upvals, u)
	default:
		r.fail("upvalue with %d fields", n)
	}
}

// frameStates returns room for the n frames of a thread's state, cut
// from a block shared by the threads of the thaw: the states are read
// once all objects are (process), then dropped with the decoder.
func (d *decoder) frameStates(n int) []runtime.FrameState { return d.frames.Cut(n, 4, 256) }

func (d *decoder) thread(th *runtime.Thread) {
	r := &d.r
	fields := r.countBetween("thread", fieldsThrCompact, fieldsThr+1)
	if fields != fieldsThrCompact && fields != fieldsThrShort && fields < fieldsThr {
		r.fail("thread has %d fields, wants %d, %d, %d or %d", fields, fieldsThrCompact, fieldsThrShort, fieldsThr, fieldsThr+1)
	}
	var s runtime.ThreadState
	s.Status = uint8(r.uint("thread status", 3))
	s.Stack = d.stack()
	s.Top = int(r.uint("stack top", runtime.MaxStackSlots))
	nf := r.count("frame list", fieldsFrCompact+1)
	s.Frames = d.frameStates(nf)
	for i := range s.Frames {
		d.frame(&s.Frames[i], s.Stack)
	}
	if fields == fieldsThrCompact {
		s.Started = true
		s.Wait.Fn = int32(r.int("wait slot", 0, runtime.MaxStackSlots))
		s.Wait.NRes = int32(r.int("wait results", -1, 255))
		d.threads = append(d.threads, threadBody{th, s})
		return
	}
	no := r.count("open upvalue list", 2)
	s.Open = make([]*runtime.Upval, no)
	for i := range s.Open {
		s.Open[i] = refTo[*runtime.Upval](d, "an upvalue", false)
	}
	s.Resumer = d.threadOrNil()
	s.Body = d.value()
	s.Started = r.bool("started")
	s.PendingStart = r.bool("pending start")
	r.countExactly("wait site", 4)
	s.Wait.Fn = int32(r.int("wait slot", 0, runtime.MaxStackSlots))
	s.Wait.NRes = int32(r.int("wait results", -1, 255))
	s.Wait.Mode = runtime.Mode(r.int("wait mode", 0, 255))
	s.Wait.Aux = int32(r.int("wait argument", -1, runtime.MaxStackSlots))
	if fields > fieldsThrShort {
		s.WaitWrap = r.bool("wait wrap")
		s.GoCall = d.builtinOrNil()
		s.Globals = d.tableOrNil()
	}
	if fields > fieldsThr {
		s.Hook = d.hook()
	}
	d.threads = append(d.threads, threadBody{th, s})
}

// frame reads a frame of a thread whose stack is stack.
func (d *decoder) frame(f *runtime.FrameState, stack []runtime.Value) {
	r := &d.r
	fields := r.countBetween("frame", fieldsFrCompact, fieldsFr+1)
	if fields != fieldsFrCompact && fields != fieldsFrShort && fields < fieldsFr {
		r.fail("frame has %d fields, wants %d, %d, %d or %d", fields, fieldsFrCompact, fieldsFrShort, fieldsFr, fieldsFr+1)
	}
	inSlot := r.peek() == cborTrue // its closure is the one in its function slot
	if inSlot {
		r.off++
	} else {
		f.Closure = refTo[*runtime.Closure](d, "a closure", true)
	}
	f.PC = int(r.uint("pc", math.MaxInt32))
	f.Base = int(r.uint("base", runtime.MaxStackSlots))
	f.Fn = int32(r.uint("function slot", runtime.MaxStackSlots))
	if inSlot {
		if int(f.Fn) >= len(stack) || stack[f.Fn].Closure() == nil {
			r.fail("frame: no closure in its function slot %d", f.Fn)
		}
		f.Closure = stack[f.Fn].Closure()
	}
	f.NRes = int32(r.int("results wanted", -1, 255))
	if fields == fieldsFrCompact {
		f.Mode = runtime.Mode(r.uint("delivery mode", 255))
		return
	}
	f.NVar = int(r.uint("varargs", runtime.MaxStackSlots))
	f.Mode = runtime.Mode(r.uint("delivery mode", 255))
	f.Bound = runtime.Bound(r.uint("frame kind", 255))
	f.Aux = int32(r.int("frame argument", -1, runtime.MaxStackSlots))
	f.Concat = int(r.uint("concat register", 1024))
	if fields > fieldsFrShort {
		f.Builtin = d.builtinOrNil()
		f.K = d.values("builtin state")
	}
	if fields > fieldsFr {
		f.Tails = int(r.uint("tail calls", math.MaxInt32))
	}
}

// hook reads a thread's debug hook (runtime checks it).
func (d *decoder) hook() *runtime.HookState {
	r := &d.r
	pending := r.countBetween("hook", fieldsHook, fieldsHook+1) > fieldsHook
	const most = 1 << 30
	h := &runtime.HookState{Fn: d.value()}
	h.Mask = uint8(r.uint("hook mask", 7))
	h.Count = int(r.uint("hook count", most))
	h.Left = int(r.uint("hook count left", most))
	h.In = r.bool("in hook")
	h.InDepth = int(r.uint("hook depth", most))
	h.Skip = uint8(r.uint("hook skip", 3))
	h.Tail = r.bool("hook tail call")
	h.Depth = int(r.uint("hooked depth", most))
	h.Base = int(r.uint("hooked base", runtime.MaxStackSlots))
	h.Last = refTo[*runtime.Closure](d, "a closure", true)
	h.LastPC = r.int("hooked pc", -1, math.MaxInt32)
	if pending {
		n := r.count("builtins called", 1)
		if n%3 != 0 {
			r.fail("builtins called: %d elements, not triples", n)
		}
		h.Builtins = make([]runtime.BuiltinCall, n/3)
		for i := range h.Builtins {
			c := &h.Builtins[i]
			c.Fn = d.builtinOrNil()
			c.Depth = int(r.uint("builtin's caller depth", most))
			c.Base = int(r.uint("builtin's caller base", runtime.MaxStackSlots))
		}
	}
	return h
}

// random reads math.random's state: the front position and the 31 words
// of the C library's generator, or (written before it was lua5.1's) two
// words of another, which seed it.
func (d *decoder) random(rs *runtime.RandomState) {
	r := &d.r
	switch n := r.countBetween("random state", 2, 1+len(rs.Words)); n {
	case 2:
		s0, s1 := r.uint("random state", math.MaxUint64), r.uint("random state", math.MaxUint64)
		rs.Seed(uint32(s0 ^ s0>>32 ^ s1 ^ s1>>32))
		return
	case 1 + len(rs.Words):
	default:
		r.fail("random state has %d fields, wants 2 or %d", n, 1+len(rs.Words))
	}
	rs.Front = uint8(r.uint("random position", uint64(len(rs.Words)-1)))
	for i := range rs.Words {
		rs.Words[i] = uint32(r.uint("random state", math.MaxUint32))
	}
}

func (d *decoder) process() error {
	r := &d.r
	locale := r.countBetween("process", fieldsProc, fieldsProc+1) > fieldsProc
	var s runtime.ProcessState
	s.Globals = d.table1()
	if d.globalsEnv && s.Globals != d.objs[0] {
		r.fail("closure without environment, but the globals are not object 0")
	}
	s.StringMeta = d.tableOrNil()
	r.countExactly("type metatables", 8)
	for i := range s.TypeMeta {
		s.TypeMeta[i] = d.tableOrNil()
	}
	s.Main = d.thread1()
	s.Current = d.thread1()
	s.Yielded = d.threadOrNil()
	s.YieldedBy = r.text("yielding builtin")
	s.YieldArgs = d.values("yield arguments")
	d.random(&s.Random)
	s.Steps = int64(r.uint("steps", math.MaxInt64))
	s.Budget = int64(r.uint("budget", math.MaxInt64))
	s.MaxSteps = int64(r.uint("max steps", math.MaxInt64))
	if locale {
		names := make([]string, r.countBetween("locale", 6, len(s.Locale)))
		for i := range names {
			names[i] = r.text("locale name")
		}
		var err error
		if s.Locale, err = runtime.ReadLocale(names); err != nil {
			return bad("process: %v", err)
		}
	}
	s.Sandboxed = d.sandboxed
	// now that every object exists: threads (binding open upvalues),
	// then the checks that span objects
	for i := range d.threads {
		tb := &d.threads[i]
		if err := inner.SetThreadState(tb.th, &tb.s); err != nil {
			return bad("thread: %v", err)
		}
	}
	for _, u := range d.upvals {
		if !inner.Bound(u) {
			return bad("an open upvalue is not listed by its thread")
		}
	}
	d.proc = s
	if err := inner.SetProcessState(d.p, s); err != nil {
		return bad("process: %v", err)
	}
	var made int64             // the bytes of the objects made, not the natives
	weak := false              // a weak table among them
	for i, o := range d.objs { // filled: their growth from now on is the process's
		if t, ok := o.(*runtime.Table); ok {
			t.Own(d.p)
			weak = weak || t.Meta() != nil && !t.Meta().GetStr("__mode").IsNil()
		}
		if k := d.kinds[i]; k != kNativeFn && k != kNativeUd && k != kNativeTab {
			made += inner.ObjectBytes(o)
		}
	}
	inner.Thawed(d.p, made, d.nstr, d.strLen, weak)
	*inner.FrozenSize(d.p) = len(d.r.b) // (its next continuation: about as long)
	return nil
}

// valueList is the decoder's string table: values in blocks of 256, 512,
// 1024, ... (block k holds 256<<k), so that a continuation of millions of
// strings appends them without copying any (growing one slice copied
// each about four times, a fifth of thawing them) and a small one
// allocates one small block.
type valueList struct {
	blocks [][]runtime.Value
	n      int
}

const firstBlockBits = 8

// block returns the block of the value i and its place in it.
func (l *valueList) block(i int) (k, at int) {
	j := i + 1<<firstBlockBits
	k = bits.Len(uint(j)) - 1 - firstBlockBits
	return k, j - 1<<(k+firstBlockBits)
}

func (l *valueList) add(v runtime.Value) {
	k, at := l.block(l.n)
	if k == len(l.blocks) {
		l.blocks = append(l.blocks, make([]runtime.Value, 1<<(k+firstBlockBits)))
	}
	l.blocks[k][at] = v
	l.n++
}

func (l *valueList) at(i int) runtime.Value {
	k, at := l.block(i)
	return l.blocks[k][at]
}

func (l *valueList) len() int { return l.n }
