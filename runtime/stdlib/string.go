package stdlib

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unsafe"

	rt "github.com/mobilua/mobilua/runtime"
)

func openString(p *rt.Process) {
	p.RegisterNative(gmatchIterator.Name, gmatchIterator)
	p.Register("string",
		rt.NewGoFunction("len", func(t *rt.Thread, a []rt.Value) int {
			return num(t, float64(len(t.CheckString(a, 0))))
		}),
		rt.NewGoFunction("sub", strSub),
		rt.NewGoFunction("upper", func(t *rt.Thread, a []rt.Value) int {
			t.Push(rt.String(caseShift(t, t.CheckString(a, 0), 'a', 'z')))
			return 1
		}),
		rt.NewGoFunction("lower", func(t *rt.Thread, a []rt.Value) int {
			t.Push(rt.String(caseShift(t, t.CheckString(a, 0), 'A', 'Z')))
			return 1
		}),
		rt.NewGoFunction("dump", func(t *rt.Thread, a []rt.Value) int {
			if len(a) == 0 || a[0].Type() != rt.TFunction {
				t.TypeError(a, 0, "function")
			}
			cl := a[0].Closure()
			if cl == nil {
				t.Error("unable to dump given function")
			}
			b := rt.Dump(cl)
			t.ChargeMemory(len(b))
			t.Push(rt.String(string(b)))
			return 1
		}),
		rt.NewGoFunction("rep", func(t *rt.Thread, a []rt.Value) int {
			s := t.CheckString(a, 0)
			n := t.CheckInt(a, 1)
			if n <= 0 || s == "" {
				t.Push(rt.String(""))
				return 1
			}
			if n > (1<<30)/len(s) {
				t.Error("resulting string too large")
			}
			t.ChargeMemory(len(s) * n)
			t.Push(rt.String(strings.Repeat(s, n)))
			return 1
		}),
		rt.NewGoFunction("reverse", func(t *rt.Thread, a []rt.Value) int {
			s0 := t.CheckString(a, 0)
			t.ChargeMemory(len(s0) + rt.SizeString)
			s := []byte(s0)
			for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
				s[i], s[j] = s[j], s[i]
			}
			t.Push(rt.String(string(s)))
			return 1
		}),
		rt.NewGoFunction("byte", func(t *rt.Thread, a []rt.Value) int {
			s := t.CheckString(a, 0)
			i := posrelat(t.OptInt(a, 1, 1), len(s))
			j := posrelat(t.OptInt(a, 2, i), len(s))
			if i <= 0 {
				i = 1
			}
			if j > len(s) {
				j = len(s)
			}
			if i > j {
				return 0
			}
			for k := i; k <= j; k++ {
				t.Push(rt.Number(float64(s[k-1])))
			}
			return j - i + 1
		}),
		rt.NewGoFunction("char", func(t *rt.Thread, a []rt.Value) int {
			b := make([]byte, len(a))
			for i := range a {
				c := t.CheckInt(a, i)
				if c < 0 || c > 255 {
					t.ArgError(i+1, "invalid value")
				}
				b[i] = byte(c)
			}
			t.Push(rt.String(string(b)))
			return 1
		}),
		rt.NewGoFunction("format", strFormat),
		rt.NewGoFunction("find", func(t *rt.Thread, a []rt.Value) int { return strFind(t, a, true) }),
		rt.NewGoFunction("match", func(t *rt.Thread, a []rt.Value) int { return strFind(t, a, false) }),
		rt.NewGoFunction("gmatch", strGmatch),
		rt.NewResumable("gsub", startGsub, thawGsub),
	)
	st := p.Globals.GetStr("string")
	st.Table().SetStr("gfind", st.Table().GetStr("gmatch"))
	meta := rt.NewTable(0, 1)
	meta.SetStr("__index", st)
	p.StringMeta = meta
}

