package transpile

import (
	"github.com/mobilua/mobilua/transpile/ast"
)

// The resolve pass. It walks a chunk once, before lowering, and decides
// what every name means: a local of the function it appears in, an upvalue
// (a local of an enclosing function, reached through a chain of upvalues),
// or a global. It records which locals are captured by closures (their
// blocks must close them), the upvalue list of every function in order of
// first reference (Lua's numbering), and where '...' may be used. The
// lowering pass then only assigns registers and emits code.

// The resolver annotates the tree (package ast's resolution fields): each
// IdentExpr's Bind, each declaration's locals, each function's Info.

type rscope struct {
	parent *rscope // enclosing function's scope state
	info   *ast.FuncInfo
	locals []*ast.Local // active, innermost last
	line   int          // where the function is defined
}

type resolver struct {
	c      *compiler
	fn     *rscope
	locals slab[ast.Local]
	infos  slab[ast.FuncInfo]
	spare  []*rscope // of functions resolved, for the next ones
}

// resolver returns a resolver for a chunk's main function: its stmt
// resolves each of the chunk's statements in order.
func (c *compiler) resolver() *resolver {
	return &resolver{c: c, fn: &rscope{info: &ast.FuncInfo{Vararg: true}}}
}

// declare makes a local named name and brings it into scope.
func (r *resolver) declare(name string) *ast.Local {
	l := r.locals.get()
	l.Name = name
	r.fn.locals = append(r.fn.locals, l)
	return l
}

// declareAll declares names in order.
func (r *resolver) declareAll(names []string) []*ast.Local {
	ls := make([]*ast.Local, len(names))
	for i, n := range names {
		ls[i] = r.declare(n)
	}
	return ls
}

func (r *resolver) block(stmts []ast.Stmt) {
	n := len(r.fn.locals)
	for _, s := range stmts {
		r.stmt(s)
	}
	r.fn.locals = r.fn.locals[:n]
}

// find resolves name in function scope f, adding upvalues on the way.
func (r *resolver) find(f *rscope, name string) ast.Binding {
	for i := len(f.locals) - 1; i >= 0; i-- {
		if f.locals[i].Name == name {
			f.locals[i].Used = true
			return ast.Binding{Kind: ast.BindLocal, Local: f.locals[i]}
		}
	}
	for i, u := range f.info.Upvals {
		if u.Name == name {
			return ast.Binding{Kind: ast.BindUpval, Upval: i}
		}
	}
	if f.parent == nil {
		return ast.Binding{Kind: ast.BindGlobal}
	}
	outer := r.find(f.parent, name)
	var u ast.Upval
	switch outer.Kind {
	case ast.BindGlobal:
		return outer
	case ast.BindLocal:
		outer.Local.Captured = true
		u = ast.Upval{Name: name, Local: outer.Local}
	case ast.BindUpval:
		u = ast.Upval{Name: name, ParentUp: outer.Upval}
	}
	f.info.Upvals = append(f.info.Upvals, u)
	return ast.Binding{Kind: ast.BindUpval, Upval: len(f.info.Upvals) - 1}
}

func (r *resolver) stmt(s ast.Stmt) {
	switch x := s.(type) {
	case *ast.AssignStmt:
		r.exprs(x.Lhs)
		r.exprs(x.Rhs)
	case *ast.LocalAssignStmt:
		if f, ok := localFunction(x); ok {
			x.Locals = []*ast.Local{r.declare(x.Names[0])}
			r.function(f, false)
			return
		}
		r.exprs(x.Exprs)
		x.Locals = r.declareAll(x.Names)
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
		x.Local = r.declare(x.Name)
		r.block(x.Stmts)
		r.fn.locals = r.fn.locals[:n]
	case *ast.GenericForStmt:
		r.exprs(x.Exprs)
		n := len(r.fn.locals)
		x.Locals = r.declareAll(x.Names)
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
	case *ast.BreakStmt:
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
		x.Bind = r.find(r.fn, x.Value)
	case *ast.Comma3Expr:
		// ('...' outside a vararg function: the parser's error)
		r.fn.info.Dots = true
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
	info := newNode(&r.infos, ast.FuncInfo{Vararg: f.ParList.HasVargs})
	f.Info = info
	s := reuse(&r.spare)
	*s = rscope{parent: r.fn, info: info, line: f.Line(), locals: s.locals[:0]}
	r.fn = s
	if method {
		f.Self = r.declare("self")
	}
	f.Params = r.declareAll(f.ParList.Names)
	// Lua 5.1's compatibility, as lua5.1 is built (LUA_COMPAT_VARARG): a
	// vararg function has a local arg after its parameters, the table of
	// its varargs when it does not use '...' (nil when it does). It is
	// kept only when some name refers to it in code of generation 1.
	var arg *ast.Local
	if f.ParList.HasVargs {
		arg = r.declare("arg")
	}
	r.block(f.Stmts)
	if arg != nil && (arg.Used || r.c.gen >= 2) {
		info.Arg = arg
	}
	r.fn = s.parent
	r.spare = append(r.spare, s)
}

// localFunction returns the function of `local function f` (f in scope in
// its own body), not of `local f = function`.
func localFunction(x *ast.LocalAssignStmt) (*ast.FunctionExpr, bool) {
	if !x.Function {
		return nil, false
	}
	return x.Exprs[0].(*ast.FunctionExpr), true
}
