package stdlib

import (
	"fmt"

	rt "github.com/mobilua/mobilua/runtime"
)

func openTable(p *rt.Process) {
	p.Register("table",
		rt.NewGoFunction("concat", tableConcat),
		rt.NewGoFunction("insert", tableInsert),
		rt.NewGoFunction("remove", tableRemove),
		rt.NewGoFunction("maxn", func(t *rt.Thread, a []rt.Value) int {
			return num(t, t.CheckTable(a, 0).MaxN())
		}),
		rt.NewGoFunction("getn", func(t *rt.Thread, a []rt.Value) int {
			return num(t, float64(t.CheckTable(a, 0).Len()))
		}),
		rt.NewGoFunction("setn", func(t *rt.Thread, a []rt.Value) int {
			t.CheckTable(a, 0)
			t.Error("'setn' is obsolete")
			return 0
		}),
		rt.NewResumable("sort", tableSort, thawSort),
		rt.NewResumable("foreach", startForeach, thawForeach),
		rt.NewResumable("foreachi", startForeachi, thawForeach),
	)
}

func tableConcat(t *rt.Thread, a []rt.Value) int {
	tt := t.CheckTable(a, 0)
	sep := ""
	if len(a) > 1 && !a[1].IsNil() {
		sep = t.CheckString(a, 1)
	}
	i := t.OptInt(a, 2, 1)
	j := 0
	if len(a) > 3 && !a[3].IsNil() {
		j = t.CheckInt(a, 3)
	} else {
		j = tt.Len()
	}
	if items := tt.ArrayPrefix(j); items != nil && i >= 1 && i <= j && concatStrings(t, items[i-1:], sep) {
		return 1
	}
	// the length first, then the string made once at it (a number is
	// converted in each pass: a slice of the pieces would take 16 bytes
	// for each, more than most pieces)
	n := 0
	for k := i; k <= j; k++ {
		s, ok := rt.ToStringRaw(tt.GetInt(k))
		if !ok {
			t.Error("invalid value (%s) at index %d in table for 'concat'", tt.GetInt(k).TypeName(), k)
		}
		n += len(s)
		if k != j {
			n += len(sep)
		}
	}
	t.ChargeMemory(n)
	t.Push(rt.BuildString(n, func(b []byte) {
		for k := i; k <= j; k++ {
			s, _ := rt.ToStringRaw(tt.GetInt(k))
			b = b[copy(b, s):]
			if k != j {
				b = b[copy(b, sep):]
			}
		}
	}))
	return 1
}

// concatStrings pushes the concatenation of items with sep between them
// when every item is a string (the pieces an array part holds, read
// without a lookup each); it reports false, having pushed nothing, when
// one is not.
func concatStrings(t *rt.Thread, items []rt.Value, sep string) bool {
	n := len(sep) * (len(items) - 1)
	for _, v := range items {
		s, ok := v.Str()
		if !ok {
			return false
		}
		n += len(s)
	}
	t.ChargeMemory(n)
	t.Push(rt.BuildString(n, func(b []byte) {
		for k, v := range items {
			if k > 0 {
				b = b[copy(b, sep):]
			}
			s, _ := v.Str()
			b = b[copy(b, s):]
		}
	}))
	return true
}

func tableInsert(t *rt.Thread, a []rt.Value) int {
	tt := t.CheckTable(a, 0)
	e := tt.Len() + 1
	switch len(a) {
	case 2:
		tt.SetInt(e, a[1])
	case 3:
		pos := t.CheckInt(a, 1)
		if pos > e {
			e = pos
		}
		tt.Shift(pos, e-1, 1) // t[i] = t[i-1] for i = e down to pos+1
		tt.SetInt(pos, a[2])
	default:
		t.Error("wrong number of arguments to 'insert'")
	}
	return 0
}

