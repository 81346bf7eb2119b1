package runtime

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"unsafe"

	"github.com/mobilua/mobilua/ir"
)

// This file opens the process's state to the continuation package, which
// freezes it to bytes and thaws it back (through the door of door.go and
// internal/image). The runtime gives plain-data views of its objects
// (ProcessState, ThreadState, FrameState, table parts, upvalue states)
// and rebuilds objects from them with checks: a
// state that comes from untrusted bytes either passes them or is refused
// with an error, so that the interpreter never runs on a frame that points
// outside its code or stack.
//
// Builtins and host objects (io.stdout) are not data: they freeze by
// name as natives of the process (RegisterNative), and a fresh process
// made with the same libraries resolves the names back.

// ---- natives

// RegisterNative records obj (a *GoFunction or a *Userdata) under name, so
// that a continuation can refer to it. Register does it for every builtin
// it installs; libraries register their hidden builtins (iterators,
// metamethods of host objects) themselves.
func (p *Process) RegisterNative(name string, obj any) {
	if p.natives == nil {
		p.natives = make(map[string]any, 256)
	}
	p.natives[name] = obj
}

// Native returns the object registered under name, or nil.
func (p *Process) Native(name string) any {
	if o, ok := p.natives[name]; ok {
		return o
	}
	if o, ok := p.protoNatives[name].(*GoFunction); ok {
		return o // (the prototype's tables are its own: each has its copy in natives)
	}
	return nil
}

// eachNative calls f with each native of p (Native's view).
func (p *Process) eachNative(f func(name string, o any)) {
	for n, o := range p.natives {
		f(n, o)
	}
	for n, o := range p.protoNatives {
		if _, mine := p.natives[n]; !mine {
			if g, ok := o.(*GoFunction); ok {
				f(n, g)
			}
		}
	}
}

// ---- builtins

// wrapped returns the coroutine of a function made by coroutine.wrap, or nil.
func (f *GoFunction) wrapped() *Thread {
	if f.kind == goWrap {
		return f.co
	}
	return nil
}

// wrapThread makes the function coroutine.wrap returns for co.
func wrapThread(co *Thread) *GoFunction {
	return &GoFunction{Name: "coroutine.wrap", kind: goWrap, co: co}
}

// WithState returns a copy of the builtin f carrying state (see
// GoFunction.State).
func (f *GoFunction) WithState(state []Value) *GoFunction {
	g := *f
	g.State = state
	g.Scratch = nil
	return &g
}

// Resumable reports whether f is a resumable builtin (NewResumable).
func (f *GoFunction) Resumable() bool { return f.kind == goCont }

// ---- tables

// Array returns the array part of t (t[1..n], nils included); it aliases
// the table.
func (t *Table) Array() []Value { return t.arr }

// hashLen returns the number of entries of the hash part, removed ones
// included (a traversal may still be passing them).
func (t *Table) hashLen() int { return len(t.entries) }

// hashEntry returns entry i of the hash part in traversal order; v is nil
// for a removed entry.
func (t *Table) hashEntry(i int) (k, v Value) { e := t.entries[i]; return e.k, e.v }

// beginRestore starts filling an empty table: arr becomes its array part,
// and n hash entries will follow through RestoreEntry. A small hash part
// is cut from one of p's blocks (restoreBlock).
func (t *Table) beginRestore(p *Process, arr []Value, n int) error {
	if len(t.arr) != 0 || len(t.entries) != 0 {
		return fmt.Errorf("table is not empty")
	}
	t.arr = arr
	t.dense = 0
	t.noteAppended(0)
	t.dropMeta()
	switch {
	case n > 0 && n <= restoreSmall:
		t.entries = p.restoreBlock(n)
	case n > 0:
		t.entries = make([]entry, 0, n)
	}
	return nil
}

// restoreSmall is the largest hash part a thaw cuts from a block.
const restoreSmall = 8

// restoreBlock returns room for n entries (length 0), cut from a block of
// them: a thaw allocates the hash parts of its small tables a block at a
// time (a block lives as long as any of its tables: at most what the
// continuation brought). The last block is let go when the thaw ends
// (thawed).
func (p *Process) restoreBlock(n int) []entry { return p.restore.entries.Cut(n, 16, 1024)[:0] }

