package stdlib

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	rt "github.com/mobilua/mobilua/runtime"
)

// DefaultPath is package.path when LUA_PATH is not set (Lua 5.1's, with
// Debian's directories).
const DefaultPath = "./?.lua;/usr/local/share/lua/5.1/?.lua;/usr/local/share/lua/5.1/?/init.lua;" +
	"/usr/local/lib/lua/5.1/?.lua;/usr/local/lib/lua/5.1/?/init.lua;/usr/share/lua/5.1/?.lua;/usr/share/lua/5.1/?/init.lua"

// OpenPackage installs require, module and the package table. scriptDir,
// when not empty, is searched first (the directory of the running script).
func OpenPackage(p *rt.Process, scriptDir string) {
	pkg := rt.NewTable(0, 8)
	pkg.SetStr("path", rt.String(packagePath(scriptDir)))
	pkg.SetStr("cpath", rt.String(""))
	pkg.SetStr("config", rt.String("/\n;\n?\n!\n-"))
	loaded := rt.NewTable(0, 16)
	for _, name := range []string{"_G", "string", "table", "math", "os", "io", "coroutine", "debug"} {
		if v := p.Globals.GetStr(name); !v.IsNil() {
			if name == "_G" {
				loaded.SetStr(name, rt.TableValue(p.Globals))
			} else {
				loaded.SetStr(name, v)
			}
		}
	}
	pkg.SetStr("loaded", rt.TableValue(loaded))
	preload := rt.NewTable(0, 0)
	pkg.SetStr("preload", rt.TableValue(preload))
	seeall := rt.NewGoFunction("package.seeall", func(t *rt.Thread, a []rt.Value) int {
		m := t.CheckTable(a, 0)
		mt := m.Meta()
		if mt == nil {
			mt = rt.NewTable(0, 1)
			m.SetMeta(mt)
		}
		mt.SetStr("__index", rt.TableValue(t.Globals()))
		return 0
	})
	p.RegisterNative(seeall.Name, seeall)
	pkg.SetStr("seeall", rt.FunctionValue(seeall))
	p.Globals.SetStr("package", rt.TableValue(pkg))
	loaded.SetStr("package", rt.TableValue(pkg))

	sentinelU := &rt.Userdata{Name: "package.loading"} // not a table: module() must not take it
	p.RegisterNative(sentinelU.Name, sentinelU)
	sentinel := rt.UserdataValue(sentinelU)
	p.Register("", rt.NewResumable("require", func(t *rt.Thread, a []rt.Value) rt.Continuation {
		name := t.CheckString(a, 0)
		rq := &requireState{name: name, loaded: loaded, sentinel: sentinel}
		if v := loaded.GetStr(name); v.Truthy() { // lua5.1 tests truth: false loads again
			if rt.RawEqual(v, sentinel) {
				t.Error("loop or previous error loading module '%s'", name)
			}
			rq.done = v
			return rq
		}
		var tried strings.Builder
		if f := preload.GetStr(name); !f.IsNil() {
			rq.loader = f
		} else {
			tried.WriteString("\n\tno field package.preload['" + name + "']")
			ps, _ := pkg.GetStr("path").Str()
			file := strings.ReplaceAll(name, ".", "/")
			for _, tmpl := range strings.Split(ps, ";") {
				if tmpl == "" {
					continue
				}
				cand := strings.ReplaceAll(tmpl, "?", file)
				src, err := os.ReadFile(cand)
				if err != nil {
					tried.WriteString("\n\tno file '" + cand + "'")
					continue
				}
				if len(src) > 0 && src[0] == '#' {
					if i := strings.IndexByte(string(src), '\n'); i >= 0 {
						src = append([]byte("--"), src[i:]...)
					}
				}
				cl, err := t.Load(src, "@"+cand)
				if err != nil {
					// raised by lua5.1's loader, a C function: no position
					t.Throw(rt.String(fmt.Sprintf("error loading module '%s' from file '%s':\n\t%s", name, cand, err.Error())))
				}
				rq.loader = rt.ClosureValue(cl)
				break
			}
		}
		if rq.loader.IsNil() {
			t.Error("module '%s' not found:%s", name, tried.String())
		}
		return rq
	}, func(vals []rt.Value) (rt.Continuation, error) {
		r := rt.ReadState(vals, 5)
		rq := &requireState{name: r.Str(), loaded: loaded, sentinel: sentinel, loader: r.Value(), done: r.Value(), asked: r.Bool()}
		if l := r.Table(); l != loaded {
			// package.loaded is the same table after a thaw only when the
			// thawed process's library was rebuilt in place; keep the frozen one
			rq.loaded = l
		}
		return rq, r.Err()
	}), rt.NewGoFunction("module", func(t *rt.Thread, a []rt.Value) int {
		name := t.CheckString(a, 0)
		m := loaded.GetStr(name).Table()
		if m == nil {
			// find or create the global name.a.b
			cur := t.Globals()
			for _, part := range strings.Split(name, ".") {
				v := cur.GetStr(part)
				next := v.Table()
				if next == nil && !v.IsNil() { // lua5.1's luaL_findtable
					t.Error("name conflict for module '%s'", name)
				}
				if next == nil {
					next = rt.NewTable(0, 4)
					cur.SetStr(part, rt.TableValue(next))
				}
				cur = next
			}
			m = cur
			loaded.SetStr(name, rt.TableValue(m))
		}
		if m.GetStr("_NAME").IsNil() {
			m.SetStr("_M", rt.TableValue(m))
			m.SetStr("_NAME", rt.String(name))
			pk := ""
			if i := strings.LastIndexByte(name, '.'); i >= 0 {
				pk = name[:i+1]
			}
			m.SetStr("_PACKAGE", rt.String(pk))
		}
		if cl := t.CallerClosure(); cl != nil {
			cl.Env = m
		}
		for _, opt := range a[1:] {
			t.Call(opt, rt.TableValue(m))
		}
		return 0
	}))
}

