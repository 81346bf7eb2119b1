package transpile

import (
	"bytes"
	"fmt"
	"strings"
)

// This file is a recognizer for Lua 5.1's grammar that reproduces the error
// messages of lua5.1's own lexer and parser (llex.c, lparser.c): what was
// expected, near which token, on which line, including "(to close 'x' at
// line n)", and lua5.1's limits (nesting, locals, upvalues) and scope
// errors ('...' outside a vararg function, break outside a loop). It runs
// first on every chunk and decides whether the chunk is valid Lua 5.1:
// the passes after it (gopher-lua's parser, which builds the tree, the
// resolver, the compiler) take that as given. It builds no tree; while it
// reads the text it notes what gopher-lua's lexer must see differently
// (a '#' first line, form feeds and vertical tabs, the name goto), so the
// text is read once before gopher-lua's parser reads it.

type tokKind int

const (
	tkEOS tokKind = iota
	tkName
	tkString
	tkNumber
	tkDots    // ...
	tkConcat  // ..
	tkEq      // ==
	tkGe      // >=
	tkLe      // <=
	tkNe      // ~=
	tkKeyword // reserved word, text in tok.text
	tkChar    // single character, in tok.text
)

var reserved = map[string]bool{
	"and": true, "break": true, "do": true, "else": true, "elseif": true, "end": true,
	"false": true, "for": true, "function": true, "if": true, "in": true, "local": true,
	"nil": true, "not": true, "or": true, "repeat": true, "return": true, "then": true,
	"true": true, "until": true, "while": true,
}

type stoken struct {
	kind tokKind
	text string // lexeme as lua5.1 quotes it in messages
	line int
}

type syntaxError struct{ err *Error }

type recognizer struct {
	src      []byte
	blank    [][2]int // spans gopher-lua must see as spaces: a '#' first line, \f and \v
	gotos    []int    // where the name goto starts (gopher-lua reads it as a keyword)
	source   string
	i        int
	line     int
	tok      stoken // current token
	ahead    stoken
	hasAhead bool
	lastline int // line of the last token consumed
	level    int
	loops    int // enclosing loops in the current function
	fn       *rfunc
}

// rfunc is the scope state of a function being recognized: enough to
// raise lua5.1's limit errors (200 locals, 60 upvalues) and the vararg
// error at the same point as lua5.1.
type rfunc struct {
	parent  *rfunc
	line    int
	actives []string
	upvals  []string
	vararg  bool
}

const (
	maxVars   = 200
	maxUpvals = 60
)

func (r *recognizer) errorLimit(limit int, what string) {
	msg := fmt.Sprintf("main function has more than %d %s", limit, what)
	if r.fn.line != 0 {
		msg = fmt.Sprintf("function at line %d has more than %d %s", r.fn.line, limit, what)
	}
	panic(syntaxError{&Error{r.source, r.line, msg}})
}

// newLocal declares the n-th (0-based) name of a declaration; activate
// makes the pending names visible.
func (r *recognizer) newLocal(n int) {
	if len(r.fn.actives)+n+1 > maxVars {
		r.errorLimit(maxVars, "local variables")
	}
}

func (r *recognizer) activate(names ...string) {
	r.fn.actives = append(r.fn.actives, names...)
}

func (f *rfunc) hasLocal(name string) bool {
	for i := len(f.actives) - 1; i >= 0; i-- {
		if f.actives[i] == name {
			return true
		}
	}
	return false
}

// resolve finds name as lua5.1's singlevar does, adding upvalues along
// the way; it reports whether name is a local or upvalue of f.
func (r *recognizer) resolve(f *rfunc, name string) bool {
	if f == nil {
		return false
	}
	if f.hasLocal(name) {
		return true
	}
	for _, u := range f.upvals {
		if u == name {
			return true
		}
	}
	if !r.resolve(f.parent, name) {
		return false
	}
	if len(f.upvals)+1 > maxUpvals {
		saved := r.fn
		r.fn = f
		r.errorLimit(maxUpvals, "upvalues")
		r.fn = saved
	}
	f.upvals = append(f.upvals, name)
	return true
}

