package mobilua_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mobilua/mobilua"
)

func ExampleState_DoString() {
	L := mobilua.NewState(mobilua.Options{})
	if err := L.DoString(`print("hello from Lua " .. _VERSION)`); err != nil {
		fmt.Println(err)
	}
	// Output: hello from Lua Lua 5.1
}

func ExampleState_DoString_error() {
	L := mobilua.NewState(mobilua.Options{})
	err := L.DoString("local t = nil\nprint(t.x)")
	fmt.Println(err)
	var lerr *mobilua.Error
	if errors.As(err, &lerr) {
		fmt.Println(strings.Split(lerr.Traceback, "\n")[0])
	}
	// Output:
	// [string "local t = nil..."]:2: attempt to index local 't' (a nil value)
	// stack traceback:
}

func ExampleState_DoFile() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "greet.lua")
	os.WriteFile(path, []byte("greeting = 'hi'\nerror('oops')"), 0o644)
	L := mobilua.NewState(mobilua.Options{})
	err := L.DoFile(path)
	fmt.Println(L.GetGlobal("greeting"), strings.TrimPrefix(err.Error(), dir+"/"))
	// Output: hi greet.lua:2: oops
}

func ExampleOptions_funcs() {
	L := mobilua.NewState(mobilua.Options{Funcs: map[string]mobilua.Func{
		"double": func(args *mobilua.Args) ([]mobilua.Value, error) {
			return []mobilua.Value{mobilua.Number(2 * args.Number(1))}, nil
		},
		"strings.upper": func(args *mobilua.Args) ([]mobilua.Value, error) {
			if args.Len() > 1 {
				return nil, errors.New("one string expected")
			}
			return []mobilua.Value{mobilua.String(strings.ToUpper(args.String(1)))}, nil
		},
	}})
	L.DoString(`print(double(21), strings.upper("shout"))`)
	fmt.Println(L.DoString(`double("x")`))
	fmt.Println(L.DoString(`strings.upper("a", "b")`))
	// Output:
	// 42	SHOUT
	// [string "double("x")"]:1: bad argument #1 to 'double' (number expected, got string)
	// [string "strings.upper("a", "b")"]:1: one string expected
}

func ExampleState_Call() {
	L := mobilua.NewState(mobilua.Options{})
	L.DoString(`function divmod(a, b) return math.floor(a / b), a % b end`)
	res, err := L.Call(L.GetGlobal("divmod"), mobilua.Number(17), mobilua.Number(5))
	fmt.Println(res, err)
	// Output: [3 2] <nil>
}

func ExampleState_SetGlobal() {
	L := mobilua.NewState(mobilua.Options{})
	t := L.NewTable(0, 2)
	t.SetStr("name", mobilua.String("Ada"))
	t.SetStr("year", mobilua.Number(1815))
	L.SetGlobal("person", mobilua.TableValue(t))
	L.DoString(`total = person.year + 200`)
	fmt.Println(L.GetGlobal("total"), L.GetGlobal("person").Table().GetStr("name"))
	// Output: 2015 Ada
}

func ExampleState_Resume() {
	L := mobilua.NewState(mobilua.Options{})
	fn, _ := L.Load(`
		local sum = 0
		for i = 1, 3 do
			sum = sum + mb.yield("need a number", i)   -- Go answers
		end
		return "sum", sum`, "=adder")
	L.Start(fn)
	vals, done, err := L.Resume()
	for !done && err == nil {
		fmt.Println("Lua asks:", vals)
		vals, done, err = L.Resume(mobilua.Number(vals[1].Num() * 10))
	}
	fmt.Println(vals, err)
	// Output:
	// Lua asks: [need a number 1]
	// Lua asks: [need a number 2]
	// Lua asks: [need a number 3]
	// [sum 60] <nil>
}