// restoreIndexed reports whether a restore indexes t's string keys at its
// end (endRestore), in one pass: a table of more than smallHash entries.
// Indexed as they come, each key's slot would wait on memory between the
// allocations of the entries around it (a million keys thaw in half the
// time this way).
func (t *Table) restoreIndexed() bool { return cap(t.entries) > smallHash }

// restoreEntry appends the next hash entry, in traversal order (v may be
// nil: a removed entry a traversal may still pass). It refuses nil and
// NaN keys, duplicate keys, and number keys that belong to the array part.
func (t *Table) restoreEntry(k, v Value) error {
	if s, ok := k.Str(); ok && !t.restoreIndexed() {
		// a string key of a small table, most keys: a duplicate is looked
		// for only among the keys that share its bit
		if bit := strBit(s); t.smask&bit == 0 {
			t.smask |= bit
		} else if _, dup := t.strPos(s); dup {
			return fmt.Errorf("table: duplicate key %s", Repr(k))
		}
		t.entries = append(t.entries, entry{k, v})
		if v.p != nil {
			t.live++
		}
		return nil
	}
	k, idx, err := t.checkKey(k)
	if err != nil {
		return err
	}
	if idx > 0 {
		return fmt.Errorf("table: key %d belongs to the array part", idx)
	}
	p := int32(len(t.entries))
	if _, ok := k.Str(); !ok || !t.restoreIndexed() {
		if _, dup := t.pos(k); dup {
			return fmt.Errorf("table: duplicate key %s", Repr(k))
		}
		t.setPos(k, p)
	}
	t.entries = append(t.entries, entry{k, v})
	if v.p != nil {
		t.live++
	}
	return nil
}

// endRestore ends a restore: it indexes the string keys of a large table
// (refusing a duplicate) and sets the sizes lua5.1's table would have
// (setLuaSizes).
func (t *Table) endRestore(sizes *[3]int32) error {
	if t.restoreIndexed() {
		slots := make([]uint64, 0, len(t.entries))
		for i, e := range t.entries {
			if s, ok := e.k.Str(); ok {
				t.smask |= strBit(s)
				slots = append(slots, slotValue(strTag(s), int32(i)))
			}
		}
		x, dup := indexStrings(t.entries, slots)
		if dup >= 0 {
			return fmt.Errorf("table: duplicate key %s", Repr(t.entries[dup].k))
		}
		t.index().skeys = x
	}
	return t.setLuaSizes(sizes)
}

// checkKey refuses nil and NaN keys; it returns the key normalized (-0 is
// 0) and, for a number key of the array part, its index.
func (t *Table) checkKey(k Value) (Value, int, error) {
	switch k.p {
	case nil:
		return k, 0, fmt.Errorf("table: nil key")
	case unsafe.Pointer(&numTag):
		if math.IsNaN(k.n) {
			return k, 0, fmt.Errorf("table: NaN key")
		}
		if n := int(k.n); float64(n) == k.n && n >= 1 && n <= len(t.arr) {
			return k, n, nil
		}
		return normKey(k), 0, nil
	}
	return k, 0, nil
}

// ---- upvalues

// State returns the upvalue's thread and stack index while it is open,
// or its value once closed (th nil).
func (u *Upval) image() (th *Thread, idx int, v Value) {
	if u.isOpen() {
		return u.th, u.idx, Nil
	}
	return nil, 0, u.own
}

// ---- protos

// Protos returns the chunk's functions in a fixed order (the main one
// first, then depth first), the numbering a continuation uses.
func (c *Chunk) Protos() []*FuncProto {
	if c.all == nil {
		var walk func(fp *FuncProto)
		walk = func(fp *FuncProto) {
			fp.index = len(c.all)
			c.all = append(c.all, fp)
			for _, q := range fp.Protos {
				walk(q)
			}
		}
		walk(c.Main)
	}
	return c.all
}

// Index returns fp's position in its chunk's Protos.
func (fp *FuncProto) Index() int {
	fp.Chunk.Protos()
	return fp.index
}

// ---- threads