// recognize returns lua5.1's error for src, or, when it finds none, the
// text gopher-lua's parser is to read (src itself when it needs no
// change) and whether the name goto was renamed in it (to gotoName). A
// file's first line is skipped when it starts with '#'.
func recognize(src []byte, source string, file bool) (fixed []byte, renamed bool, err *Error) {
	r := &recognizer{src: src, source: source, line: 1}
	if file && len(src) > 0 && src[0] == '#' {
		for r.i < len(src) && src[r.i] != '\n' {
			r.i++
		}
		r.blank = append(r.blank, [2]int{0, r.i})
	}
	defer func() {
		if x := recover(); x != nil {
			se, ok := x.(syntaxError)
			if !ok {
				panic(x)
			}
			err = se.err
		}
	}()
	r.fn = &rfunc{vararg: true}
	r.next()
	r.chunk()
	r.check(tkEOS, "")
	fixed, renamed = r.fixed()
	return fixed, renamed, nil
}

// fixed is the text for gopher-lua: src with the spans r.blank made
// spaces and each goto renamed.
func (r *recognizer) fixed() ([]byte, bool) {
	if len(r.blank) == 0 && len(r.gotos) == 0 {
		return r.src, false
	}
	out := make([]byte, 0, len(r.src)+len(r.gotos)*(len(gotoName)-4))
	out = append(out, r.src...)
	for _, b := range r.blank {
		for i := b[0]; i < b[1]; i++ {
			out[i] = ' '
		}
	}
	if len(r.gotos) == 0 {
		return out, false
	}
	var b bytes.Buffer
	last := 0
	for _, g := range r.gotos {
		b.Write(out[last:g])
		b.WriteString(gotoName)
		last = g + len("goto")
	}
	b.Write(out[last:])
	return b.Bytes(), true
}

func (r *recognizer) errorf(near string, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if near != "" {
		msg += " near '" + near + "'"
	}
	panic(syntaxError{&Error{r.source, r.line, msg}})
}

func (r *recognizer) syntaxError(msg string) { r.errorf(tokenText(r.tok), "%s", msg) }

func tokenText(t stoken) string {
	switch t.kind {
	case tkEOS:
		return "<eof>"
	case tkChar:
		c := t.text[0]
		if c < 32 || c == 127 {
			return fmt.Sprintf("char(%d)", c)
		}
	}
	return t.text
}

func kindName(k tokKind, text string) string {
	switch k {
	case tkEOS:
		return "<eof>"
	case tkName:
		return "<name>"
	case tkString:
		return "<string>"
	case tkNumber:
		return "<number>"
	}
	return text
}

// ---- lexer (llex.c)

func (r *recognizer) cur() int {
	if r.i < len(r.src) {
		return int(r.src[r.i])
	}
	return -1
}

func (r *recognizer) newline() {
	old := r.src[r.i]
	r.i++
	if r.i < len(r.src) && (r.src[r.i] == '\n' || r.src[r.i] == '\r') && r.src[r.i] != old {
		r.i++
	}
	r.line++
}

func (r *recognizer) next() {
	r.lastline = r.line
	if r.hasAhead {
		r.tok = r.ahead
		r.hasAhead = false
		return
	}
	r.tok = r.lex()
}

func (r *recognizer) peek() stoken {
	if !r.hasAhead {
		r.ahead = r.lex()
		r.hasAhead = true
	}
	return r.ahead
}

// compareKinds are the tokens of two characters ending in '='.
var compareKinds = map[int]tokKind{'=': tkEq, '<': tkLe, '>': tkGe, '~': tkNe}

func isAlpha(c int) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c int) bool { return c >= '0' && c <= '9' }