// caseShift is s with the letters from lo to hi in the other case (upper,
// lower: ASCII, as lua5.1's toupper in the C locale), in one allocation.
func caseShift(t *rt.Thread, s string, lo, hi byte) string {
	t.ChargeMemory(len(s) + rt.SizeString)
	if s == "" {
		return ""
	}
	b := make([]byte, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= lo && c <= hi {
			c ^= 'a' - 'A'
		}
		b[i] = c
	}
	return unsafe.String(&b[0], len(b)) // (b is not written again)
}

func posrelat(pos, n int) int {
	if pos < 0 {
		pos += n + 1
	}
	if pos < 0 {
		return 0
	}
	return pos
}

func strSub(t *rt.Thread, a []rt.Value) int {
	s := t.CheckString(a, 0)
	l := len(s)
	i := posrelat(t.CheckInt(a, 1), l)
	j := posrelat(t.OptInt(a, 2, -1), l)
	if i < 1 {
		i = 1
	}
	if j > l {
		j = l
	}
	if i > j {
		t.Push(rt.String(""))
		return 1
	}
	t.Push(t.Substring(s, i-1, j))
	return 1
}

const specials = "^$*+?.([%-"

// isSpecial has the bytes of specials: a pattern without any is found as
// plain text (strings.ContainsAny would build its set at every call).
var isSpecial = func() (set [256]bool) {
	for i := range len(specials) {
		set[specials[i]] = true
	}
	return
}()

// hasSpecials reports whether pat has a byte of specials.
func hasSpecials(pat string) bool {
	for i := range len(pat) {
		if isSpecial[pat[i]] {
			return true
		}
	}
	return false
}

func strFind(t *rt.Thread, a []rt.Value, find bool) int {
	s := t.CheckString(a, 0)
	pat := t.CheckString(a, 1)
	init := posrelat(t.OptInt(a, 2, 1), len(s)) - 1
	if init < 0 {
		init = 0
	} else if init > len(s) {
		init = len(s)
	}
	plain := len(a) > 3 && a[3].Truthy()
	if find && (plain || !hasSpecials(pat)) {
		if i := strings.Index(s[init:], pat); i >= 0 {
			t.Push(rt.Number(float64(init + i + 1)))
			t.Push(rt.Number(float64(init + i + len(pat))))
			return 2
		}
		t.Push(rt.Nil)
		return 1
	}
	anchor := len(pat) > 0 && pat[0] == '^'
	p := 0
	if anchor {
		p = 1
	}
	ms := reusedMatch(t, s, pat)
	defer ms.release() // (an error too: a malformed pattern, the budget, memory)
	return ms.find(init, p, anchor, find)
}

// find pushes what string.find (or match) returns for the first match
// from init.
func (ms *matchState) find(init, p int, anchor, find bool) int {
	t := ms.t
	if s1, e := ms.firstMatch(init, p, anchor); e != -1 {
		if find {
			t.Push(rt.Number(float64(s1 + 1)))
			t.Push(rt.Number(float64(e)))
			return ms.pushCaptures(-1, -1, false) + 2
		}
		return ms.pushCaptures(s1, e, true)
	}
	t.Push(rt.Nil)
	return 1
}

// reusedMatch returns the process's matchState (rt.Process.Scratch), set
// for a match of pat in s: string.find and match make none of their own
// (zeroing one, its captures, took a fifth of a short find). The first
// item and the set a pattern begins with are kept while the pattern is
// the same text.
func reusedMatch(t *rt.Thread, s, pat string) *matchState {
	slot := t.Process().Scratch()
	ms, _ := (*slot).(*matchState)
	if ms == nil {
		ms = &matchState{}
		*slot = ms
	}
	if ms.pat != pat {
		ms.pat, ms.first, ms.setAt = pat, firstItem{}, 0
	}
	ms.src, ms.t, ms.level, ms.depth, ms.steps = s, t, 0, 0, 0
	return ms
}

// maxKeptPattern is the longest pattern the process's matcher keeps
// between calls (with its first item).
const maxKeptPattern = 256

// release lets go of what reusedMatch set, when the call ends or fails:
// the subject and the thread, and the pattern when it is long. The
// process's memory accounting does not see what the matcher holds, so
// it holds no more than that.
func (ms *matchState) release() {
	if ms.lent {
		return
	}
	ms.src, ms.t = "", nil
	if len(ms.pat) > maxKeptPattern {
		ms.pat, ms.first, ms.setAt = "", firstItem{}, 0
	}
}

