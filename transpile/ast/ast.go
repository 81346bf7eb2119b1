// Package ast is the syntax tree of a Lua 5.1 chunk, as package transpile's
// parser builds it and its resolver annotates it: what every name refers to
// (IdentExpr.Bind), the locals each declaration makes, and what each
// function needs of its enclosing ones (FunctionExpr.Info), as go/ast once
// kept an identifier's object in the tree.
//
// The nodes have the shapes and lines of gopher-lua's ast package, whose
// parser Mobilua used first: the lowering was written against them, and the
// code made from a chunk (which stored continuations name by fingerprint)
// did not change when the parser became Mobilua's own. A node's line is the
// line of its first token, except where a node says otherwise (an operator
// has its first operand's line; a parenthesized expression the line of its
// '('); LastLine, where set, is the line of its last token.
//
// This package imports nothing of Mobilua's.
package ast

// Node is a node's position.
type Node struct {
	line     int
	lastline int
}

func (n *Node) Line() int            { return n.line }
func (n *Node) SetLine(line int)     { n.line = line }
func (n *Node) LastLine() int        { return n.lastline }
func (n *Node) SetLastLine(line int) { n.lastline = line }

// PositionHolder is what every node has.
type PositionHolder interface {
	Line() int
	SetLine(int)
	LastLine() int
	SetLastLine(int)
}

// Expr is an expression.
type Expr interface {
	PositionHolder
	exprMarker()
}

// Stmt is a statement.
type Stmt interface {
	PositionHolder
	stmtMarker()
}

type ExprBase struct{ Node }

func (*ExprBase) exprMarker() {}

type StmtBase struct{ Node }

func (*StmtBase) stmtMarker() {}

// ---- expressions

type TrueExpr struct{ ExprBase }
type FalseExpr struct{ ExprBase }
type NilExpr struct{ ExprBase }

// NumberExpr is a numeral as written (the lowering converts it).
type NumberExpr struct {
	ExprBase
	Value string
}

// StringExpr is a string's value (escapes decoded).
type StringExpr struct {
	ExprBase
	Value string
}

// Comma3Expr is '...'; AdjustRet: in parentheses, cut to one value.
type Comma3Expr struct {
	ExprBase
	AdjustRet bool
}

// IdentExpr is a name; Bind is what it refers to (the resolver's).
type IdentExpr struct {
	ExprBase
	Value string
	Bind  Binding
}

// AttrGetExpr is Object[Key] (or Object.Key, Key a StringExpr).
type AttrGetExpr struct {
	ExprBase
	Object Expr
	Key    Expr
}

type TableExpr struct {
	ExprBase
	Fields []*Field
}

// FuncCallExpr is Func(Args), or Receiver:Method(Args) when Method is
// set; AdjustRet: in parentheses, cut to one value.
type FuncCallExpr struct {
	ExprBase
	Func      Expr
	Receiver  Expr
	Method    string
	Args      []Expr
	AdjustRet bool
}

// LogicalOpExpr is and, or.
type LogicalOpExpr struct {
	ExprBase
	Operator string
	Lhs      Expr
	Rhs      Expr
}

// RelationalOpExpr is ==, ~=, <, <=, >, >=.
type RelationalOpExpr struct {
	ExprBase
	Operator string
	Lhs      Expr
	Rhs      Expr
}

type StringConcatOpExpr struct {
	ExprBase
	Lhs Expr
	Rhs Expr
}

// ArithmeticOpExpr is +, -, *, /, %, ^.
type ArithmeticOpExpr struct {
	ExprBase
	Operator string
	Lhs      Expr
	Rhs      Expr
}

type UnaryMinusOpExpr struct {
	ExprBase
	Expr Expr
}

type UnaryNotOpExpr struct {
	ExprBase
	Expr Expr
}

type UnaryLenOpExpr struct {
	ExprBase
	Expr Expr
}

// FunctionExpr is a function's body: its line is its '(' (or 'function'
// for an anonymous function), its last line its 'end'. Self and Params are
// the locals its parameters declare, Info what the resolver found of it.
type FunctionExpr struct {
	ExprBase
	ParList *ParList
	Stmts   []Stmt
	Self    *Local // a method's implicit self
	Params  []*Local
	Info    *FuncInfo
}

// ---- statements

type AssignStmt struct {
	StmtBase
	Lhs []Expr
	Rhs []Expr
}

// LocalAssignStmt is `local names = exprs`, or, Function set, `local
// function f` (f in scope in its own body; the statement's last line is
// the function's 'end').
type LocalAssignStmt struct {
	StmtBase
	Names    []string
	Exprs    []Expr
	Function bool
	Locals   []*Local
}

type FuncCallStmt struct {
	StmtBase
	Expr Expr
}

type DoBlockStmt struct {
	StmtBase
	Stmts []Stmt
}

type WhileStmt struct {
	StmtBase
	Condition Expr
	Stmts     []Stmt
}

type RepeatStmt struct {
	StmtBase
	Condition Expr
	Stmts     []Stmt
}

// IfStmt: an elseif is an IfStmt alone in Else, with no last line.
type IfStmt struct {
	StmtBase
	Condition Expr
	Then      []Stmt
	Else      []Stmt
}

type NumberForStmt struct {
	StmtBase
	Name  string
	Init  Expr
	Limit Expr
	Step  Expr // nil: 1
	Stmts []Stmt
	Local *Local
}

type GenericForStmt struct {
	StmtBase
	Names  []string
	Exprs  []Expr
	Stmts  []Stmt
	Locals []*Local
}

// FuncDefStmt is `function a.b:c() ... end`.
type FuncDefStmt struct {
	StmtBase
	Name *FuncName
	Func *FunctionExpr
}

type ReturnStmt struct {
	StmtBase
	Exprs []Expr
}

type BreakStmt struct{ StmtBase }

// ---- parts

// Field is a table constructor's field: Key nil for a positional one.
type Field struct {
	Key   Expr
	Value Expr
}

type ParList struct {
	HasVargs bool
	Names    []string
}

// FuncName is a function statement's name: Func (a name or a chain of
// fields), or Receiver:Method.
type FuncName struct {
	Func     Expr
	Receiver Expr
	Method   string
}

// ---- resolution (the resolver fills these; the lowering reads them)

// Local is a local variable a declaration makes.
type Local struct {
	Name     string
	Captured bool // some closure refers to it
	Used     bool // some name refers to it
	Reg      int  // its register (the lowering's)
}

// BindKind says what a name refers to.
type BindKind uint8

const (
	BindNone BindKind = iota // not resolved (yet)
	BindGlobal
	BindLocal
	BindUpval
)

// Binding is what a name refers to.
type Binding struct {
	Kind  BindKind
	Local *Local // BindLocal
	Upval int    // BindUpval: index in the function's upvalues
}

// Upval says where a function finds an upvalue when it is made.
type Upval struct {
	Name     string
	Local    *Local // a local of the enclosing function, or
	ParentUp int    // an upvalue of the enclosing function
}

// FuncInfo is what the resolver found of a function.
type FuncInfo struct {
	Upvals []Upval
	Vararg bool
	Dots   bool   // its own body uses '...'
	Arg    *Local // the implicit local arg of a vararg function, when named
}
