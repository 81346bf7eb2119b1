package runtime

import (
	"math"
	goruntime "runtime"
	"runtime/metrics"
	"slices"
	"strings"
	"sync/atomic"
	"unsafe"
	"weak"
)

// The collection a script sees. Go's collector owns memory; what Lua 5.1
// lets a script observe of collection is done here, by cycles of our own:
// weak tables (__mode "k", "v", "kv") lose the entries whose weak keys or
// values nothing else reaches, userdata made by newproxy whose metatable
// has __gc are finalized once nothing reaches them, and
// collectgarbage("count") and gcinfo fall when a cycle finds less than
// was allocated.
//
// A cycle walks the heap from the process's roots as LiveBytes does, but
// does not follow weak references; it then clears the weak tables it met
// and queues the finalizers of the unreachable proxies, newest first as
// lua5.1 runs them (a proxy being finalized, and what it reaches, is
// marked: its weak keys stay for one more cycle, weak values naming it
// go at once, as in lua5.1). Once the cycle is done, Go's collector frees
// what the cleared entries held.
//
// A cycle runs at a safe point only: a call of collectgarbage, or the
// step counter's slow path (budgetOut), where every value the script
// holds is in a register, an upvalue, a table or a builtin's frozen
// state; never inside an allocation: a builtin may hold a new object in a
// Go variable there. Chunks no closure reaches are dropped from the
// process (lua5.1 collects a function's code with it). Cycles run by themselves (after as many
// bytes were charged as the last cycle found live, lua5.1's pause of 200)
// once the process made a weak table or a proxy, or asked for the count;
// charge's slow path asks for one and takes the rest of the step budget
// so that the next step reaches budgetOut. Finalizers run when
// collectgarbage runs them (it calls each, as a resumable builtin) and
// when the process is closed (Process.Close); a cycle that runs by
// itself only queues them.
//
// A continuation keeps weak tables weak: their metatables travel with
// them, and a thawed process's cycles run again. Proxies thawed from a
// continuation are not finalized (their __gc is not looked for).

// collector is the process's state of collection.
type collector struct {
	gcActive  bool  // cycles run by themselves
	gcStopped bool  // collectgarbage("stop")
	gcDue     bool  // a cycle waits for the next safe point
	heldSteps int64 // steps taken from the budget to reach the next safe point (given back there)
	gcPause   int64 // collectgarbage("setpause")
	gcStepmul int64 // collectgarbage("setstepmul")
	gcStepped int64 // work collectgarbage("step") did toward the next cycle
	proxies   []*Userdata
	finalize  []*Userdata // unreachable proxies whose __gc is due, in order
	walkSeen  map[unsafe.Pointer]bool
	walkQueue []any
}

// addChunk notes a chunk the process loaded. The process holds it
// weakly: a chunk lives by its functions (closures, frames), so Go's
// collector frees one no function reaches, as lua5.1 collects code with
// its functions, and a script that calls loadstring in a loop keeps none
// of them (in its memory, its charge, its continuations: walks count the
// chunks they reach). The list is pruned as it doubles.
func (p *Process) addChunk(c *Chunk) {
	if len(p.chunks) >= 2*max(p.chunksSeen, 8) {
		p.chunks = slices.DeleteFunc(p.chunks, func(w weak.Pointer[Chunk]) bool { return w.Value() == nil })
		p.chunksSeen = len(p.chunks)
	}
	p.chunks = append(p.chunks, weak.Make(c))
}

// Chunks returns the chunks the process loaded that are still in memory
// (those its functions reach, and some that none does any more).
func (p *Process) Chunks() []*Chunk {
	var cs []*Chunk
	for _, w := range p.chunks {
		if c := w.Value(); c != nil {
			cs = append(cs, c)
		}
	}
	return cs
}

// SetChunks makes cs the chunks the process loaded (a thaw's).
func (p *Process) SetChunks(cs []*Chunk) {
	p.chunks, p.chunksSeen = p.chunks[:0], len(cs)
	for _, c := range cs {
		p.chunks = append(p.chunks, weak.Make(c))
	}
}

// gcStepUnit is the work of collectgarbage("step", 0): a cycle takes as
// many as the live heap has KiB (lua5.1's step of size n does n KiB of
// work besides).
const gcStepUnit = 1 << 10

// activateGC makes cycles run by themselves from now on.
func (p *Process) activateGC() {
	if !p.gcActive {
		p.gcActive = true
		p.gcPause, p.gcStepmul = max(p.gcPause, 200), max(p.gcStepmul, 200)
		p.scheduleCycle()
	}
}

