package runtime

import "strings"

// OpenDebug installs Lua 5.1's debug library: traceback, getinfo,
// getlocal/setlocal, getupvalue/setupvalue, getfenv/setfenv,
// getmetatable/setmetatable (for tables and strings' shared metatable),
// getregistry, and sethook/gethook (hook.go). It is left out of
// the sandbox.
func OpenDebug(p *Process) {
	p.Register("debug",
		&GoFunction{Name: "traceback", Fn: dbTraceback},
		&GoFunction{Name: "getinfo", Fn: dbGetinfo},
		&GoFunction{Name: "getupvalue", Fn: func(t *Thread, a []Value) int {
			cl, _ := t.CheckAny(a, 0).asClosure()
			n := t.CheckInt(a, 1)
			if cl == nil || n < 1 || n > len(cl.Upvals) {
				return 0
			}
			t.Push(String(cl.P.IR.Upvals[n-1].Name))
			t.Push(cl.Upvals[n-1].get())
			return 2
		}},
		&GoFunction{Name: "setupvalue", Fn: func(t *Thread, a []Value) int {
			cl, _ := t.CheckAny(a, 0).asClosure()
			n := t.CheckInt(a, 1)
			v := t.CheckAny(a, 2)
			if cl == nil || n < 1 || n > len(cl.Upvals) {
				return 0
			}
			cl.Upvals[n-1].set(v)
			t.Push(String(cl.P.IR.Upvals[n-1].Name))
			return 1
		}},
		&GoFunction{Name: "getfenv", Fn: func(t *Thread, a []Value) int {
			switch o := t.CheckAny(a, 0).ref().(type) {
			case *Closure:
				t.Push(TableValue(o.Env))
			case *Thread:
				t.Push(TableValue(o.Globals()))
			case *GoFunction: // a C function's environment: the globals
				t.Push(TableValue(t.Globals()))
			default:
				t.Push(Nil)
			}
			return 1
		}},
		&GoFunction{Name: "setfenv", Fn: func(t *Thread, a []Value) int {
			t.CheckAny(a, 0)
			env := t.CheckTable(a, 1)
			switch o := a[0].ref().(type) {
			case *Closure:
				o.Env = env
			case *Thread:
				o.gt = env
			case *GoFunction: // lua5.1 takes it; a builtin uses no globals
			default:
				t.Error("'setfenv' cannot change environment of given object")
			}
			t.Push(a[0])
			return 1
		}},
		&GoFunction{Name: "getmetatable", Fn: func(t *Thread, a []Value) int {
			if m := t.p.Metatable(t.CheckAny(a, 0)); m != nil {
				t.Push(TableValue(m))
				return 1
			}
			t.Push(Nil)
			return 1
		}},
		&GoFunction{Name: "setmetatable", Fn: func(t *Thread, a []Value) int {
			v := t.CheckAny(a, 0)
			if len(a) < 2 || (a[1].p != nil && a[1].Table() == nil) {
				t.TypeError(a, 1, "nil or table")
			}
			m := a[1].Table()
			switch o := v.Raw().(type) {
			case *Table:
				o.meta = m
				t.p.noteMeta(m)
			case string:
				t.p.setStringMeta(m)
			case *Userdata:
				o.Meta = m
			default:
				if t.p.typeMeta == nil {
					t.p.typeMeta = new([8]*Table)
				}
				t.p.typeMeta[v.Type()] = m
			}
			t.Push(True)
			return 1
		}},
		&GoFunction{Name: "getregistry", Fn: func(t *Thread, a []Value) int {
			if t.p.registry == nil {
				t.p.registry = t.p.NewTable(0, 4)
			}
			t.Push(TableValue(t.p.registry))
			return 1
		}},
		&GoFunction{Name: "sethook", Fn: dbSethook},
		&GoFunction{Name: "getlocal", Fn: dbGetlocal},
		&GoFunction{Name: "setlocal", Fn: dbSetlocal},
		&GoFunction{Name: "gethook", Fn: dbGethook},
	)
}

func dbTraceback(t *Thread, a []Value) int {
	th, args := threadArg(t, a)
	msg := ""
	if len(args) > 0 {
		s, ok := ToStringRaw(args[0])
		if !ok { // (nil too, as lua5.1's)
			t.Push(args[0])
			return 1
		}
		msg = s + "\n"
	}
	level := 1 // the function that called traceback; another thread's: from its top
	if th != t {
		level = 0
	}
	if len(args) > 1 {
		if n, ok := ToNumber(args[1]); ok {
			level = int(n)
		}
	}
	t.Push(String(msg + th.Traceback(level)))
	return 1
}

