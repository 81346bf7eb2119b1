package runtime

import (
	"math/bits"
	"slices"
)

// Lua 5.1's sizes. The length operator returns a border of the table, and
// which one, when a table has holes, depends on how lua5.1 would have
// laid it out: the size of its array part and whether its hash part is
// empty (luaH_getn). Users compare output, so a table keeps, beside its
// own parts, the sizes lua5.1's table would have (Table.lsa, lnodes),
// changed by the same events: a constructor's counts, SETLIST,
// a new key in a full hash part (a rehash: the array part becomes the
// largest n with more than half of 1..n in use), and Len searches as
// luaH_getn does. Two things lua5.1 does are not followed: a new key
// taking the main position of a removed one (which depends on lua5.1's
// hash function, so only tables that had keys removed may differ), and
// the collector clearing removed keys.

// maxArrayBits is lua5.1's MAXBITS: an array part holds at most 2^26.
const maxArrayBits = 26

// arrayIndex is k as an integer key and whether it is one (lua5.1's
// arrayindex, whose result countint then bounds to 1..2^26).
func arrayIndex(k Value) (int, bool) {
	if !isNum(&k) {
		return 0, false
	}
	i := int(k.n)
	return i, float64(i) == k.n && i >= 1 && i <= 1<<maxArrayBits
}

// nodeCount is the number of nodes lua5.1 gives a hash part for n keys:
// none (its dummy node), or n rounded up to a power of two.
func nodeCount(n int) int32 {
	if n <= 0 {
		return 0
	}
	return 1 << bits.Len(uint(n-1))
}

// fbRound is n as lua5.1's NEWTABLE carries it (luaO_int2fb, then
// luaO_fb2int): exact below 8, rounded up to 4 bits of mantissa above.
func fbRound(n int) int {
	e := 0
	x := uint(n)
	for x >= 16 {
		x = (x + 1) >> 1
		e++
	}
	if x < 8 {
		return int(x) // (e is 0 here)
	}
	return int(x) << e
}

// newTableOp is NEWTABLE's table: lua5.1 sizes it by the constructor's
// counts as its instruction encodes them.
func (p *Process) newTableOp(narr, nhash int) *Table {
	t := p.NewTable(narr, nhash)
	t.opSizes(narr, nhash)
	return t
}

// opSizes sets the sizes lua5.1's NEWTABLE narr nhash gives a table.
func (t *Table) opSizes(narr, nhash int) {
	t.lsa, t.lnodes = int32(fbRound(narr)), makeNodes(nodeCount(fbRound(nhash)), 0)
}

// nodes is a lua5.1 hash part's size, packed in 32 bits: the nodes taken
// (the low 27 bits) and log2 of its nodes + 1 (the high 5; 0: none).
type nodes uint32

const nodesTaken = 1<<27 - 1

func makeNodes(n, taken int32) nodes {
	if n == 0 {
		return nodes(taken)
	}
	return nodes(bits.Len32(uint32(n)))<<27 | nodes(taken)
}

// count is the number of nodes (0: none, lua5.1's dummy node).
func (x nodes) count() int32 {
	if l := x >> 27; l > 0 {
		return 1 << (l - 1)
	}
	return 0
}

func (x nodes) taken() int32 { return int32(x & nodesTaken) }

// free reports whether a node is free.
func (x nodes) free() bool { return x.taken() < x.count() }

// luaNewKey accounts for a key about to be added to t as lua5.1's
// luaH_newkey would: a slot of its array part, a node of its hash part,
// or, the hash part being full, a rehash.
func (t *Table) luaNewKey(k Value) {
	if i, ok := arrayIndex(k); ok && i <= int(t.lsa) {
		return
	}
	if t.lnodes.free() {
		t.lnodes++ // one more node taken
		return
	}
	lsa, lcap, lused := t.luaRehash(k, true)
	t.lsa, t.lnodes = lsa, makeNodes(lcap, lused)
	t.dropRemoved()
}

// dropRemoved drops, at a rehash, what lua5.1's rehash drops: the nodes
// of removed keys (removed entries), and moves keys between the parts as
// lua5.1's rehash does: the keys in lua5.1's array part into the array
// part here, the keys past it out of it, nils dropped (so that setting a
// removed key again is a new key for both, and a key past lua5.1's array
// part sits in the hash part). A rehash comes only with a new key, which a
// traversal may not add: this cannot disturb one.
func (t *Table) dropRemoved() {
	t.absorb()
	if int(t.live) != len(t.entries) {
		t.compact()
	}
	n := int(t.lsa)
	if len(t.arr) <= n {
		return
	}
	tail := t.arr[n:]
	t.arr = t.arr[:n:n] // (the tail's slots are not reused: it is read below)
	for i, v := range tail {
		if v.p != nil {
			t.addEntry(Number(float64(n+1+i)), v)
		}
	}
	if int(t.dense) > n {
		t.dense = int32(n)
	}
}

// absorb moves the hash part's keys that lua5.1's array part holds into
// the array part, which grows to the largest of them (nils between).
func (t *Table) absorb() {
	n, old := int(t.lsa), len(t.arr)
	if t.numKeys().len() == 0 || old >= n {
		return
	}
	m := old
	for _, e := range t.entries {
		if i, ok := arrayIndex(e.k); ok && e.v.p != nil && i > m && i <= n {
			m = i
		}
	}
	if m == old {
		return
	}
	t.growArray(m)
	for i, e := range t.entries {
		if k, ok := arrayIndex(e.k); ok && e.v.p != nil && k > old && k <= m {
			t.arr[k-1] = e.v
			t.entries[i].v = Nil
			t.live--
		}
	}
	t.noteAppended(old)
}