func (r *recognizer) lex() stoken {
	for {
		c := r.cur()
		switch {
		case c == -1:
			return stoken{kind: tkEOS, line: r.line}
		case c == '\n' || c == '\r':
			r.newline()
		case c == ' ' || c == '\t':
			r.i++
		case c == '\f' || c == '\v':
			r.blank = append(r.blank, [2]int{r.i, r.i + 1})
			r.i++
		case c == '-':
			if r.i+1 >= len(r.src) || r.src[r.i+1] != '-' {
				r.i++
				return stoken{kind: tkChar, text: "-", line: r.line}
			}
			r.i += 2
			if r.cur() == '[' {
				if sep := r.skipSep(); sep >= 0 {
					r.longString(sep, true)
					continue
				}
			}
			for r.cur() != -1 && r.cur() != '\n' && r.cur() != '\r' {
				r.i++
			}
		case c == '[':
			start := r.i
			sep := r.skipSep()
			if sep >= 0 {
				r.longString(sep, false)
				return stoken{kind: tkString, text: string(r.src[start:r.i]), line: r.line}
			}
			if sep != -1 {
				r.errorf(string(r.src[start:r.i]), "invalid long string delimiter")
			}
			return stoken{kind: tkChar, text: "[", line: r.line}
		case c == '=' || c == '<' || c == '>' || c == '~':
			r.i++
			if r.cur() != '=' {
				return stoken{kind: tkChar, text: string(rune(c)), line: r.line}
			}
			r.i++
			return stoken{kind: compareKinds[c], text: string(rune(c)) + "=", line: r.line}
		case c == '"' || c == '\'':
			return r.readString(c)
		case c == '.':
			r.i++
			if r.cur() == '.' {
				r.i++
				if r.cur() == '.' {
					r.i++
					return stoken{kind: tkDots, text: "...", line: r.line}
				}
				return stoken{kind: tkConcat, text: "..", line: r.line}
			}
			if !isDigit(r.cur()) {
				return stoken{kind: tkChar, text: ".", line: r.line}
			}
			r.i--
			return r.readNumber()
		case isDigit(c):
			return r.readNumber()
		case isAlpha(c):
			start := r.i
			for isAlpha(r.cur()) || isDigit(r.cur()) {
				r.i++
			}
			w := string(r.src[start:r.i])
			if reserved[w] {
				return stoken{kind: tkKeyword, text: w, line: r.line}
			}
			if w == "goto" {
				r.gotos = append(r.gotos, start)
			}
			return stoken{kind: tkName, text: w, line: r.line}
		default:
			r.i++
			return stoken{kind: tkChar, text: string([]byte{byte(c)}), line: r.line}
		}
	}
}

// skipSep reads [=*[ or ]=*]; it returns the level, or -1 - count of '='
// when the second bracket is missing (r.i after what was read).
func (r *recognizer) skipSep() int {
	s := r.src[r.i]
	r.i++
	count := 0
	for r.cur() == '=' {
		r.i++
		count++
	}
	if r.cur() == int(s) {
		r.i++
		return count
	}
	return -1 - count
}

func (r *recognizer) longString(sep int, comment bool) {
	for {
		c := r.cur()
		switch {
		case c == -1:
			what := "unfinished long string"
			if comment {
				what = "unfinished long comment"
			}
			r.errorf("<eof>", "%s", what)
		case c == ']':
			save := r.i
			if r.skipSep() == sep {
				return
			}
			r.i = save + 1
		case c == '\n' || c == '\r':
			r.newline()
		default:
			r.i++
		}
	}
}

func (r *recognizer) readString(del int) stoken {
	var b strings.Builder
	b.WriteByte(byte(del))
	r.i++
	for r.cur() != del {
		switch c := r.cur(); c {
		case -1:
			r.errorf("<eof>", "unfinished string")
		case '\n', '\r':
			r.errorf(b.String(), "unfinished string")
		case '\\':
			r.i++
			e := r.cur()
			switch e {
			case 'a':
				b.WriteByte('\a')
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'v':
				b.WriteByte('\v')
			case '\n', '\r':
				b.WriteByte('\n')
				r.newline()
				continue
			case -1:
				continue
			default:
				if !isDigit(e) {
					b.WriteByte(byte(e))
					break
				}
				n := 0
				for k := 0; k < 3 && isDigit(r.cur()); k++ {
					n = n*10 + r.cur() - '0'
					r.i++
				}
				if n > 255 {
					r.errorf(b.String(), "escape sequence too large")
				}
				b.WriteByte(byte(n))
				continue
			}
			r.i++
		default:
			b.WriteByte(byte(c))
			r.i++
		}
	}
	r.i++
	b.WriteByte(byte(del))
	return stoken{kind: tkString, text: b.String(), line: r.line}
}