func tableRemove(t *rt.Thread, a []rt.Value) int {
	tt := t.CheckTable(a, 0)
	e := tt.Len()
	pos := t.OptInt(a, 1, e)
	if pos < 1 || pos > e {
		return 0 // outside 1..#t (Lua 5.1.5): nothing to remove
	}
	v := tt.GetInt(pos)
	tt.Shift(pos+1, e, -1) // t[i] = t[i+1] for i = pos up to e-1
	tt.SetInt(e, rt.Nil)
	t.Push(v)
	return 1
}

// sortState is table.sort as a resumable state machine: Lua 5.1's
// quicksort (auxsort in ltablib.c), comparison for comparison, with its
// recursion turned into a stack of ranges, so that a comparator written in
// Lua runs as an ordinary call: it may yield, and the step budget applies.
// Ties and inconsistent comparators give lua5.1's orders and errors, and
// a comparator (or __lt) is called exactly as often, on the same pairs, as
// lua5.1 calls it: a comparator may count, print or fail.
//
// Stages sAscA … sDescB, a first pass that took strictly ordered input
// in 2n comparisons, are no longer entered (their comparisons could be
// seen); they stay for states frozen by versions that did. sortPlain
// keeps that shortcut where no comparison can be seen.
type sortState struct {
	tab    *rt.Table
	cmp    rt.Value // nil: the < operator
	ranges [][2]int // pending (l, u); the top one is being sorted
	stage  int      // the question asked last, or sNext
	l, u   int
	i, j   int
	pivot  rt.Value
	n      int  // the length being sorted
	asked  bool // Step returned a call; its result answers stage
	fn     rt.Value
	args   [2]rt.Value
}

// The questions, named after what they compare.
const (
	sNext  = iota // take the next range
	sAscA         // a[i] < a[i+1]   (checking for strictly ascending)
	sAscB         // a[i+1] < a[i]
	sDescA        // a[i+1] < a[i]   (checking for strictly descending)
	sDescB        // a[i] < a[i+1]
	sUL           // a[u] < a[l]
	sIL           // a[i] < a[l]
	sUI           // a[u] < a[i]
	sScanI        // a[i] < P, i moving up
	sScanJ        // P < a[j], j moving down
)

func (s *sortState) Freeze() []rt.Value {
	st := []rt.Value{rt.TableValue(s.tab), s.cmp, inum(s.stage), inum(s.l), inum(s.u), inum(s.i), inum(s.j),
		s.pivot, inum(s.n), rt.Bool(s.asked)}
	for _, r := range s.ranges {
		st = append(st, inum(r[0]), inum(r[1]))
	}
	return st
}

func inum(i int) rt.Value { return rt.Number(float64(i)) }

const maxIndex = 1 << 40

func thawSort(vals []rt.Value) (rt.Continuation, error) {
	r := rt.ReadState(vals, 10)
	s := &sortState{tab: r.Table(), cmp: r.Value(), stage: r.Int(sNext, sScanJ)}
	s.l, s.u, s.i, s.j = r.Int(-maxIndex, maxIndex), r.Int(-maxIndex, maxIndex), r.Int(-maxIndex, maxIndex), r.Int(-maxIndex, maxIndex)
	s.pivot, s.n, s.asked = r.Value(), r.Int(0, maxIndex), r.Bool()
	rest := r.Rest()
	if len(rest)%2 != 0 {
		return nil, fmt.Errorf("odd list of ranges")
	}
	for i := 0; i < len(rest); i += 2 {
		rr := rt.ReadState(rest[i:i+2], 2)
		s.ranges = append(s.ranges, [2]int{rr.Int(-maxIndex, maxIndex), rr.Int(-maxIndex, maxIndex)})
		if err := rr.Err(); err != nil {
			return nil, err
		}
	}
	return s, r.Err()
}

func (s *sortState) get(i int) rt.Value { return s.tab.GetInt(i) }

func (s *sortState) swap(i, j int) {
	a, b := s.get(i), s.get(j)
	s.tab.SetInt(i, b)
	s.tab.SetInt(j, a)
}