// growArray makes the array part n long, nils after what it holds.
func (t *Table) growArray(n int) {
	t.reserveArray(n)
	old := len(t.arr)
	t.arr = t.arr[:n]
	clear(t.arr[old:])
}

// reserveArray makes room for n items in the array part: its room
// doubles (at least 4 more), as Lua's does (append grows large slices by
// a quarter: filling an array would copy it four times as often), and is
// charged.
func (t *Table) reserveArray(n int) {
	if n > cap(t.arr) {
		c := max(n, cap(t.arr)+max(4, cap(t.arr)))
		if t.owner != nil {
			t.owner.chargeLarge(int64(c-cap(t.arr)) * sizeValue)
		}
		t.arr = slices.Grow(t.arr, c-len(t.arr))
	}
}

// luaNewIndex is luaNewKey of the key i.
func (t *Table) luaNewIndex(i int) {
	if i >= 1 && i <= int(t.lsa) {
		return
	}
	t.luaNewKey(Number(float64(i)))
}

// luaRehash is the sizes lua5.1's rehash gives t with its keys and, when
// extra, the key ek.
func (t *Table) luaRehash(ek Value, extra bool) (lsa, lcap, lused int32) {
	if n := len(t.arr); !extra && int(t.dense) == n && t.numKeys().len() == 0 {
		// keys 1..n and others (a freeze asks for every table): 1..n
		// make an array part of the power of two that holds them
		return nodeCount(n), nodeCount(int(t.live)), t.live
	}
	var nums [maxArrayBits + 1]int
	nasize, total := 0, 0
	count := func(k Value) {
		total++
		if i, ok := arrayIndex(k); ok {
			nums[bits.Len(uint(i-1))]++
			nasize++
		}
	}
	for i, v := range t.arr {
		if v.p != nil {
			count(Number(float64(i + 1)))
		}
	}
	for _, e := range t.entries {
		if e.v.p != nil {
			count(e.k)
		}
	}
	if extra {
		count(ek)
	}
	// computesizes: the largest power of two n with more than n/2 keys
	// in 1..n
	a, na, n := 0, 0, 0
	for i, twotoi := 0, 1; twotoi/2 < nasize; i, twotoi = i+1, twotoi*2 {
		if nums[i] > 0 {
			a += nums[i]
			if a > twotoi/2 {
				n, na = twotoi, a
			}
		}
		if a == nasize {
			break
		}
	}
	return int32(n), nodeCount(total - na), int32(total - na)
}

// luaResizeArray is lua5.1's luaH_resizearray (SETLIST past the array
// part): the array part becomes n, the hash part keeps its nodes and
// holds the keys that are not in the array part.
func (t *Table) luaResizeArray(n int) {
	t.lsa = int32(n)
	used := int32(0)
	for i, v := range t.arr {
		if v.p != nil && i+1 > n {
			used++
		}
	}
	for _, e := range t.entries {
		if i, ok := arrayIndex(e.k); e.v.p != nil && (!ok || i > n) {
			used++
		}
	}
	t.lnodes = makeNodes(t.lnodes.count(), used)
}

// luaLen is lua5.1's luaH_getn on t's sizes: the array part's last slot
// if it is not nil and the hash part is empty, else a border found by
// binary search in the array part, or past it (unbound_search).
func (t *Table) luaLen() int {
	if t.dense >= 0 && t.numKeys().len() == 0 {
		return int(t.dense) // the only border: any search finds it
	}
	j := int(t.lsa)
	if j > 0 && t.GetInt(j).p == nil {
		return t.searchBorder(0, j)
	}
	if t.lnodes.count() == 0 {
		return j
	}
	i := j
	j++
	for t.GetInt(j).p != nil {
		i = j
		if j > (1<<31-1)/2 {
			// lua5.1 gives up doubling: a linear search
			i = 1
			for t.GetInt(i).p != nil {
				i++
			}
			return i - 1
		}
		j *= 2
	}
	return t.searchBorder(i, j)
}

// searchBorder finds a border between i (0, or a key that is not nil)
// and j (whose value is nil) by binary search, as lua5.1 does.
func (t *Table) searchBorder(i, j int) int {
	for j-i > 1 {
		m := (i + j) / 2
		if t.GetInt(m).p == nil {
			j = m
		} else {
			i = m
		}
	}
	return i
}

// luaSizes returns t's sizes, and whether they differ from what a rehash
// of its keys gives (luaDerive): a continuation keeps them only then.
func (t *Table) luaSizes() (sizes [3]int32, kept bool) {
	sizes = [3]int32{t.lsa, t.lnodes.count(), t.lnodes.taken()}
	lsa, lcap, lused := t.luaRehash(Nil, false)
	return sizes, sizes != [3]int32{lsa, lcap, lused}
}

// setLuaSizes sets sizes a continuation kept, checked; nil: as a rehash of
// t's keys gives them.
func (t *Table) setLuaSizes(sizes *[3]int32) error {
	if sizes == nil {
		lsa, lcap, lused := t.luaRehash(Nil, false)
		t.lsa, t.lnodes = lsa, makeNodes(lcap, lused)
		return nil
	}
	lsa, lcap, lused := sizes[0], sizes[1], sizes[2]
	if lsa < 0 || lsa > 1<<maxArrayBits || lcap < 0 || lcap > 1<<maxArrayBits || lcap&(lcap-1) != 0 || lused < 0 || lused > lcap {
		return errBadSizes
	}
	t.lsa, t.lnodes = lsa, makeNodes(lcap, lused)
	return nil
}

var errBadSizes = KeyError("table: bad sizes")
