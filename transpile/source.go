package transpile

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"
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
// (Lua 5.1's LUAI_MAXCCALLS), counted as lua5.1 counts it (recognize).
const MaxNesting = 200

const gotoName = "__mobilua_goto__"

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

// parseChunk parses source into a syntax tree, with lua5.1-like errors.
func parseChunk(src []byte, source string, file bool) (stmts []ast.Stmt, renamed bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			stmts, err = nil, &Error{source, 0, fmt.Sprintf("internal parser failure: %v", r)}
		}
	}()
	// lua5.1's grammar and its messages first; gopher-lua's parser then
	// builds the tree (its own errors remain as a last resort)
	fixed, renamed, e := recognize(src, source, file)
	if e != nil {
		return nil, false, e
	}
	stmts, err = parse.Parse(bytes.NewReader(fixed), source)
	if err != nil {
		return nil, false, convertParseError(err, source, src)
	}
	if stmts == nil {
		return nil, false, &Error{source, 0, "parser returned no chunk"}
	}
	return stmts, renamed, nil
}

func convertParseError(err error, source string, src []byte) error {
	pe, ok := err.(*parse.Error)
	if !ok {
		return &Error{source, 0, err.Error()}
	}
	line := pe.Pos.Line
	tok := pe.Token
	if tok == gotoName {
		tok = "goto"
	}
	near := "'" + tok + "'"
	if line == parse.EOF || line < 0 {
		line = bytes.Count(src, []byte("\n")) + 1
		near = "'<eof>'"
	} else if tok == "" {
		near = "'<eof>'"
	}
	msg := pe.Message
	switch msg {
	case "syntax error", "parse error":
		msg = "unexpected symbol"
	case "unterminated string":
		msg = "unfinished string"
	case "unterminated multiline string":
		msg = "unfinished long string"
	case "invalid multiline comment":
		msg = "unfinished long comment"
	case "Invalid token", "Invalid '~' token":
		msg = "unexpected symbol"
	case "illegal hexadecimal number":
		msg = "malformed number"
	}
	return &Error{source, line, msg + " near " + near}
}
