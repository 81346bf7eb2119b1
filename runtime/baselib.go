package runtime

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
)

// CheckArgs helpers for builtins.

func typeNameOrNone(args []Value, i int) string {
	if i >= len(args) {
		return "no value"
	}
	return args[i].TypeName()
}

// TypeError raises "bad argument #i+1 to 'f' (T expected, got U)".
func (t *Thread) TypeError(args []Value, i int, want string) {
	t.ArgError(i+1, want+" expected, got "+typeNameOrNone(args, i))
}

// CheckTable returns argument i (0-based) as a table.
func (t *Thread) CheckTable(args []Value, i int) *Table {
	if i < len(args) {
		if tt, ok := args[i].asTable(); ok {
			return tt
		}
	}
	t.TypeError(args, i, "table")
	return nil
}

// CheckNumber returns argument i as a number (strings are converted).
func (t *Thread) CheckNumber(args []Value, i int) float64 {
	if i < len(args) && args[i].IsNumber() {
		return args[i].n // the common case, inlined into the builtin
	}
	return t.checkNumber(args, i)
}

func (t *Thread) checkNumber(args []Value, i int) float64 {
	if i < len(args) {
		if f, ok := ToNumber(args[i]); ok {
			return f
		}
	}
	t.TypeError(args, i, "number")
	return 0
}

// CheckInt returns argument i as an integer (truncated like lua_tointeger).
func (t *Thread) CheckInt(args []Value, i int) int {
	f := t.CheckNumber(args, i)
	return int(f)
}

// OptInt returns argument i as an integer, or def when it is nil or absent.
func (t *Thread) OptInt(args []Value, i int, def int) int {
	if i >= len(args) || args[i].p == nil {
		return def
	}
	return t.CheckInt(args, i)
}

// CheckString returns argument i as a string (numbers are converted).
func (t *Thread) CheckString(args []Value, i int) string {
	if i < len(args) {
		if s, ok := ToStringRaw(args[i]); ok {
			return s
		}
	}
	t.TypeError(args, i, "string")
	return ""
}

// CheckOption is lua5.1's luaL_checkoption: the index in opts of argument
// i (a string; def when it is nil or absent, if def is not ""), or
// lua5.1's "invalid option" error.
func (t *Thread) CheckOption(args []Value, i int, def string, opts ...string) int {
	name := def
	if def == "" || i < len(args) && args[i].p != nil {
		name = t.CheckString(args, i)
	}
	k := slices.Index(opts, name)
	if k < 0 {
		t.ArgError(i+1, "invalid option '"+name+"'")
	}
	return k
}

// CheckAny checks that argument i exists.
func (t *Thread) CheckAny(args []Value, i int) Value {
	if i >= len(args) {
		t.ArgError(i+1, "value expected")
	}
	return args[i]
}

// Out returns the process's standard output as a buffered writer.
func (p *Process) Out() *bufio.Writer {
	if w, ok := p.Stdout.(*bufio.Writer); ok {
		return w
	}
	w := bufio.NewWriter(p.Stdout)
	p.Stdout = w
	p.outBuf = w
	return w
}

