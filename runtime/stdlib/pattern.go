package stdlib

import (
	"math/bits"
	"strings"

	rt "github.com/mobilua/mobilua/runtime"
)

// Lua 5.1 patterns, ported from lstrlib.c.

const (
	maxCaptures   = 32
	capUnfinished = -1
	capPosition   = -2
	maxMatchSteps = 50_000_000
	stepChunk     = 4096
)

type capture struct {
	init, len int
}

type matchState struct {
	src     string
	pat     string
	level   int
	capture [maxCaptures]capture
	t       *rt.Thread
	steps   int
	depth   int
	first   firstItem // see skip
	// set is the bytes the set item at pat[setAt-1:] matches, once made
	// (maxExpand); setAt is 0 before
	set   byteSet
	setAt int
	lent  bool // to a gsub, out of the process's slot (lend)
}

// itemSet returns the bytes the set item at pat[p:ep] matches, made once.
func (ms *matchState) itemSet(p, ep int) *byteSet {
	if ms.setAt != p+1 {
		ms.set, ms.setAt = itemSet(ms.pat, p, ep), p+1
	}
	return &ms.set
}

// firstItem is what the first byte of a match must be, when the pattern
// (from 0: it is not anchored) says: the literal lit, or a byte of set
// (the bytes its first item matches).
type firstItem struct {
	known bool // computed
	kind  byte // anyFirst, litFirst or itemFirst
	lit   byte
	set   byteSet // itemFirst
}

// byteSet is a set of bytes, a bit each.
type byteSet [4]uint64

func (b *byteSet) has(c byte) bool { return b[c>>6]&(1<<(c&63)) != 0 }
func (b *byteSet) add(c byte)      { b[c>>6] |= 1 << (c & 63) }

func (b *byteSet) or(o *byteSet) {
	for i := range b {
		b[i] |= o[i]
	}
}

func (b *byteSet) not() {
	for i := range b {
		b[i] = ^b[i]
	}
}

// itemSet is the set of bytes the single-byte item at pat[p:ep] matches
// (%a, a set [...]; as singleMatch decides).
func itemSet(pat string, p, ep int) byteSet {
	if pat[p] == '%' {
		return classSet(pat[p+1])
	}
	// a set, parsed as matchBracketClass does
	var set byteSet
	ec := ep - 1
	neg := false
	if pat[p+1] == '^' {
		neg = true
		p++
	}
	for p++; p < ec; p++ {
		switch {
		case pat[p] == '%':
			p++
			cs := classSet(pat[p])
			set.or(&cs)
		case p+2 < ec && pat[p+1] == '-':
			for c := int(pat[p]); c <= int(pat[p+2]); c++ {
				set.add(byte(c))
			}
			p += 2
		default:
			set.add(pat[p])
		}
	}
	if neg {
		set.not()
	}
	return set
}

// classSet is the set of bytes %cl matches (as singleClass decides).
func classSet(cl byte) byteSet {
	bit := classBit[cl|0x20]
	if bit == 0 {
		var set byteSet
		set.add(cl)
		return set
	}
	set := classSets[bits.TrailingZeros16(bit)]
	if isupper(cl) {
		set.not()
	}
	return set
}

// What may start a match (firstItem.kind).
const (
	anyFirst  = iota // any byte
	litFirst         // the literal lit
	itemFirst        // a byte the item at pat[p:ep] matches
)

// firstMatch finds the first match of the pattern (from p) at init or
// after it (only at init when anchored): where it starts and ends, or
// e = -1 when there is none.
func (ms *matchState) firstMatch(init, p int, anchor bool) (s1, e int) {
	for s1 = init; ; s1++ {
		if !anchor {
			s1 = ms.skip(s1)
		}
		ms.level, ms.depth = 0, 0
		if e = ms.match(s1, p); e != -1 || s1 >= len(ms.src) || anchor {
			return s1, e
		}
	}
}

// skip returns the first position from s where a match may start: a
// byte its first item matches (positions where the match would fail on
// its first item are passed over in one loop, as lstrlib does not), or
// len(src).
func (ms *matchState) skip(s int) int {
	if !ms.first.known {
		ms.first = ms.firstItem()
	}
	src := ms.src
	switch ms.first.kind {
	case litFirst:
		if i := strings.IndexByte(src[min(s, len(src)):], ms.first.lit); i >= 0 {
			return s + i
		}
		return len(src)
	case itemFirst:
		set := &ms.first.set
		for s < len(src) && !set.has(src[s]) {
			s++
		}
	}
	return s
}

