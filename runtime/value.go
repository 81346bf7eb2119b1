package runtime

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unsafe"
)

// Value is a Lua value: two words, one of them a pointer (the collector
// scans one word in two of a table's array). The zero Value is nil.
//
//   - nil: p nil, n 0;
//   - a number: p &numTag, n the number; a boolean: p &boolTag, n 0 or 1
//     (so arithmetic never allocates, and a number's test is one word);
//   - a string: p its box (a *string, made once per string value: the
//     box is what a field's cache compares) plus kString, n 0;
//   - a table, function, thread or userdata: p the object plus its kind
//     (kTable...), n 0.
//
// A kind is in the low bits of p (objects and boxes are aligned to 8
// bytes, and the tags too, so their low bits are 0): a kind's test is one
// word's, and p still points into its object (the collector keeps what it
// points into).
//
// A Value is not comparable with == (two boxes may hold equal strings):
// RawEqual compares as Lua does.
type Value struct {
	_ [0]func()
	p unsafe.Pointer
	n float64
}

type tag struct{ name string }

// The tags of numbers and booleans: package variables, so that the
// compiler knows their addresses (&numTag, &boolTag): a test for a
// number compares with a constant, and making one stores one.
var (
	numTag  = tag{"number"}
	boolTag = tag{"boolean"}
)

// The kinds of values held by pointer, in the low bits of their p.
const (
	kString uint64 = 1 + iota
	kTable
	kClosure
	kGoFunction
	kThread
	kUserdata
	kindMask = 7
)

// Type is a Lua type.
type Type uint8

const (
	TNil Type = iota
	TBoolean
	TNumber
	TString
	TTable
	TFunction
	TThread
	TUserdata
)

var typeNames = [...]string{"nil", "boolean", "number", "string", "table", "function", "thread", "userdata"}

// kindTypes are the Lua types of the kinds.
var kindTypes = [kindMask + 1]Type{kString: TString, kTable: TTable, kClosure: TFunction,
	kGoFunction: TFunction, kThread: TThread, kUserdata: TUserdata}

// typeNameValues are typeNames as values, made once (type() returns them).
var typeNameValues = func() (vs [len(typeNames)]Value) {
	for i, n := range typeNames {
		vs[i] = newString(n)
	}
	return
}()

// TypeNameValue is the name of v's type as a string value.
func (v Value) TypeNameValue() Value { return typeNameValues[v.Type()] }

func (t Type) String() string { return typeNames[t] }

// Nil is the nil value.
var Nil = Value{}

// True and False are the booleans.
var (
	True  = Value{p: unsafe.Pointer(&boolTag), n: 1}
	False = Value{p: unsafe.Pointer(&boolTag), n: 0}
)

// Number makes a number value.
func Number(f float64) Value { return Value{p: unsafe.Pointer(&numTag), n: f} }

// Bool makes a boolean value.
func Bool(b bool) Value {
	if b {
		return True
	}
	return False
}

// object makes the value of the object at p, of kind k.
// A nil object makes nil: its kind alone would be a small number in a
// pointer's word, which Go's stack copying refuses (a crash).
func object(p unsafe.Pointer, k uint64) Value {
	if p == nil {
		return Nil
	}
	return Value{p: unsafe.Add(p, k)}
}

// at is the object of v, of kind k.
func (v *Value) at(k uint64) unsafe.Pointer { return unsafe.Add(v.p, -int(k)) }

// is reports whether v holds an object of kind k.
func (v *Value) is(k uint64) bool {
	return uintptr(v.p)&kindMask == uintptr(k)
}

// String makes a string value. A string of one byte is one of
// byteStrings: made without allocating (programs that walk a string take
// it apart a character at a time).
func String(s string) Value {
	if len(s) == 1 {
		return byteStrings[s[0]]
	}
	return newString(s)
}

// emptyBox is the box of every empty string made by String.
var emptyBox = ""

// newString boxes s.
func newString(s string) Value {
	if len(s) == 0 {
		return object(unsafe.Pointer(&emptyBox), kString)
	}
	b := new(string)
	*b = s
	return object(unsafe.Pointer(b), kString)
}

// StringBoxed returns the string *p as a value whose box is *p itself,
// made without allocating (a thaw boxes its strings in blocks). *p must
// never change.
func StringBoxed(p *string) Value {
	if len(*p) <= 1 {
		return String(*p)
	}
	return object(unsafe.Pointer(p), kString)
}