// scheduleCycle sets when charge asks for the next cycle: after as many
// bytes as the last cycle found live (the pause), or at the next walk of
// an accounted process.
func (p *Process) scheduleCycle() {
	if p.accounted() || !p.gcActive || p.gcStopped {
		return
	}
	p.memNext = max(p.memLive*(p.gcPause-100)/100, memWindowMin)
}

// cycleDue is charge's slow path for a process that is not accounted:
// a cycle is asked for at the next safe point.
func (p *Process) cycleDue() {
	p.memNext = math.MaxInt64
	if p.gcActive && !p.gcStopped {
		p.askCycle()
	}
}

// askCycle asks for a cycle at the next safe point: the rest of the
// step budget is held (budgetOut gives it back), so the next step gets
// there.
func (p *Process) askCycle() {
	if p.gcDue {
		return
	}
	p.gcDue = true
	p.holdSteps()
}

// holdSteps takes the rest of the step budget, so that the next step
// reaches budgetOut (a safe point), which gives it back; compiled code
// leaves to the interpreter there.
func (p *Process) holdSteps() {
	if p.steps > 0 {
		p.heldSteps += p.steps
		p.sliceStart -= p.steps
		p.steps = 0
	}
}

// giveHeld gives back the steps askCycle held.
func (p *Process) giveHeld() {
	p.steps += p.heldSteps
	p.sliceStart += p.heldSteps
	p.heldSteps = 0
}

// safePoint is budgetOut's part: the held steps are given back and the
// cycle asked for runs; it reports whether the step budget had more (the
// step goes on).
func (p *Process) safePoint() bool {
	held := p.heldSteps > 0
	p.giveHeld()
	if p.gcDue {
		p.gcDue = false
		if p.nested == 0 { // a builtin below may hold values in Go variables
			p.cycle(false)
		}
	}
	return held && p.steps >= 0
}

// cycle runs a cycle of collection now (see the file's comment). atCall
// says that the running thread is calling a builtin: as in lua5.1, its
// registers above the call's arguments are dead (the loop's temporaries).
func (p *Process) cycle(atCall bool) {
	w := newWalker(true)
	if p.walkSeen == nil {
		p.walkSeen = map[unsafe.Pointer]bool{}
	}
	w.seen, w.queue = p.walkSeen, p.walkQueue[:0] // (a cycle's buffers, kept)
	defer func() {
		clear(w.seen)
		clear(w.queue[:cap(w.queue)])
		p.walkSeen, p.walkQueue = w.seen, w.queue[:0]
	}()
	if atCall {
		w.calling = p.cur
	}
	w.roots(p)
	w.drain()
	due := p.separate(&w)
	for _, t := range w.weakTables {
		w.clear(t)
	}
	for _, u := range due {
		u.finalized = true
	}
	p.finalize = append(p.finalize, due...)
	p.memLive, p.allocSince, p.gcStepped = w.total, 0, 0
	p.scheduleCycle()
}

// cycleCharged is a cycle a script asked for: its walk is work done for
// the script, a step per KiB it found live (a cycle that runs by itself
// follows as many bytes allocated, which cost their steps), so that a
// loop of collectgarbage calls over a large heap uses up its slices and
// its step limit as the walks take their time.
func (p *Process) cycleCharged(t *Thread) {
	p.cycle(true)
	t.ChargeSteps(p.memLive >> 10)
}

// separate finds the proxies the walk did not reach: those with a
// finalizer are queued (newest first) and marked with what they reach;
// the others are forgotten.
func (p *Process) separate(w *walker) []*Userdata {
	var due []*Userdata
	kept := p.proxies[:0]
	for _, u := range p.proxies {
		switch {
		case w.reached(u):
			kept = append(kept, u)
		case gcMeta(u).p != nil:
			due = append(due, u)
		}
	}
	clear(p.proxies[len(kept):])
	p.proxies = kept
	slices.Reverse(due) // newest first
	w.finalizing = map[*Userdata]bool{}
	for _, u := range due {
		w.finalizing[u] = true
		w.value(UserdataValue(u))
	}
	w.drain()
	return due
}

// noteMeta is told of every metatable a table gets: a weak one makes
// cycles run by themselves. (Each cycle reads __mode again; only this
// start looks for it when the metatable is set: a __mode added to a
// metatable already in use, which lua5.1's manual advises against, takes
// effect once cycles run for another reason.)
func (p *Process) noteMeta(m *Table) {
	if m != nil && !p.gcActive && m.GetStr("__mode").p != nil {
		p.activateGC()
	}
}

