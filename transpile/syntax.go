package transpile

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/mobilua/mobilua/transpile/ast"
)

// This file is the lexer and parser of Lua 5.1 (llex.c, lparser.c): it
// reads the text once and builds the syntax tree (package ast, with the
// lines and shapes gopher-lua's parser gave it: the code made from the
// tree, and so the fingerprints continuations keep, stayed the same).
// It reproduces lua5.1's error messages: what was expected, near which
// token, on which line, including "(to close 'x' at line n)", and lua5.1's
// limits (nesting, locals, upvalues) and scope errors ('...' outside a
// vararg function, break outside a loop). What it accepts is valid Lua 5.1:
// the passes after it (the resolver, the compiler) take that as given.

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

// reserved returns b as a reserved word (a constant string), or "".
func reserved(b []byte) string {
	switch string(b) {
	case "and":
		return "and"
	case "break":
		return "break"
	case "do":
		return "do"
	case "else":
		return "else"
	case "elseif":
		return "elseif"
	case "end":
		return "end"
	case "false":
		return "false"
	case "for":
		return "for"
	case "function":
		return "function"
	case "if":
		return "if"
	case "in":
		return "in"
	case "local":
		return "local"
	case "nil":
		return "nil"
	case "not":
		return "not"
	case "or":
		return "or"
	case "repeat":
		return "repeat"
	case "return":
		return "return"
	case "then":
		return "then"
	case "true":
		return "true"
	case "until":
		return "until"
	case "while":
		return "while"
	}
	return ""
}

type stoken struct {
	kind  tokKind
	text  string // lexeme as lua5.1 quotes it in messages
	value string // a string's value
	line  int    // where the token starts (the tree's lines)
}

type syntaxError struct{ err *Error }

type parseState struct {
	top      func(ast.Stmt) // takes the main chunk's statements
	nodes    nodeSlabs
	stmts    []ast.Stmt // the statements of the blocks being read, innermost last
	src      []byte
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
	spare    []*rfunc // of functions read, for the next ones
}

// openFunc starts reading a function whose 'function' is at line.
func (r *parseState) openFunc(line int) *rfunc {
	f := reuse(&r.spare)
	*f = rfunc{parent: r.fn, line: line, actives: f.actives[:0], upvals: f.upvals[:0]}
	r.fn = f
	return f
}

// closeFunc ends reading function f; its state serves the next one.
func (r *parseState) closeFunc(f *rfunc) {
	r.fn = f.parent
	r.spare = append(r.spare, f)
}

// rfunc is the scope state of a function being read: enough to
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

func (r *parseState) errorLimit(limit int, what string) {
	msg := fmt.Sprintf("main function has more than %d %s", limit, what)
	if r.fn.line != 0 {
		msg = fmt.Sprintf("function at line %d has more than %d %s", r.fn.line, limit, what)
	}
	panic(syntaxError{&Error{r.source, r.line, msg}})
}

// newLocal declares the n-th (0-based) name of a declaration; activate
// makes the pending names visible.
func (r *parseState) newLocal(n int) {
	if len(r.fn.actives)+n+1 > maxVars {
		r.errorLimit(maxVars, "local variables")
	}
}