// BuildString returns the string of n bytes that fill writes as a value.
// Its header (the value's box) and its bytes are one allocation holding
// no pointer the collector follows (the header's points into it, and the
// value's to its start keeps it alive): one object where String of a
// string just built makes two (the bytes, then a box). fill writes b
// once, before the value exists, and keeps no hold of it.
func BuildString(n int, fill func(b []byte)) Value {
	if n <= 1 {
		var one [1]byte
		fill(one[:n])
		return String(string(one[:n]))
	}
	buf := make([]byte, stringHeader+n)
	fill(buf[stringHeader:])
	return boxedIn(buf)
}

// stringHeader is the size of a string's header (pointer and length).
const stringHeader = int(unsafe.Sizeof(""))

// boxedIn returns the string of buf's bytes after its first stringHeader
// (at least two) as a value whose box is those first bytes: it writes the
// string's header there. buf's bytes never change after.
func boxedIn(buf []byte) Value {
	h := (*string)(unsafe.Pointer(&buf[0]))
	*h = unsafe.String(&buf[stringHeader], len(buf)-stringHeader)
	return StringBoxed(h)
}

// byteStrings are the 256 strings of one byte, as values.
var byteStrings = func() (vs [256]Value) {
	for i := range vs {
		vs[i] = newString(string([]byte{byte(i)}))
	}
	return
}()

// TableValue wraps a table.
func TableValue(t *Table) Value { return object(unsafe.Pointer(t), kTable) }

// FunctionValue wraps a Go function.
func FunctionValue(f *GoFunction) Value { return object(unsafe.Pointer(f), kGoFunction) }

// ClosureValue wraps a Lua closure.
func ClosureValue(c *Closure) Value { return object(unsafe.Pointer(c), kClosure) }

// UserdataValue wraps a userdata.
func UserdataValue(u *Userdata) Value { return object(unsafe.Pointer(u), kUserdata) }

// ThreadValue wraps a coroutine.
func ThreadValue(t *Thread) Value { return object(unsafe.Pointer(t), kThread) }

// objKind is v's kind when v holds an object, or 0.
func (v *Value) objKind() uint64 { return uint64(uintptr(v.p) & kindMask) }

// Type returns v's type.
func (v Value) Type() Type {
	switch v.p {
	case nil:
		return TNil
	case unsafe.Pointer(&numTag):
		return TNumber
	case unsafe.Pointer(&boolTag):
		return TBoolean
	}
	return kindTypes[uintptr(v.p)&kindMask]
}

// TypeName returns the name of v's type.
func (v Value) TypeName() string { return v.Type().String() }

// IsNil reports whether v is nil.
func (v Value) IsNil() bool { return v.p == nil }

// IsNumber reports whether v is a number.
func (v Value) IsNumber() bool { return isNum(&v) }

// isNum is IsNumber of a value in place (a register, a constant).
func isNum(v *Value) bool { return v.p == unsafe.Pointer(&numTag) }

// isBool reports whether v is a boolean.
func (v *Value) isBool() bool { return v.p == unsafe.Pointer(&boolTag) }

// Truthy reports whether v counts as true: anything but nil and false.
func (v Value) Truthy() bool {
	return v.p != nil && !(v.p == unsafe.Pointer(&boolTag) && v.n == 0)
}

// Num returns v's number (0 for a value held by pointer, 0 or 1 for a
// boolean).
func (v Value) Num() float64 { return v.n }

// SetNum makes *v the number f when it already holds a number: it stores
// the float alone (no tag, no write barrier). Compiled code calls it
// only where its analysis knows the register holds a number (on an
// object's value it would break the value's rule that n is 0).
func (v *Value) SetNum(f float64) { v.n = f }

// Str returns v's string and whether it is one.
func (v Value) Str() (string, bool) {
	if v.is(kString) {
		return v.str(), true
	}
	return "", false
}

// str is the string of v, which holds one.
func (v *Value) str() string { return *(*string)(v.at(kString)) }

// Table returns v's table or nil.
func (v Value) Table() *Table { o, _ := as[Table](v, kTable); return o }