// lend takes the process's matcher out of its slot for a gsub that keeps
// it while it runs, through the calls of its replacement function (a
// find in one makes a matcher of its own meanwhile): copying it cost a
// gsub that matched 650 bytes. A gsub that fails loses it to the
// collector: the next call makes one again.
func (ms *matchState) lend(t *rt.Thread) {
	ms.lent = true
	*t.Process().Scratch() = nil
}

// giveBack ends a gsub's use of its matcher (lent or its own, thawed):
// released, it is the process's again unless another was made meanwhile.
func (ms *matchState) giveBack(t *rt.Thread) {
	ms.lent = false
	ms.release()
	if slot := t.Process().Scratch(); *slot == nil {
		*slot = ms
	}
}

func strGmatch(t *rt.Thread, a []rt.Value) int {
	s := t.CheckString(a, 0)
	pat := t.CheckString(a, 1)
	it := gmatchIterator.WithState([]rt.Value{rt.String(s), rt.String(pat), rt.Number(0)})
	t.Push(rt.FunctionValue(it))
	return 1
}

// gmatchIterator is the function string.gmatch returns, with the subject,
// the pattern and the position as its State (so that it freezes).
var gmatchIterator = rt.NewGoFunction("string.gmatch_iterator", func(t *rt.Thread, _ []rt.Value) int {
	f := t.Builtin()
	ms, _ := f.Scratch.(*matchState)
	var pos int
	if ms != nil {
		// the state was checked when ms was made, and only this
		// function has written its position since
		n, _ := rt.ToNumber(f.State[2])
		pos = int(n)
	} else {
		st := rt.ReadState(f.State, 3)
		s, pat := st.Str(), st.Str()
		pos = st.Int(0, len(s)+1)
		if st.Err() != nil {
			t.Error("corrupt gmatch iterator: %v", st.Err())
		}
		ms = &matchState{src: s, pat: pat}
		f.Scratch = ms
	}
	s := ms.src
	ms.t = t
	for src := pos; src <= len(s); src++ {
		src = ms.skip(src)
		ms.level = 0
		ms.depth = 0
		if e := ms.match(src, 0); e != -1 {
			newstart := e
			if e == src {
				newstart++
			}
			f.State[2] = rt.Number(float64(newstart))
			return ms.pushCaptures(src, e, true)
		}
	}
	f.State[2] = rt.Number(float64(len(s) + 1))
	return 0
})

// gsubState is string.gsub as a resumable builtin: a replacement
// function runs as an ordinary call (it may yield; the budget applies).
type gsubState struct {
	ms       *matchState // the process's, lent (matchState.lend), or its own
	repl     rt.Value
	maxN     int
	p        int // where the pattern starts (after ^)
	anchor   bool
	s, n     int
	b        rt.Buffer // the result up to s; while n is 0, empty (it is src[:s])
	asked    bool
	start, e int // the match whose replacement was asked for
	args     []rt.Value
}

func startGsub(t *rt.Thread, a []rt.Value) rt.Continuation {
	src := t.CheckString(a, 0)
	pat := t.CheckString(a, 1)
	if len(a) < 3 {
		t.TypeError(a, 2, "string/function/table")
	}
	repl := a[2]
	switch repl.Type() {
	case rt.TNumber, rt.TString, rt.TTable, rt.TFunction:
	default:
		t.ArgError(3, "string/function/table expected")
	}
	maxN := len(src) + 1
	if len(a) > 3 && !a[3].IsNil() {
		maxN = t.CheckInt(a, 3)
	}
	anchor := len(pat) > 0 && pat[0] == '^'
	p := 0
	if anchor {
		p = 1
	}
	// the first match is looked for before any state is made: most calls
	// (escaping a string, trimming it) find none, and need none
	ms := reusedMatch(t, src, pat)
	defer ms.release()
	s1, e := 0, -1
	if maxN > 0 {
		s1, e = ms.firstMatch(0, p, anchor)
	}
	if e == -1 { // the subject itself, done (no state, no box)
		v := a[0]
		if _, ok := v.Str(); !ok {
			v = rt.String(src) // (a number)
		}
		t.Push(v)
		t.Push(rt.Number(0))
		return nil
	}
	if k := repl.Type(); k == rt.TString || k == rt.TNumber {
		// no Lua code runs: done here, the state on the Go stack, the
		// matcher left in its slot
		g := gsubState{ms: ms, repl: repl, maxN: maxN, p: p, anchor: anchor, s: s1}
		g.Step(t, rt.Nil)
		return nil
	}
	ms.lend(t) // (a replacement function, or a table's __index, may find)
	return &gsubState{ms: ms, repl: repl, maxN: maxN, p: p, anchor: anchor, s: s1}
}

