package runtime

import (
	"math"
	"slices"
	"sync/atomic"
	"unsafe"
)

// Table is a Lua table: an array part for keys 1..n and an insertion-ordered
// hash part. Iteration order (next) is the array part in order, then the
// hash part in insertion order: deterministic, so that freezing the same
// state twice gives the same bytes.
type Table struct {
	arr []Value
	// smask has bit strBit(s) set for every string key s ever in entries
	// (until compact): most lookups of absent names — a method looked up
	// in an object, then along its __index chain — end on one test
	smask uint64

	entries []entry
	live    int32 // entries with a non-nil value
	// dense, when not negative, says arr[:dense] holds no nil and
	// arr[dense:] only nils (Len's quick answer when no number key is in
	// the hash part: the table's only border)
	dense int32
	// the sizes lua5.1's table would have (luasize.go): its array part,
	// and its hash part's nodes and those taken (packed: the table stays
	// in its allocation size class)
	lsa    int32
	lnodes nodes
	mc     *metaCache // as a metatable: its metamethods, looked up once
	// x holds the indexes few tables need: of many string keys, of number
	// keys in the hash part, of other keys; nil while none (a table is
	// 112 bytes, not 128)
	x    *keyIndex
	meta *Table
	mark uint64 // see door.Mark
	// owner is the process charged for the table's growth (memory.go);
	// nil for tables made outside any process's accounting
	owner *Process
}

// keyIndex is the positions in entries of a table's keys that its
// entries alone do not find quickly (Table.x).
type keyIndex struct {
	skeys *strIndex  // string keys; nil while few
	nkeys *wordIndex // number keys (normalized)
	okeys *wordIndex // any other key
}

// bytes is what x holds: its indexes.
func (x *keyIndex) bytes() int64 {
	if x == nil {
		return 0
	}
	return int64(unsafe.Sizeof(*x)) + x.nkeys.bytes() + x.okeys.bytes() + x.skeys.bytes()
}

// index returns t.x, made if need be.
func (t *Table) index() *keyIndex {
	if t.x == nil {
		t.x = &keyIndex{}
	}
	return t.x
}

// strKeys is the index of t's string keys, or nil while they are few.
func (t *Table) strKeys() *strIndex {
	if x := t.x; x != nil {
		return x.skeys
	}
	return nil
}

// numKeys is the positions of the number keys in the hash part (nil
// while none).
func (t *Table) numKeys() *wordIndex {
	if x := t.x; x != nil {
		return x.nkeys
	}
	return nil
}

// otherKeys is the positions of the keys neither strings nor numbers.
func (t *Table) otherKeys() *wordIndex {
	if x := t.x; x != nil {
		return x.okeys
	}
	return nil
}

type entry struct {
	k, v Value
}

// NewTable makes a table with room for narr array items and nhash fields
// (lua5.1's lua_createtable).
func NewTable(narr, nhash int) *Table {
	t := newTable(narr, nhash)
	t.lsa, t.lnodes = int32(narr), makeNodes(nodeCount(nhash), 0)
	return t
}

func newTable(narr, nhash int) *Table {
	// small constructors ({x = x, y = y}, {a, b}) get their parts in the
	// same allocation as the table
	switch {
	case narr == 0 && nhash > 0 && nhash <= 2:
		tw := &struct {
			t Table
			e [2]entry
		}{}
		tw.t.entries = tw.e[:0:2]
		return &tw.t
	case narr == 0 && nhash == 3: // a vector, a colour: {x = x, y = y, z = z}
		tw := &struct {
			t Table
			e [3]entry
		}{}
		tw.t.entries = tw.e[:0:3]
		return &tw.t
	case narr == 0 && nhash == 4:
		tw := &struct {
			t Table
			e [4]entry
		}{}
		tw.t.entries = tw.e[:0:4]
		return &tw.t
	case nhash == 0 && narr > 0 && narr <= 2: // a pair, a tree's node: {l, r}
		tw := &struct {
			t Table
			a [2]Value
		}{}
		tw.t.arr = tw.a[:0:2]
		return &tw.t
	case nhash == 0 && narr > 2 && narr <= 4:
		tw := &struct {
			t Table
			a [4]Value
		}{}
		tw.t.arr = tw.a[:0:4]
		return &tw.t
	}
	t := &Table{}
	if narr > 0 {
		t.arr = make([]Value, 0, narr)
	}
	if nhash > 0 {
		t.entries = make([]entry, 0, nhash)
	}
	return t
}