func (s *sortState) Step(t *rt.Thread, r rt.Value) (rt.Value, []rt.Value, int) {
	have, res := s.asked, r.Truthy()
	s.asked = false
	for {
		if have {
			s.answer(t, res)
		}
		a, b, ok := s.question()
		if !ok {
			return rt.Nil, nil, 0
		}
		var call bool
		if res, call = s.less(t, a, b); call {
			s.asked = true
			return s.fn, s.args[:], rt.Call
		}
		have = true
	}
}

// question returns the comparison the current stage asks, moving to the
// next range when one is done; ok is false when everything is sorted.
func (s *sortState) question() (a, b rt.Value, ok bool) {
	for s.stage == sNext {
		if len(s.ranges) == 0 {
			return rt.Nil, rt.Nil, false
		}
		top := s.ranges[len(s.ranges)-1]
		if top[0] >= top[1] {
			s.ranges = s.ranges[:len(s.ranges)-1]
			continue
		}
		s.l, s.u = top[0], top[1]
		s.stage = sUL
	}
	switch s.stage {
	case sAscA, sDescB:
		return s.get(s.i), s.get(s.i + 1), true
	case sAscB, sDescA:
		return s.get(s.i + 1), s.get(s.i), true
	case sUL:
		return s.get(s.u), s.get(s.l), true
	case sIL:
		return s.get(s.i), s.get(s.l), true
	case sUI:
		return s.get(s.u), s.get(s.i), true
	case sScanI:
		return s.get(s.i), s.pivot, true
	default: // sScanJ
		return s.pivot, s.get(s.j), true
	}
}

// answer moves the machine on with the outcome of the current question.
func (s *sortState) answer(t *rt.Thread, res bool) {
	switch s.stage {
	case sAscA:
		if res {
			s.stage = sAscB
		} else {
			s.i, s.stage = 1, sDescA
		}
	case sAscB:
		if res {
			s.stage = sNext // inconsistent: quicksort decides
		} else if s.i++; s.i >= s.n {
			s.ranges, s.stage = nil, sNext // already sorted
		} else {
			s.stage = sAscA
		}
	case sDescA:
		if res {
			s.stage = sDescB
		} else {
			s.stage = sNext
		}
	case sDescB:
		if res {
			s.stage = sNext
		} else if s.i++; s.i >= s.n {
			for l, u := 1, s.n; l < u; l, u = l+1, u-1 {
				s.swap(l, u)
			}
			s.ranges, s.stage = nil, sNext // reversed
		} else {
			s.stage = sDescA
		}
	case sUL:
		if res {
			s.swap(s.l, s.u)
		}
		if s.u-s.l == 1 {
			s.finishRange()
			return
		}
		s.i = (s.l + s.u) / 2
		s.stage = sIL
	case sIL:
		if res {
			s.swap(s.i, s.l)
			s.afterMid()
			return
		}
		s.stage = sUI
	case sUI:
		if res {
			s.swap(s.i, s.u)
		}
		s.afterMid()
	case sScanI:
		if res {
			if s.i > s.u {
				t.Error("invalid order function for sorting")
			}
			s.i++
			return
		}
		s.j--
		s.stage = sScanJ
	case sScanJ:
		if res {
			if s.j < s.l {
				t.Error("invalid order function for sorting")
			}
			s.j--
			return
		}
		if s.j < s.i {
			s.partitioned()
			return
		}
		s.swap(s.i, s.j)
		s.i++
		s.stage = sScanI
	}
}

// afterMid goes on once a[l] <= a[i] <= a[u].
func (s *sortState) afterMid() {
	if s.u-s.l == 2 {
		s.finishRange()
		return
	}
	s.pivot = s.get(s.i)
	s.swap(s.i, s.u-1)
	s.i, s.j = s.l+1, s.u-1
	s.stage = sScanI
}

