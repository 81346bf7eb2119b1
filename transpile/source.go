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
// [string "first line..."].
func ShortSrc(chunk string) string {
	const idsize = 60
	switch {
	case strings.HasPrefix(chunk, "="):
		s := chunk[1:]
		if len(s) > idsize-1 {
			s = s[:idsize-1]
		}
		return s
	case strings.HasPrefix(chunk, "@"):
		s := chunk[1:]
		if len(s) > idsize-1 {
			s = "..." + s[len(s)-(idsize-1-3):]
		}
		return s
	default:
		n := strings.IndexAny(chunk, "\n\r")
		if n < 0 {
			n = len(chunk)
		}
		max := idsize - len(` [string "..."] `)
		trunc := false
		if n > max {
			n = max
		}
		if n < len(chunk) {
			trunc = true
		}
		if trunc {
			return `[string "` + chunk[:n] + `..."]`
		}
		return `[string "` + chunk[:n] + `"]`
	}
}
