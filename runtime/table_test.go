package runtime

import (
	"fmt"
	"math"
	"math/rand"
	goruntime "runtime"
	"slices"
	"strings"
	"testing"
	"unsafe"
)

// TestTableModel runs random operations on a Table and on a Go map and
// compares every read, the length border and a full traversal.
func TestTableModel(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	keys := []Value{}
	for i := -3; i <= 40; i++ {
		keys = append(keys, Number(float64(i)))
	}
	for i := 0; i < 30; i++ {
		keys = append(keys, String(fmt.Sprintf("k%d", i)))
	}
	for i := 0; i < 40; i++ { // the hash part's number and object keys (wordIndex), past 8 slots
		keys = append(keys, Number(float64(i*65537+1000)), Number(float64(-i)-0.25), TableValue(NewTable(0, 0)))
	}
	keys = append(keys, Number(1.5), Number(math.Copysign(0, -1)), Number(math.Inf(1)), True, False, TableValue(NewTable(0, 0)))
	for round := 0; round < 200; round++ {
		tab := NewTable(rng.Intn(4), rng.Intn(4))
		model := map[any]Value{} // by Raw: strings by their bytes
		for op := 0; op < 400; op++ {
			k := keys[rng.Intn(len(keys))]
			var v Value
			if rng.Intn(3) > 0 {
				v = Number(float64(rng.Intn(100)))
			}
			if err := tab.Set(k, v); err != nil {
				t.Fatal(err)
			}
			if v.IsNil() {
				delete(model, k.Raw())
			} else {
				model[k.Raw()] = v
			}
			if s, ok := k.Str(); ok && rng.Intn(2) == 0 {
				var hint int32 = int32(rng.Intn(20))
				if got := tab.GetStrHint(s, &hint); !RawEqual(got, model[k.Raw()]) {
					t.Fatalf("GetStrHint(%s) = %v, want %v", s, Repr(got), Repr(model[k.Raw()]))
				}
			}
		}
		for _, k := range keys {
			if got := tab.Get(k); !RawEqual(got, model[k.Raw()]) {
				t.Fatalf("round %d: Get(%s) = %s, want %s", round, Repr(k), Repr(got), Repr(model[k.Raw()]))
			}
		}
		n := tab.Len()
		if n > 0 && tab.GetInt(n).IsNil() || !tab.GetInt(n+1).IsNil() {
			t.Fatalf("round %d: Len %d is not a border", round, n)
		}
		seen := map[any]bool{}
		k := Nil
		for {
			nk, nv, ok := tab.Next(k)
			if !ok {
				t.Fatalf("Next(%s) failed", Repr(k))
			}
			if nk.IsNil() {
				break
			}
			if seen[nk.Raw()] || !RawEqual(nv, model[nk.Raw()]) {
				t.Fatalf("traversal: key %s twice or value %s, want %s", Repr(nk), Repr(nv), Repr(model[nk.Raw()]))
			}
			seen[nk.Raw()] = true
			k = nk
		}
		if len(seen) != len(model) {
			t.Fatalf("traversal saw %d keys, want %d", len(seen), len(model))
		}
	}
}

// TestTableDeleteDuringTraversal: assigning nil to existing fields while
// iterating is allowed in Lua and must not disturb next.
func TestTableDeleteDuringTraversal(t *testing.T) {
	tab := NewTable(0, 0)
	for i := 0; i < 50; i++ {
		tab.SetStr(fmt.Sprint("s", i), Number(float64(i)))
		tab.SetInt(i+1, True)
	}
	count := 0
	k := Nil
	for {
		nk, _, ok := tab.Next(k)
		if !ok {
			t.Fatalf("Next(%s) failed", Repr(k))
		}
		if nk.IsNil() {
			break
		}
		count++
		tab.Set(nk, Nil)
		k = nk
	}
	if count != 100 {
		t.Errorf("visited %d keys, want 100", count)
	}
}