func (r *parseState) activate(names ...string) {
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
func (r *parseState) resolve(f *rfunc, name string) bool {
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

// parse reads src and hands each statement of its main chunk to top as
// soon as it is read (the statement, its tree, is top's: the tree of a
// large chunk is never whole). It returns lua5.1's error for src, or an
// error top panicked with (*Error), in the order of the text. A file's
// first line is skipped when it starts with '#'.
func parse(src []byte, source string, file bool, top func(ast.Stmt)) (err *Error) {
	r := &parseState{src: src, source: source, line: 1, top: top}
	if file && len(src) > 0 && src[0] == '#' {
		for r.i < len(src) && src[r.i] != '\n' {
			r.i++
		}
	}
	defer func() {
		switch x := recover().(type) {
		case nil:
		case syntaxError:
			err = x.err
		case *Error:
			err = x
		default:
			err = &Error{source, 0, fmt.Sprintf("internal compiler failure: %v", x)}
		}
	}()
	r.fn = &rfunc{vararg: true}
	r.next()
	r.chunk()
	r.check(tkEOS, "")
	return nil
}

func (r *parseState) errorf(near string, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if near != "" {
		msg += " near '" + near + "'"
	}
	panic(syntaxError{&Error{r.source, r.line, msg}})
}

func (r *parseState) syntaxError(msg string) { r.errorf(tokenText(r.tok), "%s", msg) }

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

func (r *parseState) cur() int {
	if r.i < len(r.src) {
		return int(r.src[r.i])
	}
	return -1
}

func (r *parseState) newline() {
	old := r.src[r.i]
	r.i++
	if r.i < len(r.src) && (r.src[r.i] == '\n' || r.src[r.i] == '\r') && r.src[r.i] != old {
		r.i++
	}
	r.line++
}

func (r *parseState) next() {
	r.lastline = r.line
	if r.hasAhead {
		r.tok = r.ahead
		r.hasAhead = false
		return
	}
	r.tok = r.lex()
}

func (r *parseState) peek() stoken {
	if !r.hasAhead {
		r.ahead = r.lex()
		r.hasAhead = true
	}
	return r.ahead
}

// compareKinds are the tokens of two characters ending in '='.
var (
	compareKinds = map[int]tokKind{'=': tkEq, '<': tkLe, '>': tkGe, '~': tkNe}
	compareTexts = map[int]string{'=': "==", '<': "<=", '>': ">=", '~': "~="}
)

func isAlpha(c int) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c int) bool { return c >= '0' && c <= '9' }

func (r *parseState) lex() stoken {
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
			start, line := r.i, r.line
			sep := r.skipSep()
			if sep >= 0 {
				value := r.longString(sep, false)
				return stoken{kind: tkString, text: string(r.src[start:r.i]), value: value, line: line}
			}
			if sep != -1 {
				r.errorf(string(r.src[start:r.i]), "invalid long string delimiter")
			}
			return stoken{kind: tkChar, text: "[", line: r.line}
		case c == '=' || c == '<' || c == '>' || c == '~':
			r.i++
			if r.cur() != '=' {
				return stoken{kind: tkChar, text: string(r.src[r.i-1 : r.i]), line: r.line}
			}
			r.i++
			return stoken{kind: compareKinds[c], text: compareTexts[c], line: r.line}
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
			w, kind := word(r.src[start:r.i])
			return stoken{kind: kind, text: w, line: r.line}
		default:
			r.i++
			return stoken{kind: tkChar, text: string([]byte{byte(c)}), line: r.line}
		}
	}
}

// word is a reserved word or a name. (Names made one string each through
// a map were slower: the lookup cost more than the allocation it saved.)
func word(b []byte) (string, tokKind) {
	if w := reserved(b); w != "" {
		return w, tkKeyword
	}
	return string(b), tkName
}

// skipSep reads [=*[ or ]=*]; it returns the level, or -1 - count of '='
// when the second bracket is missing (r.i after what was read).
func (r *parseState) skipSep() int {
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

// longString reads a long string or comment from after its opening
// bracket; it returns the string's value: what lies between the brackets
// less a first newline, each newline as '\n'.
func (r *parseState) longString(sep int, comment bool) string {
	from := r.i
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
				if comment {
					return ""
				}
				return longValue(r.src[from:save])
			}
			r.i = save + 1
		case c == '\n' || c == '\r':
			r.newline()
		default:
			r.i++
		}
	}
}

func longValue(b []byte) string {
	if len(b) > 0 && (b[0] == '\n' || b[0] == '\r') {
		if len(b) > 1 && (b[1] == '\n' || b[1] == '\r') && b[1] != b[0] {
			b = b[2:]
		} else {
			b = b[1:]
		}
	}
	if bytes.IndexByte(b, '\r') < 0 {
		return string(b)
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == '\n' || c == '\r' {
			if i+1 < len(b) && (b[i+1] == '\n' || b[i+1] == '\r') && b[i+1] != c {
				i++
			}
			c = '\n'
		}
		out = append(out, c)
	}
	return string(out)
}

func (r *parseState) readString(del int) stoken {
	line := r.line
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
	text := b.String()
	return stoken{kind: tkString, text: text, value: text[1 : len(text)-1], line: line}
}

