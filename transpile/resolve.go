package transpile

import (
	"github.com/yuin/gopher-lua/ast"
)

// The resolve pass. It walks a chunk once, before lowering, and decides
// what every name means: a local of the function it appears in, an upvalue
// (a local of an enclosing function, reached through a chain of upvalues),
// or a global. It records which locals are captured by closures (their
// blocks must close them), the upvalue list of every function in order of
// first reference (Lua's numbering), and where '...' may be used. The
// lowering pass then only assigns registers and emits code.

// Local is a named local variable.
type Local struct {
	Name     string
	Captured bool // some closure refers to it
	used     bool // some name refers to it
	reg      int  // assigned by the lowering
}

type bindKind uint8

const (
	bindGlobal bindKind = iota
	bindLocal
	bindUpval
)

type binding struct {
	kind  bindKind
	local *Local // bindLocal
	upval int    // bindUpval: index in the function's upvalues
}

// upvalInfo says where a function finds an upvalue when it is created.
type upvalInfo struct {
	name     string
	local    *Local // a local of the enclosing function, or
	parentUp int    // an upvalue of the enclosing function
}

type funcInfo struct {
	upvals []upvalInfo
	vararg bool
	dots   bool   // the function's own body uses '...'
	arg    *Local // the implicit local arg of a vararg function, when named
}

// declKey names a declaration: a node and the index of the name in it
// (-1: the implicit self of a method).
type declKey struct {
	node any
	i    int
}

// resolution is what the resolve pass found.
type resolution struct {
	idents map[*ast.IdentExpr]binding
	funcs  map[*ast.FunctionExpr]*funcInfo
	decls  map[declKey]*Local
}

type rscope struct {
	parent *rscope // enclosing function's scope state
	info   *funcInfo
	locals []*Local // active, innermost last
	line   int      // where the function is defined
}

type resolver struct {
	c   *compiler
	res *resolution
	fn  *rscope
}

func (c *compiler) resolve(t *tree) *resolution {
	r := &resolver{c: c, res: &resolution{
		idents: make(map[*ast.IdentExpr]binding, t.idents),
		funcs:  make(map[*ast.FunctionExpr]*funcInfo, t.funcs),
		decls:  make(map[declKey]*Local, t.decls+t.funcs), // (+ each vararg function's arg)
	}}
	r.fn = &rscope{info: &funcInfo{vararg: true}}
	r.block(t.stmts)
	return r.res
}

func (r *resolver) declare(node any, i int, name string) {
	l := &Local{Name: name}
	r.res.decls[declKey{node, i}] = l
	r.fn.locals = append(r.fn.locals, l)
}

func (r *resolver) block(stmts []ast.Stmt) {
	n := len(r.fn.locals)
	for _, s := range stmts {
		r.stmt(s)
	}
	r.fn.locals = r.fn.locals[:n]
}

// find resolves name in function scope f, adding upvalues on the way.
func (r *resolver) find(f *rscope, name string) binding {
	for i := len(f.locals) - 1; i >= 0; i-- {
		if f.locals[i].Name == name {
			f.locals[i].used = true
			return binding{kind: bindLocal, local: f.locals[i]}
		}
	}
	for i, u := range f.info.upvals {
		if u.name == name {
			return binding{kind: bindUpval, upval: i}
		}
	}
	if f.parent == nil {
		return binding{kind: bindGlobal}
	}
	outer := r.find(f.parent, name)
	var u upvalInfo
	switch outer.kind {
	case bindGlobal:
		return outer
	case bindLocal:
		outer.local.Captured = true
		u = upvalInfo{name: name, local: outer.local}
	case bindUpval:
		u = upvalInfo{name: name, parentUp: outer.upval}
	}
	f.info.upvals = append(f.info.upvals, u)
	return binding{kind: bindUpval, upval: len(f.info.upvals) - 1}
}

