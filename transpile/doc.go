// Package transpile is Mobilua's front end: Lua 5.1 source → syntax tree →
// resolved scopes → IR (package ir), one Proto per function.
//
// # Design
//
// Syntax comes from github.com/yuin/gopher-lua/parse, and only from there:
// its lexer and parser are mature, but differ from Lua 5.1 in places that
// change what a program means. Source passes through a small scanner first
// (source.go) that fixes what can only be fixed in the text: a `#!` first line
// is blanked, `\f` and `\v` become spaces outside string literals, the name
// `goto` (reserved by gopher-lua, an ordinary name in Lua 5.1) is renamed and
// renamed back in the tree, and nesting deeper than Lua's 200 syntax levels
// is refused. The parser's panics are recovered into errors that read like
// lua5.1's ("script.lua:4: unexpected symbol near 'x'"), and a nil tree with
// a nil error (what Parse returns after a panic with a non-error value) is
// turned into an error too.
//
// Before any of that, a recognizer for Lua 5.1's grammar (syntax.go) reads
// the source once more: when the chunk is not valid Lua 5.1 it reports the
// error as lua5.1 would, word for word ("'=' expected near 'x'", "'end'
// expected (to close 'function' at line 3) near '<eof>'"), including the
// limits of 200 locals and 60 upvalues and the 200 syntax levels.
//
// Then two passes over the tree. The resolve pass (resolve.go) decides what
// every name is: a local of its function, an upvalue (a local of an
// enclosing function, reached through a chain of upvalues numbered in order
// of first use), or a global; it marks the locals that closures capture
// (their blocks close them when they end or are left by break: loop
// variables are fresh per iteration) and checks the use of '...'. The
// lowering pass (compile.go) assigns registers and emits the IR, one Proto
// per function. The fixes to the tree that depend on meaning happen in these
// passes: `local function f` is told apart from `local f = function` by
// LastLine (f is in scope in its own body only in the first), `function
// a.b:c()` gets its implicit `self` parameter, and number lexemes are
// converted with Lua's rules (`0010` is ten, `0x1F` is hexadecimal).
//
// Registers are allocated as a stack above the active locals; every
// temporary is freed in last-in first-out order at the end of the expression
// that used it, so after each statement the first free register is the
// number of active locals.
//
// This package imports ir and the parser; it must not import runtime,
// continuation or host.
package transpile