// NewTable makes a table the process is charged for, now and as it
// grows (what a script's constructors and the builtins make for it).
func (p *Process) NewTable(narr, nhash int) *Table {
	t := NewTable(narr, nhash)
	p.charge(t.madeBytes())
	t.owner = p
	return t
}

// madeBytes is what making t allocated: a small table's parts come with
// it, larger than asked ({a, b, c} has room for 4).
func (t *Table) madeBytes() int64 {
	return sizeTable + int64(cap(t.arr))*sizeValue + int64(cap(t.entries))*sizeEntry
}

// Own makes p the process charged for t's growth (tables a thaw or an
// embedder made for it).
func (t *Table) Own(p *Process) { t.owner = p }

// Meta returns the metatable or nil.
func (t *Table) Meta() *Table { return t.meta }

// PlainSet reports whether t has no __newindex metamethod (assignments
// to it are raw), and PlainGet no __index (a missing key is nil).
func (t *Table) PlainSet() bool { return t.meta == nil || t.meta.metaEvent(evNewindex).p == nil }

func (t *Table) PlainGet() bool { return t.meta == nil || t.meta.metaEvent(evIndex).p == nil }

// SetMeta sets the metatable.
func (t *Table) SetMeta(m *Table) { t.meta = m }

func normKey(k Value) Value {
	if isNum(&k) && k.n == 0 {
		return Number(0) // -0 and 0 are the same key
	}
	return k
}

// Get returns t[k] without metamethods.
func (t *Table) Get(k Value) Value {
	if isNum(&k) {
		if i := int(k.n); float64(i) == k.n && i >= 1 && i <= len(t.arr) {
			return t.arr[i-1]
		}
		k = normKey(k)
	}
	if p, ok := t.pos(k); ok {
		return t.entries[p].v
	}
	return Nil
}

// smallHash is how many entries a table keeps before it indexes its
// string keys (strIndex); below it a scan is faster than hashing.
const smallHash = 8

// pos finds the position of a hash key in entries.
func (t *Table) pos(k Value) (int32, bool) {
	if s, ok := k.Str(); ok {
		return t.strPos(s)
	}
	if isNum(&k) {
		return t.numKeys().find(t.entries, k)
	}
	return t.otherKeys().find(t.entries, k)
}

// strBit is a string's bit in Table.smask.
func strBit(s string) uint64 {
	if len(s) == 0 {
		return 1
	}
	return 1 << ((uint(len(s)) + uint(s[0]) + 3*uint(s[len(s)-1])) & 63)
}

func (t *Table) strPos(s string) (int32, bool) {
	if t.smask&strBit(s) == 0 {
		return 0, false
	}
	if t.strKeys() == nil {
		es := t.entries
		for i := range es {
			if ks, ok := es[i].k.Str(); ok && sameString(ks, s) {
				return int32(i), true
			}
		}
		return 0, false
	}
	// a key is most often the very string it was stored or last looked
	// up with (a constant, a string kept in a list): found by the address
	// of its bytes, without hashing them
	x := t.x.skeys
	if len(x.slots) < 2*len(t.entries) {
		x.resize(len(t.entries))
	}
	d := unsafe.StringData(s)
	sl := &x.slots[uintptr(unsafe.Pointer(d))>>4&uintptr(len(x.slots)-1)]
	if sl.p == d && int(sl.pos) < len(t.entries) {
		if ks, ok := t.entries[sl.pos].k.Str(); ok && unsafe.StringData(ks) == d && len(ks) == len(s) {
			return sl.pos, true // the very key: same bytes, same length
		}
	}
	p, ok := x.find(t.entries, s)
	if ok {
		sl.p, sl.pos = d, p
	}
	return p, ok
}