func (r *recognizer) readNumber() stoken {
	start := r.i
	for isDigit(r.cur()) || r.cur() == '.' {
		r.i++
	}
	if r.cur() == 'e' || r.cur() == 'E' {
		r.i++
		if r.cur() == '+' || r.cur() == '-' {
			r.i++
		}
	}
	for isAlpha(r.cur()) || isDigit(r.cur()) {
		r.i++
	}
	text := string(r.src[start:r.i])
	if !validNumeral(text) {
		r.errorf(text, "malformed number")
	}
	return stoken{kind: tkNumber, text: text, line: r.line}
}

// validNumeral is luaO_str2d: strtod, or strtoul with base 16 for 0x.
func validNumeral(s string) bool {
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		for _, c := range s[2:] {
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
		return true
	}
	digits, dot, exp := 0, false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot && !exp:
			dot = true
		case (c == 'e' || c == 'E') && !exp && digits > 0:
			exp = true
			if i+1 < len(s) && (s[i+1] == '+' || s[i+1] == '-') {
				i++
			}
			if i+1 >= len(s) {
				return false
			}
			digits = 0
		default:
			return false
		}
	}
	return digits > 0
}

// ---- parser (lparser.c), recognizing only

func (r *recognizer) is(k tokKind, text string) bool {
	if r.tok.kind != k {
		return false
	}
	return (k != tkKeyword && k != tkChar) || r.tok.text == text
}

func (r *recognizer) testNext(k tokKind, text string) bool {
	if r.is(k, text) {
		r.next()
		return true
	}
	return false
}

func (r *recognizer) check(k tokKind, text string) {
	if !r.is(k, text) {
		r.syntaxError(fmt.Sprintf("'%s' expected", kindName(k, text)))
	}
}

func (r *recognizer) checkNext(k tokKind, text string) {
	r.check(k, text)
	r.next()
}

func (r *recognizer) checkMatch(k tokKind, what, who string, where int) {
	if !r.testNext(k, what) {
		if where == r.line {
			r.syntaxError(fmt.Sprintf("'%s' expected", kindName(k, what)))
		}
		r.syntaxError(fmt.Sprintf("'%s' expected (to close '%s' at line %d)", kindName(k, what), who, where))
	}
}

func (r *recognizer) checkName() { r.checkNext(tkName, "") }

func (r *recognizer) enter() {
	r.level++
	if r.level > MaxNesting {
		panic(syntaxError{&Error{r.source, r.line, "chunk has too many syntax levels"}})
	}
}

func (r *recognizer) blockFollow() bool {
	switch {
	case r.tok.kind == tkEOS:
		return true
	case r.tok.kind == tkKeyword:
		switch r.tok.text {
		case "else", "elseif", "end", "until":
			return true
		}
	}
	return false
}

func (r *recognizer) chunk() {
	r.enter()
	nact := len(r.fn.actives)
	defer func() { r.fn.actives = r.fn.actives[:nact] }()
	last := false
	for !last && !r.blockFollow() {
		last = r.statement()
		r.testNext(tkChar, ";")
	}
	r.level--
}

func (r *recognizer) block() { r.chunk() }

func (r *recognizer) loopBlock() {
	r.loops++
	r.chunk()
	r.loops--
}