// TestFieldHit checks the inlined first steps of compiled field reads and
// writes against the table: a hit only where the hint points at the very
// key box with a value; a miss (nothing done) otherwise, and always for a
// metatable's fields (their writes must drop its metamethod cache).
func TestFieldHit(t *testing.T) {
	x, y, other := internKey("px"), internKey("py"), String(fmt.Sprint("px")) // other: equal to x, another box (a string of one byte is always the same box)
	tab := NewTable(0, 2)
	var hx, hy int32
	tab.SetStrHint(x, Number(1), &hx)
	tab.SetStrHint(y, Number(2), &hy)
	if v, ok := tab.FieldHit(x, &hx); !ok || v.n != 1 {
		t.Errorf("FieldHit(x) = %v, %v", Repr(v), ok)
	}
	if _, ok := tab.FieldHit(x, &hy); ok {
		t.Error("FieldHit(x) with y's hint hit")
	}
	if _, ok := tab.FieldHit(other, &hx); ok {
		t.Error("FieldHit of another box hit (GetField decides equal strings)")
	}
	if v, ok := tab.GetField(other, &hx); !ok || v.n != 1 {
		t.Errorf("GetField(other) = %v, %v", Repr(v), ok)
	}
	far := int32(1000)
	if _, ok := tab.FieldHit(x, &far); ok || tab.SetHit(x, Number(5), &far) {
		t.Error("a hint past the entries hit")
	}
	if !tab.SetHit(y, Number(3), &hy) || tab.Get(y).n != 3 {
		t.Errorf("SetHit(y) missed or did not store: %s", Repr(tab.Get(y)))
	}
	if tab.SetHit(y, Nil, &hy) || tab.Get(y).n != 3 {
		t.Error("SetHit stored nil (a delete is SetStrHint's)")
	}
	tab.Set(x, Nil)
	if _, ok := tab.FieldHit(x, &hx); ok || tab.SetHit(x, Number(9), &hx) {
		t.Error("a deleted field hit")
	}
	mt := NewTable(0, 1)
	var hi int32
	mt.SetStrHint(internKey("__index"), TableValue(tab), &hi)
	obj := NewTable(0, 0)
	obj.SetMeta(mt)
	if obj.PlainGet() || mt.mc == nil { // the lookup fills mt's metamethod cache
		t.Fatal("no __index, or no cache")
	}
	if mt.SetHit(internKey("__index"), Nil, &hi) || mt.SetHit(internKey("__index"), TableValue(NewTable(0, 0)), &hi) {
		t.Error("SetHit wrote a metatable's field (its cache would go stale)")
	}
}

// TestArrayHit runs random reads and writes through GetArrayHit and
// SetArrayHit (falling back to Get and Set, as compiled code does) on one
// table and through Get and Set on a twin, and compares every read and
// the length border.
func TestArrayHit(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	a, b := NewTable(0, 0), NewTable(0, 0)
	keys := []Value{Number(0), Number(-1), Number(0.5), Number(math.NaN()), Number(math.Inf(1)), Number(1e300), True, String("1")}
	for i := 1; i <= 40; i++ {
		keys = append(keys, Number(float64(i)))
	}
	vals := []Value{Nil, True, Number(7), String("v")}
	for step := 0; step < 20000; step++ {
		k := keys[rng.Intn(len(keys))]
		if rng.Intn(2) == 0 {
			v := vals[rng.Intn(len(vals))]
			if k.p == nil || k.IsNumber() && math.IsNaN(k.n) {
				continue
			}
			errB := b.Set(k, v)
			var errA error
			if !a.SetArrayHit(k, v) {
				errA = a.Set(k, v)
			}
			if (errA == nil) != (errB == nil) {
				t.Fatalf("step %d: t[%s] = %s: errors %v and %v", step, Repr(k), Repr(v), errA, errB)
			}
		}
		va, ok := a.GetArrayHit(k)
		if !ok {
			va = a.Get(k)
		}
		if vb := b.Get(k); !RawEqual(va, vb) {
			t.Fatalf("step %d: t[%s] = %s, want %s", step, Repr(k), Repr(va), Repr(vb))
		}
		if la, lb := a.Len(), b.Len(); la != lb {
			t.Fatalf("step %d: #t = %d, want %d", step, la, lb)
		}
	}
}