func (t *Table) setPos(k Value, p int32) {
	if s, ok := k.Str(); ok {
		t.smask |= strBit(s)
		x := t.strKeys()
		if x == nil {
			if p < smallHash {
				return
			}
			x = newStrIndex(2 * smallHash)
			t.index().skeys = x
			for i, e := range t.entries[:p] {
				if ks, ok := e.k.Str(); ok {
					x.add(t.entries, ks, int32(i))
				}
			}
		}
		x.add(t.entries, s, p)
		return
	}
	x := t.index()
	if isNum(&k) {
		if x.nkeys == nil {
			x.nkeys = newWordIndex(4)
		}
		x.nkeys.add(t.entries, k, p)
		return
	}
	if x.okeys == nil {
		x.okeys = newWordIndex(4)
	}
	x.okeys.add(t.entries, k, p)
}

// GetStr returns t[s] without metamethods.
func (t *Table) GetStr(s string) Value {
	if p, ok := t.strPos(s); ok {
		return t.entries[p].v
	}
	return Nil
}

// GetInt returns t[i] without metamethods.
func (t *Table) GetInt(i int) Value {
	if uint(i-1) < uint(len(t.arr)) {
		return t.arr[i-1]
	}
	nk := t.numKeys()
	if nk == nil { // no number key in the hash part
		return Nil
	}
	if p, ok := nk.find(t.entries, Number(float64(i))); ok { // (an int is never -0)
		return t.entries[p].v
	}
	return Nil
}

// KeyError is the reason a key cannot be stored.
type KeyError string

func (e KeyError) Error() string { return string(e) }

// Set stores t[k] = v without metamethods. It fails for nil and NaN keys.
func (t *Table) Set(k, v Value) error {
	switch k.p {
	case nil:
		return KeyError("table index is nil")
	case unsafe.Pointer(&numTag):
		if math.IsNaN(k.n) {
			return KeyError("table index is NaN")
		}
		if i := int(k.n); float64(i) == k.n && i >= 1 && (i <= len(t.arr)+1 || i <= int(t.lsa)) {
			t.setInt(i, v)
			return nil
		}
		k = normKey(k)
	}
	t.setHash(k, v)
	return nil
}

// SetInt stores t[i] = v.
func (t *Table) SetInt(i int, v Value) {
	if i >= 1 && (i <= len(t.arr)+1 || i <= int(t.lsa)) {
		t.setInt(i, v)
		return
	}
	t.setHash(Number(float64(i)), v)
}

// Shift moves t[from..to] (raw, inclusive) by d = 1 or -1 places, as
// table.insert and table.remove do (the last place written first, so
// that each value is read before it is overwritten): within the array
// part by one copy.
func (t *Table) Shift(from, to, d int) {
	if from > to {
		return
	}
	// (by one copy when the places hold no nil: no key is new and the
	// borders stay)
	if d > 0 {
		t.SetInt(to+1, t.GetInt(to)) // may append
		if from >= 1 && int(t.dense) >= to+1 {
			copy(t.arr[from:to], t.arr[from-1:to-1])
			return
		}
		for i := to; i > from; i-- {
			t.SetInt(i, t.GetInt(i-1))
		}
		return
	}
	if from >= 2 && int(t.dense) >= to {
		copy(t.arr[from-2:to-1], t.arr[from-1:to])
		return
	}
	for i := from; i <= to; i++ {
		t.SetInt(i-1, t.GetInt(i))
	}
}

// noteAppended keeps dense true after values were appended to the array
// part from index from.
func (t *Table) noteAppended(from int) {
	d := int(t.dense)
	if d < 0 {
		return
	}
	i := from
	if d == from {
		for i < len(t.arr) && t.arr[i].p != nil {
			i++
		}
		t.dense = int32(i)
	}
	for ; i < len(t.arr); i++ {
		if t.arr[i].p != nil {
			t.dense = -1 // a non-nil value after a nil
			return
		}
	}
}

