// Package transpile is Mobilua's front end: Lua 5.1 source → syntax tree →
// resolved scopes → IR (package ir), one Proto per function.
//
// # Design
//
// The parser (syntax.go) is Lua 5.1's own, read from llex.c and lparser.c: it
// reads the text once and builds the tree (package ast) with the shapes and
// lines gopher-lua's parser gave it, so that the code made from a chunk, and
// the fingerprints continuations keep of it, did not change when it replaced
// that parser. When the chunk is not valid Lua 5.1 it reports the error as
// lua5.1 would, word for word ("'=' expected near 'x'", "'end' expected (to
// close 'function' at line 3) near '<eof>'"), including the limits of 200
// locals, 60 upvalues and 200 syntax levels. (gopher-lua's parser came first;
// it read Lua 5.2's goto and labels, missed \f, \v and a '#' first line, and
// gave its own messages, so a recognizer of ours ran before it and the text
// was read twice: a third of a chunk's load time was gopher-lua's lexer.)
//
// Then two passes over the tree, one statement of the main chunk at a time:
// the parser hands each to them as soon as it is read, so that the tree of a
// large chunk is never whole (lua5.1 reads and emits in one pass; a function
// is a statement's part, lowered whole). The resolve pass (resolve.go) decides what
// every name is: a local of its function, an upvalue (a local of an
// enclosing function, reached through a chain of upvalues numbered in order
// of first use), or a global; it marks the locals that closures capture
// (their blocks close them when they end or are left by break: loop
// variables are fresh per iteration) and notes the use of '...'. It writes
// what it finds into the tree (an IdentExpr's Bind, a declaration's Locals,
// a function's Info), where the lowering reads it (maps keyed by node were
// a fifth of a chunk's compile time). The lowering pass (compile.go) assigns
// registers and emits the IR, one Proto per function. The fixes to the tree
// that depend on meaning happen in these passes: `local function f` has f
// in scope in its own body (LocalAssignStmt.Function), `local f = function`
// does not, `function a.b:c()` gets its implicit `self` parameter,
// and number lexemes are converted with Lua's rules (`0010` is ten, `0x1F`
// is hexadecimal).
//
// Registers are allocated as a stack above the active locals; every
// temporary is freed in last-in first-out order at the end of the expression
// that used it, so after each statement the first free register is the
// number of active locals.
//
// This package imports ir and its ast; it must not import runtime,
// continuation or host, nor gopher-lua.
package transpile