func (g *gsubState) Freeze() []rt.Value {
	return []rt.Value{rt.String(g.ms.src), rt.String(g.ms.pat), g.repl, inum(g.maxN), inum(g.p), rt.Bool(g.anchor),
		inum(g.s), inum(g.n), rt.String(g.b.String()), rt.Bool(g.asked), inum(g.start), inum(g.e)}
}

func thawGsub(vals []rt.Value) (rt.Continuation, error) {
	r := rt.ReadState(vals, 12)
	src, pat := r.Str(), r.Str()
	g := &gsubState{ms: &matchState{src: src, pat: pat}, repl: r.Value(), maxN: r.Int(-maxIndex, maxIndex), p: r.Int(0, 1), anchor: r.Bool()}
	g.s, g.n = r.Int(0, len(src)), r.Int(0, maxIndex)
	g.b.Add(nil, r.Str())
	g.asked, g.start, g.e = r.Bool(), r.Int(0, len(src)), r.Int(0, len(src))
	if g.start > g.e || g.p > len(pat) {
		return nil, fmt.Errorf("bad match bounds")
	}
	return g, r.Err()
}

func (g *gsubState) Step(t *rt.Thread, r rt.Value) (rt.Value, []rt.Value, int) {
	ms := g.ms
	ms.t = t
	if g.asked {
		g.asked = false
		g.replace(r)
		if g.advance(g.e) {
			return g.finish(t)
		}
	}
	for g.n < g.maxN {
		if !g.anchor {
			// the bytes where no match can start go out as they are
			ns := ms.skip(g.s)
			g.keep(t, g.s, ns)
			g.s = ns
		}
		ms.level, ms.depth = 0, 0
		e := ms.match(g.s, g.p)
		if e != -1 {
			if g.n == 0 { // the first match: what came before it goes out
				g.b.Add(t, ms.src[:g.s])
			}
			g.n++
			if g.repl.Type() == rt.TFunction {
				n := max(ms.level, 1)
				g.args = g.args[:0]
				for i := 0; i < n; i++ {
					g.args = append(g.args, ms.getCapture(i, g.s, e))
				}
				g.asked, g.start, g.e = true, g.s, e
				return g.repl, g.args, rt.Call
			}
			addValue(ms, &g.b, g.s, e, g.repl)
		}
		if g.advance(e) {
			break
		}
	}
	return g.finish(t)
}

// replace appends what a replacement function returned for the match.
func (g *gsubState) replace(v rt.Value) {
	if !v.Truthy() {
		g.b.Add(g.ms.t, g.ms.src[g.start:g.e])
		return
	}
	vs, ok := rt.ToStringRaw(v)
	if !ok {
		g.ms.t.Error("invalid replacement value (a %s)", v.TypeName())
	}
	g.b.Add(g.ms.t, vs)
}

// advance moves past a match ending at e (-1: none); it reports the end.
func (g *gsubState) advance(e int) bool {
	src := g.ms.src
	switch {
	case e != -1 && e > g.s:
		g.s = e
	case g.s < len(src):
		g.keep(g.ms.t, g.s, g.s+1)
		g.s++
	default:
		return true
	}
	return g.anchor
}