// SetStr stores t[s] = v.
func (t *Table) SetStr(s string, v Value) {
	t.setHash(newString(s), v)
}

// GetStrHint is GetStr with an inline cache: *hint guesses the key's
// position in the hash part and is updated after a miss. Tables built the
// same way put the same keys at the same positions, so one instruction's
// hint serves all of them. Hints live in the code, which processes share
// (a host's chunk cache): they are read and written atomically. A hint
// holds two positions: the low 16 bits for the table indexed, the high
// 16 for the table up its __index chain where GetField last found the
// key (0xffff: none).
func (t *Table) GetStrHint(s string, hint *int32) Value {
	x := uint32(atomic.LoadInt32(hint))
	if h := int(x & 0xffff); h < len(t.entries) {
		if ks, ok := t.entries[h].k.Str(); ok && sameString(ks, s) {
			return t.entries[h].v
		}
	}
	p, ok := t.strPos(s)
	if !ok {
		return Nil
	}
	setHintLo(hint, p)
	return t.entries[p].v
}

// setHintLo and setHintHi store position p (capped at 0xffff) in one
// half of a hint, keeping the other.
func setHintLo(hint *int32, p int32) {
	x := uint32(atomic.LoadInt32(hint))
	atomic.StoreInt32(hint, int32(x&^0xffff|uint32(min(p, 0xffff))))
}

func setHintHi(hint *int32, p int32) {
	x := uint32(atomic.LoadInt32(hint))
	atomic.StoreInt32(hint, int32(x&0xffff|uint32(min(p, 0xffff))<<16))
}

// getStrIndex is GetField's rest: t's own field by its key s (whose box
// is w), then up the __index chain.
func (t *Table) getStrIndex(s string, w unsafe.Pointer, hint *int32) (Value, bool) {
	var v Value
	if t.smask&strBit(s) == 0 {
		// not t's (the method path's case, a level further up)
	} else if h := int(uint32(atomic.LoadInt32(hint)) & 0xffff); h < len(t.entries) && t.entries[h].k.p == w {
		// where the hint says, its value nil when FieldHit missed on
		// that alone: a field set to nil (p.link = nil) read again,
		// found without looking for it
		v = t.entries[h].v
	} else if p, ok := t.strPos(s); ok {
		v = t.entries[p].v
		setHintLo(hint, p)
	}
	for loop := 0; v.p == nil && t.meta != nil; loop++ {
		mm := t.meta.metaIndex()
		if mm.p == nil {
			return Nil, true
		}
		nt, ok := mm.asTable()
		if !ok || loop == maxTagLoop {
			return Nil, false
		}
		t = nt
		if h := int(uint32(atomic.LoadInt32(hint)) >> 16); h < len(t.entries) {
			if ks, ok := t.entries[h].k.Str(); ok && sameString(ks, s) {
				v = t.entries[h].v
				continue
			}
		}
		if p, ok := t.strPos(s); ok {
			v = t.entries[p].v
			setHintHi(hint, p)
		}
	}
	return v, true
}

// sameKey reports whether a and b are the very same boxed value (one
// word compared; a string key constant is one box, see keyConst): a
// sufficient test for equal keys, not a necessary one. (FieldHit and
// SetHit write it on the words themselves: passing the Values costs a
// copy the inlined code would keep.)
func sameKey(a, b Value) bool {
	return a.p == b.p
}

// FieldHit is the first step of reading a constant field, small enough
// for the Go compiler to inline into compiled code and the interpreter
// (while run stays small enough: TestRunInlines): t's own field where the
// inline cache hint says it is. It reports false
// when it is not there (GetField then does the rest). key must be a
// string (as GetField's and SetHit's): the one-word test would take any
// number for any other.
func (t *Table) FieldHit(key Value, hint *int32) (Value, bool) {
	if h := int(uint32(atomic.LoadInt32(hint)) & 0xffff); h < len(t.entries) {
		if e := &t.entries[h]; e.k.p == key.p && e.v.p != nil {
			return e.v, true
		}
	}
	return Value{}, false
}