// FrameState is one call frame as plain data (see Frame).
type FrameState struct {
	Closure *Closure // a Lua function's frame; nil for a pcall or builtin frame
	PC      int      // the next instruction
	Base    int      // register 0
	Dest             // where the results go
	NVar    int      // varargs, stored below Base
	Bound   Bound    // boundNone for a Lua function's frame
	Concat  int      // 1 + the last register of a CONCAT in progress
	Tails   int      // the tail calls a Lua function's frame replaced
	Builtin *GoFunction
	K       []Value // the resumable builtin's state (Continuation.Freeze)
}

// ThreadState is a thread as plain data.
type ThreadState struct {
	Stack        []Value // slots in use (the view aliases the thread's stack)
	Top          int
	Frames       []FrameState
	Open         []*Upval // open upvalues, by increasing stack index
	Status       uint8    // 0 suspended, 1 running, 2 normal, 3 dead
	Resumer      *Thread
	Body         Value // a coroutine's function until it starts
	Started      bool
	PendingStart bool
	Wait         Dest // where a pending resume's or yield's results go
	WaitWrap     bool
	GoCall       *GoFunction // the builtin running (names errors)
	Globals      *Table      // per-thread globals (setfenv(0)); nil: the process's
	Hook         *HookState  // debug.sethook's, or nil
}

// HookState is a thread's debug hook as plain data (hook.go's hookState):
// the hook, its events, and where it stands.
type HookState struct {
	Fn          Value
	Mask        uint8 // 1 call, 2 return, 4 line
	Count, Left int   // a count event every Count instructions, the next in Left
	In          bool  // the hook runs, in a frame above InDepth
	InDepth     int
	Skip        uint8 // events of the trapped instruction already raised
	Tail        bool  // the last trapped instruction was a tail call
	Depth, Base int   // the frame of the last trapped instruction ...
	Last        *Closure
	LastPC      int           // ... and its pc (-1: none)
	Builtins    []BuiltinCall // builtins whose "return" is due (hook.go), by depth
}

// BuiltinCall is a builtin that the frame at Depth (of base Base) called.
type BuiltinCall struct {
	Fn          *GoFunction
	Depth, Base int
}

// checkDest checks a destination read from a continuation: a frame's,
// against the frames below it, or a thread's wait site, against all its
// frames. need checks a stack index.
func checkDest(d Dest, below []FrameState, need func(int, string) error) error {
	if d.Mode > maxMode {
		return fmt.Errorf("bad mode %d", d.Mode)
	}
	if d.NRes < -1 || d.NRes > 255 {
		return fmt.Errorf("bad result count %d", d.NRes)
	}
	if err := need(int(d.Fn), "function slot"); err != nil {
		return err
	}
	switch d.Mode {
	case modeReg, modeConcat:
		return need(int(d.Aux), "result register")
	case modeCont, modeHandler:
		if d.Aux < 0 || int(d.Aux) >= len(below) {
			return fmt.Errorf("bad frame reference %d", d.Aux)
		}
		want := boundCont
		if d.Mode == modeHandler {
			want = boundXpcallHandling
		}
		if below[d.Aux].Bound != want {
			return fmt.Errorf("frame %d is of the wrong kind", d.Aux)
		}
	case modeCond:
		if len(below) == 0 || below[len(below)-1].Closure == nil {
			return fmt.Errorf("a condition result with no Lua frame below")
		}
	case modeHook:
		if n := len(below); n > 1 && below[n-1].Bound == boundC { // a builtin's event
			below = below[:n-1]
		}
		if len(below) == 0 || below[len(below)-1].Closure == nil || below[len(below)-1].PC < 1 {
			return fmt.Errorf("a hook's frame with no Lua frame below")
		}
		return need(int(d.Aux), "stack top")
	case modeBottom, modeCoBottom:
		if len(below) != 0 {
			return fmt.Errorf("a bottom frame above others")
		}
	}
	return nil
}

// bareThread makes an empty thread of p, for SetState (which gives it its
// stack).
func (p *Process) bareThread() *Thread {
	t := &p.restore.threads.Cut(1, 16, 256)[0]
	t.p = p
	return t
}

// Process state errors.
var errNotFrozen = fmt.Errorf("the process is not suspended")

