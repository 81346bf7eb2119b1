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

// MaxNesting is the deepest nesting of blocks and brackets accepted
// (Lua 5.1's LUAI_MAXCCALLS).
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

// prescan fixes the source text before gopher-lua's lexer sees it. It
// returns the fixed text, whether `goto` was renamed, and an error for
// nesting that is too deep.
func prescan(src []byte, file bool, source string) ([]byte, bool, error) {
	out := make([]byte, len(src))
	copy(out, src)
	i := 0
	if file && len(out) > 0 && out[0] == '#' {
		for i < len(out) && out[i] != '\n' {
			out[i] = ' '
			i++
		}
	}
	renamed := false
	depth := 0
	line := 1
	var b bytes.Buffer
	last := 0
	longBracket := func(j int) int { // level of a long bracket at out[j]=='[', or -1
		k := j + 1
		for k < len(out) && out[k] == '=' {
			k++
		}
		if k < len(out) && out[k] == '[' {
			return k - j - 1
		}
		return -1
	}
	skipLong := func(j, level int) int { // j after the opening bracket
		closeSeq := "]" + strings.Repeat("=", level) + "]"
		k := bytes.Index(out[j:], []byte(closeSeq))
		if k < 0 {
			line += bytes.Count(out[j:], []byte("\n"))
			return len(out)
		}
		line += bytes.Count(out[j:j+k], []byte("\n"))
		return j + k + len(closeSeq)
	}
	for i < len(out) {
		c := out[i]
		switch {
		case c == '\n':
			line++
			i++
		case c == '\f' || c == '\v':
			out[i] = ' '
			i++
		case c == '-' && i+1 < len(out) && out[i+1] == '-':
			i += 2
			if i < len(out) && out[i] == '[' {
				if lv := longBracket(i); lv >= 0 {
					i = skipLong(i+lv+2, lv)
					continue
				}
			}
			for i < len(out) && out[i] != '\n' {
				i++
			}
		case c == '"' || c == '\'':
			i++
			for i < len(out) && out[i] != c && out[i] != '\n' {
				if out[i] == '\\' && i+1 < len(out) {
					if out[i+1] == '\n' {
						line++
					}
					i++
				}
				i++
			}
			i++
		case c == '[':
			if lv := longBracket(i); lv >= 0 {
				i = skipLong(i+lv+2, lv)
				continue
			}
			depth++
			i++
		case c == '(' || c == '{':
			depth++
			i++
		case c == ')' || c == '}' || c == ']':
			depth--
			i++
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i
			for j < len(out) && (out[j] == '_' || out[j] >= 'a' && out[j] <= 'z' || out[j] >= 'A' && out[j] <= 'Z' || out[j] >= '0' && out[j] <= '9') {
				j++
			}
			switch string(out[i:j]) {
			case "function", "do", "if", "repeat":
				depth++
			case "end", "until":
				depth--
			case "goto":
				b.Write(out[last:i])
				b.WriteString(gotoName)
				last = j
				renamed = true
			}
			i = j
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(out) && out[i+1] >= '0' && out[i+1] <= '9':
			// a number: skip it whole so "1e5" is not read as a name
			for i < len(out) && (out[i] >= '0' && out[i] <= '9' || out[i] >= 'a' && out[i] <= 'z' || out[i] >= 'A' && out[i] <= 'Z' || out[i] == '.' || out[i] == '_' ||
				(out[i] == '+' || out[i] == '-') && (out[i-1] == 'e' || out[i-1] == 'E')) {
				i++
			}
		default:
			i++
		}
		if depth > MaxNesting {
			return nil, false, &Error{source, line, "chunk has too many syntax levels"}
		}
	}
	if renamed {
		b.Write(out[last:])
		return b.Bytes(), true, nil
	}
	return out, false, nil
}

// parseChunk parses source into a syntax tree, with lua5.1-like errors.
func parseChunk(src []byte, source string, file bool) (stmts []ast.Stmt, renamed bool, err error) {
	fixed, renamed, err := prescan(src, file, source)
	if err != nil {
		return nil, false, err
	}
	defer func() {
		if r := recover(); r != nil {
			stmts, err = nil, &Error{source, 0, fmt.Sprintf("internal parser failure: %v", r)}
		}
	}()
	// lua5.1's grammar and its messages first; gopher-lua's parser then
	// builds the tree (its own errors remain as a last resort)
	if e := checkSyntax(src, source, file); e != nil {
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