// firstItem finds the item a match of the (unanchored) pattern must
// begin with: past capture openings, one that matches exactly one byte
// and is not optional.
func (ms *matchState) firstItem() firstItem {
	pat, q := ms.pat, 0
	for q < len(pat) && pat[q] == '(' {
		if q+1 < len(pat) && pat[q+1] == ')' {
			q += 2
		} else {
			q++
		}
	}
	none := firstItem{known: true}
	if q >= len(pat) {
		return none
	}
	switch pat[q] {
	case ')', '$', '.':
		return none
	case '%':
		if q+1 >= len(pat) {
			return none
		}
		switch c := pat[q+1]; {
		case c == 'b':
			if q+3 < len(pat) {
				return firstItem{known: true, kind: litFirst, lit: pat[q+2]}
			}
			return none
		case c == 'f' || isdigit(c):
			return none
		}
	}
	ep := classEnd(ms, q)
	if ep < len(pat) && (pat[ep] == '*' || pat[ep] == '?' || pat[ep] == '-') {
		return none
	}
	if c := pat[q]; c != '%' && c != '[' {
		return firstItem{known: true, kind: litFirst, lit: c}
	}
	return firstItem{known: true, kind: itemFirst, set: itemSet(pat, q, ep)}
}

func (ms *matchState) err(format string, args ...any) {
	ms.t.Error(format, args...)
}

// step counts matcher work: every stepChunk steps are charged to the
// process's step budget (so a step limit stops a pathological pattern),
// and without a limit a very long match still ends with an error.
func (ms *matchState) step() {
	ms.steps++
	if ms.steps&(stepChunk-1) == 0 {
		ms.charge()
	}
}

func (ms *matchState) charge() {
	ms.t.ChargeSteps(stepChunk / 16)
	if ms.steps > maxMatchSteps {
		ms.err("pattern too complex")
	}
}

func classEnd(ms *matchState, p int) int {
	pat := ms.pat
	c := pat[p]
	p++
	if c == '%' {
		if p >= len(pat) {
			ms.err("malformed pattern (ends with '%%')")
		}
		return p + 1
	}
	if c == '[' {
		if p < len(pat) && pat[p] == '^' {
			p++
		}
		for { // look for a ']'
			if p >= len(pat) {
				ms.err("malformed pattern (missing ']')")
			}
			cc := pat[p]
			p++
			if cc == '%' {
				if p >= len(pat) {
					ms.err("malformed pattern (missing ']')")
				}
				p++
			}
			if p < len(pat) && pat[p] == ']' {
				return p + 1
			}
			if p >= len(pat) {
				ms.err("malformed pattern (missing ']')")
			}
		}
	}
	return p
}