func openBase(p *Process) {
	g := p.Globals
	g.SetStr("_G", TableValue(g))
	g.SetStr("_VERSION", String("Lua 5.1"))
	fns := []*GoFunction{
		{Name: "print", kind: goCont, start: startPrint, thaw: thawPrint},
		{Name: "type", Fn: func(t *Thread, a []Value) int {
			t.Push(t.CheckAny(a, 0).TypeNameValue())
			return 1
		}},
		{Name: "tostring", kind: goCont, start: startTostring, thaw: thawTostring},
		{Name: "tonumber", Fn: baseTonumber},
		{Name: "newproxy", Fn: baseNewproxy},
		{Name: "assert", Fn: func(t *Thread, a []Value) int {
			if len(a) == 0 || !a[0].Truthy() {
				if len(a) == 0 {
					t.ArgError(1, "value expected")
				}
				msg := "assertion failed!" // lua5.1: luaL_optstring, then luaL_error
				if len(a) > 1 && !a[1].IsNil() {
					msg = t.CheckString(a, 1)
				}
				return t.Raise(t.p.errorAt(t, "%s", msg).Value)
			}
			args := append([]Value(nil), a...)
			for _, v := range args {
				t.Push(v)
			}
			return len(args)
		}},
		{Name: "error", Fn: func(t *Thread, a []Value) int {
			var v Value
			if len(a) > 0 {
				v = a[0]
			}
			level := t.OptInt(a, 1, 1)
			if s, ok := v.Str(); ok && level > 0 {
				v = String(t.p.where(t, level) + s)
			}
			return t.Raise(v)
		}},
		{Name: "pcall", kind: goPcall},
		{Name: "xpcall", kind: goXpcall},
		{Name: "select", Fn: func(t *Thread, a []Value) int {
			if len(a) > 0 {
				if s, ok := a[0].Str(); ok && s == "#" {
					t.Push(Number(float64(len(a) - 1)))
					return 1
				}
			}
			n := t.CheckInt(a, 0)
			top := len(a) - 1
			if n < 0 {
				n = top + n + 1
			} else if n > top {
				n = top + 1
			}
			if n < 1 {
				t.ArgError(1, "index out of range")
			}
			// the results, a[n:], are the top of the stack already (as
			// lua5.1's luaB_select returns them)
			return len(a) - n
		}},
		{Name: "rawget", Fn: func(t *Thread, a []Value) int {
			tt := t.CheckTable(a, 0)
			t.Push(tt.Get(t.CheckAny(a, 1)))
			return 1
		}},
		{Name: "rawset", Fn: func(t *Thread, a []Value) int {
			tt := t.CheckTable(a, 0)
			t.CheckAny(a, 1)
			t.CheckAny(a, 2)
			if err := tt.Set(a[1], a[2]); err != nil {
				t.Error("%s", err.Error())
			}
			t.Push(a[0])
			return 1
		}},
		{Name: "rawequal", Fn: func(t *Thread, a []Value) int {
			t.CheckAny(a, 0)
			t.CheckAny(a, 1)
			t.Push(Bool(RawEqual(a[0], a[1])))
			return 1
		}},
		{Name: "next", Fn: baseNext},
		{Name: "unpack", Fn: baseUnpack},
		{Name: "setmetatable", known: knownSetmetatable, Fn: func(t *Thread, a []Value) int {
			tt := t.CheckTable(a, 0)
			if len(a) < 2 || (a[1].p != nil && a[1].Table() == nil) {
				t.ArgError(2, "nil or table expected") // (lua5.1's luaL_argcheck: no "got")
			}
			if tt.meta != nil && tt.meta.GetStr("__metatable").p != nil {
				t.Error("cannot change a protected metatable")
			}
			tt.meta = a[1].Table()
			t.p.noteMeta(tt.meta)
			t.Push(a[0])
			return 1
		}},
		{Name: "getmetatable", Fn: func(t *Thread, a []Value) int {
			m := t.p.Metatable(t.CheckAny(a, 0))
			if m == nil {
				t.Push(Nil)
				return 1
			}
			if f := m.GetStr("__metatable"); f.p != nil {
				t.Push(f)
				return 1
			}
			t.Push(TableValue(m))
			return 1
		}},
		{Name: "getfenv", Fn: baseGetfenv},
		{Name: "setfenv", Fn: baseSetfenv},
		{Name: "loadstring", Fn: baseLoadstring},
		{Name: "load", kind: goCont, start: startLoad, thaw: thawLoad},
		{Name: "dofile", Fn: baseDofile},
		{Name: "loadfile", Fn: baseLoadfile},
		{Name: "collectgarbage", kind: goCont, start: startCollectgarbage, thaw: thawGC},
		{Name: "gcinfo", Fn: func(t *Thread, a []Value) int {
			t.Push(Number(float64(t.p.memoryCount() / 1024)))
			return 1
		}},
	}
	p.Register("", fns...)
	ipairsAux := &GoFunction{Name: "ipairs_iterator", Fn: func(t *Thread, a []Value) int {
		tt := t.CheckTable(a, 0)
		i := t.CheckInt(a, 1) + 1
		v := tt.GetInt(i)
		if v.p == nil {
			return 0
		}
		t.Push(Number(float64(i)))
		t.Push(v)
		return 2
	}}
	p.RegisterNative(ipairsAux.Name, ipairsAux)
	next := g.GetStr("next")
	p.Register("", &GoFunction{Name: "ipairs", Fn: func(t *Thread, a []Value) int {
		t.CheckTable(a, 0)
		t.Push(FunctionValue(ipairsAux))
		t.Push(a[0])
		t.Push(Number(0))
		return 3
	}}, &GoFunction{Name: "pairs", Fn: func(t *Thread, a []Value) int {
		t.CheckTable(a, 0)
		t.Push(next)
		t.Push(a[0])
		t.Push(Nil)
		return 3
	}})
}

