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
	loaders := rt.NewTable(4, 0)
	for i, f := range searchers(pkg) {
		p.RegisterNative(f.Name, f)
		loaders.SetInt(i+1, rt.FunctionValue(f))
	}
	pkg.SetStr("loaders", rt.TableValue(loaders))
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
		rq.loaders = pkg.GetStr("loaders").Table()
		if rq.loaders == nil {
			t.Error("'package.loaders' must be a table")
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
		if err := r.Err(); err != nil {
			return nil, err
		}
		if len(vals) > 5 { // searching package.loaders (a state written before has found its loader)
			r = rt.ReadState(vals[5:], 3)
			rq.loaders, rq.next, rq.tried = r.Value().Table(), r.Int(0, 1<<30), r.Str()
		}
		if rq.loader.IsNil() && rq.done.IsNil() && rq.loaders == nil {
			return nil, fmt.Errorf("require: no loader and no searchers")
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

// requireState is require as a resumable builtin: the searchers of
// package.loaders, then the module's main chunk, run as ordinary calls
// (they may yield, and the budget applies).
type requireState struct {
	name     string
	loaded   *rt.Table
	sentinel rt.Value
	loader   rt.Value // the module's loader, once a searcher gave it
	done     rt.Value // already loaded
	asked    bool     // the loader was called
	loaders  *rt.Table
	next     int    // the searcher asked last (1-based; 0: none yet)
	tried    string // what the searchers said they tried
	args     [1]rt.Value
}

func (rq *requireState) Freeze() []rt.Value {
	loaders := rt.Nil // (none when the module was loaded already)
	if rq.loaders != nil {
		loaders = rt.TableValue(rq.loaders)
	}
	return []rt.Value{rt.String(rq.name), rq.loader, rq.done, rt.Bool(rq.asked), rt.TableValue(rq.loaded),
		loaders, rt.Number(float64(rq.next)), rt.String(rq.tried)}
}

func (rq *requireState) Step(t *rt.Thread, r rt.Value) (rt.Value, []rt.Value, int) {
	if !rq.done.IsNil() {
		t.Push(rq.done)
		return rt.Nil, nil, 1
	}
	rq.args[0] = rt.String(rq.name)
	if rq.loader.IsNil() && rq.next > 0 {
		// what the searcher asked last said (lua5.1 keeps one result)
		if r.Type() == rt.TFunction {
			rq.loader = r
		} else if s, ok := rt.ToStringRaw(r); ok { // (a number too, as lua_isstring)
			rq.tried += s
		}
	}
	if rq.loader.IsNil() { // the next searcher
		rq.next++
		f := rq.loaders.GetInt(rq.next)
		if f.IsNil() {
			t.Error("module '%s' not found:%s", rq.name, rq.tried)
		}
		return f, rq.args[:], rt.Call
	}
	if !rq.asked {
		rq.asked = true
		rq.loaded.SetStr(rq.name, rq.sentinel)
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

// searchers are package.loaders as lua5.1 makes them: package.preload,
// Lua files along package.path, and the two of C modules, which find
// nothing to load here (no C modules: only what they tried).
func searchers(pkg *rt.Table) []*rt.GoFunction {
	return []*rt.GoFunction{
		rt.NewGoFunction("package.loader_preload", func(t *rt.Thread, a []rt.Value) int {
			name := t.CheckString(a, 0)
			preload := pkg.GetStr("preload").Table()
			if preload == nil {
				t.Error("'package.preload' must be a table")
			}
			if f := preload.GetStr(name); !f.IsNil() {
				t.Push(f)
				return 1
			}
			t.Push(rt.String("\n\tno field package.preload['" + name + "']"))
			return 1
		}),
		rt.NewGoFunction("package.loader_Lua", func(t *rt.Thread, a []rt.Value) int {
			name := t.CheckString(a, 0)
			cand, src, tried := findFile(t, pkg, "path", name)
			if src == nil {
				t.Push(rt.String(tried))
				return 1
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
			t.Push(rt.ClosureValue(cl))
			return 1
		}),
		rt.NewGoFunction("package.loader_C", func(t *rt.Thread, a []rt.Value) int {
			return cSearch(t, pkg, t.CheckString(a, 0))
		}),
		rt.NewGoFunction("package.loader_Croot", func(t *rt.Thread, a []rt.Value) int {
			name := t.CheckString(a, 0)
			root, _, dotted := strings.Cut(name, ".")
			if !dotted {
				return 0 // lua5.1's loader_Croot: a root name is loader_C's
			}
			return cSearch(t, pkg, root)
		}),
	}
}

// findFile is lua5.1's findfile: the first file along package[field]
// that reads, its name and content, or what it tried.
func findFile(t *rt.Thread, pkg *rt.Table, field, name string) (string, []byte, string) {
	ps, ok := pkg.GetStr(field).Str()
	if !ok {
		t.Error("'package.%s' must be a string", field)
	}
	file := strings.ReplaceAll(name, ".", "/")
	var tried strings.Builder
	for _, tmpl := range strings.Split(ps, ";") {
		if tmpl == "" {
			continue
		}
		cand := strings.ReplaceAll(tmpl, "?", file)
		if src, err := os.ReadFile(cand); err == nil {
			return cand, src, ""
		}
		tried.WriteString("\n\tno file '" + cand + "'")
	}
	return "", nil, tried.String()
}

// cSearch looks for a C module along package.cpath: one found cannot be
// loaded here (lua5.1 would dlopen it), one not found is what it tried.
func cSearch(t *rt.Thread, pkg *rt.Table, name string) int {
	cand, src, tried := findFile(t, pkg, "cpath", name)
	if src != nil {
		t.Throw(rt.String(fmt.Sprintf("error loading module '%s' from file '%s':\n\tC modules cannot be loaded by Mobilua", name, cand)))
	}
	t.Push(rt.String(tried))
	return 1
}