// image writes the thread as plain data in s. The stack is cut after the
// highest slot a frame may read; the frames' states are written in frames
// when it has room for them (the caller reuses it from one thread to the
// next).
func (t *Thread) image(s *ThreadState, frames []FrameState) error {
	if t.nny != 0 {
		return fmt.Errorf("a thread is inside a non-yieldable builtin call")
	}
	*s = ThreadState{
		Top: t.top, Open: t.open, Status: uint8(t.status), Resumer: t.resumer,
		Body: t.body, Started: t.started, PendingStart: t.pendingStart,
		Wait:     t.wait.Dest,
		WaitWrap: t.wait.wrap, GoCall: t.goCall, Globals: t.gt,
	}
	if h := t.hook; h != nil {
		s.Hook = &HookState{Fn: h.fn, Mask: h.mask, Count: h.count, Left: h.left, In: h.in, InDepth: h.inDepth,
			Skip: h.skip, Tail: h.tail, Depth: h.depth, Base: h.base, Last: h.cl, LastPC: h.lastPC}
		for _, c := range h.crets {
			s.Hook.Builtins = append(s.Hook.Builtins, BuiltinCall{c.fn, c.depth, c.base})
		}
	}
	ext := t.top
	if cap(frames) < len(t.frames) {
		frames = make([]FrameState, len(t.frames))
	}
	s.Frames = frames[:len(t.frames)]
	for i := range t.frames {
		f := &t.frames[i]
		fs := FrameState{Closure: f.cl, PC: int(f.pc), Base: int(f.base), Dest: f.Dest, NVar: int(f.nvar),
			Bound: f.bound, Concat: int(f.concat), Tails: int(f.tails)}
		fs.Builtin = f.builtin()
		if f.bound == boundCont {
			fs.K = f.k.Freeze()
		}
		if f.cl != nil {
			ext = max(ext, int(f.base)+f.cl.P.maxStack)
		}
		ext = max(ext, int(f.Fn)+1, int(t.wait.Fn)+1)
		s.Frames[i] = fs
	}
	for _, u := range t.open {
		ext = max(ext, u.idx+1)
	}
	ext = min(ext, len(t.stack))
	s.Stack = t.stack[:ext]
	return nil
}

// basicStack is the slots a new thread's stack starts with (lua5.1's
// BASIC_STACK_SIZE).
const basicStack = 40

// threadStackSize is the stack a thread with n slots in use is given
// when it is thawed: those and room for a call; it grows when it needs
// more (thousands of suspended coroutines thawed with a new thread's
// basicStack each were mostly empty stacks).
func threadStackSize(n int) int { return n + 8 }