// gcMeta is u's __gc, if it is a proxy not finalized yet.
func gcMeta(u *Userdata) Value {
	if u.finalized {
		return Nil
	}
	return finalizer(u)
}

// finalizer is u's __gc (looked up when it is called, as lua5.1 does).
func finalizer(u *Userdata) Value {
	if u.Meta == nil {
		return Nil
	}
	return u.Meta.GetStr("__gc")
}

// weakMode says which references of t are weak (its metatable's __mode).
func (t *Table) weakMode() (keys, values bool) {
	if t.meta == nil {
		return false, false
	}
	m, ok := t.meta.GetStr("__mode").Str()
	if !ok {
		return false, false
	}
	return strings.IndexByte(m, 'k') >= 0, strings.IndexByte(m, 'v') >= 0
}

// collectable says whether v is an object a weak reference lets go
// (strings are values in Lua 5.1: never cleared).
func collectable(v Value) bool {
	switch v.ref().(type) {
	case *Table, *Closure, *Thread, *GoFunction, *Userdata:
		return true
	}
	return false
}

// walker walks what a process reaches: LiveBytes counts it, a cycle marks
// it. Tables, closures, upvalues and threads are marked in their mark
// word (the freezer numbers objects there between walks: a walk's marks
// have the top bit set, which a freezer's epoch never has); builtins,
// userdata and strings in seen.
type walker struct {
	epoch      uint64
	seen       map[unsafe.Pointer]bool
	queue      []any
	total      int64
	weak       bool // weak references are not followed (a cycle)
	weakTables []*Table
	finalizing map[*Userdata]bool
	chunks     map[*Chunk]bool // the chunks of the closures reached (counted)
	calling    *Thread         // a thread in a builtin: its stack is live up to its top
}

// walkEpochs numbers walks (with the top bit set: see walker).
var walkEpochs atomic.Uint64

func newWalker(weak bool) walker {
	w := walker{epoch: 1<<63 | walkEpochs.Add(1), seen: map[unsafe.Pointer]bool{}, weak: weak}
	if weak {
		w.seen = nil // (cycle gives its own)
	}
	w.chunks = map[*Chunk]bool{}
	return w
}

// first marks the object whose mark word is m, and reports whether this
// walk had not met it.
func (w *walker) first(m *uint64) bool {
	if *m == w.epoch {
		return false
	}
	*m = w.epoch
	return true
}

// add queues object o (at ptr) once.
func (w *walker) add(o any, ptr unsafe.Pointer) {
	if ptr == nil || w.seen[ptr] {
		return
	}
	w.seen[ptr] = true
	w.queue = append(w.queue, o)
}

// reached reports whether the walk met object o.
func (w *walker) reached(o any) bool {
	switch o := o.(type) {
	case *Table:
		return o.mark == w.epoch
	case *Closure:
		return o.mark == w.epoch
	case *Thread:
		return o.mark == w.epoch
	case *GoFunction:
		return w.seen[unsafe.Pointer(o)]
	case *Userdata:
		return w.seen[unsafe.Pointer(o)]
	}
	return true
}

// value marks v: a string is counted, an object queued.
func (w *walker) value(v Value) {
	if o, ok := v.Str(); ok {
		if len(o) > 0 {
			ptr := unsafe.Pointer(unsafe.StringData(o))
			if !w.seen[ptr] {
				w.seen[ptr] = true
				w.total += stringBytes(len(o))
			}
		}
		return
	}
	switch o := v.ref().(type) {
	case *Table:
		if o != nil && w.first(&o.mark) {
			w.queue = append(w.queue, o)
		}
	case *Closure:
		if o != nil && w.first(&o.mark) {
			w.queue = append(w.queue, o)
		}
	case *Thread:
		if o != nil && w.first(&o.mark) {
			w.queue = append(w.queue, o)
		}
	case *GoFunction:
		w.add(o, unsafe.Pointer(o))
	case *Userdata:
		w.add(o, unsafe.Pointer(o))
	}
}

// weakRef is a reference a cycle does not follow: only strings (values,
// never cleared) are counted.
func (w *walker) weakRef(v Value) {
	if !w.weak || !collectable(v) {
		w.value(v)
	}
}