// statement returns true for a last statement (return, break).
func (r *recognizer) statement() bool {
	line := r.line
	if r.tok.kind == tkKeyword {
		switch r.tok.text {
		case "if":
			r.next()
			r.cond()
			r.checkNext(tkKeyword, "then")
			r.block()
			for r.is(tkKeyword, "elseif") {
				r.next()
				r.cond()
				r.checkNext(tkKeyword, "then")
				r.block()
			}
			if r.testNext(tkKeyword, "else") {
				r.block()
			}
			r.checkMatch(tkKeyword, "end", "if", line)
			return false
		case "while":
			r.next()
			r.cond()
			r.checkNext(tkKeyword, "do")
			r.loopBlock()
			r.checkMatch(tkKeyword, "end", "while", line)
			return false
		case "do":
			r.next()
			r.block()
			r.checkMatch(tkKeyword, "end", "do", line)
			return false
		case "for":
			r.next()
			nact := len(r.fn.actives)
			names := []string{r.tok.text}
			r.checkName()
			switch {
			case r.is(tkChar, "="):
				for i := 0; i < 4; i++ {
					r.newLocal(i)
				}
				r.next()
				r.expr()
				r.checkNext(tkChar, ",")
				r.expr()
				if r.testNext(tkChar, ",") {
					r.expr()
				}
				r.activate("(for index)", "(for limit)", "(for step)")
			case r.is(tkChar, ","), r.is(tkKeyword, "in"):
				for i := 0; i < 4; i++ {
					r.newLocal(i)
				}
				for r.testNext(tkChar, ",") {
					name := r.tok.text
					r.checkName()
					r.newLocal(len(names) + 3)
					names = append(names, name)
				}
				r.checkNext(tkKeyword, "in")
				r.exprList()
				r.activate("(for generator)", "(for state)", "(for control)")
			default:
				r.syntaxError("'=' or 'in' expected")
			}
			r.checkNext(tkKeyword, "do")
			r.activate(names...)
			r.loopBlock()
			r.fn.actives = r.fn.actives[:nact]
			r.checkMatch(tkKeyword, "end", "for", line)
			return false
		case "repeat":
			r.next()
			r.loopBlock()
			r.checkMatch(tkKeyword, "until", "repeat", line)
			r.cond()
			return false
		case "function":
			r.next()
			if r.tok.kind == tkName {
				r.resolve(r.fn, r.tok.text)
			}
			r.checkName()
			for r.testNext(tkChar, ".") {
				r.checkName()
			}
			method := false
			if r.testNext(tkChar, ":") {
				r.checkName()
				method = true
			}
			r.body(line, method)
			return false
		case "local":
			r.next()
			if r.testNext(tkKeyword, "function") {
				name := r.tok.text
				r.checkName()
				r.newLocal(0)
				r.activate(name)
				r.body(line, false)
				return false
			}
			var names []string
			for { // (lua5.1 reads the name, then counts it: the error's line is the next token's)
				name := r.tok.text
				r.checkName()
				r.newLocal(len(names))
				names = append(names, name)
				if !r.testNext(tkChar, ",") {
					break
				}
			}
			if r.testNext(tkChar, "=") {
				r.exprList()
			}
			r.activate(names...)
			return false
		case "return":
			r.next()
			if !r.blockFollow() && !r.is(tkChar, ";") {
				r.exprList()
			}
			return true
		case "break":
			r.next()
			if r.loops == 0 {
				r.syntaxError("no loop to break")
			}
			return true
		}
	}
	r.exprStat()
	return false
}

func (r *recognizer) cond() { r.expr() }

func (r *recognizer) body(line int, method bool) {
	f := &rfunc{parent: r.fn, line: line}
	r.fn = f
	defer func() { r.fn = f.parent }()
	if method {
		r.newLocal(0)
		r.activate("self")
	}
	r.checkNext(tkChar, "(")
	if !r.is(tkChar, ")") {
		for {
			if r.tok.kind == tkName {
				name := r.tok.text
				r.next()
				r.newLocal(0)
				r.activate(name)
			} else if r.tok.kind == tkDots {
				r.next()
				f.vararg = true
				break
			} else {
				r.syntaxError("<name> or '...' expected")
			}
			if !r.testNext(tkChar, ",") {
				break
			}
		}
	}
	r.checkNext(tkChar, ")")
	saved := r.loops
	r.loops = 0
	r.chunk()
	r.loops = saved
	r.checkMatch(tkKeyword, "end", "function", line)
}

// exprKind says what a primary expression turned out to be.
type exprKind int

const (
	exOther exprKind = iota
	exVar            // a name or an indexed expression: assignable
	exCall
)

func (r *recognizer) exprStat() {
	k := r.primaryExp()
	if k == exCall {
		return
	}
	for {
		if k != exVar {
			r.syntaxError("syntax error")
		}
		if !r.testNext(tkChar, ",") {
			break
		}
		k = r.primaryExp()
	}
	r.checkNext(tkChar, "=")
	r.exprList()
}