// SetState fills a thread made by NewThread from s, checking that every
// frame, index and upvalue is consistent, and binds the open upvalues to
// their slots.
func (t *Thread) setImage(s *ThreadState) error {
	if len(s.Stack) > MaxStackSlots {
		return fmt.Errorf("stack of %d slots is too large", len(s.Stack))
	}
	if len(s.Frames) > t.p.MaxFrames+8 {
		return fmt.Errorf("%d frames is too many", len(s.Frames))
	}
	if s.Status > uint8(coDead) {
		return fmt.Errorf("bad thread status %d", s.Status)
	}
	size := threadStackSize(len(s.Stack))
	stack := s.Stack[:min(size, cap(s.Stack))]
	if len(stack) < size { // (a continuation's reader makes it large enough)
		stack = make([]Value, size)
		copy(stack, s.Stack)
	}
	need := func(i int, what string) error {
		if i < 0 || i >= size-1 {
			return fmt.Errorf("%s %d is outside the stack (%d slots)", what, i, len(s.Stack))
		}
		return nil
	}
	if err := need(s.Top, "top"); err != nil {
		return err
	}
	frames := t.p.restore.frames.Cut(len(s.Frames), 16, 1024)
	for i, fs := range s.Frames {
		if fs.Bound > maxBound {
			return fmt.Errorf("frame %d: bad kind %d", i, fs.Bound)
		}
		if fs.NVar < 0 || fs.Concat < 0 || fs.Tails < 0 || fs.Tails > 0 && fs.Closure == nil {
			return fmt.Errorf("frame %d: bad counts", i)
		}
		if err := checkDest(fs.Dest, s.Frames[:i], need); err != nil {
			return fmt.Errorf("frame %d: %v", i, err)
		}
		f := Frame{cl: fs.Closure, base: int32(fs.Base), Dest: fs.Dest,
			frameCounts: frameCounts{pc: int32(fs.PC), nvar: int32(fs.NVar), bound: fs.Bound, concat: int16(fs.Concat), tails: int32(fs.Tails)}}
		switch {
		case fs.Closure != nil:
			if fs.Bound != boundNone {
				return fmt.Errorf("frame %d: a Lua frame marked as a boundary", i)
			}
			p := fs.Closure.P.IR
			if fs.PC < 0 || fs.PC >= len(p.Code) {
				return fmt.Errorf("frame %d: pc %d outside %d instructions", i, fs.PC, len(p.Code))
			}
			if fn := int(fs.Fn); fs.Base <= fn || fs.Base+p.MaxStack+1 > size || fs.Base-fs.NVar <= fn {
				return fmt.Errorf("frame %d: registers outside the stack", i)
			}
			if fs.Concat > p.MaxStack+1 {
				return fmt.Errorf("frame %d: bad concat register", i)
			}
		case fs.Bound == boundCont:
			if fs.Builtin == nil || fs.Builtin.kind != goCont || fs.Builtin.thaw == nil {
				return fmt.Errorf("frame %d: not a resumable builtin", i)
			}
			k, err := fs.Builtin.thaw(fs.K)
			if err != nil {
				return fmt.Errorf("frame %d (%s): %v", i, fs.Builtin.Name, err)
			}
			f.k, f.gofn = k, fs.Builtin
		case fs.Bound == boundC:
			if fs.Builtin == nil || i == 0 {
				return fmt.Errorf("frame %d: a builtin's level without the builtin or the frame below", i)
			}
			f.gofn = fs.Builtin
		case fs.Bound == boundNone:
			return fmt.Errorf("frame %d: neither a Lua function nor a builtin", i)
		}
		frames[i] = f
	}
	if err := checkDest(s.Wait, s.Frames, need); err != nil {
		return fmt.Errorf("wait site: %v", err)
	}
	w := waitSite{Dest: s.Wait, wrap: s.WaitWrap}
	prev := -1
	for _, u := range s.Open {
		if u.th != t || u.idx <= prev || u.idx >= len(s.Stack) || u.v != nil {
			return fmt.Errorf("bad open upvalue")
		}
		prev = u.idx
	}
	if s.Body.p != nil && s.Body.Closure() == nil {
		return fmt.Errorf("a coroutine's body is not a Lua function")
	}
	if s.GoCall != nil && s.GoCall.Fn == nil && s.GoCall.kind == goPlain {
		return fmt.Errorf("bad running builtin")
	}
	t.stack, t.top, t.frames = stack, s.Top, frames
	t.open = append([]*Upval(nil), s.Open...)
	for _, u := range t.open {
		u.v = &stack[u.idx]
	}
	t.status, t.resumer, t.body = coStatus(s.Status), s.Resumer, s.Body
	t.started, t.pendingStart, t.wait = s.Started, s.PendingStart, w
	t.goCall, t.gt = s.GoCall, s.Globals
	t.hook = nil
	if s.Hook != nil {
		h, err := thawHook(s.Hook, len(frames))
		if err != nil {
			return err
		}
		t.hook = h
	}
	return nil
}

// ---- closures

// checkClosure checks that a rebuilt closure matches its proto.
func checkClosure(c *Closure) error {
	if c.P == nil {
		return fmt.Errorf("closure without a function")
	}
	if len(c.Upvals) != len(c.P.IR.Upvals) {
		return fmt.Errorf("closure of %s has %d upvalues, wants %d", c.P.IR.Name, len(c.Upvals), len(c.P.IR.Upvals))
	}
	for _, u := range c.Upvals {
		if u == nil {
			return fmt.Errorf("closure with a missing upvalue")
		}
	}
	if c.Env == nil {
		return fmt.Errorf("closure without an environment")
	}
	return nil
}

// ---- processes

// ProcessState is a suspended process as plain data.
type ProcessState struct {
	Globals    *Table
	StringMeta *Table
	TypeMeta   [8]*Table // debug.setmetatable for non-table types
	Main       *Thread
	Current    *Thread // the thread that runs on Resume
	Yielded    *Thread // the thread suspended in mb.yield (or nil)
	YieldedBy  string  // the yielding builtin's name
	YieldArgs  []Value // what it was called with (YieldValues)
	Random     RandomState
	Locale     Locale
	Steps      int64 // steps run so far
	Budget     int64 // steps per slice (0: unlimited)
	MaxSteps   int64
	Sandboxed  bool
}