// partitioned puts the pivot in place; the smaller part is sorted first,
// as lua5.1 recurses into it before looping on the larger one.
func (s *sortState) partitioned() {
	s.swap(s.u-1, s.i)
	l, u, i := s.l, s.u, s.i
	small, large := [2]int{l, i - 1}, [2]int{i + 1, u}
	if i-l >= u-i {
		small, large = large, small
	}
	s.ranges[len(s.ranges)-1] = large
	s.ranges = append(s.ranges, small)
	s.stage = sNext
}

func (s *sortState) finishRange() {
	s.ranges = s.ranges[:len(s.ranges)-1]
	s.stage = sNext
}

// less decides a < b at once when it can (no comparator; numbers or
// strings) or asks for the call that decides it.
func (s *sortState) less(t *rt.Thread, a, b rt.Value) (res, call bool) {
	if s.cmp.IsNil() {
		if a.IsNumber() && b.IsNumber() {
			return a.Num() < b.Num(), false
		}
		as, ok1 := a.Str()
		bs, ok2 := b.Str()
		if ok1 && ok2 {
			return as < bs, false
		}
		mm := t.LessMeta(a, b)
		if mm.IsNil() {
			return t.LessThan(a, b), false // raises lua5.1's comparison error
		}
		s.fn = mm
	} else {
		s.fn = s.cmp
	}
	if rt.HasPure(s.fn) {
		if v, ok := t.CallPure(s.fn, a, b); ok {
			return v.Truthy(), false // a comparator whose compiled code runs without a frame
		}
	}
	s.args = [2]rt.Value{a, b}
	return false, true
}

func tableSort(t *rt.Thread, a []rt.Value) rt.Continuation {
	tt := t.CheckTable(a, 0)
	var cmp rt.Value
	if len(a) > 1 && !a[1].IsNil() {
		cmp = checkFunction(t, a, 1)
	}
	n := tt.Len()
	if cmp.IsNil() && n > 1 && sortPlain(tt.ArrayPrefix(n)) {
		return nil // sorted: done, no state made
	}
	return &sortState{tab: tt, cmp: cmp, n: n, ranges: [][2]int{{1, n}}}
}

// sortPlain sorts a (t[1..n], in the array part) by the < operator when
// its items are all numbers other than NaN or all strings, and reports
// whether it did. < is then a strict weak order decided without
// metamethods, so no comparison has to be asked of Lua, none can raise an
// error, and sortState's quicksort can run straight over the items: the
// same algorithm, so the same order (0 and -0, equal under <, end where
// lua5.1 puts them).
func sortPlain(a []rt.Value) bool {
	if len(a) < 2 {
		return false
	}
	if a[0].IsNumber() {
		keys := make([]float64, len(a))
		for i, v := range a {
			if keys[i] = v.Num(); !v.IsNumber() || keys[i] != keys[i] {
				return false
			}
		}
		plainSort[float64]{keys, a}.sort()
		return true
	}
	keys := make([]string, len(a))
	for i, v := range a {
		s, ok := v.Str()
		if !ok {
			return false
		}
		keys[i] = s
	}
	plainSort[string]{keys, a}.sort()
	return true
}

// plainSort is sortState's algorithm over keys compared with <, moving
// the values with them; indices from 0.
type plainSort[K float64 | string] struct {
	k []K
	v []rt.Value
}

func (s plainSort[K]) swap(i, j int) {
	s.k[i], s.k[j] = s.k[j], s.k[i]
	s.v[i], s.v[j] = s.v[j], s.v[i]
}

// sort does what sortState does: strictly ascending items stay, strictly
// descending ones are reversed (the only orders the quicksort could give
// them), the others are quicksorted.
func (s plainSort[K]) sort() {
	k, n := s.k, len(s.k)
	asc, desc := true, true
	for i := 0; i+1 < n && (asc || desc); i++ {
		asc = asc && k[i] < k[i+1]
		desc = desc && k[i+1] < k[i]
	}
	switch {
	case asc:
	case desc:
		for l, u := 0, n-1; l < u; l, u = l+1, u-1 {
			s.swap(l, u)
		}
	default:
		s.aux(0, n-1)
	}
}

