package runtime

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unsafe"
)

// Value is a Lua value. The zero Value is nil. Numbers and booleans keep
// their payload in n and a type tag in o, so arithmetic never allocates;
// strings, tables, functions, threads and userdata are held in o.
type Value struct {
	o any
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

// typeNameValues are typeNames as values, made once (type() returns them).
var typeNameValues = func() (vs [len(typeNames)]Value) {
	for i, n := range typeNames {
		vs[i] = Value{o: n}
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
	True  = Value{o: &boolTag, n: 1}
	False = Value{o: &boolTag, n: 0}
)

// Number makes a number value.
func Number(f float64) Value { return Value{o: &numTag, n: f} }

// Bool makes a boolean value.
func Bool(b bool) Value {
	if b {
		return True
	}
	return False
}

// String makes a string value. A string of one byte is one of
// byteStrings: made without allocating (programs that walk a string take
// it apart a character at a time).
func String(s string) Value {
	if len(s) == 1 {
		return byteStrings[s[0]]
	}
	return Value{o: s}
}

// StringBoxed returns the string *p as a value whose box is *p itself,
// made without allocating (a thaw boxes its strings in blocks). *p must
// never change.
func StringBoxed(p *string) Value {
	if len(*p) <= 1 {
		return String(*p)
	}
	v := any("")
	(*eface)(unsafe.Pointer(&v)).data = unsafe.Pointer(p)
	return Value{o: v}
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

// eface is the layout of an interface value without methods.
type eface struct{ typ, data unsafe.Pointer }

// byteStrings are the 256 strings of one byte, as values.
var byteStrings = func() (vs [256]Value) {
	for i := range vs {
		vs[i] = Value{o: string([]byte{byte(i)})}
	}
	return
}()

// TableValue wraps a table.
func TableValue(t *Table) Value { return Value{o: t} }

// FunctionValue wraps a Go function.
func FunctionValue(f *GoFunction) Value { return Value{o: f} }

// Type returns v's type.
func (v Value) Type() Type {
	switch o := v.o.(type) {
	case nil:
		return TNil
	case *tag:
		if o == &numTag {
			return TNumber
		}
		return TBoolean
	case string:
		return TString
	case *Table:
		return TTable
	case *Closure, *GoFunction:
		return TFunction
	case *Thread:
		return TThread
	default:
		return TUserdata
	}
}

// TypeName returns the name of v's type.
func (v Value) TypeName() string { return v.Type().String() }

// IsNil reports whether v is nil.
func (v Value) IsNil() bool { return v.o == nil }

// IsNumber reports whether v is a number.
func (v Value) IsNumber() bool { return isNum(&v) }

// isNum is IsNumber of a value in place (a register, a constant): only a
// number holds &numTag, so its data word alone decides (v.o == &numTag
// compares both words).
func isNum(v *Value) bool { return v.word() == unsafe.Pointer(&numTag) }

// word is the data word of v's interface: the object for a pointer, the
// box of a string, the tag of a number or boolean.
func (v *Value) word() unsafe.Pointer { return (*[2]unsafe.Pointer)(unsafe.Pointer(&v.o))[1] }

// Truthy reports whether v counts as true: anything but nil and false.
func (v Value) Truthy() bool {
	return v.o != nil && !(v.o == &boolTag && v.n == 0)
}

// Num returns v's number (0 if v is not a number).
func (v Value) Num() float64 { return v.n }

// SetNum makes *v the number f when it already holds a number: it stores
// the float alone (no type word, no tag, no write barrier). Compiled code
// calls it where its analysis knows the register holds a number; on any
// other value it changes only the float beside the object.
func (v *Value) SetNum(f float64) { v.n = f }

// Str returns v's string and whether it is one.
func (v Value) Str() (string, bool) { s, ok := v.o.(string); return s, ok }

// Table returns v's table or nil.
func (v Value) Table() *Table { t, _ := v.o.(*Table); return t }

// Raw returns v's payload for types held by reference.
func (v Value) Raw() any { return v.o }

// RawEqual compares without metamethods.
func RawEqual(a, b Value) bool {
	if a.o == &numTag {
		return b.o == &numTag && a.n == b.n
	}
	if a.o == &boolTag {
		return b.o == &boolTag && a.n == b.n
	}
	return a.o == b.o
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
	if v.o == &numTag {
		return v.n, true
	}
	if s, ok := v.o.(string); ok {
		return ParseNumber(s)
	}
	return 0, false
}

// ToStringRaw converts numbers and strings to strings (no metamethods).
func ToStringRaw(v Value) (string, bool) {
	switch o := v.o.(type) {
	case string:
		return o, true
	case *tag:
		if o == &numTag {
			return FormatNumber(v.n), true
		}
	}
	return "", false
}

// Repr is tostring without metamethods.
func Repr(v Value) string {
	switch o := v.o.(type) {
	case nil:
		return "nil"
	case *tag:
		if o == &numTag {
			return FormatNumber(v.n)
		}
		if v.n != 0 {
			return "true"
		}
		return "false"
	case string:
		return o
	case *Table:
		return fmt.Sprintf("table: %p", o)
	case *Closure:
		return fmt.Sprintf("function: %p", o)
	case *GoFunction:
		return fmt.Sprintf("function: %p", o)
	case *Thread:
		return fmt.Sprintf("thread: %p", o)
	case *Userdata:
		return fmt.Sprintf("userdata: %p", o)
	}
	return fmt.Sprintf("userdata: %v", v.o)
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

// ClosureValue wraps a Lua closure.
func ClosureValue(c *Closure) Value { return Value{o: c} }

// UserdataValue wraps a userdata.
func UserdataValue(u *Userdata) Value { return Value{o: u} }
