package stdlib

import (
	"math"
	"sync"

	rt "github.com/mobilua/mobilua/runtime"
)

func num(t *rt.Thread, f float64) int { t.Push(rt.Number(f)); return 1 }

// math1 is the C library's function f of one number, its NaNs as glibc
// gives them (rt.NaNOf; posDomain: a positive one for a domain error).
func math1(name string, f func(float64) float64, posDomain ...bool) *rt.GoFunction {
	pos := len(posDomain) > 0 && posDomain[0]
	return rt.NewGoFunction(name, func(t *rt.Thread, a []rt.Value) int {
		x := t.CheckNumber(a, 0)
		return num(t, rt.NaNOf(f(x), x, pos))
	})
}

// mathLib is the math library's builtins, made once: Register copies them
// into each process (math1's closures hold nothing of a process).
var mathLib = sync.OnceValue(func() []*rt.GoFunction {
	return []*rt.GoFunction{
		rt.NewGoFunction("abs", func(t *rt.Thread, a []rt.Value) int { // (fabs clears a NaN's sign too)
			return num(t, math.Abs(t.CheckNumber(a, 0)))
		}),
		math1("acos", math.Acos, true), math1("asin", math.Asin, true),
		math1("atan", math.Atan), math1("ceil", math.Ceil), math1("cos", math.Cos),
		math1("cosh", math.Cosh), math1("deg", func(x float64) float64 { return x * 180 / math.Pi }),
		math1("exp", math.Exp), math1("floor", math.Floor), math1("log10", math.Log10, true),
		math1("rad", func(x float64) float64 { return x * math.Pi / 180 }),
		math1("sin", math.Sin), math1("sinh", math.Sinh), math1("sqrt", math.Sqrt),
		math1("tan", math.Tan), math1("tanh", math.Tanh), math1("log", math.Log),
		rt.NewGoFunction("atan2", func(t *rt.Thread, a []rt.Value) int {
			y, x := t.CheckNumber(a, 0), t.CheckNumber(a, 1)
			return num(t, rt.NaNOf2(math.Atan2(y, x), y, x))
		}),
		rt.NewGoFunction("fmod", func(t *rt.Thread, a []rt.Value) int {
			return num(t, rt.Fmod(t.CheckNumber(a, 0), t.CheckNumber(a, 1)))
		}),
		rt.NewGoFunction("pow", func(t *rt.Thread, a []rt.Value) int {
			return num(t, rt.Pow(t.CheckNumber(a, 0), t.CheckNumber(a, 1)))
		}),
		rt.NewGoFunction("ldexp", func(t *rt.Thread, a []rt.Value) int {
			return num(t, math.Ldexp(t.CheckNumber(a, 0), t.CheckInt(a, 1)))
		}),
		rt.NewGoFunction("frexp", func(t *rt.Thread, a []rt.Value) int {
			m, e := math.Frexp(t.CheckNumber(a, 0))
			t.Push(rt.Number(m))
			t.Push(rt.Number(float64(e)))
			return 2
		}),
		rt.NewGoFunction("modf", func(t *rt.Thread, a []rt.Value) int {
			x := t.CheckNumber(a, 0)
			ip, fp := math.Modf(x)
			if math.IsInf(x, 0) {
				fp = 0
			}
			t.Push(rt.Number(ip))
			t.Push(rt.Number(fp))
			return 2
		}),
		rt.NewGoFunction("min", func(t *rt.Thread, a []rt.Value) int {
			m := t.CheckNumber(a, 0)
			for i := 1; i < len(a); i++ {
				if x := t.CheckNumber(a, i); x < m {
					m = x
				}
			}
			return num(t, m)
		}),
		rt.NewGoFunction("max", func(t *rt.Thread, a []rt.Value) int {
			m := t.CheckNumber(a, 0)
			for i := 1; i < len(a); i++ {
				if x := t.CheckNumber(a, i); x > m {
					m = x
				}
			}
			return num(t, m)
		}),
		rt.NewGoFunction("random", mathRandom),
		rt.NewGoFunction("randomseed", func(t *rt.Thread, a []rt.Value) int {
			// lua5.1: srand(luaL_checkint(L, 1)), the number cut to a C int
			t.Process().Random.Seed(uint32(int32(int64(t.CheckNumber(a, 0)))))
			return 0
		}),
	}
})

func openMath(p *rt.Process) {
	p.Register("math", mathLib()...)
	m := p.Globals.GetStr("math").Table()
	m.SetStr("pi", rt.Number(math.Pi))
	m.SetStr("huge", rt.Number(math.Inf(1)))
	m.SetStr("mod", m.GetStr("fmod"))
}

func mathRandom(t *rt.Thread, a []rt.Value) int {
	// lua5.1: (rand() % RAND_MAX) / RAND_MAX
	const randMax = 1<<31 - 1
	r := float64(t.Process().Random.Next()%randMax) / randMax
	switch len(a) {
	case 0:
		return num(t, r)
	case 1:
		u := t.CheckInt(a, 0)
		if u < 1 {
			t.ArgError(1, "interval is empty")
		}
		return num(t, math.Floor(r*float64(u))+1)
	case 2:
		l, u := t.CheckInt(a, 0), t.CheckInt(a, 1)
		if l > u {
			t.ArgError(2, "interval is empty")
		}
		return num(t, math.Floor(r*float64(u-l+1))+float64(l))
	}
	t.Error("wrong number of arguments")
	return 0
}