// roots marks what the process holds itself.
func (w *walker) roots(p *Process) {
	w.value(TableValue(p.Globals))
	if p.StringMeta != nil {
		w.value(TableValue(p.StringMeta))
	}
	if p.typeMeta != nil {
		for _, m := range p.typeMeta {
			if m != nil {
				w.value(TableValue(m))
			}
		}
	}
	if p.registry != nil {
		w.value(TableValue(p.registry))
	}
	w.value(ThreadValue(p.Main))
	w.value(ThreadValue(p.cur))
	if p.yieldTh != nil {
		w.value(ThreadValue(p.yieldTh))
	}
	for _, v := range p.yieldv {
		w.value(v)
	}
	if w.weak {
		// the libraries' objects: builtins and their tables stay
		// (package.loaded may be out of the script's reach, not of
		// require's)
		p.eachNative(func(_ string, o any) { w.value(fromRaw(o)) })
		for t := range p.tableNames {
			w.value(TableValue(t))
		}
	}
}

// drain walks everything queued.
func (w *walker) drain() {
	for i := 0; i < len(w.queue); i++ {
		o := w.queue[i]
		w.total += ownBytes(o)
		switch o := o.(type) {
		case *Table:
			w.table(o)
		case *Closure:
			w.closure(o)
		case *Thread:
			w.thread(o)
		case *GoFunction:
			for _, v := range o.State {
				w.value(v)
			}
			if o.co != nil {
				w.value(ThreadValue(o.co))
			}
		case *Userdata:
			if o.Meta != nil {
				w.value(TableValue(o.Meta))
			}
		}
	}
	w.queue = w.queue[:0]
}

func (w *walker) table(t *Table) {
	wk, wv := false, false
	if w.weak {
		if wk, wv = t.weakMode(); wk || wv {
			w.weakTables = append(w.weakTables, t)
		}
	}
	for _, v := range t.arr {
		if wv {
			w.weakRef(v)
		} else {
			w.value(v)
		}
	}
	for _, e := range t.entries {
		if e.v.p == nil { // a removed entry: its key is not held
			continue
		}
		if wk {
			w.weakRef(e.k)
		} else {
			w.value(e.k)
		}
		if wv {
			w.weakRef(e.v)
		} else {
			w.value(e.v)
		}
	}
	if t.meta != nil {
		w.value(TableValue(t.meta))
	}
}

func (w *walker) closure(c *Closure) {
	if !w.chunks[c.P.Chunk] {
		w.chunks[c.P.Chunk] = true
		w.total += chunkBytes(len(c.P.Chunk.Source))
	}
	if c.Env != nil {
		w.value(TableValue(c.Env))
	}
	for _, u := range c.Upvals {
		if w.first(&u.mark) {
			w.total += ownBytes(u)
			if !u.isOpen() {
				w.value(u.own)
			}
		}
	}
}

func (w *walker) thread(t *Thread) {
	n := t.extent()
	if t == w.calling {
		n = t.top
	}
	for _, v := range t.stack[:min(len(t.stack), n)] {
		w.value(v)
	}
	w.value(t.body)
	if t.gt != nil {
		w.value(TableValue(t.gt))
	}
	if t.resumer != nil {
		w.value(ThreadValue(t.resumer))
	}
	if t.goCall != nil {
		w.value(FunctionValue(t.goCall))
	}
	if h := t.hook; h != nil {
		w.value(h.fn)
		if h.cl != nil {
			w.value(ClosureValue(h.cl))
		}
		for _, c := range h.crets {
			w.value(FunctionValue(c.fn))
		}
	}
	for i := range t.frames {
		f := &t.frames[i]
		if f.bound == boundCont {
			for _, v := range f.k.Freeze() {
				w.value(v)
			}
		}
		if g := f.builtin(); g != nil {
			w.value(FunctionValue(g))
		}
		if f.cl != nil {
			w.value(ClosureValue(f.cl))
		}
	}
}

// dead says whether a cycle lets v go from a weak reference: an object
// the walk did not reach, or (a value, not a key) a proxy being
// finalized.
func (w *walker) dead(v Value, key bool) bool {
	if !collectable(v) {
		return false
	}
	if u, ok := v.asUserdata(); ok && !key && w.finalizing[u] {
		return true
	}
	return !w.reached(v.ref())
}

// clear removes from weak table t the entries the cycle lets go.
func (w *walker) clear(t *Table) {
	wk, wv := t.weakMode()
	if wv {
		for i, v := range t.arr {
			if w.dead(v, false) {
				t.SetInt(i+1, Nil)
			}
		}
	}
	for _, e := range t.entries {
		if e.v.p != nil && (wk && w.dead(e.k, true) || wv && w.dead(e.v, false)) {
			t.Set(e.k, Nil)
		}
	}
}