// tostringState: tostring is resumable, so a __tostring metamethod may
// yield. As lua5.1, whatever __tostring returns is the result, unchecked.
type tostringState struct {
	v, mm Value
	asked bool
	args  [1]Value
}

func startTostring(t *Thread, a []Value) Continuation {
	v := t.CheckAny(a, 0)
	mm := t.p.metaOf(v, evTostring)
	if mm.p != nil {
		return &tostringState{v: v, mm: mm}
	}
	if _, ok := v.Str(); !ok { // (a string is its own)
		v = String(Repr(v))
	}
	t.Push(v)
	return nil // done
}

func (s *tostringState) Freeze() []Value { return []Value{s.v, s.mm, Bool(s.asked)} }

func thawTostring(vals []Value) (Continuation, error) {
	r := ReadState(vals, 3)
	s := &tostringState{v: r.Value(), mm: r.Value(), asked: r.Bool()}
	return s, r.Err()
}

func (s *tostringState) Step(t *Thread, r Value) (Value, []Value, int) {
	if s.asked {
		t.Push(r)
		return Nil, nil, 1
	}
	if s.mm.p == nil {
		t.Push(String(Repr(s.v)))
		return Nil, nil, 1
	}
	s.asked = true
	s.args[0] = s.v
	return s.mm, s.args[:], Call
}

// printState: print is resumable too. Like lua5.1 it calls the global
// tostring for each argument (unless it is the builtin and the value has
// no __tostring) and writes each piece as it goes, stopping at a zero
// byte as C's fputs does.
type printState struct {
	args    []Value
	i       int
	tostr   Value
	builtin bool
	asked   bool
	one     [1]Value
}

func startPrint(t *Thread, a []Value) Continuation {
	tostr := t.Globals().GetStr("tostring")
	g, ok := tostr.asGoFunction()
	builtin := ok && g.Name == "tostring"
	i := 0
	if builtin { // what needs no call is written at once (all of it, mostly)
		for ; i < len(a) && printMeta(t, a[i]).p == nil; i++ {
			if i > 0 {
				t.p.Out().WriteByte('\t')
			}
			writePlain(t, a[i])
		}
		if i == len(a) {
			t.p.Out().WriteByte('\n')
			return nil // done
		}
	}
	return &printState{args: append([]Value(nil), a...), i: i, tostr: tostr, builtin: builtin}
}

// printMeta is the __tostring that print (with the builtin tostring)
// calls for v, or nil when it writes v without a call: a string, a
// number, a value without __tostring.
func printMeta(t *Thread, v Value) Value {
	if v.IsNumber() || v.is(kString) {
		return Nil
	}
	return t.p.metaOf(v, evTostring)
}

// writePlain writes v, for which printMeta is nil, as print does.
func writePlain(t *Thread, v Value) {
	str, ok := ToStringRaw(v)
	if !ok {
		str = Repr(v)
	}
	t.p.Out().WriteString(cString(str))
}

// cString is what C's fputs writes of s: lua5.1's print stops at a zero
// byte (io.write does not).
func cString(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}

func (s *printState) Freeze() []Value {
	return append([]Value{s.tostr, Bool(s.builtin), Bool(s.asked), Number(float64(s.i))}, s.args...)
}

func thawPrint(vals []Value) (Continuation, error) {
	r := ReadState(vals, 4)
	s := &printState{tostr: r.Value(), builtin: r.Bool(), asked: r.Bool()}
	s.i = r.Int(0, len(vals))
	s.args = append([]Value(nil), r.Rest()...)
	if s.i > len(s.args) {
		return nil, fmt.Errorf("argument %d of %d", s.i, len(s.args))
	}
	return s, r.Err()
}

