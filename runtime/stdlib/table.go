package stdlib

import (
	"strings"

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
		rt.NewGoFunction("sort", tableSort),
		rt.NewGoFunction("foreach", func(t *rt.Thread, a []rt.Value) int {
			tt := t.CheckTable(a, 0)
			f := t.CheckAny(a, 1)
			k := rt.Nil
			for {
				nk, v, ok := tt.Next(k)
				if !ok {
					t.Error("invalid key to 'next'")
				}
				if nk.IsNil() {
					return 0
				}
				if r := t.Call1(f, nk, v); !r.IsNil() {
					t.Push(r)
					return 1
				}
				k = nk
			}
		}),
		rt.NewGoFunction("foreachi", func(t *rt.Thread, a []rt.Value) int {
			tt := t.CheckTable(a, 0)
			f := t.CheckAny(a, 1)
			n := tt.Len()
			for i := 1; i <= n; i++ {
				if r := t.Call1(f, rt.Number(float64(i)), tt.GetInt(i)); !r.IsNil() {
					t.Push(r)
					return 1
				}
			}
			return 0
		}),
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
	var b strings.Builder
	for k := i; k <= j; k++ {
		s, ok := rt.ToStringRaw(tt.GetInt(k))
		if !ok {
			t.Error("invalid value (%s) at index %d in table for 'concat'", tt.GetInt(k).TypeName(), k)
		}
		b.WriteString(s)
		if k != j {
			b.WriteString(sep)
		}
	}
	t.Push(rt.String(b.String()))
	return 1
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
		for i := e; i > pos; i-- {
			tt.SetInt(i, tt.GetInt(i-1))
		}
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
	if e == 0 {
		return 0
	}
	v := tt.GetInt(pos)
	for ; pos < e; pos++ {
		tt.SetInt(pos, tt.GetInt(pos+1))
	}
	tt.SetInt(e, rt.Nil)
	t.Push(v)
	return 1
}

type sorter struct {
	t   *rt.Thread
	tab *rt.Table
	cmp rt.Value
}

func (s *sorter) lt(a, b rt.Value) bool {
	if !s.cmp.IsNil() {
		return s.t.Call1(s.cmp, a, b).Truthy()
	}
	return s.t.LessThan(a, b)
}

func (s *sorter) get(i int) rt.Value { return s.tab.GetInt(i) }

func (s *sorter) swap(i, j int) {
	a, b := s.get(i), s.get(j)
	s.tab.SetInt(i, b)
	s.tab.SetInt(j, a)
}

// auxsort is Lua 5.1's quicksort, step for step, so that ties and
// inconsistent comparators give the same order and errors as lua5.1.
func (s *sorter) auxsort(l, u int) {
	for l < u {
		if s.lt(s.get(u), s.get(l)) {
			s.swap(l, u)
		}
		if u-l == 1 {
			break
		}
		i := (l + u) / 2
		if s.lt(s.get(i), s.get(l)) {
			s.swap(i, l)
		} else if s.lt(s.get(u), s.get(i)) {
			s.swap(i, u)
		}
		if u-l == 2 {
			break
		}
		pv := s.get(i)
		s.swap(i, u-1)
		i, j := l, u-1
		for {
			i++
			for s.lt(s.get(i), pv) {
				if i > u {
					s.t.Error("invalid order function for sorting")
				}
				i++
			}
			j--
			for s.lt(pv, s.get(j)) {
				if j < l {
					s.t.Error("invalid order function for sorting")
				}
				j--
			}
			if j < i {
				break
			}
			s.swap(i, j)
		}
		s.swap(u-1, i)
		if i-l < u-i {
			j = l
			i = i - 1
			l = i + 2
		} else {
			j = i + 1
			i = u
			u = j - 2
		}
		s.auxsort(j, i)
	}
}

func tableSort(t *rt.Thread, a []rt.Value) int {
	tt := t.CheckTable(a, 0)
	s := &sorter{t: t, tab: tt}
	if len(a) > 1 && !a[1].IsNil() {
		if a[1].Type() != rt.TFunction {
			t.TypeError(a, 1, "function")
		}
		s.cmp = a[1]
	}
	s.auxsort(1, tt.Len())
	return 0
}