func isalpha(c byte) bool  { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isdigit(c byte) bool  { return c >= '0' && c <= '9' }
func islower(c byte) bool  { return c >= 'a' && c <= 'z' }
func isupper(c byte) bool  { return c >= 'A' && c <= 'Z' }
func isspace(c byte) bool  { return c == ' ' || c >= '\t' && c <= '\r' }
func iscntrl(c byte) bool  { return c < 32 || c == 127 }
func ispunct(c byte) bool  { return c > 32 && c < 127 && !isalpha(c) && !isdigit(c) }
func isxdigit(c byte) bool { return isdigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// classBit is the bit of a class letter (lower case) in classMask; 0 for
// a byte that names no class.
var classBit [256]uint16

// classMask holds, per byte, the bits of the classes it belongs to.
var classMask [256]uint16

// classSets holds, by a class's bit (its index), the bytes of the class.
var classSets [16]byteSet

func init() {
	tests := map[byte]func(byte) bool{
		'a': isalpha, 'c': iscntrl, 'd': isdigit, 'l': islower, 'p': ispunct, 's': isspace, 'u': isupper,
		'w': func(c byte) bool { return isalpha(c) || isdigit(c) }, 'x': isxdigit, 'z': func(c byte) bool { return c == 0 },
	}
	bit := uint16(1)
	for _, cl := range []byte("acdlpsuwxz") {
		classBit[cl] = bit
		test := tests[cl]
		for c := 0; c < 256; c++ {
			if test(byte(c)) {
				classMask[c] |= bit
				classSets[bits.TrailingZeros16(bit)].add(byte(c))
			}
		}
		bit <<= 1
	}
}

// singleClass reports whether c matches %cl (%a, %D, …, or %cl escaping
// a byte that names no class).
func singleClass(c byte, cl byte) bool {
	bit := classBit[cl|0x20]
	if bit == 0 {
		return cl == c
	}
	res := classMask[c]&bit != 0
	if isupper(cl) {
		return !res
	}
	return res
}

func matchBracketClass(ms *matchState, c byte, p, ec int) bool {
	pat := ms.pat
	sig := true
	if pat[p+1] == '^' {
		sig = false
		p++
	}
	for p++; p < ec; p++ {
		if pat[p] == '%' {
			p++
			if singleClass(c, pat[p]) {
				return sig
			}
		} else if p+2 < ec && pat[p+1] == '-' {
			if pat[p] <= c && c <= pat[p+2] {
				return sig
			}
			p += 2
		} else if pat[p] == c {
			return sig
		}
	}
	return !sig
}

func singleMatch(ms *matchState, s, p, ep int) bool {
	if s >= len(ms.src) {
		return false
	}
	c := ms.src[s]
	switch ms.pat[p] {
	case '.':
		return true
	case '%':
		return singleClass(c, ms.pat[p+1])
	case '[':
		return matchBracketClass(ms, c, p, ep-1)
	default:
		return ms.pat[p] == c
	}
}

func (ms *matchState) match(s, p int) int {
	ms.depth++
	if ms.depth > 200 {
		ms.err("pattern too complex")
	}
	r := ms.doMatch(s, p)
	ms.depth-- // no defer: an error abandons the whole matchState
	return r
}

func (ms *matchState) doMatch(s, p int) int {
	for {
		ms.step()
		if p >= len(ms.pat) {
			return s
		}
		switch ms.pat[p] {
		case '(':
			if p+1 < len(ms.pat) && ms.pat[p+1] == ')' {
				return ms.startCapture(s, p+2, capPosition)
			}
			return ms.startCapture(s, p+1, capUnfinished)
		case ')':
			return ms.endCapture(s, p+1)
		case '%':
			if p+1 < len(ms.pat) {
				switch ms.pat[p+1] {
				case 'b':
					s = ms.matchBalance(s, p+2)
					if s == -1 {
						return -1
					}
					p += 4
					continue
				case 'f':
					p += 2
					if p >= len(ms.pat) || ms.pat[p] != '[' {
						ms.err("missing '[' after '%%f' in pattern")
					}
					ep := classEnd(ms, p)
					var prev byte
					if s > 0 {
						prev = ms.src[s-1]
					}
					var cur byte
					if s < len(ms.src) {
						cur = ms.src[s]
					}
					if matchBracketClass(ms, prev, p, ep-1) || !matchBracketClass(ms, cur, p, ep-1) {
						return -1
					}
					p = ep
					continue
				default:
					if isdigit(ms.pat[p+1]) {
						s = ms.matchCapture(s, ms.pat[p+1])
						if s == -1 {
							return -1
						}
						p += 2
						continue
					}
				}
			}
		case '$':
			if p+1 == len(ms.pat) {
				if s == len(ms.src) {
					return s
				}
				return -1
			}
		}
		ep := classEnd(ms, p)
		if ep < len(ms.pat) {
			// (* and - test the item in their own loops: not here first)
			switch ms.pat[ep] {
			case '?':
				if singleMatch(ms, s, p, ep) {
					if r := ms.match(s+1, ep+1); r != -1 {
						return r
					}
				}
				p = ep + 1
				continue
			case '*':
				return ms.maxExpand(s, p, ep)
			case '+':
				if singleMatch(ms, s, p, ep) {
					return ms.maxExpand(s+1, p, ep)
				}
				return -1
			case '-':
				return ms.minExpand(s, p, ep)
			}
		}
		if !singleMatch(ms, s, p, ep) {
			return -1
		}
		s++
		p = ep
	}
}

func (ms *matchState) maxExpand(s, p, ep int) int {
	// how many bytes from s the item matches (singleMatch, one loop per
	// kind of item)
	src, i := ms.src[s:], 0
	switch c := ms.pat[p]; c {
	case '.':
		i = len(src)
	case '%': // (singleClass, its class looked up once)
		cl := ms.pat[p+1]
		switch bit := classBit[cl|0x20]; {
		case bit == 0:
			for i < len(src) && src[i] == cl {
				i++
			}
		case isupper(cl):
			for i < len(src) && classMask[src[i]]&bit == 0 {
				i++
			}
		default:
			for i < len(src) && classMask[src[i]]&bit != 0 {
				i++
			}
		}
	case '[':
		// the first byte by the pattern's text; a run by the set's bits
		// (made once for the item: a set is parsed in the time of a few
		// bytes)
		if i < len(src) && matchBracketClass(ms, src[i], p, ep-1) {
			i++
			if i < len(src) {
				set := ms.itemSet(p, ep)
				for i < len(src) && set.has(src[i]) {
					i++
				}
			}
		}
	default:
		for i < len(src) && src[i] == c {
			i++
		}
	}
	for i >= 0 {
		ms.step()
		if r := ms.match(s+i, ep+1); r != -1 {
			return r
		}
		i--
	}
	return -1
}

func (ms *matchState) minExpand(s, p, ep int) int {
	for {
		ms.step()
		if r := ms.match(s, ep+1); r != -1 {
			return r
		}
		if singleMatch(ms, s, p, ep) {
			s++
		} else {
			return -1
		}
	}
}

func (ms *matchState) startCapture(s, p, what int) int {
	if ms.level >= maxCaptures {
		ms.err("too many captures")
	}
	ms.capture[ms.level] = capture{s, what}
	ms.level++
	r := ms.match(s, p)
	if r == -1 {
		ms.level--
	}
	return r
}

func (ms *matchState) endCapture(s, p int) int {
	l := ms.captureToClose()
	ms.capture[l].len = s - ms.capture[l].init
	r := ms.match(s, p)
	if r == -1 {
		ms.capture[l].len = capUnfinished
	}
	return r
}

func (ms *matchState) captureToClose() int {
	for level := ms.level - 1; level >= 0; level-- {
		if ms.capture[level].len == capUnfinished {
			return level
		}
	}
	ms.err("invalid pattern capture")
	return 0
}

func (ms *matchState) matchBalance(s, p int) int {
	if p+1 >= len(ms.pat) {
		ms.err("unbalanced pattern")
	}
	if s >= len(ms.src) || ms.src[s] != ms.pat[p] {
		return -1
	}
	b, e := ms.pat[p], ms.pat[p+1]
	cont := 1
	for i := s + 1; i < len(ms.src); i++ {
		c := ms.src[i]
		if c == e {
			cont--
			if cont == 0 {
				return i + 1
			}
		} else if c == b {
			cont++
		}
	}
	return -1
}

func (ms *matchState) matchCapture(s int, l byte) int {
	idx := ms.checkCapture(l)
	c := ms.capture[idx]
	if len(ms.src)-s >= c.len && ms.src[c.init:c.init+c.len] == ms.src[s:s+c.len] {
		return s + c.len
	}
	return -1
}

func (ms *matchState) checkCapture(l byte) int {
	i := int(l) - '1'
	if i < 0 || i >= ms.level || ms.capture[i].len == capUnfinished {
		ms.err("invalid capture index")
	}
	return i
}

// getCapture returns capture i (whole match when there are none).
func (ms *matchState) getCapture(i, s, e int) rt.Value {
	if i >= ms.level {
		if i == 0 {
			return ms.t.Substring(ms.src, s, e)
		}
		ms.err("invalid capture index")
	}
	c := ms.capture[i]
	if c.len == capUnfinished {
		ms.err("unfinished capture")
	}
	if c.len == capPosition {
		return rt.Number(float64(c.init + 1))
	}
	return ms.t.Substring(ms.src, c.init, c.init+c.len)
}

func (ms *matchState) pushCaptures(s, e int, wholeIfNone bool) int {
	n := ms.level
	if n == 0 && wholeIfNone {
		n = 1
	}
	for i := 0; i < n; i++ {
		ms.t.Push(ms.getCapture(i, s, e))
	}
	return n
}