func (s *printState) Step(t *Thread, r Value) (Value, []Value, int) {
	w := t.p.Out()
	if s.asked {
		s.asked = false
		str, ok := ToStringRaw(r)
		if !ok {
			t.Error("'tostring' must return a string to 'print'")
		}
		w.WriteString(cString(str))
		s.i++
	}
	for ; s.i < len(s.args); s.i++ {
		if s.i > 0 && !s.asked {
			w.WriteByte('\t')
		}
		v := s.args[s.i]
		if s.builtin {
			mm := printMeta(t, v)
			if mm.p == nil {
				writePlain(t, v)
				continue
			}
			s.asked = true
			s.one[0] = v
			return mm, s.one[:], Call
		}
		s.asked = true
		s.one[0] = v
		return s.tostr, s.one[:], Call
	}
	w.WriteByte('\n')
	return Nil, nil, 0
}

func baseTonumber(t *Thread, a []Value) int {
	base := t.OptInt(a, 1, 10)
	if base == 10 {
		v := t.CheckAny(a, 0)
		if f, ok := ToNumber(v); ok {
			t.Push(Number(f))
			return 1
		}
		t.Push(Nil)
		return 1
	}
	s := strings.TrimSpace(t.CheckString(a, 0))
	if base < 2 || base > 36 {
		t.ArgError(2, "base out of range")
	}
	neg := false
	if strings.HasPrefix(s, "-") {
		neg = true
		s = s[1:]
	}
	n, err := strconv.ParseUint(s, base, 64)
	if err != nil || s == "" {
		t.Push(Nil)
		return 1
	}
	if neg {
		n = -n // strtoul negates in unsigned arithmetic: lua5.1 shows 1.8e+19
	}
	t.Push(Number(float64(n)))
	return 1
}

func baseNext(t *Thread, a []Value) int {
	tt := t.CheckTable(a, 0)
	var key Value
	if len(a) > 1 {
		key = a[1]
	}
	k, v, ok := tt.next(key, &t.nextAt)
	if !ok {
		t.Throw(String("invalid key to 'next'")) // (lua5.1's luaG_runerror in a builtin: no position)
	}
	if k.p == nil {
		t.Push(Nil)
		return 1
	}
	t.Push(k)
	t.Push(v)
	return 2
}

func baseUnpack(t *Thread, a []Value) int {
	tt := t.CheckTable(a, 0)
	i := t.OptInt(a, 1, 1)
	var j int
	if len(a) > 2 && a[2].p != nil {
		j = t.CheckInt(a, 2)
	} else {
		j = tt.Len()
	}
	if i > j {
		return 0
	}
	n := j - i + 1
	if n <= 0 || n >= 8000000 {
		t.Error("too many results to unpack")
	}
	t.ensure(t.top + n)
	for k := i; k <= j; k++ {
		t.Push(tt.GetInt(k))
	}
	return n
}

// envTarget returns the closure named by getfenv/setfenv's first argument
// (a function or a level), or that it names the thread (level 0).
func (t *Thread) envTarget(a []Value) (*Closure, bool) {
	if len(a) > 0 {
		if cl, ok := a[0].asClosure(); ok {
			return cl, false
		}
		if _, ok := a[0].asGoFunction(); ok {
			return nil, false
		}
	}
	level := t.OptInt(a, 0, 1)
	if level < 0 {
		t.ArgError(1, "level must be non-negative")
	}
	if level == 0 {
		return nil, true
	}
	i, tail := t.stackLevel(level)
	if tail {
		t.Error("no function environment for tail call at level %d", level)
	}
	if i < 0 {
		t.ArgError(1, "invalid level")
	}
	return t.frames[i].cl, false
}

func baseGetfenv(t *Thread, a []Value) int {
	cl, global := t.envTarget(a)
	if global || cl == nil {
		t.Push(TableValue(t.Globals()))
		return 1
	}
	t.Push(TableValue(cl.Env))
	return 1
}

func baseSetfenv(t *Thread, a []Value) int {
	if len(a) < 2 || a[1].Table() == nil {
		t.TypeError(a, 1, "table")
	}
	env := a[1].Table()
	cl, global := t.envTarget(a)
	if global {
		t.gt = env
		return 0
	}
	if cl == nil {
		t.Error("'setfenv' cannot change environment of given object")
	}
	cl.Env = env
	if len(a) > 0 {
		if _, ok := a[0].asClosure(); ok {
			t.Push(a[0])
			return 1
		}
	}
	t.Push(ClosureValue(cl))
	return 1
}