// setSource sets getinfo's "S" fields.
func setSource(r *Table, source, short string, line, last int, what string) {
	r.SetStr("source", String(source))
	r.SetStr("short_src", String(short))
	r.SetStr("linedefined", Number(float64(line)))
	r.SetStr("lastlinedefined", Number(float64(last)))
	r.SetStr("what", String(what))
}

// tailInfo is getinfo's table for the level of a tail call, as lua5.1's
// info_tailcall: nothing is known of the function.
func tailInfo(what string) *Table {
	r := NewTable(0, 8)
	if strings.Contains(what, "S") {
		setSource(r, "=(tail call)", "(tail call)", -1, -1, "tail")
	}
	if strings.Contains(what, "l") {
		r.SetStr("currentline", Number(-1))
	}
	if strings.Contains(what, "u") {
		r.SetStr("nups", Number(0))
	}
	if strings.Contains(what, "n") {
		r.SetStr("name", String(""))
		r.SetStr("namewhat", String(""))
	}
	return r
}

func dbGetinfo(t *Thread, a []Value) int {
	th, args := threadArg(t, a)
	off := len(a) - len(args) // argument numbers in errors
	what := "flnSu"
	if len(args) > 1 && args[1].p != nil {
		what = t.CheckString(a, off+1)
	}
	r := NewTable(0, 8)
	var fr *Frame
	var fn Value
	idx := -1       // fr's index
	level0 := false // the builtin on top
	if len(args) == 0 {
		t.ArgError(off+1, "function or level expected")
	}
	switch f := args[0].ref().(type) {
	case *Closure, *GoFunction:
		fn = args[0]
	default:
		_ = f
		if _, ok := ToNumber(args[0]); !ok {
			t.ArgError(off+1, "function or level expected")
		}
		level := th.frameLevel(t, t.CheckInt(a, off))
		// level 0 is getinfo itself, 1 the function that called it; of
		// another thread, level 0 is the builtin it waits in (its yield)
		if level0 = level == 0; level0 {
			if th != t && len(th.frames) == 0 {
				t.Push(Nil)
				return 1
			}
			if g := th.builtinOnTop(t); g != nil {
				fn = FunctionValue(g)
			}
			break
		}
		i, tail := th.stackLevel(level)
		if tail {
			t.Push(TableValue(tailInfo(what)))
			return 1
		}
		if i < 0 && (th != th.p.Main || level != th.levels()+1) {
			t.Push(Nil)
			return 1
		}
		if i < 0 { // below the main chunk: the C function that called it
			break
		}
		fr, idx = &th.frames[i], i
		if fr.cl != nil {
			fn = ClosureValue(fr.cl)
		} else if g := fr.builtin(); g != nil {
			fn = FunctionValue(g)
		}
	}
	cl, _ := fn.asClosure()
	if strings.Contains(what, "S") {
		if cl != nil {
			ip := cl.P.IR
			w := "Lua"
			if ip.ID == "0" {
				w = "main"
			}
			setSource(r, cl.P.Chunk.Name, ip.Source, ip.LineDefined, ip.LastLine, w)
		} else {
			setSource(r, "=[C]", "[C]", -1, -1, "C")
		}
	}
	if strings.Contains(what, "l") {
		line := -1
		if fr != nil && fr.cl != nil {
			line = currentLine(fr)
		}
		r.SetStr("currentline", Number(float64(line)))
	}
	if strings.Contains(what, "L") && cl != nil {
		lines := NewTable(0, 8)
		for _, l := range cl.P.IR.Lines {
			lines.Set(Number(float64(l)), True)
		}
		r.SetStr("activelines", TableValue(lines))
	}
	if strings.Contains(what, "u") {
		n := 0
		if cl != nil {
			n = len(cl.Upvals)
		}
		r.SetStr("nups", Number(float64(n)))
	}
	if strings.Contains(what, "n") && fr == nil { // a function, not a level: no name
		r.SetStr("namewhat", String(""))
		if level0 { // the builtin on top, as it was called
			if kind, name := th.topCallName(); name != "" {
				r.SetStr("name", String(name))
				r.SetStr("namewhat", String(kind))
			}
		}
	}
	if strings.Contains(what, "n") && fr != nil {
		kind, name := th.callName(idx)
		if name != "" {
			r.SetStr("name", String(name))
		}
		r.SetStr("namewhat", String(kind))
	}
	if strings.Contains(what, "f") && fn.p != nil {
		r.SetStr("func", fn)
	}
	t.Push(TableValue(r))
	return 1
}

