package transpile

import (
	"fmt"

	"github.com/mobilua/mobilua/ir"
)

// Error is a compile error: a position and a message, printed the way
// lua5.1 prints it ("script.lua:4: message").
type Error struct {
	Source string // short source name, as in messages
	Line   int
	Msg    string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s:%d: %s", e.Source, e.Line, e.Msg)
}

// MaxNesting is the deepest nesting of blocks and expressions accepted
// (Lua 5.1's LUAI_MAXCCALLS), counted as lua5.1 counts it (syntax.go).
const MaxNesting = 200

// ShortSrc returns the name Lua uses in messages for a chunk name
// (ir.ShortSrc).
func ShortSrc(chunk string) string { return ir.ShortSrc(chunk) }

// errorSrc is the chunk's name in a syntax error: lua5.1's lexer cuts it
// to MAXSRC (80), not LUA_IDSIZE.
func errorSrc(chunk string) string { return ir.ChunkID(chunk, 80) }
