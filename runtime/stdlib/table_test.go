package stdlib

import (
	"testing"

	rt "github.com/mobilua/mobilua/runtime"
)

// TestSortPlainDone: a sort of plain items is done when it starts (no
// state, no frame: its start returns nil); one with a comparator returns
// its state machine.
func TestSortPlainDone(t *testing.T) {
	p := rt.NewProcess()
	tab := rt.NewTable(0, 0)
	for i, s := range []string{"c", "a", "b"} {
		tab.SetInt(i+1, rt.String(s))
	}
	if k := tableSort(p.Main, []rt.Value{rt.TableValue(tab)}); k != nil {
		t.Fatalf("a sort of strings started as %T", k)
	}
	for i, want := range []string{"a", "b", "c"} {
		if got, _ := tab.GetInt(i + 1).Str(); got != want {
			t.Errorf("t[%d] = %q, want %q", i+1, got, want)
		}
	}
	less := rt.NewGoFunction("less", func(*rt.Thread, []rt.Value) int { return 0 })
	if k := tableSort(p.Main, []rt.Value{rt.TableValue(tab), rt.FunctionValue(less)}); k == nil {
		t.Error("a sort with a comparator was done at its start")
	}
}