func (r *parseState) readNumber() stoken {
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

// ---- parser (lparser.c)

func (r *parseState) is(k tokKind, text string) bool {
	if r.tok.kind != k {
		return false
	}
	return (k != tkKeyword && k != tkChar) || r.tok.text == text
}

func (r *parseState) testNext(k tokKind, text string) bool {
	if r.is(k, text) {
		r.next()
		return true
	}
	return false
}

func (r *parseState) check(k tokKind, text string) {
	if !r.is(k, text) {
		r.syntaxError(fmt.Sprintf("'%s' expected", kindName(k, text)))
	}
}

func (r *parseState) checkNext(k tokKind, text string) {
	r.check(k, text)
	r.next()
}

// checkMatch reads the token closing what opened at line where; it
// returns the closing token's line.
func (r *parseState) checkMatch(k tokKind, what, who string, where int) int {
	line := r.tok.line
	if !r.testNext(k, what) {
		if where == r.line {
			r.syntaxError(fmt.Sprintf("'%s' expected", kindName(k, what)))
		}
		r.syntaxError(fmt.Sprintf("'%s' expected (to close '%s' at line %d)", kindName(k, what), who, where))
	}
	return line
}

// checkName reads a name and returns it with its line.
func (r *parseState) checkName() (string, int) {
	t := r.tok
	r.checkNext(tkName, "")
	return t.text, t.line
}

func (r *parseState) enter() {
	r.level++
	if r.level > MaxNesting {
		panic(syntaxError{&Error{r.source, r.line, "chunk has too many syntax levels"}})
	}
}

func (r *parseState) blockFollow() bool {
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

func (r *parseState) chunk() []ast.Stmt {
	r.enter()
	nact := len(r.fn.actives)
	base := len(r.stmts)
	last := false
	for !last && !r.blockFollow() {
		var s ast.Stmt
		s, last = r.statement()
		if r.level == 1 { // the main chunk's
			r.top(s)
		} else {
			r.stmts = append(r.stmts, s)
		}
		r.testNext(tkChar, ";")
	}
	stmts := make([]ast.Stmt, len(r.stmts)-base)
	copy(stmts, r.stmts[base:])
	clear(r.stmts[base:])
	r.stmts = r.stmts[:base]
	r.fn.actives = r.fn.actives[:nact]
	r.level--
	return stmts
}

func (r *parseState) block() []ast.Stmt { return r.chunk() }

func (r *parseState) loopBlock() []ast.Stmt {
	r.loops++
	b := r.chunk()
	r.loops--
	return b
}

// statement returns true for a last statement (return, break).
func (r *parseState) statement() (ast.Stmt, bool) {
	line := r.line
	if r.tok.kind == tkKeyword {
		switch r.tok.text {
		case "if":
			return r.ifStat(line), false
		case "while":
			r.next()
			cond := r.expr()
			r.checkNext(tkKeyword, "do")
			s := &ast.WhileStmt{Condition: cond, Stmts: r.loopBlock()}
			s.SetLine(line)
			s.SetLastLine(r.checkMatch(tkKeyword, "end", "while", line))
			return s, false
		case "do":
			r.next()
			s := newNode(&r.nodes.do, ast.DoBlockStmt{Stmts: r.block()})
			s.SetLine(line)
			s.SetLastLine(r.checkMatch(tkKeyword, "end", "do", line))
			return s, false
		case "for":
			return r.forStat(line), false
		case "repeat":
			r.next()
			s := &ast.RepeatStmt{Stmts: r.loopBlock()}
			r.checkMatch(tkKeyword, "until", "repeat", line)
			s.Condition = r.expr()
			s.SetLine(line)
			s.SetLastLine(s.Condition.Line())
			return s, false
		case "function":
			return r.funcStat(line), false
		case "local":
			r.next()
			if r.testNext(tkKeyword, "function") {
				name, _ := r.checkName()
				r.newLocal(0)
				r.activate(name)
				f := r.body(line, false)
				s := newNode(&r.nodes.local, ast.LocalAssignStmt{Names: []string{name}, Exprs: []ast.Expr{f}, Function: true})
				s.SetLine(line)
				s.SetLastLine(f.LastLine())
				return s, false
			}
			var names []string
			for { // (lua5.1 reads the name, then counts it: the error's line is the next token's)
				name, _ := r.checkName()
				r.newLocal(len(names))
				names = append(names, name)
				if !r.testNext(tkChar, ",") {
					break
				}
			}
			exprs := []ast.Expr{}
			if r.testNext(tkChar, "=") {
				exprs = r.exprList()
			}
			r.activate(names...)
			s := newNode(&r.nodes.local, ast.LocalAssignStmt{Names: names, Exprs: exprs})
			s.SetLine(line)
			return s, false
		case "return":
			r.next()
			s := newNode(&r.nodes.ret, ast.ReturnStmt{})
			if !r.blockFollow() && !r.is(tkChar, ";") {
				s.Exprs = r.exprList()
			}
			s.SetLine(line)
			return s, true
		case "break":
			r.next()
			if r.loops == 0 {
				r.syntaxError("no loop to break")
			}
			s := &ast.BreakStmt{}
			s.SetLine(line)
			return s, true
		}
	}
	return r.exprStat(), false
}

func (r *parseState) ifStat(line int) ast.Stmt {
	r.next()
	cond := r.expr()
	r.checkNext(tkKeyword, "then")
	top := newNode(&r.nodes.ifs, ast.IfStmt{Condition: cond, Then: r.block()})
	top.SetLine(line)
	cur := top
	for r.is(tkKeyword, "elseif") {
		l := r.tok.line
		r.next()
		cond := r.expr()
		r.checkNext(tkKeyword, "then")
		next := newNode(&r.nodes.ifs, ast.IfStmt{Condition: cond, Then: r.block()})
		next.SetLine(l)
		cur.Else = []ast.Stmt{next}
		cur = next
	}
	if r.testNext(tkKeyword, "else") {
		cur.Else = r.block()
	}
	top.SetLastLine(r.checkMatch(tkKeyword, "end", "if", line))
	return top
}

func (r *parseState) forStat(line int) ast.Stmt {
	r.next()
	nact := len(r.fn.actives)
	name, _ := r.checkName()
	names := []string{name}
	var s ast.Stmt
	switch {
	case r.is(tkChar, "="):
		for i := 0; i < 4; i++ {
			r.newLocal(i)
		}
		r.next()
		n := &ast.NumberForStmt{Name: name, Init: r.expr()}
		r.checkNext(tkChar, ",")
		n.Limit = r.expr()
		if r.testNext(tkChar, ",") {
			n.Step = r.expr()
		}
		r.activate("(for index)", "(for limit)", "(for step)")
		r.checkNext(tkKeyword, "do")
		r.activate(names...)
		n.Stmts = r.loopBlock()
		s = n
	case r.is(tkChar, ","), r.is(tkKeyword, "in"):
		for i := 0; i < 4; i++ {
			r.newLocal(i)
		}
		for r.testNext(tkChar, ",") {
			name, _ := r.checkName()
			r.newLocal(len(names) + 3)
			names = append(names, name)
		}
		r.checkNext(tkKeyword, "in")
		g := &ast.GenericForStmt{Names: names, Exprs: r.exprList()}
		r.activate("(for generator)", "(for state)", "(for control)")
		r.checkNext(tkKeyword, "do")
		r.activate(names...)
		g.Stmts = r.loopBlock()
		s = g
	default:
		r.syntaxError("'=' or 'in' expected")
	}
	r.fn.actives = r.fn.actives[:nact]
	s.SetLine(line)
	s.SetLastLine(r.checkMatch(tkKeyword, "end", "for", line))
	return s
}

// funcStat is `function a.b:c() ... end`: the name's parts are indexing
// expressions with the lines of their names.
func (r *parseState) funcStat(line int) ast.Stmt {
	r.next()
	if r.tok.kind == tkName {
		r.resolve(r.fn, r.tok.text)
	}
	n, l := r.checkName()
	var fn ast.Expr = &ast.IdentExpr{Value: n}
	fn.SetLine(l)
	for r.testNext(tkChar, ".") {
		fn = r.field(fn, true)
	}
	name := &ast.FuncName{Func: fn}
	method := false
	if r.testNext(tkChar, ":") {
		m, _ := r.checkName()
		name = &ast.FuncName{Receiver: fn, Method: m}
		method = true
	}
	f := r.body(line, method)
	s := &ast.FuncDefStmt{Name: name, Func: f}
	s.SetLine(line)
	s.SetLastLine(f.LastLine())
	return s
}

// field reads the name after a '.' of obj; the indexing has obj's line,
// or the name's in a function statement's name.
func (r *parseState) field(obj ast.Expr, nameLine bool) ast.Expr {
	n, l := r.checkName()
	key := r.nodes.str.get()
	key.Value = n
	key.SetLine(l)
	x := r.nodes.index.get()
	x.Object, x.Key = obj, key
	if nameLine {
		x.SetLine(l)
	} else {
		x.SetLine(obj.Line())
	}
	return x
}

// body reads a function's parameters and block; line is where its
// 'function' is (for messages); the tree's function starts at '('.
func (r *parseState) body(line int, method bool) *ast.FunctionExpr {
	f := r.openFunc(line)
	defer r.closeFunc(f)
	if method {
		r.newLocal(0)
		r.activate("self")
	}
	x := newNode(&r.nodes.function, ast.FunctionExpr{ParList: newNode(&r.nodes.params, ast.ParList{Names: []string{}})})
	x.SetLine(r.tok.line)
	r.checkNext(tkChar, "(")
	if !r.is(tkChar, ")") {
		for {
			if r.tok.kind == tkName {
				name := r.tok.text
				r.next()
				r.newLocal(0)
				r.activate(name)
				x.ParList.Names = append(x.ParList.Names, name)
			} else if r.tok.kind == tkDots {
				r.next()
				f.vararg = true
				x.ParList.HasVargs = true
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
	x.Stmts = r.chunk()
	r.loops = saved
	x.SetLastLine(r.checkMatch(tkKeyword, "end", "function", line))
	return x
}

// exprKind says what a primary expression turned out to be.
type exprKind int

const (
	exOther exprKind = iota
	exVar            // a name or an indexed expression: assignable
	exCall
)

func (r *parseState) exprStat() ast.Stmt {
	e, k := r.primaryExp()
	if k == exCall {
		s := newNode(&r.nodes.callStmt, ast.FuncCallStmt{Expr: e})
		s.SetLine(e.Line())
		return s
	}
	lhs := []ast.Expr{e}
	for {
		if k != exVar {
			r.syntaxError("syntax error")
		}
		if !r.testNext(tkChar, ",") {
			break
		}
		e, k = r.primaryExp()
		lhs = append(lhs, e)
	}
	r.checkNext(tkChar, "=")
	s := newNode(&r.nodes.assign, ast.AssignStmt{Lhs: lhs, Rhs: r.exprList()})
	s.SetLine(lhs[0].Line())
	return s
}

func (r *parseState) prefixExp() (ast.Expr, exprKind) {
	switch {
	case r.tok.kind == tkName:
		r.resolve(r.fn, r.tok.text)
		x := r.nodes.ident.get()
		x.Value = r.tok.text
		x.SetLine(r.tok.line)
		r.next()
		return x, exVar
	case r.is(tkChar, "("):
		line, tline := r.line, r.tok.line
		r.next()
		e := r.expr()
		r.checkMatch(tkChar, ")", "(", line)
		return parens(e, tline), exOther
	}
	r.syntaxError("unexpected symbol")
	return nil, exOther
}

// parens is an expression in parentheses as gopher-lua's parser built it
// (it has no node for them): a call keeps its node and line and is cut to
// one value; anything else takes the line of '(' ('...' is cut to one
// value).
func parens(e ast.Expr, line int) ast.Expr {
	switch x := e.(type) {
	case *ast.FuncCallExpr:
		if !x.AdjustRet {
			x.AdjustRet = true
			return x
		}
	case *ast.Comma3Expr:
		x.AdjustRet = true
	}
	e.SetLine(line)
	return e
}

func (r *parseState) primaryExp() (ast.Expr, exprKind) {
	e, k := r.prefixExp()
	for {
		switch {
		case r.is(tkChar, "."):
			r.next()
			e, k = r.field(e, false), exVar
		case r.is(tkChar, "["):
			r.next()
			x := r.nodes.index.get()
			x.Object, x.Key = e, r.expr()
			r.checkNext(tkChar, "]")
			x.SetLine(e.Line())
			e, k = x, exVar
		case r.is(tkChar, ":"):
			r.next()
			m, _ := r.checkName()
			x := &ast.FuncCallExpr{Receiver: e, Method: m, Args: r.funcArgs()}
			x.SetLine(e.Line())
			e, k = x, exCall
		case r.is(tkChar, "("), r.tok.kind == tkString, r.is(tkChar, "{"):
			x := r.nodes.call.get()
			x.Func, x.Args = e, r.funcArgs()
			x.SetLine(e.Line())
			e, k = x, exCall
		default:
			return e, k
		}
	}
}

func (r *parseState) funcArgs() []ast.Expr {
	line := r.line
	switch {
	case r.is(tkChar, "("):
		if line != r.lastline {
			r.syntaxError("ambiguous syntax (function call x new statement)")
		}
		r.next()
		args := []ast.Expr{}
		if !r.is(tkChar, ")") {
			args = r.exprList()
		}
		r.checkMatch(tkChar, ")", "(", line)
		return args
	case r.is(tkChar, "{"):
		return []ast.Expr{r.table()}
	case r.tok.kind == tkString:
		s := r.str()
		return []ast.Expr{s}
	}
	r.syntaxError("function arguments expected")
	return nil
}

func (r *parseState) str() ast.Expr {
	x := r.nodes.str.get()
	x.Value = r.tok.value
	x.SetLine(r.tok.line)
	r.next()
	return x
}

func (r *parseState) table() ast.Expr {
	line := r.line
	x := newNode(&r.nodes.table, ast.TableExpr{Fields: []*ast.Field{}})
	x.SetLine(r.tok.line)
	r.checkNext(tkChar, "{")
	for !r.is(tkChar, "}") {
		switch {
		case r.tok.kind == tkName:
			if p := r.peek(); p.kind == tkChar && p.text == "=" {
				key := r.nodes.str.get()
				key.Value = r.tok.text
				key.SetLine(r.tok.line)
				r.next()
				r.next()
				x.Fields = append(x.Fields, r.nodes.field(key, r.expr()))
			} else {
				x.Fields = append(x.Fields, r.nodes.field(nil, r.expr()))
			}
		case r.is(tkChar, "["):
			r.next()
			k := r.expr()
			r.checkNext(tkChar, "]")
			r.checkNext(tkChar, "=")
			x.Fields = append(x.Fields, r.nodes.field(k, r.expr()))
		default:
			x.Fields = append(x.Fields, r.nodes.field(nil, r.expr()))
		}
		if !r.testNext(tkChar, ",") && !r.testNext(tkChar, ";") {
			break
		}
	}
	r.checkMatch(tkChar, "}", "{", line)
	return x
}

func (r *parseState) exprList() []ast.Expr {
	list := []ast.Expr{r.expr()}
	for r.testNext(tkChar, ",") {
		list = append(list, r.expr())
	}
	return list
}

// binaryOp returns the current token's binary operator and its left and
// right priorities (lua5.1's priority table), or ok false.
func (r *parseState) binaryOp() (op string, left, right int, ok bool) {
	switch r.tok.kind {
	case tkConcat:
		return "..", 5, 4, true
	case tkEq, tkGe, tkLe, tkNe:
		return r.tok.text, 3, 3, true
	case tkChar:
		switch r.tok.text {
		case "+", "-":
			return r.tok.text, 6, 6, true
		case "*", "/", "%":
			return r.tok.text, 7, 7, true
		case "^":
			return "^", 10, 9, true
		case "<", ">":
			return r.tok.text, 3, 3, true
		}
	case tkKeyword:
		switch r.tok.text {
		case "and":
			return "and", 2, 2, true
		case "or":
			return "or", 1, 1, true
		}
	}
	return "", 0, 0, false
}

const unaryPriority = 8

func (r *parseState) expr() ast.Expr { return r.subExpr(0) }

func (r *parseState) subExpr(limit int) ast.Expr {
	r.enter()
	var e ast.Expr
	if r.is(tkKeyword, "not") || r.is(tkChar, "-") || r.is(tkChar, "#") {
		op := r.tok.text
		r.next()
		e = unary(op, r.subExpr(unaryPriority))
	} else {
		e = r.simpleExp()
	}
	for {
		op, left, right, ok := r.binaryOp()
		if !ok || left <= limit {
			break
		}
		r.next()
		e = r.nodes.binary(op, e, r.subExpr(right))
	}
	r.level--
	return e
}

// unary and binary make an operator's node; it has the line of its
// (first) operand, as in gopher-lua's tree.
func unary(op string, x ast.Expr) ast.Expr {
	var e ast.Expr
	switch op {
	case "not":
		e = &ast.UnaryNotOpExpr{Expr: x}
	case "-":
		e = &ast.UnaryMinusOpExpr{Expr: x}
	default:
		e = &ast.UnaryLenOpExpr{Expr: x}
	}
	e.SetLine(x.Line())
	return e
}

func (n *nodeSlabs) binary(op string, lhs, rhs ast.Expr) ast.Expr {
	var e ast.Expr
	switch op {
	case "and", "or":
		e = newNode(&n.logical, ast.LogicalOpExpr{Operator: op, Lhs: lhs, Rhs: rhs})
	case "..":
		e = newNode(&n.concat, ast.StringConcatOpExpr{Lhs: lhs, Rhs: rhs})
	case "+", "-", "*", "/", "%", "^":
		e = newNode(&n.arith, ast.ArithmeticOpExpr{Operator: op, Lhs: lhs, Rhs: rhs})
	default:
		e = newNode(&n.relational, ast.RelationalOpExpr{Operator: op, Lhs: lhs, Rhs: rhs})
	}
	e.SetLine(lhs.Line())
	return e
}

func (r *parseState) simpleExp() ast.Expr {
	var e ast.Expr
	switch {
	case r.tok.kind == tkDots:
		if !r.fn.vararg {
			r.syntaxError("cannot use '...' outside a vararg function")
		}
		e = &ast.Comma3Expr{}
	case r.tok.kind == tkNumber:
		x := r.nodes.number.get()
		x.Value = r.tok.text
		e = x
	case r.tok.kind == tkString:
		return r.str()
	case r.is(tkKeyword, "nil"):
		e = &ast.NilExpr{}
	case r.is(tkKeyword, "true"):
		e = &ast.TrueExpr{}
	case r.is(tkKeyword, "false"):
		e = &ast.FalseExpr{}
	case r.is(tkChar, "{"):
		return r.table()
	case r.is(tkKeyword, "function"):
		line, tline := r.line, r.tok.line
		r.next()
		f := r.body(line, false)
		f.SetLine(tline)
		return f
	default:
		e, _ := r.primaryExp()
		return e
	}
	e.SetLine(r.tok.line)
	r.next()
	return e
}

// slab hands out nodes of one type from arrays of them: a chunk's tree
// is many small nodes, all dropped together once it is compiled.
type slab[T any] struct{ free []T }

func (s *slab[T]) get() *T {
	if len(s.free) == 0 {
		s.free = make([]T, 64)
	}
	x := &s.free[0]
	s.free = s.free[1:]
	return x
}

// nodeSlabs are the slabs of the commonest nodes.
type nodeSlabs struct {
	ident  slab[ast.IdentExpr]
	number slab[ast.NumberExpr]
	str    slab[ast.StringExpr]
	index  slab[ast.AttrGetExpr]
	call   slab[ast.FuncCallExpr]
	fields slab[ast.Field]

	do         slab[ast.DoBlockStmt]
	local      slab[ast.LocalAssignStmt]
	ret        slab[ast.ReturnStmt]
	ifs        slab[ast.IfStmt]
	function   slab[ast.FunctionExpr]
	params     slab[ast.ParList]
	callStmt   slab[ast.FuncCallStmt]
	assign     slab[ast.AssignStmt]
	table      slab[ast.TableExpr]
	logical    slab[ast.LogicalOpExpr]
	concat     slab[ast.StringConcatOpExpr]
	arith      slab[ast.ArithmeticOpExpr]
	relational slab[ast.RelationalOpExpr]
}

// newNode is a node of s's, set to v.
func newNode[T any](s *slab[T], v T) *T {
	x := s.get()
	*x = v
	return x
}

func (n *nodeSlabs) field(key, value ast.Expr) *ast.Field {
	f := n.fields.get()
	f.Key, f.Value = key, value
	return f
}