// aux is lua5.1's auxsort (ltablib.c) on [l, u]: median of three, then
// partition around a[u-1]; recursion into the smaller part, a loop on the
// larger. A strict weak order keeps i and j inside [l, u].
func (s plainSort[K]) aux(l, u int) {
	k := s.k
	for l < u {
		if k[u] < k[l] {
			s.swap(l, u)
		}
		if u-l == 1 {
			return
		}
		i := (l + u) / 2 // (l+u)/2 of the 1-based indices, minus 1
		if k[i] < k[l] {
			s.swap(i, l)
		} else if k[u] < k[i] {
			s.swap(i, u)
		}
		if u-l == 2 {
			return
		}
		p := k[i]
		s.swap(i, u-1)
		i, j := l, u-1
		for {
			for i++; k[i] < p; i++ {
			}
			for j--; p < k[j]; j-- {
			}
			if j < i {
				break
			}
			s.swap(i, j)
		}
		s.swap(u-1, i)
		if i-l < u-i {
			s.aux(l, i-1)
			l = i + 1
		} else {
			s.aux(i+1, u)
			u = i - 1
		}
	}
}

// foreachState is table.foreach / table.foreachi (deprecated in 5.1 but
// present) as a resumable builtin: f runs as an ordinary call.
type foreachState struct {
	tab   *rt.Table
	f     rt.Value
	key   rt.Value // foreach: the last key visited
	i, n  int      // foreachi: the last index visited, and #t
	ipair bool
	args  [2]rt.Value
	asked bool
}

func startForeach(t *rt.Thread, a []rt.Value) rt.Continuation {
	return &foreachState{tab: t.CheckTable(a, 0), f: checkFunction(t, a, 1)}
}

func startForeachi(t *rt.Thread, a []rt.Value) rt.Continuation {
	tt := t.CheckTable(a, 0)
	return &foreachState{tab: tt, f: checkFunction(t, a, 1), ipair: true, n: tt.Len()}
}

func checkFunction(t *rt.Thread, a []rt.Value, i int) rt.Value {
	if i >= len(a) || a[i].Type() != rt.TFunction {
		t.TypeError(a, i, "function")
	}
	return a[i]
}

func (s *foreachState) Freeze() []rt.Value {
	return []rt.Value{rt.TableValue(s.tab), s.f, s.key, inum(s.i), inum(s.n), rt.Bool(s.ipair), rt.Bool(s.asked)}
}

func thawForeach(vals []rt.Value) (rt.Continuation, error) {
	r := rt.ReadState(vals, 7)
	s := &foreachState{tab: r.Table(), f: r.Value(), key: r.Value(), i: r.Int(0, maxIndex), n: r.Int(0, maxIndex), ipair: r.Bool(), asked: r.Bool()}
	return s, r.Err()
}

func (s *foreachState) Step(t *rt.Thread, r rt.Value) (rt.Value, []rt.Value, int) {
	if s.asked && !r.IsNil() {
		t.Push(r) // a non-nil result ends the loop and is returned
		return rt.Nil, nil, 1
	}
	s.asked = true
	if s.ipair {
		if s.i++; s.i > s.n {
			return rt.Nil, nil, 0
		}
		s.args = [2]rt.Value{rt.Number(float64(s.i)), s.tab.GetInt(s.i)}
		return s.f, s.args[:], rt.Call
	}
	k, v, ok := s.tab.Next(s.key)
	if !ok {
		t.Throw(rt.String("invalid key to 'next'")) // (no position, as lua5.1's)
	}
	if k.IsNil() {
		return rt.Nil, nil, 0
	}
	s.key = k
	s.args = [2]rt.Value{k, v}
	return s.f, s.args[:], rt.Call
}