// ---- debug.getlocal, debug.setlocal

// localSlot finds local n of frame i of th as lua5.1's findlocal does:
// the n-th local active at the frame's pc (declaration order), else a
// "(*temporary)" slot below limit (the next frame's function slot, or
// the top); slot -1: none, -2: lua5.1's "arg" of a vararg function that
// has none here (nil).
func (th *Thread) localSlot(i, n, limit int) (name string, slot int) {
	fr := &th.frames[i]
	base := int(fr.Fn) + 1
	if fr.cl != nil {
		ip := fr.cl.P.IR
		pc := max(int(fr.pc)-1, 0)
		// lua5.1 gives every vararg function but a chunk's main one a
		// local "arg" after its parameters (nil when it uses ...); code of
		// the compiler's first generation has it only where a name uses it
		noArg := ip.IsVararg && ip.ID != "0" && !ip.NeedsArg && ip.LocalName(ip.NumParams, pc) != "arg"
		k := 0 // the locals counted, lua5.1's arg among them
		for _, lv := range ip.LocVars {
			if lv.Start > pc || pc >= lv.End {
				continue
			}
			if noArg && k == ip.NumParams { // lua5.1's arg comes after the parameters
				if k++; k == n {
					return "arg", -2
				}
			}
			if k++; k == n {
				return lv.Name, int(fr.base) + lv.Reg
			}
		}
		if noArg && k == ip.NumParams {
			if k++; k == n {
				return "arg", -2
			}
		}
		if noArg && n > ip.NumParams {
			n-- // the temporaries' slots hold no arg
		}
		base = int(fr.base)
	}
	if n > 0 && limit-base >= n {
		return "(*temporary)", base + n - 1
	}
	return "", -1
}

// tailFrame is localArgs' frame for the level of a tail call: no locals.
const tailFrame = -2

// localArgs reads getlocal's and setlocal's thread, level and index: the
// thread and its frame (-1: getlocal's own, level 0; tailFrame), the slot
// limit, and the index.
func localArgs(t *Thread, a []Value) (th *Thread, frame, limit, n int, rest []Value) {
	th, args := threadArg(t, a)
	off := len(a) - len(args)
	level := th.frameLevel(t, t.CheckInt(a, off))
	n = t.CheckInt(a, off+1)
	rest = args[2:]
	depth := len(th.frames)
	limit = th.top
	if th == t {
		limit = t.top - len(a) - 1 // the builtin's function slot
		if level == 0 {
			return th, -1, 0, n, rest
		}
	}
	frame, tail := th.stackLevel(level)
	if tail {
		return th, tailFrame, 0, n, rest
	}
	if level < 0 || frame < 0 || frame >= depth {
		t.ArgError(off+1, "level out of range")
	}
	if frame+1 < depth {
		limit = int(th.frames[frame+1].Fn)
	}
	return th, frame, limit, n, rest
}

func dbGetlocal(t *Thread, a []Value) int {
	th, frame, limit, n, _ := localArgs(t, a)
	if frame == tailFrame {
		t.Push(Nil)
		return 1
	}
	if frame < 0 { // getlocal itself: its arguments are its temporaries
		if n > 0 && n <= len(a) {
			t.Push(String("(*temporary)"))
			t.Push(a[n-1])
			return 2
		}
		t.Push(Nil)
		return 1
	}
	name, slot := th.localSlot(frame, n, limit)
	switch slot {
	case -1:
		t.Push(Nil)
		return 1
	case -2:
		t.Push(String(name))
		t.Push(Nil)
		return 2
	}
	t.Push(String(name))
	t.Push(th.stack[slot])
	return 2
}

func dbSetlocal(t *Thread, a []Value) int {
	th, frame, limit, n, rest := localArgs(t, a)
	v := Nil
	if len(rest) > 0 {
		v = rest[0]
	} else {
		t.ArgError(len(a)+1, "value expected")
	}
	if frame < 0 {
		t.Push(Nil)
		return 1
	}
	name, slot := th.localSlot(frame, n, limit)
	if slot == -1 {
		t.Push(Nil)
		return 1
	}
	if slot >= 0 {
		th.stack[slot] = v
	}
	t.Push(String(name))
	return 1
}