// keep appends src[i:j], which goes out unchanged, once there was a
// match (before, the result is src up to s: nothing to copy).
func (g *gsubState) keep(t *rt.Thread, i, j int) {
	if g.n > 0 {
		g.b.Add(t, g.ms.src[i:j])
	}
}

func (g *gsubState) finish(t *rt.Thread) (rt.Value, []rt.Value, int) {
	src := g.ms.src
	g.ms.giveBack(t)
	if g.n == 0 { // no match: the subject itself
		t.Push(rt.String(src))
		t.Push(rt.Number(0))
		return rt.Nil, nil, 2
	}
	g.b.Add(t, src[g.s:])
	t.Push(g.b.Value())
	t.Push(rt.Number(float64(g.n)))
	return rt.Nil, nil, 2
}

func addValue(ms *matchState, b *rt.Buffer, s, e int, repl rt.Value) {
	t := ms.t
	var v rt.Value
	switch repl.Type() {
	case rt.TNumber, rt.TString:
		rs, _ := rt.ToStringRaw(repl)
		for i := 0; i < len(rs); i++ {
			c := rs[i]
			if c != '%' {
				b.AddByte(t, c)
				continue
			}
			i++
			if i >= len(rs) {
				b.AddByte(t, 0) // lua5.1 adds the C string's terminator
				break
			}
			c = rs[i]
			if !isdigit(c) {
				b.AddByte(t, c)
			} else if c == '0' {
				b.Add(t, ms.src[s:e])
			} else {
				cv := ms.getCapture(int(c-'1'), s, e)
				cs, _ := rt.ToStringRaw(cv)
				b.Add(t, cs)
			}
		}
		return
	case rt.TTable:
		v = t.Index(repl, ms.getCapture(0, s, e))
	}
	if !v.Truthy() {
		b.Add(t, ms.src[s:e])
		return
	}
	vs, ok := rt.ToStringRaw(v)
	if !ok {
		t.Error("invalid replacement value (a %s)", v.TypeName())
	}
	b.Add(t, vs)
}

func strFormat(t *rt.Thread, a []rt.Value) int {
	f := t.CheckString(a, 0)
	var b rt.Buffer
	arg := 0
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c != '%' {
			b.AddByte(t, c)
			continue
		}
		i++
		if i >= len(f) {
			t.Error("invalid option '%%' to 'format'")
		}
		if f[i] == '%' {
			b.AddByte(t, '%')
			continue
		}
		arg++
		if arg >= len(a) {
			t.ArgError(arg+1, "no value")
		}
		// flags, width, precision
		start := i
		for i < len(f) && strings.IndexByte("-+ #0", f[i]) >= 0 {
			i++
		}
		if i-start > 5 {
			t.Error("invalid format (repeated flags)")
		}
		w0 := i
		for i < len(f) && isdigit(f[i]) {
			i++
		}
		if i-w0 > 2 {
			t.Error("invalid format (width or precision too long)")
		}
		hasPrec := false
		if i < len(f) && f[i] == '.' {
			hasPrec = true
			i++
			p0 := i
			for i < len(f) && isdigit(f[i]) {
				i++
			}
			if i-p0 > 2 {
				t.Error("invalid format (width or precision too long)")
			}
		}
		if i >= len(f) {
			t.Error("invalid option '%%' to 'format'")
		}
		spec := f[start:i]
		conv := f[i]
		switch conv {
		case 'c':
			n := t.CheckNumber(a, arg)
			b.Add(t, cString(pad(string([]byte{byte(int(n))}), spec)))
		case 'd', 'i':
			n := t.CheckNumber(a, arg)
			if spec == "" { // the common %d, without building a format for fmt
				b.Add(t, strconv.FormatInt(int64(n), 10))
				break
			}
			b.Add(t, fmt.Sprintf("%"+spec+"d", int64(n)))
		case 'o', 'u', 'x', 'X':
			n := t.CheckNumber(a, arg)
			u := uint64(int64(n))
			if n >= 0 {
				u = uint64(n)
			}
			verb := string(conv)
			if conv == 'u' {
				verb = "d"
			}
			b.Add(t, fmt.Sprintf("%"+spec+verb, u))
		case 'e', 'E', 'f', 'g', 'G':
			n := t.CheckNumber(a, arg)
			b.Add(t, formatFloat(spec, conv, n, hasPrec))
		case 'q':
			s := t.CheckString(a, arg)
			t.ChargeMemory(2 * len(s))
			b.Add(t, quoteString(s))
		case 's':
			s := t.CheckString(a, arg) // lua5.1: no __tostring here
			switch {
			case !hasPrec && len(s) >= 100:
				b.Add(t, s) // whole, zeros and all
			case spec == "":
				b.Add(t, cString(s))
			default:
				b.Add(t, fmt.Sprintf("%"+spec+"s", cString(s)))
			}
		default:
			t.Error("invalid option '%%%c' to 'format'", conv)
		}
	}
	t.Push(b.Value())
	return 1
}