// State returns p as plain data. p must be suspended: not finished, not
// running (Resume returned OutOfSteps or Yielded, or it has not started).
func (p *Process) image() (ProcessState, error) {
	if p.done {
		return ProcessState{}, fmt.Errorf("the process has finished")
	}
	if p.nested != 0 || p.running {
		return ProcessState{}, errNotFrozen
	}
	s := ProcessState{
		Globals: p.Globals, StringMeta: p.StringMeta, Main: p.Main, Current: p.cur,
		Yielded: p.yieldTh, Random: p.Random, Locale: p.Locale, Steps: p.total, MaxSteps: p.MaxSteps,
		Sandboxed: p.Sandboxed,
	}
	if p.yieldTh != nil && p.yieldBy != nil {
		s.YieldedBy = p.yieldBy.Name
		s.YieldArgs = p.yieldv
	}
	if p.limited {
		s.Budget = p.slice
	}
	if p.typeMeta != nil {
		s.TypeMeta = *p.typeMeta
	}
	return s, nil
}

// SetState makes p (a fresh process with its libraries) continue the
// process s describes; the threads must have been made by p.NewThread and
// filled with SetState.
func (p *Process) setImage(s ProcessState) error {
	if s.Globals == nil || s.Main == nil || s.Current == nil {
		return fmt.Errorf("process without globals or main thread")
	}
	for _, th := range []*Thread{s.Main, s.Current, s.Yielded} {
		if th != nil && th.p != p {
			return fmt.Errorf("a thread of another process")
		}
	}
	if s.Steps < 0 || s.Budget < 0 || s.MaxSteps < 0 {
		return fmt.Errorf("negative step counts")
	}
	if s.Current.status != coRunning {
		return fmt.Errorf("the current thread is not running")
	}
	if s.Yielded != nil {
		if n := len(s.Yielded.frames); s.Yielded.wait.Fn < 0 || (n > 0 && s.Yielded.wait.Mode == modeCond && s.Yielded.frames[n-1].cl == nil) {
			return fmt.Errorf("bad yield site")
		}
		if f, ok := p.Native(s.YieldedBy).(*GoFunction); ok {
			p.yieldBy = f
		}
		p.yieldv = s.YieldArgs
	}
	if !s.Main.pendingStart && len(s.Main.frames) == 0 {
		return fmt.Errorf("the main thread has nothing to run")
	}
	if err := s.Locale.check(); err != nil {
		return err
	}
	p.Locale = s.Locale
	p.Globals, p.StringMeta, p.Main, p.cur, p.yieldTh = s.Globals, s.StringMeta, s.Main, s.Current, s.Yielded
	p.Random, p.total, p.MaxSteps, p.Sandboxed = s.Random, s.Steps, s.MaxSteps, s.Sandboxed
	p.SetBudget(s.Budget)
	p.typeMeta = nil
	for _, m := range s.TypeMeta {
		if m != nil {
			tm := s.TypeMeta
			p.typeMeta = &tm
			break
		}
	}
	return nil
}

// checkFrozenChunk checks that a chunk recompiled from its source gives
// the code a continuation was frozen with: fingerprint is IRFingerprint of
// the original.
func checkFrozenChunk(c *Chunk, fingerprint uint64) error {
	if got := c.Fingerprint(); got != fingerprint {
		return fmt.Errorf("chunk %s compiles to different code here (fingerprint %016x, frozen with %016x): another compiler version", c.Name, got, fingerprint)
	}
	return nil
}

// Fingerprint is ir.Fingerprint of the chunk's code.
func (c *Chunk) Fingerprint() uint64 {
	if c.fp == 0 {
		c.fp = ir.Fingerprint(c.Main.IR)
	}
	return c.fp
}

// NewEmbedderYield makes a builtin that suspends the whole process back to
// its embedder (Process.Resume returns Yielded): mb.yield, mb.freeze and
// mb.jump. The embedder reads the arguments with YieldValues and the
// builtin with YieldedBy; what it passes to Resume is what the call
// returns.
func NewEmbedderYield(name string) *GoFunction {
	return &GoFunction{Name: name, kind: goMbYield}
}