func (r *resolver) stmt(s ast.Stmt) {
	switch x := s.(type) {
	case *ast.AssignStmt:
		r.exprs(x.Lhs)
		r.exprs(x.Rhs)
	case *ast.LocalAssignStmt:
		if f, ok := localFunction(x); ok {
			r.declare(x, 0, x.Names[0])
			r.function(f, false)
			return
		}
		r.exprs(x.Exprs)
		for i, n := range x.Names {
			r.declare(x, i, n)
		}
	case *ast.FuncCallStmt:
		r.expr(x.Expr)
	case *ast.DoBlockStmt:
		r.block(x.Stmts)
	case *ast.WhileStmt:
		r.expr(x.Condition)
		r.block(x.Stmts)
	case *ast.RepeatStmt:
		n := len(r.fn.locals)
		for _, st := range x.Stmts {
			r.stmt(st)
		}
		r.expr(x.Condition) // sees the body's locals
		r.fn.locals = r.fn.locals[:n]
	case *ast.IfStmt:
		r.expr(x.Condition)
		r.block(x.Then)
		r.block(x.Else)
	case *ast.NumberForStmt:
		r.expr(x.Init)
		r.expr(x.Limit)
		if x.Step != nil {
			r.expr(x.Step)
		}
		n := len(r.fn.locals)
		r.declare(x, 0, x.Name)
		r.block(x.Stmts)
		r.fn.locals = r.fn.locals[:n]
	case *ast.GenericForStmt:
		r.exprs(x.Exprs)
		n := len(r.fn.locals)
		for i, name := range x.Names {
			r.declare(x, i, name)
		}
		r.block(x.Stmts)
		r.fn.locals = r.fn.locals[:n]
	case *ast.FuncDefStmt:
		if x.Name.Method != "" {
			r.expr(x.Name.Receiver)
		} else {
			r.expr(x.Name.Func)
		}
		r.function(x.Func, x.Name.Method != "")
	case *ast.ReturnStmt:
		r.exprs(x.Exprs)
	case *ast.BreakStmt, *ast.LabelStmt, *ast.GotoStmt:
	}
}

func (r *resolver) exprs(es []ast.Expr) {
	for _, e := range es {
		r.expr(e)
	}
}

func (r *resolver) expr(e ast.Expr) {
	switch x := e.(type) {
	case *ast.IdentExpr:
		r.res.idents[x] = r.find(r.fn, x.Value)
	case *ast.Comma3Expr:
		// ('...' outside a vararg function: the parser's error)
		r.fn.info.dots = true
	case *ast.AttrGetExpr:
		r.expr(x.Object)
		r.expr(x.Key)
	case *ast.TableExpr:
		for _, f := range x.Fields {
			if f.Key != nil {
				r.expr(f.Key)
			}
			r.expr(f.Value)
		}
	case *ast.FuncCallExpr:
		if x.Receiver != nil {
			r.expr(x.Receiver)
		} else {
			r.expr(x.Func)
		}
		r.exprs(x.Args)
	case *ast.LogicalOpExpr:
		r.expr(x.Lhs)
		r.expr(x.Rhs)
	case *ast.RelationalOpExpr:
		r.expr(x.Lhs)
		r.expr(x.Rhs)
	case *ast.StringConcatOpExpr:
		r.expr(x.Lhs)
		r.expr(x.Rhs)
	case *ast.ArithmeticOpExpr:
		r.expr(x.Lhs)
		r.expr(x.Rhs)
	case *ast.UnaryMinusOpExpr:
		r.expr(x.Expr)
	case *ast.UnaryNotOpExpr:
		r.expr(x.Expr)
	case *ast.UnaryLenOpExpr:
		r.expr(x.Expr)
	case *ast.FunctionExpr:
		r.function(x, false)
	case *ast.NilExpr, *ast.TrueExpr, *ast.FalseExpr, *ast.NumberExpr, *ast.StringExpr:
	}
}

func (r *resolver) function(f *ast.FunctionExpr, method bool) {
	info := &funcInfo{vararg: f.ParList.HasVargs}
	r.res.funcs[f] = info
	r.fn = &rscope{parent: r.fn, info: info, line: f.Line()}
	if method {
		r.declare(f, -1, "self")
	}
	for i, n := range f.ParList.Names {
		r.declare(f, i, n)
	}
	// Lua 5.1's compatibility, as lua5.1 is built (LUA_COMPAT_VARARG): a
	// vararg function has a local arg after its parameters, the table of
	// its varargs when it does not use '...' (nil when it does). It is
	// kept only when some name refers to it, so that other functions
	// compile as they always have (stored continuations name their code
	// by what it compiles to).
	var arg *Local
	if f.ParList.HasVargs {
		arg = &Local{Name: "arg"}
		r.fn.locals = append(r.fn.locals, arg)
	}
	r.block(f.Stmts)
	if arg != nil && arg.used {
		info.arg = arg
	}
	r.fn = r.fn.parent
}

// localFunction reports whether x is `local function f` (f in scope in its
// own body) rather than `local f = function` (gopher-lua gives both the
// same node; only the first has a last line).
func localFunction(x *ast.LocalAssignStmt) (*ast.FunctionExpr, bool) {
	if x.LastLine() != 0 && len(x.Exprs) == 1 {
		f, ok := x.Exprs[0].(*ast.FunctionExpr)
		return f, ok
	}
	return nil, false
}