// LoadChunk compiles src with the process's compiler.
func (p *Process) LoadChunk(src []byte, chunk string) (*Closure, error) {
	if p.Compiler == nil {
		return nil, fmt.Errorf("no compiler available")
	}
	if len(src) > 0 && src[0] == 0x1b { // a binary chunk: string.dump's
		return p.loadDump(src, chunk)
	}
	p.charge(chunkBytes(len(src)))
	ip, err := p.Compiler.Compile(src, chunk)
	if err != nil {
		return nil, err
	}
	c := NewChunk(chunk, src, ip)
	p.addChunk(c)
	return &Closure{P: c.Main, Env: p.Globals}, nil
}

func pushLoadResult(t *Thread, cl *Closure, err error) int {
	if err != nil {
		t.Push(Nil)
		t.Push(String(err.Error()))
		return 2
	}
	t.Push(ClosureValue(cl))
	return 1
}

func baseLoadstring(t *Thread, a []Value) int {
	s := t.CheckString(a, 0)
	name := s
	if len(a) > 1 && a[1].p != nil {
		name = t.CheckString(a, 1)
	}
	cl, err := t.load([]byte(s), name)
	return pushLoadResult(t, cl, err)
}

// load compiles a chunk whose environment is the thread's globals.
func (t *Thread) load(src []byte, name string) (*Closure, error) {
	cl, err := t.p.LoadChunk(src, name)
	if cl != nil {
		cl.Env = t.Globals()
	}
	return cl, err
}

// loadState is load as a resumable builtin: the reader function runs as
// an ordinary call (it may yield).
type loadState struct {
	reader Value
	name   string
	src    Buffer
	asked  bool
	calls  int
}

func startLoad(t *Thread, a []Value) Continuation {
	// Lua 5.1's load takes a function only (a string is loadstring's)
	if len(a) == 0 || a[0].Type() != TFunction {
		t.TypeError(a, 0, "function")
	}
	name := "=(load)"
	if len(a) > 1 && a[1].p != nil {
		name = t.CheckString(a, 1)
	}
	return &loadState{reader: a[0], name: name}
}

func (s *loadState) Freeze() []Value {
	return []Value{s.reader, String(s.name), String(s.src.String()), Bool(s.asked), Number(float64(s.calls))}
}

func thawLoad(vals []Value) (Continuation, error) {
	r := ReadState(vals, 5)
	s := &loadState{reader: r.Value(), name: r.Str()}
	s.src.Add(nil, r.Str())
	s.asked = r.Bool()
	s.calls = r.Int(0, 1<<20)
	return s, r.Err()
}

func (s *loadState) Step(t *Thread, r Value) (Value, []Value, int) {
	if s.asked {
		s.asked = false
		if r.p != nil {
			str, ok := r.Str()
			if !ok {
				t.Push(Nil)
				t.Push(String("reader function must return a string"))
				return Nil, nil, 2
			}
			if str != "" {
				s.src.Add(t, str)
				if s.calls++; s.calls < 1<<20 {
					s.asked = true
					return s.reader, nil, Call
				}
			}
		}
	} else if s.reader.p != nil {
		s.asked = true
		return s.reader, nil, Call
	}
	cl, err := t.load([]byte(s.src.String()), s.name)
	return Nil, nil, pushLoadResult(t, cl, err)
}

func (t *Thread) loadFile(a []Value) (*Closure, error) {
	if t.p.Sandboxed {
		t.Error("file access is not allowed in the sandbox")
	}
	var src []byte
	var err error
	name := "=stdin"
	if len(a) == 0 || a[0].p == nil {
		src, err = readAllStdin()
	} else {
		fn := t.CheckString(a, 0)
		name = "@" + fn
		src, err = os.ReadFile(fn)
		if err != nil {
			return nil, fmt.Errorf("cannot open %s: %s", fn, SysError(err))
		}
	}
	if err != nil {
		return nil, err
	}
	if len(src) > 0 && src[0] == '#' {
		if i := strings.IndexByte(string(src), '\n'); i >= 0 {
			src = append([]byte("--"), src[i:]...)
		} else {
			src = nil
		}
	}
	return t.load(src, name)
}