func (r *recognizer) prefixExp() exprKind {
	switch {
	case r.tok.kind == tkName:
		r.resolve(r.fn, r.tok.text)
		r.next()
		return exVar
	case r.is(tkChar, "("):
		line := r.line
		r.next()
		r.expr()
		r.checkMatch(tkChar, ")", "(", line)
		return exOther
	}
	r.syntaxError("unexpected symbol")
	return exOther
}

func (r *recognizer) primaryExp() exprKind {
	k := r.prefixExp()
	for {
		switch {
		case r.is(tkChar, "."):
			r.next()
			r.checkName()
			k = exVar
		case r.is(tkChar, "["):
			r.next()
			r.expr()
			r.checkNext(tkChar, "]")
			k = exVar
		case r.is(tkChar, ":"):
			r.next()
			r.checkName()
			r.funcArgs()
			k = exCall
		case r.is(tkChar, "("), r.tok.kind == tkString, r.is(tkChar, "{"):
			r.funcArgs()
			k = exCall
		default:
			return k
		}
	}
}

func (r *recognizer) funcArgs() {
	line := r.line
	switch {
	case r.is(tkChar, "("):
		if line != r.lastline {
			r.syntaxError("ambiguous syntax (function call x new statement)")
		}
		r.next()
		if !r.is(tkChar, ")") {
			r.exprList()
		}
		r.checkMatch(tkChar, ")", "(", line)
	case r.is(tkChar, "{"):
		r.table()
	case r.tok.kind == tkString:
		r.next()
	default:
		r.syntaxError("function arguments expected")
	}
}

func (r *recognizer) table() {
	line := r.line
	r.checkNext(tkChar, "{")
	for !r.is(tkChar, "}") {
		switch {
		case r.tok.kind == tkName:
			if p := r.peek(); p.kind == tkChar && p.text == "=" {
				r.next()
				r.next()
				r.expr()
			} else {
				r.expr()
			}
		case r.is(tkChar, "["):
			r.next()
			r.expr()
			r.checkNext(tkChar, "]")
			r.checkNext(tkChar, "=")
			r.expr()
		default:
			r.expr()
		}
		if !r.testNext(tkChar, ",") && !r.testNext(tkChar, ";") {
			break
		}
	}
	r.checkMatch(tkChar, "}", "{", line)
}

func (r *recognizer) exprList() {
	r.expr()
	for r.testNext(tkChar, ",") {
		r.expr()
	}
}

var binaryPriority = map[string][2]int{
	"+": {6, 6}, "-": {6, 6}, "*": {7, 7}, "/": {7, 7}, "%": {7, 7},
	"^": {10, 9}, "..": {5, 4}, "==": {3, 3}, "<": {3, 3}, "<=": {3, 3},
	"~=": {3, 3}, ">": {3, 3}, ">=": {3, 3}, "and": {2, 2}, "or": {1, 1},
}

const unaryPriority = 8

func (r *recognizer) binop() (string, bool) {
	switch r.tok.kind {
	case tkChar, tkKeyword, tkConcat, tkEq, tkGe, tkLe, tkNe:
		if _, ok := binaryPriority[r.tok.text]; ok {
			return r.tok.text, true
		}
	}
	return "", false
}

func (r *recognizer) expr() { r.subExpr(0) }

func (r *recognizer) subExpr(limit int) {
	r.enter()
	if r.is(tkKeyword, "not") || r.is(tkChar, "-") || r.is(tkChar, "#") {
		r.next()
		r.subExpr(unaryPriority)
	} else {
		r.simpleExp()
	}
	for {
		op, ok := r.binop()
		if !ok || binaryPriority[op][0] <= limit {
			break
		}
		r.next()
		r.subExpr(binaryPriority[op][1])
	}
	r.level--
}

func (r *recognizer) simpleExp() {
	switch {
	case r.tok.kind == tkDots:
		if !r.fn.vararg {
			r.syntaxError("cannot use '...' outside a vararg function")
		}
		r.next()
	case r.tok.kind == tkNumber, r.tok.kind == tkString,
		r.is(tkKeyword, "nil"), r.is(tkKeyword, "true"), r.is(tkKeyword, "false"):
		r.next()
	case r.is(tkChar, "{"):
		r.table()
	case r.is(tkKeyword, "function"):
		line := r.line
		r.next()
		r.body(line, false)
	default:
		r.primaryExp()
	}
}