// TestStrCache checks the cache of string keys' positions by the address
// of their bytes (strIndex) against a map: keys that share bytes (prefixes
// of one string: same address, other lengths), equal keys in other
// strings, removals, re-insertions and compactions.
func TestStrCache(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	buf := "abcdefghijklmnopqrstuvwxyz0123456789"
	var keys []string
	for n := 1; n <= len(buf); n++ {
		keys = append(keys, buf[:n]) // one address, many lengths
	}
	for i := 0; i < 300; i++ {
		keys = append(keys, fmt.Sprintf("k%d", i))
	}
	copyOf := func(s string) string { return string(append([]byte(nil), s...)) }
	tab, ref := NewTable(0, 0), map[string]float64{}
	for step := 0; step < 50000; step++ {
		k := keys[rng.Intn(len(keys))]
		if rng.Intn(2) == 0 {
			k = copyOf(k) // equal content, other bytes
		}
		switch r := rng.Intn(10); {
		case r < 5:
			want, ok := ref[k]
			got := tab.Get(String(k))
			if ok != !got.IsNil() || ok && got.Num() != want {
				t.Fatalf("step %d: t[%q] = %v, want %v (present %v)", step, k, got, want, ok)
			}
		case r < 8:
			v := float64(step)
			if err := tab.Set(String(k), Number(v)); err != nil {
				t.Fatal(err)
			}
			ref[k] = v
		default:
			if err := tab.Set(String(k), Nil); err != nil {
				t.Fatal(err)
			}
			delete(ref, k)
		}
	}
	for k, v := range ref {
		if got := tab.Get(String(k)); got.Num() != v {
			t.Fatalf("t[%q] = %v, want %v", k, got, v)
		}
	}
}

// BenchmarkFill fills a table from index 1 and from index 2: lua5.1's
// rehash moves keys 2..n into the array part, and so does ours (from 2
// was about 4 times slower while they stayed in the hash part).
func BenchmarkFill(b *testing.B) {
	for _, from := range []int{1, 2} {
		b.Run(fmt.Sprintf("from%d", from), func(b *testing.B) {
			for range b.N {
				t := NewTable(0, 0)
				for k := from; k <= 100000; k++ {
					t.SetInt(k, Number(float64(k)))
				}
			}
		})
	}
}

// BenchmarkHashKeys fills a table with 20000 keys of its hash part that
// are not strings, reads them back and looks for as many absent ones
// (wordIndex): sparse integers (a grid's cells by x*65536+y) and tables
// (a set of objects).
func BenchmarkHashKeys(b *testing.B) {
	objs := make([]Value, 40001)
	for i := range objs {
		objs[i] = TableValue(NewTable(0, 0))
	}
	for _, c := range []struct {
		name string
		key  func(i int) Value
	}{
		{"numbers", func(i int) Value { return Number(float64(i*65536 + 7)) }},
		{"tables", func(i int) Value { return objs[i] }},
	} {
		b.Run(c.name, func(b *testing.B) {
			for range b.N {
				t := NewTable(0, 0)
				for i := 1; i <= 20000; i++ {
					t.Set(c.key(i), Number(float64(i)))
				}
				for i := 1; i <= 20000; i++ {
					if t.Get(c.key(i)).IsNil() || !t.Get(c.key(20000+i)).IsNil() {
						b.Fatal("wrong value")
					}
				}
			}
		})
	}
}

// TestSmallTableBytes: a small constructor's table comes with its parts
// in one allocation of the size class that holds them: three fields (a
// vector) take no room for a fourth, two items (a pair) none for a third.
func TestSmallTableBytes(t *testing.T) {
	for _, c := range []struct {
		narr, nhash int
		max         uint64
	}{
		{0, 2, 224}, {0, 3, 288}, {0, 4, 320}, {2, 0, 176}, {4, 0, 224},
	} {
		var before, after goruntime.MemStats
		const n = 1000
		keep := make([]*Table, n)
		goruntime.ReadMemStats(&before)
		for i := range keep {
			keep[i] = NewTable(c.narr, c.nhash)
		}
		goruntime.ReadMemStats(&after)
		if got := (after.TotalAlloc - before.TotalAlloc) / n; got > c.max || after.Mallocs-before.Mallocs > n+10 {
			t.Errorf("NewTable(%d, %d): %d bytes in %d allocations for %d tables, want one allocation of at most %d bytes each",
				c.narr, c.nhash, after.TotalAlloc-before.TotalAlloc, after.Mallocs-before.Mallocs, n, c.max)
		}
	}
}