// SetHit is SetStrHint's first step, inlined as FieldHit is: it replaces
// the value of t's field key where the hint says it is, and reports false,
// having done nothing, when it is not there or v is nil.
func (t *Table) SetHit(key Value, v Value, hint *int32) bool {
	if h := int(uint32(atomic.LoadInt32(hint)) & 0xffff); h < len(t.entries) && v.p != nil {
		if e := &t.entries[h]; e.k.p == key.p && e.v.p != nil && t.mc == nil {
			e.v = v
			return true
		}
	}
	return false
}

// GetArrayHit is t[k] when k is an integer inside the array part, small
// enough for the Go compiler to inline into compiled code (the value may
// be nil); it reports false for any other key (Get then does the rest).
func (t *Table) GetArrayHit(k Value) (Value, bool) {
	if i := int(k.n); k.IsNumber() && float64(i) == k.n && uint(i-1) < uint(len(t.arr)) {
		return t.arr[i-1], true
	}
	return Value{}, false
}

// SetArrayHit stores t[k] = v, inlined as GetArrayHit is, when k is an
// integer inside the array part whose value is not nil (no new key, the
// same borders) and v is not nil; it reports false, having done nothing, otherwise
// (Set then does the rest).
func (t *Table) SetArrayHit(k, v Value) bool {
	if i := int(k.n); k.IsNumber() && float64(i) == k.n && uint(i-1) < uint(len(t.arr)) && v.p != nil && t.arr[i-1].p != nil {
		t.arr[i-1] = v
		return true
	}
	return false
}

// GetField is t[key], key a string constant, with the __index chain
// followed through tables, as indexing does, once FieldHit (inlined by
// every caller) has missed: t's own field by its key, then up the chain
// (the field found there by the hint's other half). It reports false,
// having done nothing, when a metamethod function must run or the chain
// is too long: the interpreter's slow path does that.
func (t *Table) GetField(key Value, hint *int32) (Value, bool) {
	if !key.is(kString) {
		return Nil, false // (not from code: the slow path reads any key)
	}
	return t.getField(key, hint)
}

// getField is GetField of a key known to be a string (the interpreter's
// specialized instructions: a string constant).
func (t *Table) getField(key Value, hint *int32) (Value, bool) {
	s := key.str()
	// a method (obj:method()): t has no such key (by its mask), nor has
	// any class on the way up (each's mask), until the one that has it
	// where the hint's other half says; each class the cached __index of
	// the last one's metatable (a class inheriting through
	// setmetatable(Class, {__index = Super})). A chain that ends with no
	// table having the key by its mask reads nil (a field not set).
	bit := strBit(s)
	if t.smask&bit != 0 {
		return t.getStrIndex(s, key.p, hint)
	}
	h := int(uint32(atomic.LoadInt32(hint)) >> 16)
	m := t.meta
	for up := 0; m != nil && up < methodLevels; up++ {
		c := m.mc
		if c == nil || c.has&(1<<evIndex) == 0 {
			break // (not cached: the slow path looks)
		}
		if c.pos[evIndex] < 0 {
			return Nil, true
		}
		cls, ok := m.entries[c.pos[evIndex]].v.asTable()
		if !ok {
			break
		}
		if h < len(cls.entries) {
			if e := &cls.entries[h]; e.k.p == key.p && e.v.p != nil {
				return e.v, true
			}
		}
		if cls.smask&bit != 0 {
			break
		}
		m = cls.meta
	}
	if m == nil {
		return Nil, true
	}
	return t.getStrIndex(s, key.p, hint)
}

// methodLevels is how many classes up getField's quick path looks for
// a method.
const methodLevels = 4

