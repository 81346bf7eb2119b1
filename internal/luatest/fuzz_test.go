package luatest

import (
	"path/filepath"
	"testing"

	"github.com/mobilua/mobilua/runtime"
	"github.com/mobilua/mobilua/runtime/stdlib"
	"github.com/mobilua/mobilua/transpile"
)

// FuzzRun compiles and runs random programs under a step budget: the
// interpreter must end with a result or a Lua error, never a Go panic, and
// never run past the budget.
func FuzzRun(f *testing.F) {
	files, _ := filepath.Glob("../../testdata/lua/*.lua")
	for _, file := range files {
		cs, err := LoadCorpusFile(file)
		if err != nil {
			continue
		}
		for _, c := range cs {
			f.Add(c.Source)
		}
	}
	f.Add("while true do end")
	f.Add("local function f() return f() end return f()")
	f.Add("local t = setmetatable({}, {__index = function(t, k) return t[k] end}) return t.x")
	f.Fuzz(func(t *testing.T, src string) {
		proto, err := transpile.Compile([]byte(src), "@fuzz.lua", transpile.Options{File: true})
		if err != nil {
			return
		}
		p := stdlib.NewProcess(stdlib.Sandboxed, transpile.Compiler{}, discard{}, discard{})
		p.Start(runtime.ClosureValue(p.Load(runtime.NewChunk("@fuzz.lua", []byte(src), proto))))
		p.SetBudget(20000)
		st, err := p.Resume()
		if err != nil {
			if le, ok := err.(*runtime.Error); !ok {
				t.Fatalf("error of type %T", err)
			} else if s, _ := runtime.ToStringRaw(le.Value); len(s) > 15 && s[:15] == "internal error:" {
				t.Fatalf("interpreter failure: %s", s)
			}
			return
		}
		_ = st
	})
}

type discard struct{}

func (discard) Write(b []byte) (int, error) { return len(b), nil }
