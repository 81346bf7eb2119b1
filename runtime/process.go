package runtime

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"slices"
	"weak"

	"github.com/mobilua/mobilua/internal/block"
	"github.com/mobilua/mobilua/ir"
)

// Compiler turns source into IR; the runtime reaches the front end only
// through it (for loadstring, load, dofile).
type Compiler interface {
	Compile(src []byte, chunk string) (*ir.Proto, error)
}

// GenerationCompiler is a Compiler that can also make the code its earlier
// versions made (transpile.Generation): a continuation names its code by
// fingerprint, and one frozen with an earlier generation's code thaws
// with that code.
type GenerationCompiler interface {
	Compiler
	// CompileGeneration compiles as generation gen (1 the first) did.
	CompileGeneration(src []byte, chunk string, gen int) (*ir.Proto, error)
	// Generation is the generation Compile makes.
	Generation() int
}

// Status says how a run of a process ended.
type Status int

const (
	// Done: the main function returned.
	Done Status = iota
	// Yielded: the main thread called mb.yield; Resume continues it.
	Yielded
	// OutOfSteps: the step budget ran out; Resume continues.
	OutOfSteps
)

func (s Status) String() string {
	return [...]string{"done", "yielded", "out of steps"}[s]
}

// Limits of a process.
const (
	DefaultMaxFrames = 20000   // Lua 5.1's LUAI_MAXCALLS
	MaxStackSlots    = 4 << 20 // values per thread
	maxNested        = 200     // Lua 5.1's LUAI_MAXCCALLS
)

// Process is one running Lua program: all its state is reachable from here.
// Its exported fields are the embedder's settings; the rest is grouped by
// concern into the parts below (embedded: their fields read as p.steps).
type Process struct {
	Globals    *Table
	StringMeta *Table
	Main       *Thread
	Stdout     io.Writer
	Stderr     io.Writer
	Compiler   Compiler
	MaxFrames  int
	Sandboxed  bool
	// MaxSteps, when positive, ends the process with a fatal error (one
	// pcall cannot catch) once it has run that many steps; builtins that
	// loop (pattern matching) charge their work to it too.
	MaxSteps int64
	Random   RandomState
	Locale   Locale // os.setlocale's
	// MemoryLimit, when positive, bounds what the process can reach
	// (memory.go); Pool, when set, is memory it shares with others.
	MemoryLimit int64
	Pool        *Pool
	// Embedder is the embedder's own data about the process (the host's
	// process record); it is not part of a continuation.
	Embedder any

	// the chunks loaded, held weakly: a chunk lives by its functions
	// (addChunk)
	chunks     []weak.Pointer[Chunk]
	chunksSeen int // len(chunks) after the last pruning

	cur     *Thread       // the running thread
	running bool          // inside Resume
	outBuf  *bufio.Writer // the buffer Out made around Stdout
	raised  Value         // set by Thread.Raise
	// raisedErr is the Error of a Raise a pcall catches where the
	// interpreter called the builtin (handleRaised): made in place
	raisedErr Error
	registry  *Table     // debug.getregistry's (made when first asked; a continuation keeps it only where the script does)
	typeMeta  *[8]*Table // debug.setmetatable on numbers, booleans, nil, functions, threads
	// frozenSize is the length of the process's last continuation, or of
	// the one it was thawed from (the next is written into room for about
	// as much)
	frozenSize int
	// a thaw's blocks, until it ends (thawed)
	restore restoreBlocks
	// scratch is memory a library reuses between calls (Scratch)
	scratch any

	budget
	memAccount
	nesting
	embedderYield
	outcome
	nativeState
	libBaseline
	collector
}

// restoreBlocks are what a thaw cuts its many small objects from, a
// block at a time: small hash parts (restoreBlock), threads
// (bareThread) and their frames (Thread.setImage). A block lives as long
// as any of its objects: at most what the continuation brought.
type restoreBlocks struct {
	entries block.Blocks[entry]
	threads block.Blocks[Thread]
	frames  block.Blocks[Frame]
}

// budget is the step count: a slice's budget and the process's total.
type budget struct {
	steps      int64 // steps left before the next budget check
	sliceStart int64
	slice      int64
	total      int64 // steps consumed before the current slice
	limited    bool
}

// memAccount is what the process has charged of its memory (memory.go).
type memAccount struct {
	allocSince int64  // bytes charged since the last walk of the heap
	memNext    int64  // allocSince past which the heap is walked again
	memLive    int64  // what the last walk found
	memWindow  int64  // what may be charged between two walks
	reserved   int64  // what the process holds of Pool
	collected  uint64 // Go's allocated bytes when collectgarbage last collected
}

// nesting is the state of calls a builtin makes from Go (Thread.Call):
// not yieldable, each runs the loop again below it.
type nesting struct {
	nested   int     // how many are running
	nestTh   *Thread // the innermost one's thread
	nestAt   int     // and its frame count when it began
	nestStop bool    // the innermost one's callee returned
}

