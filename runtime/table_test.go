package runtime

import (
	"fmt"
	"math/rand"
	"testing"
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
	keys = append(keys, Number(1.5), True, False, TableValue(NewTable(0, 0)))
	for round := 0; round < 200; round++ {
		tab := NewTable(rng.Intn(4), rng.Intn(4))
		model := map[Value]Value{}
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
				delete(model, k)
			} else {
				model[k] = v
			}
			if s, ok := k.o.(string); ok && rng.Intn(2) == 0 {
				var hint int32 = int32(rng.Intn(20))
				if got := tab.GetStrHint(s, &hint); !RawEqual(got, model[k]) {
					t.Fatalf("GetStrHint(%s) = %v, want %v", s, Repr(got), Repr(model[k]))
				}
			}
		}
		for _, k := range keys {
			if got := tab.Get(k); !RawEqual(got, model[k]) {
				t.Fatalf("round %d: Get(%s) = %s, want %s", round, Repr(k), Repr(got), Repr(model[k]))
			}
		}
		n := tab.Len()
		if n > 0 && tab.GetInt(n).IsNil() || !tab.GetInt(n+1).IsNil() {
			t.Fatalf("round %d: Len %d is not a border", round, n)
		}
		seen := map[Value]bool{}
		k := Nil
		for {
			nk, nv, ok := tab.Next(k)
			if !ok {
				t.Fatalf("Next(%s) failed", Repr(k))
			}
			if nk.IsNil() {
				break
			}
			if seen[nk] || !RawEqual(nv, model[nk]) {
				t.Fatalf("traversal: key %s twice or value %s, want %s", Repr(nk), Repr(nv), Repr(model[nk]))
			}
			seen[nk] = true
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