// GetIndexed is t[key], any key, once t's own value is nil: up the
// __index chain followed through tables, as indexing does (GetField for a
// key not known in advance: an environment's variables up its chain of
// scopes). It reports false, having done nothing, when a metamethod
// function must run or the chain is too long (as long as index's: t
// counts as its first table): the slow path does that.
func (t *Table) GetIndexed(key Value) (Value, bool) {
	for loop := 1; loop < maxTagLoop; loop++ {
		if t.meta == nil {
			return Nil, true
		}
		mm := t.meta.metaIndex()
		if mm.p == nil {
			return Nil, true
		}
		nt, ok := mm.asTable()
		if !ok {
			return Nil, false
		}
		if v := nt.Get(key); v.p != nil {
			return v, true
		}
		t = nt
	}
	return Nil, false
}

// SetStrHint is SetStr with an inline cache (see GetStrHint); key is a
// string value (a constant: a new field keeps it as it is, unboxed).
func (t *Table) SetStrHint(key Value, v Value, hint *int32) {
	if !key.is(kString) {
		panic("runtime: SetStrHint of a key that is not a string")
	}
	x := uint32(atomic.LoadInt32(hint))
	if h := int(x & 0xffff); h < len(t.entries) {
		e := &t.entries[h]
		if e.v.p != nil && v.p != nil && eqString(&e.k, &key) {
			e.v = v
			t.dropMeta()
			return
		}
	} else if h == len(t.entries) && h < cap(t.entries) && h < smallHash && t.strKeys() == nil && v.p != nil && t.lnodes.free() {
		// a new field where the hint says tables built this way put it:
		// appended, when the mask says the key is absent (and lua5.1's
		// hash part has a node for it)
		if bit := strBit(key.str()); t.smask&bit == 0 {
			t.smask |= bit
			t.lnodes++ // one more node taken
			t.entries = append(t.entries, entry{key, v})
			t.live++
			t.dropMeta()
			return
		}
	}
	if p := t.setHash(key, v); p >= 0 && int(x&0xffff) != int(p) {
		setHintLo(hint, p)
	}
}

func (t *Table) setInt(i int, v Value) {
	n := len(t.arr)
	if i <= n {
		// the array part never shrinks here: a traversal may be
		// assigning nils, and next must still find the keys
		// (a hole filled is no new key for lua5.1 when its key had a
		// value since the last rehash: its node is still there, as here)
		t.arr[i-1] = v
		if d := int(t.dense); d >= 0 {
			switch {
			case v.p != nil && i == d+1:
				t.dense++
			case v.p == nil && i == d: // a stack's pop
				t.dense--
			case v.p != nil && i > d+1, v.p == nil && i < d:
				t.dense = -1 // a hole
			}
		}
		return
	}
	// i > n: past the array part (within lua5.1's, i > n+1 grows it by nils)
	if v.p == nil {
		t.setHash(Number(float64(i)), v)
		return
	}
	if i == n+1 && i <= int(t.lsa) && t.numKeys() == nil {
		// an append within lua5.1's array part, no number key in the
		// hash part: no new node, nothing to move (the common case)
		t.appendArray(v)
		return
	}
	if _, ok := t.numKeys().find(t.entries, Number(float64(i))); !ok {
		t.luaNewIndex(i) // a new key (a removed entry's key has its node)
		switch {
		case i <= len(t.arr): // a rehash made room for it
			t.setInt(i, v)
			return
		case i <= int(t.lsa): // in lua5.1's array part: here too
			t.growArray(i - 1)
		case i != len(t.arr)+1:
			// past lua5.1's array part: the key goes in the hash
			t.addEntry(Number(float64(i)), v)
			return
		}
	} else if i != len(t.arr)+1 {
		t.setHash(Number(float64(i)), v)
		return
	}
	t.appendArray(v)
	if nk := t.numKeys(); nk != nil {
		// the key may have lived in the hash part
		t.delHash(Number(float64(i)))
		for {
			k := Number(float64(len(t.arr) + 1))
			p, ok := nk.find(t.entries, k)
			if !ok || t.entries[p].v.p == nil {
				break
			}
			t.appendArray(t.entries[p].v)
			t.delHash(k)
		}
	}
}