// TestLibraryKeys: a library function's name is one box, the key its
// table holds it by, which the same name in a chunk's code is interned
// to (a global's inline cache hits on it); in a second process too.
func TestLibraryKeys(t *testing.T) {
	fn := func(*Thread, []Value) int { return 0 }
	for range 2 {
		p := NewProcess()
		p.Register("", &GoFunction{Name: "zzkeyglobal", Fn: fn})
		p.Register("zzkeylib", &GoFunction{Name: "zzkeyfield", Fn: fn})
		lib := p.Globals.GetStr("zzkeylib").Table()
		for _, c := range []struct {
			t    *Table
			name string
		}{{p.Globals, "zzkeyglobal"}, {p.Globals, "zzkeylib"}, {lib, "zzkeyfield"}} {
			k := internKey(c.name)
			var hint int32
			if v, ok := c.t.GetField(k, &hint); !ok || v.IsNil() {
				t.Fatalf("%s: not found", c.name)
			}
			if _, ok := c.t.FieldHit(k, &hint); !ok {
				t.Errorf("%s: the interned name is not the table's key box", c.name)
			}
		}
	}
}

// TestIndexStrings: a thaw's index of string keys, built one by one or,
// from sortedBuildMin keys, in the order of their slots, finds every key
// at its position and no other, among them keys whose home is the last
// slot (placed past the end, from the start); a key there twice is
// refused, one of those too.
func TestIndexStrings(t *testing.T) {
	for _, n := range []int{100, sortedBuildMin, 3*sortedBuildMin + 5} {
		mask := uint64(len(newStrIndex(n).h) - 1)
		var keys []string
		for i := 0; len(keys) < 3; i++ {
			if s := fmt.Sprintf("end%d", i); strTag(s)&mask == mask {
				keys = append(keys, s)
			}
		}
		for i := 0; len(keys) < n; i++ {
			keys = append(keys, fmt.Sprintf("key%d", i))
		}
		build := func(keys []string) (*strIndex, []entry, int) {
			entries := make([]entry, len(keys))
			slots := make([]uint64, len(keys))
			for i, s := range keys {
				entries[i] = entry{String(s), Number(float64(i))}
				slots[i] = strTag(s)<<32 | uint64(i+1)
			}
			x, dup := indexStrings(entries, slots)
			return x, entries, dup
		}
		x, entries, dup := build(keys)
		if dup >= 0 || x.n != n {
			t.Fatalf("%d keys: duplicate at %d, %d indexed", n, dup, x.n)
		}
		for i, s := range keys {
			if p, ok := x.find(entries, strings.Clone(s)); !ok || p != int32(i) {
				t.Fatalf("%d keys: %q at %d, %v; want %d", n, s, p, ok, i)
			}
		}
		for i := range 1000 {
			if p, ok := x.find(entries, fmt.Sprintf("none%d", i)); ok {
				t.Fatalf("%d keys: none%d found at %d", n, i, p)
			}
		}
		for _, j := range []int{0, 2, n / 2} {
			twice := slices.Clone(keys)
			twice[n-1-j%2] = strings.Clone(keys[j])
			if _, _, dup := build(twice); dup != n-1-j%2 && dup != j {
				t.Errorf("%d keys, %q twice (at %d and %d): duplicate at %d", n, keys[j], j, n-1-j%2, dup)
			}
		}
	}
}

// TestRadixSort: slots come out sorted by their home slot, stably, for
// masks of one, two and three passes.
func TestRadixSort(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	for _, bits := range []uint{9, 13, 25} {
		mask := uint64(1)<<bits - 1
		slots := make([]uint64, 5000)
		for i := range slots {
			slots[i] = uint64(rng.Uint32())<<32 | uint64(i+1)
		}
		want := slices.Clone(slots)
		slices.SortStableFunc(want, func(a, b uint64) int { return int(a>>32&mask) - int(b>>32&mask) })
		radixSort(slots, make([]uint64, len(slots)), mask)
		if !slices.Equal(slots, want) {
			t.Errorf("%d bits: not sorted by home slot, stably", bits)
		}
	}
}

// TestNewTableInline: the table of a constructor that compiled code runs
// inline is charged as NEWTABLE's, with its sizes, and is not made when
// its charge would check the memory limit (the call is made then, and its
// own NEWTABLE checks it, in its frame).
func TestNewTableInline(t *testing.T) {
	p := NewProcess()
	f := &NativeFrame{p: p, Steps: &p.steps}
	p.allocSince, p.memNext = 0, 1<<20
	v, ok := f.NewTableInline(0, 3)
	tt := v.Table()
	if !ok || tt == nil || tt.owner != p || p.allocSince != tt.madeBytes() {
		t.Fatalf("made %v %v, charged %d", v, ok, p.allocSince)
	}
	if op := p.newTableOp(0, 3); tt.lsa != op.lsa || tt.lnodes != op.lnodes {
		t.Errorf("sizes %d %d, NEWTABLE's %d %d", tt.lsa, tt.lnodes, op.lsa, op.lnodes)
	}
	p.allocSince = p.memNext - 10
	if v, ok := f.NewTableInline(0, 3); ok || !v.IsNil() || p.allocSince != p.memNext-10 {
		t.Errorf("at the memory check: made %v %v, charged %d", v, ok, p.allocSince-(p.memNext-10))
	}
}

