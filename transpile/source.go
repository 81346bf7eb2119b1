package transpile

import (
	"fmt"
	"strings"
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

// ShortSrc returns the name Lua uses in messages for a chunk name:
// "@file" gives "file", "=name" gives "name", and source text gives
// [string "first line..."], cut to lua5.1's LUA_IDSIZE (60) as in its
// run-time messages and debug.getinfo's short_src.
func ShortSrc(chunk string) string { return chunkID(chunk, 60) }

// errorSrc is the chunk's name in a syntax error: lua5.1's lexer cuts it
// to MAXSRC (80), not LUA_IDSIZE.
func errorSrc(chunk string) string { return chunkID(chunk, 80) }

// chunkID is lua5.1's luaO_chunkid for a buffer of bufflen bytes (its
// terminator included, as C's sizeof in the room it keeps).
func chunkID(chunk string, bufflen int) string {
	switch {
	case strings.HasPrefix(chunk, "="):
		s := chunk[1:]
		if len(s) > bufflen-1 {
			s = s[:bufflen-1]
		}
		return s
	case strings.HasPrefix(chunk, "@"):
		s := chunk[1:]
		if n := bufflen - len(" '...' ") - 1; len(s) > n {
			s = "..." + s[len(s)-n:]
		}
		return s
	}
	n := strings.IndexAny(chunk, "\n\r")
	if n < 0 {
		n = len(chunk)
	}
	n = min(n, bufflen-len(` [string "..."] `)-1)
	if n < len(chunk) {
		return `[string "` + chunk[:n] + `..."]`
	}
	return `[string "` + chunk + `"]`
}