// appendArray appends v, not nil, to the array part (its growth charged).
func (t *Table) appendArray(v Value) {
	n := len(t.arr)
	if n == cap(t.arr) {
		t.reserveArray(n + 1)
	}
	t.arr = append(t.arr, v)
	t.noteAppended(n)
}

func (t *Table) delHash(k Value) {
	if p, ok := t.pos(k); ok && t.entries[p].v.p != nil {
		t.entries[p].v = Nil
		t.live--
	}
}

// metaIndex returns t["__index"] for t used as a metatable.
func (t *Table) metaIndex() Value { return t.metaEvent(evIndex) }

// An event is a metamethod's name, as an index into metaCache.
type event uint8

const (
	evIndex event = iota
	evNewindex
	evCall
	evAdd
	evSub
	evMul
	evDiv
	evMod
	evPow
	evUnm
	evLen
	evEq
	evLt
	evLe
	evConcat
	evTostring
	numEvents
)

var eventNames = [numEvents]string{"__index", "__newindex", "__call", "__add", "__sub",
	"__mul", "__div", "__mod", "__pow", "__unm", "__len", "__eq", "__lt", "__le", "__concat", "__tostring"}

// metaCache holds where the metamethods of a table used as a metatable
// are among its entries, each looked up on first use (has) until a
// string key of the table is written or its entries are compacted: pos
// is an entry's index, or -1 when the table has no such field (an event
// found past the first 128 entries is looked up each time). Positions,
// not values: no pointers for the collector to scan, and a small
// allocation (24 bytes) for each metatable (an object's own, as an
// environment's {__index = parent}, is made as often as the object).
type metaCache struct {
	has uint32
	pos [numEvents]int8
}

// metaEvent returns t[eventNames[e]] for t used as a metatable.
func (t *Table) metaEvent(e event) Value {
	if c := t.mc; c != nil && c.has&(1<<e) != 0 {
		if p := c.pos[e]; p >= 0 {
			return t.entries[p].v
		}
		return Nil
	}
	return t.lookupEvent(e)
}

func (t *Table) lookupEvent(e event) Value {
	if t.mc == nil {
		t.mc = &metaCache{}
	}
	p, ok := t.strPos(eventNames[e])
	if !ok {
		t.mc.has |= 1 << e
		t.mc.pos[e] = -1
		return Nil
	}
	if p <= math.MaxInt8 {
		t.mc.has |= 1 << e
		t.mc.pos[e] = int8(p)
	}
	return t.entries[p].v
}

// dropMeta forgets the metamethods looked up: a string key was written,
// or the entries were compacted.
func (t *Table) dropMeta() {
	if t.mc != nil {
		t.mc.has = 0
	}
}

// setHash stores t[k] = v in the hash part; it returns the key's
// position in entries, or -1 when v is nil and k was absent.
func (t *Table) setHash(k, v Value) int32 {
	if _, ok := k.Str(); ok {
		t.dropMeta()
	}
	p, ok := t.pos(k)
	if ok {
		old := t.entries[p].v
		t.entries[p].v = v
		if old.p == nil && v.p != nil {
			t.live++
		} else if old.p != nil && v.p == nil {
			t.live--
		}
		return p
	}
	// a new key (lua5.1 makes a node for it even when v is nil: kept as
	// a removed entry, so that the key has its node once); removed
	// entries go at lua5.1's rehash (luaNewKey), not before: their keys
	// still have their nodes
	t.luaNewKey(k)
	if i, ok := arrayIndex(k); ok && i <= int(t.lsa) && v.p != nil {
		// the rehash made lua5.1's array part hold it: so does ours
		t.setInt(i, v)
		return -1
	}
	return t.addEntry(k, v)
}