// embedderYield is a suspension to the embedder (mb.yield and its kind).
type embedderYield struct {
	yieldTh *Thread
	yieldBy *GoFunction // the builtin yieldTh called
	yieldv  []Value     // what it passed
}

// outcome is how the process ended.
type outcome struct {
	done    bool
	failed  error
	results []Value // the main function's results
}

// nativeState is compiled code's: the frame it runs with and counts.
type nativeState struct {
	nf            NativeFrame // reused for every entry into compiled code
	nativeStop    stopReason  // what a call made by compiled code stopped the loop for
	origNext      bool        // run's next instruction is the one compiled code left to it (FuncProto.orig)
	nativeEntries int64
	deopts        int64 // compiled functions changed to their plain code (NativeFrame.Deopt)
}

// libBaseline is what the process's libraries were when it was made
// (SealNatives): what continuations are written against.
type libBaseline struct {
	natives map[string]any
	// protoNatives are the natives of the prototype the process is a Copy
	// of (read only, shared): its builtins, which the process shares; its
	// tables are the prototype's, each shadowed by the process's copy in
	// natives
	protoNatives map[string]any
	tableNames   map[*Table]string
	tableBits    uint64 // tableBit of each table in tableNames: most tables are not
	base         map[*Table]*baseTable
	sealed       []*Table // in the order SealNatives met them
}

// Scratch is a slot a library may keep memory in that its builtins reuse
// from one call to the next (the string library's pattern matcher, which
// calls no Lua code: one call at a time). It is not the process's state:
// never frozen nor copied, so it holds only what a call can do without.
func (p *Process) Scratch() *any { return &p.scratch }

// NewProcess makes a process with the base and coroutine libraries.
func NewProcess() *Process {
	p := &Process{Globals: NewTable(0, 64), Stdout: os.Stdout, Stderr: os.Stderr, MaxFrames: DefaultMaxFrames}
	p.Globals.owner = p
	p.Main = p.newThread()
	p.Main.status = coRunning
	p.cur = p.Main
	p.Random = NewRandomState()
	openBase(p)
	openCoroutine(p)
	return p
}

// Register sets copies of the builtins fns as globals by their names or,
// when lib is not empty, as fields of the global table lib (made if
// missing; each copy's Name becomes "lib.name"); each is a native of the
// process (RegisterNative), which continuations name. The process keeps
// the copies, not fns.
func (p *Process) Register(lib string, fns ...*GoFunction) {
	t := p.Globals
	if lib != "" {
		lt := p.Globals.GetStr(lib).Table()
		if lt == nil {
			lt = NewTable(0, len(fns))
			lt.owner = p
			p.Globals.setHash(libNameOf("", lib).key, TableValue(lt))
		}
		t = lt
	}
	slab := make([]GoFunction, len(fns)) // one allocation: natives live as long as the process
	for i, f := range fns {
		g := &slab[i]
		*g = *f // (so f does not escape: the caller's may stay on its stack)
		n := libNameOf(lib, g.Name)
		g.Name = n.full
		t.setHash(n.key, FunctionValue(g))
		p.RegisterNative(g.Name, g)
	}
}

// Load compiles nothing: it wraps a compiled chunk as a function whose
// environment is the globals.
func (p *Process) Load(c *Chunk) *Closure {
	if !slices.Contains(p.Chunks(), c) { // the process's chunks are all it loaded
		p.addChunk(c)
	}
	return &Closure{P: c.Main, Env: p.Globals}
}

// Steps returns the number of steps (calls and backward jumps) run so far.
func (p *Process) Steps() int64 { return p.total }

// SetBudget limits the next slices to n steps each (n <= 0: no limit).
func (p *Process) SetBudget(n int64) {
	if n <= 0 {
		p.limited = false
		p.slice = 0
		return
	}
	p.limited = true
	p.slice = n
}

const unlimitedChunk = 1 << 30

// Start prepares a call of fn with args on the main thread; Resume runs
// it. A process whose call has ended, even in an error, takes another
// with its globals as they are (lua5.1's -e chunks before a script, its
// interactive mode); so does one suspended in a yield to the embedder,
// whose call is then dropped.
func (p *Process) Start(fn Value, args ...Value) {
	if p.done || p.yieldTh != nil {
		p.again()
	}
	th := p.Main
	th.ensure(len(args) + 8)
	th.stack[0] = fn
	copy(th.stack[1:], args)
	th.top = 1 + len(args)
	th.pendingStart = true
}

// Resume runs the process until it finishes, yields to the embedder or
// runs out of steps. After Yielded, args are what mb.yield returns.
// The error, if any, is a *Error with the Lua traceback; the process is
// then finished.
func (p *Process) Resume(args ...Value) (Status, error) { return p.resumeWith(args, Nil) }

// Raise goes on with a process that yielded to its embedder by raising
// the error v where the mb call stands, as if the call had raised it: a
// pcall around the call catches it; uncaught, it ends the process with
// its traceback. A process that did not yield to its embedder is resumed.
func (p *Process) Raise(v Value) (Status, error) { return p.resumeWith(nil, v) }