// TestNextHint: next's hint (the entry it last returned) is taken only for
// that very key: true and false share their pointer word, numbers too; a
// traversal with the hint visits what one without it does.
func TestNextHint(t *testing.T) {
	tab := NewTable(0, 0)
	keys := []Value{True, False, Number(2.5), Number(7.5), String("a"), String("bb"), TableValue(NewTable(0, 0))}
	for i, k := range keys {
		tab.Set(k, Number(float64(i)))
	}
	for _, k := range keys {
		for j, other := range keys {
			hint := int32(j) // as if the last call returned other
			want, _, _ := tab.Next(k)
			if got, _, ok := tab.next(k, &hint); !ok || !RawEqual(got, want) {
				t.Errorf("next(%v) with the hint of %v: %v, want %v", Repr(k), Repr(other), Repr(got), Repr(want))
			}
		}
	}
	hint, n := int32(-1), 0
	for k, _, _ := tab.next(Nil, &hint); !k.IsNil(); k, _, _ = tab.next(k, &hint) {
		n++
	}
	if n != len(keys) {
		t.Errorf("a traversal with the hint saw %d keys, want %d", n, len(keys))
	}
}

// TestFieldNotString: the exported reads and writes of a field by a
// string constant, given another key (by an embedder), take the slow
// path or panic in Go's way, never read a number or a table as a string.
func TestFieldNotString(t *testing.T) {
	tab := NewTable(0, 0)
	tab.SetStr("x", Number(1))
	for _, k := range []Value{Number(1), True, TableValue(tab), Nil} {
		var hint int32
		if v, ok := tab.GetField(k, &hint); ok {
			t.Errorf("GetField(%s) took the fast path: %s", Repr(k), Repr(v))
		}
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("SetStrHint(%s) did not panic", Repr(k))
				}
			}()
			tab.SetStrHint(k, Number(2), &hint)
		}()
	}
}

// TestTableSize: a table is 112 bytes (a size class; what few tables have
// is behind Table.x), its index of keys 24, a metatable's cache 24.
func TestTableSize(t *testing.T) {
	if n := unsafe.Sizeof(Table{}); n > 112 {
		t.Errorf("a table is %d bytes, want at most 112", n)
	}
	if n := unsafe.Sizeof(keyIndex{}); n > 24 {
		t.Errorf("a table's index of keys is %d bytes, want at most 24", n)
	}
	if n := unsafe.Sizeof(metaCache{}); n > 24 {
		t.Errorf("a metatable's cache is %d bytes, want at most 24", n)
	}
	// what a table holds counts its index of keys, when it has one
	str, num := NewTable(0, 0), NewTable(0, 0)
	str.Set(String("a"), True)
	num.Set(Number(1.5), True)
	if d := ownBytes(num) - ownBytes(str); d != int64(unsafe.Sizeof(keyIndex{}))+num.x.nkeys.bytes() || num.x.nkeys.bytes() > 128 {
		t.Errorf("a number key in the hash part counts %d bytes more than a string key (its index %d)", d, num.x.nkeys.bytes())
	}
}

// TestMetaCacheFar: a metamethod among a metatable's first 128 entries
// is cached by its position; one further on is looked up each time, and
// found.
func TestMetaCacheFar(t *testing.T) {
	for _, before := range []int{0, 127, 128, 300} {
		mt := NewTable(0, 0)
		for i := 0; i < before; i++ {
			mt.Set(String(fmt.Sprintf("f%d", i)), Number(float64(i)))
		}
		idx := NewTable(0, 0)
		mt.Set(String("__index"), TableValue(idx))
		for round := 0; round < 2; round++ {
			if got, ok := mt.metaEvent(evIndex).asTable(); !ok || got != idx {
				t.Fatalf("%d entries before: __index not found (round %d)", before, round)
			}
		}
		if cached := mt.mc.has&(1<<evIndex) != 0; cached != (before <= 127) {
			t.Errorf("%d entries before: cached %v", before, cached)
		}
	}
}