func ExampleState_Freeze() {
	L := mobilua.NewState(mobilua.Options{})
	fn, _ := L.Load(`
		local count = 0
		while true do
			count = count + 1
			mb.yield(count)
		end`, "=counter")
	L.Start(fn)
	L.Resume()
	vals, _, _ := L.Resume()
	b, err := L.Freeze() // the running loop, its local, the globals: bytes
	fmt.Println(vals, err)

	L2, err := mobilua.Thaw(b, mobilua.Options{}) // elsewhere, later
	vals, _, _ = L2.Resume()
	fmt.Println(vals, err)
	// Output:
	// [2] <nil>
	// [3] <nil>
}

func ExampleState_Freeze_idle() {
	L := mobilua.NewState(mobilua.Options{})
	L.DoString(`names = {"a", "b"} function greet(n) return "hello " .. n end`)
	b, _ := L.Freeze() // between calls: the globals
	L2, _ := mobilua.Thaw(b, mobilua.Options{})
	res, err := L2.Call(L2.GetGlobal("greet"), L2.GetGlobal("names").Table().GetInt(2))
	fmt.Println(res, err)
	// Output: [hello b] <nil>
}

func ExampleOptions_limits() {
	L := mobilua.NewState(mobilua.Options{MaxSteps: 10000, Sandbox: true})
	fmt.Println(L.DoString(`while true do end`))
	fmt.Println(L.DoString(`print(io, os.execute)`))

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	L = mobilua.NewState(mobilua.Options{Context: ctx, MaxMemory: 1 << 20})
	err := L.DoString(`local t = {} for i = 1, 1e6 do t[i] = ("x"):rep(100) .. i end`)
	msg, _, _ := strings.Cut(err.Error(), "exceeded")
	fmt.Println(msg + "exceeded")
	fmt.Println(L.DoString("local n = 0\nwhile true do n = n + 1 end"))
	// Output:
	// [string "while true do end"]:1: step limit exceeded (10000 steps)
	// nil	nil
	// <nil>
	// [string "local t = {} for i = 1, 1e6 do t[i] = ("x")..."]:1: memory limit exceeded
	// [string "local n = 0..."]:2: context deadline exceeded
}

func ExampleNewState() {
	var out strings.Builder
	L := mobilua.NewState(mobilua.Options{Stdout: &out})
	L.DoString(`io.write("captured ", 42)`)
	fmt.Println(out.String())
	// Output: captured 42
}

func ExampleState_Load() {
	L := mobilua.NewState(mobilua.Options{})
	fn, err := L.Load("return ...", "=echo")
	fmt.Println(err)
	res, _ := L.Call(fn, mobilua.String("a"), mobilua.Number(1))
	fmt.Println(res)
	_, err = L.Load("return +", "=broken")
	fmt.Println(err)
	// Output:
	// <nil>
	// [a 1]
	// broken:1: unexpected symbol near '+'
}

func ExampleThaw() {
	L := mobilua.NewState(mobilua.Options{})
	L.DoString(`visits = 1`)
	b, _ := L.Freeze()
	for i := 0; i < 3; i++ { // each thaw starts from the same bytes
		L2, _ := mobilua.Thaw(b, mobilua.Options{})
		L2.DoString(`visits = visits + 1`)
		fmt.Print(L2.GetGlobal("visits"), " ")
	}
	_, err := mobilua.Thaw(b[:len(b)/2], mobilua.Options{})
	fmt.Println(err != nil)
	// Output: 2 2 2 true
}

func ExampleArgs_Call() {
	L := mobilua.NewState(mobilua.Options{Funcs: map[string]mobilua.Func{
		// apply(f, x) calls the Lua function f from Go
		"apply": func(a *mobilua.Args) ([]mobilua.Value, error) {
			return a.Call(a.Value(1), a.Value(2)), nil
		},
	}})
	L.DoString(`print(apply(function(x) return x * x, "squared" end, 12))`)
	// Output: 144	squared
}