// Closure returns v's Lua closure or nil.
func (v Value) Closure() *Closure { o, _ := as[Closure](v, kClosure); return o }

// GoFunction returns v's Go function or nil.
func (v Value) GoFunction() *GoFunction { o, _ := as[GoFunction](v, kGoFunction); return o }

// Thread returns v's coroutine or nil.
func (v Value) Thread() *Thread { o, _ := as[Thread](v, kThread); return o }

// Userdata returns v's userdata or nil.
func (v Value) Userdata() *Userdata { o, _ := as[Userdata](v, kUserdata); return o }

// Raw returns v's payload as a Go value: nil, a float64, a bool, a
// string, or the object (*Table, *Closure, *GoFunction, *Thread,
// *Userdata). Raw values are equal where RawEqual's values are (except
// NaN), so they key Go maps.
func (v Value) Raw() any {
	switch v.p {
	case nil:
		return nil
	case unsafe.Pointer(&numTag):
		return v.n
	case unsafe.Pointer(&boolTag):
		return v.n != 0
	}
	if s, ok := v.Str(); ok {
		return s
	}
	return v.ref()
}

// RawEqual compares without metamethods.
func RawEqual(a, b Value) bool {
	if a.p == b.p {
		return a.n == b.n // (an object's n is 0)
	}
	return a.is(kString) && b.is(kString) && a.str() == b.str()
}

// same reports whether a and b are the same value to Go: the same
// words (a string in two boxes is not the same; a NaN is itself).
func same(a, b Value) bool {
	return a.p == b.p && math.Float64bits(a.n) == math.Float64bits(b.n)
}

// FormatNumber formats a number as Lua 5.1 does ("%.14g").
func FormatNumber(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e14 {
		if f == 0 && math.Signbit(f) {
			return "-0"
		}
		return strconv.FormatInt(int64(f), 10)
	}
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		if math.Signbit(f) {
			return "-nan"
		}
		return "nan"
	}
	return FormatG(f, 14)
}

// FormatG formats a finite number like C's %.<prec>g: Go's 'g' format
// is C's (the exponent's rule, trailing zeros dropped, at least two
// digits of exponent), which TestFormatG checks against the two-pass
// formatting this replaced.
func FormatG(f float64, prec int) string {
	return strconv.FormatFloat(f, 'g', max(prec, 1), 64)
}

// ParseNumber converts a string to a number as Lua 5.1's lua_str2number
// does with glibc's strtod: decimal, hexadecimal with 0x (hex floats too:
// 0x1.8p3, 0x.8), "inf", "infinity" and "nan" in any case, each with a
// sign, and surrounding spaces.
func ParseNumber(s string) (float64, bool) {
	t := strings.TrimRight(strings.TrimLeft(s, " \t\n\r\f\v"), " \t\n\r\f\v")
	if t == "" {
		return 0, false
	}
	neg := false
	u := t
	if u[0] == '-' || u[0] == '+' {
		neg = u[0] == '-'
		u = u[1:]
	}
	if len(u) > 2 && u[0] == '0' && (u[1] == 'x' || u[1] == 'X') {
		return parseHex(u[2:], neg)
	}
	switch strings.ToLower(u) {
	case "inf", "infinity":
		return math.Copysign(math.Inf(1), signOf(neg)), true
	case "nan":
		return math.Copysign(math.NaN(), signOf(neg)), true // strtod keeps the sign
	}
	// strtod accepts what ParseFloat accepts, minus underscores and hex
	// floats (above)
	for i := 0; i < len(u); i++ {
		if c := u[i]; !(c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
			return 0, false
		}
	}
	return parseFloat(t)
}

// parseHex reads the digits after 0x: hexadecimal digits with a point
// anywhere and a binary exponent p±d (strtod's syntax; Go's wants the
// exponent, and takes underscores).
func parseHex(u string, neg bool) (float64, bool) {
	i, digits := 0, 0
	for ; i < len(u) && isHex(u[i]); i++ {
		digits++
	}
	if i < len(u) && u[i] == '.' {
		for i++; i < len(u) && isHex(u[i]); i++ {
			digits++
		}
	}
	mant, exp := u[:i], "0"
	if i < len(u) && (u[i] == 'p' || u[i] == 'P') {
		j := i + 1
		if j < len(u) && (u[j] == '+' || u[j] == '-') {
			j++
		}
		k := j
		for k < len(u) && u[k] >= '0' && u[k] <= '9' {
			k++
		}
		if k == j {
			return 0, false // "p" without digits: strtod stops before it
		}
		exp, i = u[i+1:k], k
	}
	if digits == 0 || i != len(u) {
		return 0, false
	}
	sign := ""
	if neg {
		sign = "-"
	}
	return parseFloat(sign + "0x" + mant + "p" + exp)
}