// YieldedBy returns the name of the builtin that yielded to the embedder.
func (p *Process) YieldedBy() string {
	if p.yieldTh == nil || p.yieldBy == nil {
		return ""
	}
	return p.yieldBy.Name
}

// setClosed makes u a closed upvalue holding v (for a thaw).
func (u *Upval) setClosed(v Value) {
	*u = Upval{own: v}
	u.v = &u.own
}

// setOpen makes u an upvalue open on slot idx of th; th.SetState binds it
// (for a thaw).
func (u *Upval) setOpen(th *Thread, idx int) {
	*u = Upval{th: th, idx: idx}
}

// Bound reports whether an open upvalue has been bound to its slot.
func (u *Upval) isBound() bool { return u.v != nil }

// ---- the library baseline

// A baseTable is what a native table held when SealNatives ran: a
// continuation writes only how the table differs from it, and the process
// that thaws it (made by the same code, so holding the same baseline)
// applies the changes. Values are the process's own (a builtin, a library
// table): the same object means unchanged, as the same native name would.
type baseTable struct {
	entries []entry // a copy of the table's entries (the positions they had)
	arr     []Value // its array part (package.loaders has one)
	meta    *Table
}

// SealNatives makes the library state of p, as it is now, the baseline
// continuations are written against: every table reachable from the
// globals, the string metatable and the native userdata's metatables
// becomes a native named by its path ("_G", "_G.string",
// "_G.package.loaded"), and what each holds is remembered. Call it once
// the libraries are open, before anything specific to one run (arg,
// package.path for a script's directory) is set: those then travel as
// changes. Both sides of a continuation must seal processes made the same
// way.
func (p *Process) SealNatives() {
	p.tableNames, p.tableBits = map[*Table]string{}, 0
	type item struct {
		t    *Table
		name string
	}
	var queue []item
	add := func(t *Table, parts ...string) { // (the name is made only for a new table)
		if t == nil {
			return
		}
		if _, seen := p.tableNames[t]; seen {
			return
		}
		name := strings.Join(parts, "")
		p.tableNames[t] = name
		p.tableBits |= tableBit(t)
		t.owner = p // the script may grow a library table too
		p.RegisterNative(name, t)
		queue = append(queue, item{t, name})
	}
	add(p.Globals, "_G")
	add(p.StringMeta, "string.meta")
	var names []string // the host objects, in a fixed order
	p.eachNative(func(n string, o any) {
		if _, ok := o.(*Userdata); ok {
			names = append(names, n)
		}
	})
	sort.Strings(names)
	for _, n := range names {
		add(p.Native(n).(*Userdata).Meta, n, ".meta")
	}
	for i := 0; i < len(queue); i++ {
		it := queue[i]
		add(it.t.meta, it.name, ".meta")
		for _, e := range it.t.entries {
			if s, ok := e.k.Str(); ok {
				if sub, ok := e.v.asTable(); ok {
					add(sub, it.name, ".", s)
				}
			}
		}
	}
	p.sealed = p.sealed[:0]
	p.base = make(map[*Table]*baseTable, len(queue))
	for _, it := range queue {
		p.sealed = append(p.sealed, it.t)
		p.base[it.t] = &baseTable{entries: slices.Clone(it.t.entries), arr: slices.Clone(it.t.arr), meta: it.t.meta}
	}
}

// tableBit is t's bit in Process.tableBits: 6 bits of a multiplicative
// hash of its address (addresses of tables share their low bits).
func tableBit(t *Table) uint64 {
	return 1 << (uint64(uintptr(unsafe.Pointer(t))) * 0x9e3779b97f4a7c15 >> 58)
}

// libraryTable reports whether t is one of p's library tables (a freeze
// asks it of every table).
func (p *Process) libraryTable(t *Table) bool { return p.tableName(t) != "" }

// tableName is the name of t as a library table, or "".
func (p *Process) tableName(t *Table) string {
	if p.tableBits&tableBit(t) == 0 {
		return "" // (most tables: one test)
	}
	return p.tableNames[t]
}