func readAllStdin() ([]byte, error) {
	var sb strings.Builder
	r := bufio.NewReader(os.Stdin)
	_, err := r.WriteTo(&sb)
	return []byte(sb.String()), err
}

func baseLoadfile(t *Thread, a []Value) int {
	cl, err := t.loadFile(a)
	return pushLoadResult(t, cl, err)
}

func baseDofile(t *Thread, a []Value) int {
	cl, err := t.loadFile(a)
	if err != nil {
		t.Throw(String(err.Error()))
	}
	r := t.Call(ClosureValue(cl))
	for _, v := range r {
		t.Push(v)
	}
	return len(r)
}

func openCoroutine(p *Process) {
	p.Register("coroutine",
		&GoFunction{Name: "create", Fn: func(t *Thread, a []Value) int {
			t.Push(ThreadValue(t.newCoroutine(a)))
			return 1
		}},
		&GoFunction{Name: "resume", kind: goResume},
		&GoFunction{Name: "yield", kind: goYield},
		&GoFunction{Name: "status", Fn: func(t *Thread, a []Value) int {
			var co *Thread
			if len(a) > 0 {
				co, _ = a[0].asThread()
			}
			if co == nil {
				t.TypeError(a, 0, "coroutine")
			}
			t.Push(String(coStatusNames[co.status]))
			return 1
		}},
		&GoFunction{Name: "running", Fn: func(t *Thread, a []Value) int {
			if t == t.p.Main {
				t.Push(Nil)
				return 1
			}
			t.Push(ThreadValue(t))
			return 1
		}},
		&GoFunction{Name: "wrap", Fn: func(t *Thread, a []Value) int {
			co := t.newCoroutine(a)
			t.Push(FunctionValue(&GoFunction{Name: "coroutine.wrap", kind: goWrap, co: co}))
			return 1
		}},
	)
}

// newCoroutine makes a suspended thread that will run the Lua function in
// a[0], with the creating thread's globals.
func (t *Thread) newCoroutine(a []Value) *Thread {
	if len(a) == 0 {
		t.TypeError(a, 0, "Lua function")
	}
	if _, ok := a[0].asClosure(); !ok {
		t.ArgError(1, "Lua function expected")
	}
	t.p.charge(sizeThread + 64*sizeValue + 8*sizeFrame)
	co := t.p.coroutineThread()
	co.body = a[0]
	co.gt = t.gt
	return co
}

// CallerClosure returns the Lua function that called the running builtin,
// or nil.
func (t *Thread) CallerClosure() *Closure {
	if n := len(t.frames); n > 0 {
		return t.frames[n-1].cl
	}
	return nil
}

// Load compiles src as a chunk with the thread's globals as environment.
func (t *Thread) Load(src []byte, chunk string) (*Closure, error) { return t.load(src, chunk) }

// SysError is err as C's strerror words it, as lua5.1's messages quote it:
// the reason of a path or link error, capitalized ("No such file or
// directory").
func SysError(err error) string {
	var pe *os.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		err = pe.Err
	case errors.As(err, &le):
		err = le.Err
	}
	msg := err.Error()
	if len(msg) > 0 {
		msg = strings.ToUpper(msg[:1]) + msg[1:]
	}
	return msg
}

// baseNewproxy is lua5.1's newproxy: a userdata with no metatable
// (false, nil or nothing), a new empty one (true), or the metatable of
// another proxy.
func baseNewproxy(t *Thread, a []Value) int {
	t.p.charge(sizeTable)
	u := &Userdata{}
	var v Value
	if len(a) > 0 {
		v = a[0]
	}
	switch {
	case !v.Truthy():
	case v.Type() == TBoolean:
		u.Meta = t.p.NewTable(0, 0)
	default:
		pu, _ := v.asUserdata()
		if pu == nil || pu.Meta == nil || pu.Data != nil || pu.Name != "" {
			t.ArgError(1, "boolean or proxy expected")
		}
		u.Meta = pu.Meta
	}
	if u.Meta != nil {
		t.p.newProxy(u)
	}
	t.Push(UserdataValue(u))
	return 1
}