// parseFloat is strconv.ParseFloat, out of range giving ±Inf or 0 (as
// strtod's HUGE_VAL and underflow).
func parseFloat(s string) (float64, bool) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f, true
		}
		return 0, false
	}
	return f, true
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func signOf(neg bool) float64 {
	if neg {
		return -1
	}
	return 1
}

// ToNumber converts v to a number if it is a number or a numeric string.
func ToNumber(v Value) (float64, bool) {
	if isNum(&v) {
		return v.n, true
	}
	if s, ok := v.Str(); ok {
		return ParseNumber(s)
	}
	return 0, false
}

// ToStringRaw converts numbers and strings to strings (no metamethods).
func ToStringRaw(v Value) (string, bool) {
	if isNum(&v) {
		return FormatNumber(v.n), true
	}
	return v.Str()
}

// Repr is tostring without metamethods.
func Repr(v Value) string {
	switch t := v.Type(); t {
	case TNil:
		return "nil"
	case TNumber:
		return FormatNumber(v.n)
	case TBoolean:
		if v.n != 0 {
			return "true"
		}
		return "false"
	case TString:
		return v.str()
	default:
		return fmt.Sprintf("%s: %p", t, v.ref())
	}
}

// String is v as Lua's tostring writes it without metamethods: a number
// as %.14g, a string as it is, "table: 0x..." for a table (Repr).
func (v Value) String() string { return Repr(v) }

// Userdata is an opaque host value with an optional metatable.
type Userdata struct {
	Data any
	Meta *Table
	// Name, when set, makes the userdata a native of its process (see
	// Process.RegisterNative): io.stdout freezes as its name.
	Name string

	finalized bool // a cycle queued its __gc (collect.go)
}

// as is v's object of kind k, a T, and true; or nil and false.
func as[T any](v Value, k uint64) (*T, bool) {
	if v.is(k) {
		return (*T)(v.at(k)), true
	}
	return nil, false
}

// asTable is v's table and true, or nil and false.
func (v Value) asTable() (*Table, bool) { return as[Table](v, kTable) }

// asClosure is v's Lua closure and true, or nil and false.
func (v Value) asClosure() (*Closure, bool) { return as[Closure](v, kClosure) }

// asGoFunction is v's Go function and true, or nil and false.
func (v Value) asGoFunction() (*GoFunction, bool) { return as[GoFunction](v, kGoFunction) }

// asThread is v's coroutine and true, or nil and false.
func (v Value) asThread() (*Thread, bool) { return as[Thread](v, kThread) }

// asUserdata is v's userdata and true, or nil and false.
func (v Value) asUserdata() (*Userdata, bool) { return as[Userdata](v, kUserdata) }

// fromRaw is the value whose Raw is o.
func fromRaw(o any) Value {
	switch o := o.(type) {
	case nil:
		return Nil
	case float64:
		return Number(o)
	case bool:
		return Bool(o)
	case string:
		return String(o)
	case *Table:
		return TableValue(o)
	case *Closure:
		return ClosureValue(o)
	case *GoFunction:
		return FunctionValue(o)
	case *Thread:
		return ThreadValue(o)
	case *Userdata:
		return UserdataValue(o)
	}
	panic("runtime: no value holds a " + fmt.Sprintf("%T", o))
}

// ref is v's object as a Go value (*Table, *Closure, *GoFunction, *Thread,
// *Userdata), made without allocating; nil for any other value.
func (v Value) ref() any {
	switch v.objKind() {
	case kTable:
		return (*Table)(v.at(kTable))
	case kClosure:
		return (*Closure)(v.at(kClosure))
	case kGoFunction:
		return (*GoFunction)(v.at(kGoFunction))
	case kThread:
		return (*Thread)(v.at(kThread))
	case kUserdata:
		return (*Userdata)(v.at(kUserdata))
	}
	return nil
}