// ---- collectgarbage

// gcState is collectgarbage as a resumable builtin: after a cycle, it
// calls the finalizers due, one by one (an error in one is collectgarbage's
// error, as in lua5.1), then returns its result.
type gcState struct {
	due    []Value // proxies left to finalize
	result Value
}

func (s *gcState) Step(t *Thread, r Value) (Value, []Value, int) {
	for len(s.due) > 0 {
		u := s.due[0]
		s.due = s.due[1:]
		if f := finalizer(u.Userdata()); f.p != nil {
			return f, []Value{u}, Call
		}
	}
	t.Push(s.result)
	return Nil, nil, 1
}

func (s *gcState) Freeze() []Value { return append([]Value{s.result}, s.due...) }

func thawGC(vals []Value) (Continuation, error) {
	r := ReadState(vals, 1)
	s := &gcState{result: r.Value()}
	for _, v := range r.Rest() {
		if v.Userdata() == nil {
			r.fail("proxy", v)
		}
		s.due = append(s.due, v)
	}
	return s, r.Err()
}

func startCollectgarbage(t *Thread, a []Value) Continuation {
	p := t.p
	opt := "collect"
	if len(a) > 0 && a[0].p != nil {
		opt = t.CheckString(a, 0)
	}
	n := int64(t.OptInt(a, 1, 0)) // (lua5.1 reads it for every option)
	s := &gcState{result: Number(0)}
	switch opt {
	case "collect":
		if p.gcActive { // else a cycle would show nothing: no weak table, no proxy, no count asked
			p.cycleCharged(t)
		}
		p.freeGo()
	case "count":
		s.result = Number(float64(p.memoryCount()) / 1024)
	case "step":
		p.activateGC()
		p.gcStepped += max(n, 0)<<10 + gcStepUnit
		done := p.gcStepped >= p.memLive
		if done {
			p.cycleCharged(t)
		}
		s.result = Bool(done)
	case "setpause", "setstepmul":
		p.activateGC()
		at := &p.gcPause
		if opt == "setstepmul" {
			at = &p.gcStepmul
		}
		s.result = Number(float64(*at))
		*at = n
	case "stop", "restart":
		p.gcStopped = opt == "stop"
		p.scheduleCycle()
	default:
		t.ArgError(1, "invalid option '"+opt+"'")
	}
	for _, u := range p.finalize {
		s.due = append(s.due, UserdataValue(u))
	}
	p.finalize = nil
	return s
}

// freeGo runs Go's collector after collectgarbage("collect") in a process
// of its own (the whole Go heap is its), unless less than collectEvery
// bytes were allocated since it last did: a full collection costs
// milliseconds, and programs call collectgarbage() in loops (the official
// calls.lua once per character it reads).
func (p *Process) freeGo() {
	if p.Sandboxed || p.accounted() {
		return
	}
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	if a := s[0].Value.Uint64(); a-p.collected >= collectEvery || p.collected == 0 {
		goruntime.GC()
		p.collected = a
	}
}

// collectEvery is how much a process allocates between two collections
// collectgarbage("collect") runs.
const collectEvery = 4 << 20

// memoryCount is what collectgarbage("count") and gcinfo report: what
// the last cycle (or walk) found live and what was charged since. The
// first question makes cycles run by themselves, so that the count falls
// when garbage goes.
func (p *Process) memoryCount() int64 {
	p.activateGC()
	return p.MemoryInUse()
}

// newProxy records a proxy with a metatable: a cycle finalizes it when
// nothing reaches it and its metatable has __gc.
func (p *Process) newProxy(u *Userdata) {
	p.proxies = append(p.proxies, u)
	p.activateGC()
}

// Close finalizes the proxies not finalized yet, newest first, as lua5.1
// does when its state closes; an error in a finalizer is ignored. It is
// for a process whose run has ended (a program's end): each finalizer is
// a call of its own.
func (p *Process) Close() {
	due := p.finalize // queued by a cycle, not run yet
	for i := len(p.proxies) - 1; i >= 0; i-- {
		if u := p.proxies[i]; gcMeta(u).p != nil {
			due = append(due, u)
		}
	}
	p.proxies, p.finalize = nil, nil
	for _, u := range due {
		u.finalized = true
		f := finalizer(u)
		if f.p == nil {
			continue
		}
		p.Start(f, UserdataValue(u))
		for {
			st, err := p.Resume()
			if err != nil || st != OutOfSteps {
				break
			}
		}
	}
}