func pad(s, spec string) string {
	left := strings.Contains(spec, "-")
	w := 0
	for _, c := range spec {
		if c >= '0' && c <= '9' {
			w = w*10 + int(c-'0')
		} else if c == '.' {
			break
		}
	}
	if strings.HasPrefix(strings.TrimLeft(spec, "-+ #"), "0") {
		w = 0
		ws := strings.TrimLeft(spec, "-+ #0")
		for _, c := range ws {
			if c >= '0' && c <= '9' {
				w = w*10 + int(c-'0')
			} else {
				break
			}
		}
	}
	if len(s) >= w {
		return s
	}
	if left {
		return s + strings.Repeat(" ", w-len(s))
	}
	return strings.Repeat(" ", w-len(s)) + s
}

func formatFloat(spec string, conv byte, n float64, hasPrec bool) string {
	if math.IsInf(n, 0) || math.IsNaN(n) {
		var s string
		switch {
		case math.IsInf(n, 1):
			s = "inf"
		case math.IsInf(n, -1):
			s = "-inf"
		case math.Signbit(n):
			s = "-nan"
		default:
			s = "nan"
		}
		if s[0] != '-' {
			if strings.Contains(spec, "+") {
				s = "+" + s
			} else if strings.Contains(spec, " ") {
				s = " " + s
			}
		}
		if conv == 'E' || conv == 'G' {
			s = strings.ToUpper(s)
		}
		return pad(s, strings.ReplaceAll(spec, "0", ""))
	}
	if conv == 'g' || conv == 'G' {
		prec := 6
		if hasPrec {
			prec = 0
			if j := strings.IndexByte(spec, '.'); j >= 0 {
				prec, _ = strconv.Atoi(spec[j+1:])
			}
		}
		if prec == 0 {
			prec = 1
		}
		var s string
		if strings.Contains(spec, "#") {
			s = fmt.Sprintf("%#."+strconv.Itoa(prec)+"g", n)
		} else {
			s = rt.FormatG(n, prec)
		}
		if conv == 'G' {
			s = strings.ToUpper(s)
		}
		if n >= 0 && !math.Signbit(n) {
			if strings.Contains(spec, "+") {
				s = "+" + s
			} else if strings.Contains(spec, " ") {
				s = " " + s
			}
		}
		flags := strings.TrimRight(spec, "0123456789.")
		width := spec[len(flags):]
		if j := strings.IndexByte(width, '.'); j >= 0 {
			width = width[:j]
		}
		w, _ := strconv.Atoi(width)
		if strings.Contains(flags, "0") && !strings.Contains(flags, "-") && len(s) < w {
			sign := ""
			if s[0] == '-' || s[0] == '+' || s[0] == ' ' {
				sign, s = s[:1], s[1:]
			}
			return sign + strings.Repeat("0", w-len(s)-len(sign)) + s
		}
		return pad(s, flags+width)
	}
	return fmt.Sprintf("%"+spec+string(conv), n)
}

// cString is s as C's sprintf sees it or lua5.1's format keeps what
// sprintf wrote (strlen): up to its first zero byte.
func cString(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}

func quoteString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\\', '\n':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\r':
			b.WriteString("\\r")
		case 0:
			b.WriteString("\\000")
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