// addEntry appends the entry k = v to the hash part and returns its
// position.
func (t *Table) addEntry(k, v Value) int32 {
	if len(t.entries) == cap(t.entries) && t.owner != nil {
		t.owner.chargeLarge(int64(max(4, len(t.entries))) * sizeEntry) // before anything changes
	}
	p := int32(len(t.entries))
	t.setPos(k, p)
	if len(t.entries) == cap(t.entries) {
		t.entries = slices.Grow(t.entries, max(4, len(t.entries))) // doubles, as arr
	}
	t.entries = append(t.entries, entry{k, v})
	if v.p != nil {
		t.live++
	}
	return p
}

// compact drops removed entries; only done at lua5.1's rehash, when a
// new key is added, which Lua forbids during a traversal.
func (t *Table) compact() {
	if t.x != nil {
		t.x.skeys, t.x.nkeys, t.x.okeys = nil, nil, nil
	}
	t.smask = 0
	t.dropMeta()
	j := 0
	for _, e := range t.entries {
		if e.v.p != nil {
			t.entries[j] = e
			j++
		}
	}
	clear(t.entries[j:])
	t.entries = t.entries[:j]
	for i, e := range t.entries {
		t.setPos(e.k, int32(i))
	}
}

// ArrayPrefix returns t[1..n] as the array part holds them, or nil when
// it does not hold them all. The caller may reorder the items in place
// (table.sort does) but must not store nil through it.
func (t *Table) ArrayPrefix(n int) []Value {
	if n < 0 || n > len(t.arr) {
		return nil
	}
	return t.arr[:n:n]
}

// Len returns a border of t (the # operator without metamethods): the
// one lua5.1 finds (luasize.go).
func (t *Table) Len() int { return t.luaLen() }

// Next returns the key and value after k in traversal order (k nil: the
// first); ok is false when k is not a key of t.
func (t *Table) Next(k Value) (Value, Value, bool) {
	var hint int32 = -1
	return t.next(k, &hint)
}

// next is Next with a hint: the position in entries where the last call
// found the key it returned (next's, one per thread), kept where k is
// that entry's key, the same words (a string's very box): a traversal
// then looks none of its keys up (a small table's scan of strings, for
// each, made the loop quadratic).
func (t *Table) next(k Value, hint *int32) (Value, Value, bool) {
	i := 0 // position to start from: 0..len(arr)-1 array, then entries
	if h := int(*hint); k.p != nil && uint(h) < uint(len(t.entries)) && same(t.entries[h].k, k) {
		i = len(t.arr) + h + 1
	} else if k.p != nil {
		found := false
		if isNum(&k) {
			if n := int(k.n); float64(n) == k.n && n >= 1 && n <= len(t.arr) {
				i = n
				found = true
			}
		}
		if !found {
			p, ok := t.pos(normKey(k))
			if !ok {
				return Nil, Nil, false
			}
			i = len(t.arr) + int(p) + 1
		}
	}
	for ; i < len(t.arr); i++ {
		if t.arr[i].p != nil {
			return Number(float64(i + 1)), t.arr[i], true
		}
	}
	for p := i - len(t.arr); p < len(t.entries); p++ {
		if e := t.entries[p]; e.v.p != nil {
			*hint = int32(p)
			return e.k, e.v, true
		}
	}
	return Nil, Nil, true
}

// MaxN returns the largest positive numeric key (table.maxn).
func (t *Table) MaxN() float64 {
	m := float64(len(t.arr))
	for _, e := range t.entries {
		if e.v.p != nil && isNum(&e.k) && e.k.n > m {
			m = e.k.n
		}
	}
	return m
}

// sameString is ==, with the common case of interned constants (the same
// bytes) decided without comparing them.
func sameString(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	return len(a) == 0 || unsafe.StringData(a) == unsafe.StringData(b) || a[0] == b[0] && a == b
}

// eqString reports whether v is the string s holds: in the same box (a
// constant, a key: sameKey), or another with the same bytes.
func eqString(v, s *Value) bool {
	return v.p == s.p || v.is(kString) && sameString(v.str(), s.str())
}
