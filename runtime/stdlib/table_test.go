package stdlib

import (
	"testing"

	rt "github.com/mobilua/mobilua/runtime"
)

// TestSortDone: a sort of plain items finishes when it starts, with no
// state made (sortDone); frozen, it thaws as a finished sort that asks
// for nothing and leaves the table sorted.
func TestSortDone(t *testing.T) {
	p := rt.NewProcess()
	tab := rt.NewTable(0, 0)
	for i, s := range []string{"c", "a", "b"} {
		tab.SetInt(i+1, rt.String(s))
	}
	k := tableSort(p.Main, []rt.Value{rt.TableValue(tab)})
	if _, ok := k.(*sortDone); !ok {
		t.Fatalf("a sort of strings started as %T", k)
	}
	thawed, err := thawSort(k.Freeze())
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []rt.Continuation{k, thawed} {
		if _, _, n := k.Step(p.Main, rt.Nil); n != 0 {
			t.Errorf("%T: Step returned %d", k, n)
		}
	}
	for i, want := range []string{"a", "b", "c"} {
		if got, _ := tab.GetInt(i + 1).Str(); got != want {
			t.Errorf("t[%d] = %q, want %q", i+1, got, want)
		}
	}
}