// resumeWith is Resume (raise nil) and Raise.
func (p *Process) resumeWith(args []Value, raise Value) (Status, error) {
	if p.done {
		return Done, p.failed
	}
	p.beginSlice()
	p.resetMemory()
	p.running = true
	defer p.endSlice()
	var e *Error
	if th := p.Main; th.pendingStart {
		th.pendingStart = false
		p.cur = th
		_, e = p.safe(func() stopReason {
			p.callAt(th, th.top-1, Dest{NRes: -1, Mode: modeBottom})
			return stopNone
		})
	} else if y := p.yieldTh; y != nil {
		p.yieldTh = nil
		w := y.takeWait()
		p.cur = y
		if raise.IsNil() {
			y.ensure(int(w.Fn) + len(args) + 1)
			copy(y.stack[w.Fn:], args)
			_, e = p.safe(func() stopReason {
				p.deliverResults(y, int(w.Fn), len(args), w.Dest)
				return stopNone
			})
		} else {
			e = &Error{Value: raise}
		}
	}
	if e != nil {
		if err := p.handleError(e); err != nil {
			return p.fail(err)
		}
	}
	reason, err := p.execute()
	if err != nil {
		return p.fail(err)
	}
	switch reason {
	case stopYield:
		return Yielded, nil
	case stopBudget:
		return OutOfSteps, nil
	}
	p.done = true
	return Done, nil
}

// Halt ends a process paused between slices (Resume returned OutOfSteps)
// with an error raised where it stands, as a step limit is: no pcall
// catches it, and it carries the position and the traceback (lua5.1's
// "interrupted!" at Ctrl-C).
func (p *Process) Halt(msg string) error {
	if p.done {
		return p.failed
	}
	th := p.cur
	if n := len(th.frames); n > 0 && th.frames[n-1].cl != nil {
		th.frames[n-1].pc++ // where names the instruction before pc: the paused one
	}
	_, err := p.fail(p.handleError(&Error{Value: String(p.where(th, 1) + msg), Fatal: true}))
	return err
}

// again readies a process whose call has ended for another: the main
// thread as it was made, what remains of an error's unwinding dropped.
func (p *Process) again() {
	p.outcome = outcome{}
	p.nesting = nesting{}
	p.embedderYield = embedderYield{}
	th := p.Main
	th.closeUpvals(0)
	clear(th.stack)
	th.top = 0
	th.frames = th.frames[:0]
	th.status = coRunning
	th.wait = waitSite{}
	th.nny = 0
	th.goCall = nil
	p.cur = th
}

// Done reports whether the process has finished.
func (p *Process) Finished() bool { return p.done }

func (p *Process) beginSlice() {
	p.steps = p.window(p.limited)
	p.sliceStart = p.steps
	p.heldSteps = 0
	if p.gcDue { // asked for in the last slice
		p.gcDue = false
		p.askCycle()
	}
}

// window is how many steps may run before the next out-of-line check:
// the slice (when limited), or what is left before MaxSteps.
func (p *Process) window(limited bool) int64 {
	w := int64(unlimitedChunk)
	if limited {
		w = p.slice
	}
	if p.MaxSteps > 0 {
		if left := p.MaxSteps - p.total; left < w {
			w = max(left, 0)
		}
	}
	return w
}

// FlushOutput writes what print has buffered to Stdout now (an embedder
// that says something of its own in between keeps the order).
func (p *Process) FlushOutput() {
	if p.outBuf != nil {
		p.outBuf.Flush()
	}
}

func (p *Process) endSlice() {
	p.running = false
	if p.steps < 0 {
		p.steps = 0
	}
	p.total += p.sliceStart - p.steps
	p.sliceStart = p.steps
	if p.outBuf != nil {
		p.outBuf.Flush()
	}
}

func (p *Process) fail(err *Error) (Status, error) {
	p.done = true
	p.failed = err
	return Done, err
}

// Results returns what the main function returned.
func (p *Process) Results() []Value { return p.results }

// YieldValues returns what the main thread passed to mb.yield.
func (p *Process) YieldValues() []Value { return p.yieldv }

type stopReason int

const (
	stopNone stopReason = iota
	stopDone
	stopYield
	stopBudget
	stopNested
)

// execute runs the loop until a stop, handling the errors that a pcall,
// xpcall or resume catches; it returns the first error nothing catches.
func (p *Process) execute() (stopReason, *Error) {
	for {
		reason, e := p.safe(p.run)
		if e == nil {
			return reason, nil
		}
		if err := p.handleError(e); err != nil {
			return stopNone, err
		}
	}
}

// safe runs f, recovering a Lua error raised inside it. A Go runtime
// failure (a bug) becomes a Lua error too, so a script never takes its
// host down.
func (p *Process) safe(f func() stopReason) (r stopReason, e *Error) {
	defer func() {
		if x := recover(); x != nil {
			if le, ok := x.(*Error); ok {
				e = le
			} else {
				e = &Error{Value: String(fmt.Sprintf("internal error: %v", x))}
			}
		}
	}()
	return f(), nil
}