func packagePath(scriptDir string) string {
	path := DefaultPath
	if env, ok := os.LookupEnv("LUA_PATH"); ok {
		path = strings.ReplaceAll(env, ";;", ";"+DefaultPath+";")
	}
	if scriptDir != "" && scriptDir != "." {
		path = filepath.Join(scriptDir, "?.lua") + ";" + path
	}
	return path
}

// SetScriptDir puts a script's directory first in package.path, as
// OpenPackage(p, dir) does; an embedder that seals its processes
// (SealNatives) before knowing the script calls it after.
func SetScriptDir(p *rt.Process, dir string) {
	if pkg := p.Globals.GetStr("package").Table(); pkg != nil {
		pkg.SetStr("path", rt.String(packagePath(dir)))
	}
}

// requireState is require as a resumable builtin: the module's main chunk
// runs as an ordinary call (it may yield, and the budget applies).
type requireState struct {
	name     string
	loaded   *rt.Table
	sentinel rt.Value
	loader   rt.Value
	done     rt.Value // already loaded
	asked    bool
	args     [1]rt.Value
}

func (rq *requireState) Freeze() []rt.Value {
	return []rt.Value{rt.String(rq.name), rq.loader, rq.done, rt.Bool(rq.asked), rt.TableValue(rq.loaded)}
}

func (rq *requireState) Step(t *rt.Thread, r rt.Value) (rt.Value, []rt.Value, int) {
	if !rq.done.IsNil() {
		t.Push(rq.done)
		return rt.Nil, nil, 1
	}
	if !rq.asked {
		rq.asked = true
		rq.loaded.SetStr(rq.name, rq.sentinel)
		rq.args[0] = rt.String(rq.name)
		return rq.loader, rq.args[:], rt.Call
	}
	if !r.IsNil() {
		rq.loaded.SetStr(rq.name, r)
	}
	if v := rq.loaded.GetStr(rq.name); rt.RawEqual(v, rq.sentinel) {
		rq.loaded.SetStr(rq.name, rt.True)
	}
	t.Push(rq.loaded.GetStr(rq.name))
	return rt.Nil, nil, 1
}