// nativeName returns the name o is registered under as a native (a
// builtin, a host userdata, or a library table once sealed), or "".
func (p *Process) nativeName(o any) string {
	var n string
	switch o := o.(type) {
	case *Table:
		return p.tableName(o)
	case *GoFunction:
		n = o.Name
	case *Userdata:
		n = o.Name
	default:
		return ""
	}
	if n != "" && p.Native(n) == o {
		return n
	}
	return ""
}

// tableChanges returns how the native table t differs from the baseline:
// the entries that are new or hold another value, in traversal order (a
// new key removed since included, for a traversal that may be passing
// it), then the baseline's keys it no longer holds, with nil, in the
// baseline's order (a thawed process holds them at their places: the
// order is the same whether t compacted since or not, so a thawed process
// freezes to the same bytes).
func (p *Process) tableChanges(t *Table) (keys, vals []Value) {
	base := p.base[t].entries
	if !samePrefix(t.entries, base) {
		return p.tableChangesMoved(t, base)
	}
	// no entry moved (the table never compacted): an entry is compared
	// with what the baseline held at its position
	var removed []Value
	for i, e := range t.entries {
		switch {
		case i < len(base) && unchanged(e.v, base[i].v):
		case i < len(base) && e.v.p == nil:
			removed = append(removed, e.k)
		default:
			keys, vals = append(keys, e.k), append(vals, e.v)
		}
	}
	for _, k := range removed {
		keys, vals = append(keys, k), append(vals, Nil)
	}
	return keys, vals
}

// unchanged reports whether a value held where b was is b still: equal
// (a string in another box too), or NaN where NaN was.
func unchanged(a, b Value) bool { return same(a, b) || RawEqual(a, b) }

// samePrefix reports whether entries begins with base's keys, in order.
func samePrefix(entries, base []entry) bool {
	if len(entries) < len(base) {
		return false
	}
	for i, b := range base {
		if !RawEqual(entries[i].k, b.k) {
			return false
		}
	}
	return true
}

// tableChangesMoved is tableChanges for a table that compacted since it
// was sealed: its entries are found by key.
func (p *Process) tableChangesMoved(t *Table, base []entry) (keys, vals []Value) {
	was := make(map[any]Value, len(base))
	for _, b := range base {
		if b.v.p != nil {
			was[b.k.Raw()] = b.v
		}
	}
	for _, e := range t.entries {
		v, inBase := was[e.k.Raw()]
		if !inBase || (!unchanged(e.v, v) && e.v.p != nil) {
			keys, vals = append(keys, e.k), append(vals, e.v)
		}
	}
	for _, b := range base {
		if at, ok := t.pos(b.k); b.v.p != nil && (!ok || t.entries[at].v.p == nil) {
			keys, vals = append(keys, b.k), append(vals, Nil)
		}
	}
	return keys, vals
}

// changedNatives returns the library tables that differ from the
// baseline (entries, array part or metatable), in a fixed order: a
// continuation must carry them even when nothing else refers to them.
func (p *Process) changedNatives() []*Table {
	var ts []*Table
	for _, t := range p.sealed {
		b := p.base[t]
		if !slices.EqualFunc(t.arr, b.arr, RawEqual) || t.meta != b.meta {
			ts = append(ts, t)
			continue
		}
		if k, _ := p.tableChanges(t); len(k) > 0 {
			ts = append(ts, t)
		}
	}
	return ts
}

// applyChanges sets t's entries as Changes listed them: an existing key
// gets the value in place (nil included), a new one is appended (nil
// included, so that a traversal that was passing it can go on).
func (t *Table) applyChanges(keys, vals []Value) error {
	if len(keys) != len(vals) {
		return fmt.Errorf("table: %d keys for %d values", len(keys), len(vals))
	}
	for i, k := range keys {
		k, idx, err := t.checkKey(k)
		if err != nil {
			return err
		}
		if idx > 0 {
			t.arr[idx-1] = vals[i]
			t.dense = -1 // (Len searches)
			continue
		}
		if _, ok := t.pos(k); ok || vals[i].p != nil {
			t.setHash(k, vals[i])
			continue
		}
		t.setPos(k, int32(len(t.entries)))
		t.entries = append(t.entries, entry{k, Nil})
	}
	t.dropMeta()
	return nil
}

// isSealed reports whether SealNatives has run.
func (p *Process) isSealed() bool { return p.base != nil }
