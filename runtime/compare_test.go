package runtime

import (
	"fmt"
	"math"
	"testing"

	"github.com/mobilua/mobilua/ir"
)

// TestCompareRulesAgree holds the copies of the comparison rules equal
// over every pair of value kinds, for ==, < and <=: the interpreter's
// number fast path, compare (the rule itself, metamethods aside: none of
// these values has one), ComparePlain (compiled code's plain cases) and
// LessThan (table.sort's <). Compiled code's own fast path is the
// interpreter's (numbers only); testdata/lua/compare.lua runs every pair
// through both engines and lua5.1, metamethods included.
func TestCompareRulesAgree(t *testing.T) {
	p := NewProcess()
	th := p.Main
	f := FunctionValue(NewGoFunction("f", func(*Thread, []Value) int { return 0 }))
	vals := []Value{Nil, False, True, Number(0), Number(math.Copysign(0, -1)), Number(1), Number(-1.5),
		Number(math.Inf(1)), Number(math.Inf(-1)), Number(math.NaN()), String(""), String("a"), String("b"),
		String("10"), String(fmt.Sprint(10)), String("9"), String("a\x00b"), TableValue(NewTable(0, 0)), TableValue(NewTable(0, 0)),
		f, FunctionValue(NewGoFunction("f", nil)), ThreadValue(p.newThread()), UserdataValue(&Userdata{})}
	// the rule, as the interpreter's slow path decides it; "error" when it raises
	rule := func(op ir.Op, a, b Value) (res string) {
		defer func() {
			if r := recover(); r != nil {
				res = "error"
			}
		}()
		r, pushed := p.compare(th, op, a, b, 1)
		if pushed {
			return "metamethod"
		}
		return fmt.Sprint(r)
	}
	for _, op := range []ir.Op{ir.EQ, ir.LT, ir.LE} {
		for i, a := range vals {
			for j, b := range vals {
				want := rule(op, a, b)
				if isNum(&a) && isNum(&b) { // vm.go's fast path
					fast := map[ir.Op]bool{ir.EQ: a.n == b.n, ir.LT: a.n < b.n, ir.LE: a.n <= b.n}[op]
					if fmt.Sprint(fast) != want {
						t.Errorf("%v %s %s: fast path %v, compare %s", op, Repr(a), Repr(b), fast, want)
					}
				}
				// (where it is not ok, compiled code calls compare)
				if res, ok := ComparePlain(a, b, op); ok && fmt.Sprint(res) != want {
					t.Errorf("%v vals[%d] vals[%d]: ComparePlain %v, compare %s", op, i, j, res, want)
				}
				if op == ir.LT {
					if got := lessThan(th, a, b); got != want {
						t.Errorf("vals[%d] < vals[%d]: LessThan %s, compare %s", i, j, got, want)
					}
				}
			}
		}
	}
}

func lessThan(th *Thread, a, b Value) (res string) {
	defer func() {
		if r := recover(); r != nil {
			res = "error"
		}
	}()
	return fmt.Sprint(th.LessThan(a, b))
}
