package runtime

import "testing"

// TestReadLocale: a continuation's locale has a name per category, or (as
// written before each had its own) six, the last for the seven categories
// after the fifth; other counts and unknown names are refused.
func TestReadLocale(t *testing.T) {
	l, err := ReadLocale([]string{"", "C.UTF-8", "", "", "", "C.utf8"})
	if err != nil {
		t.Fatal(err)
	}
	if l.Get(1) != "C.UTF-8" || l.Get(0) != "C" || l[5] != "C.utf8" || l[11] != "C.utf8" {
		t.Errorf("six names read as %q", l)
	}
	names := make([]string, len(Locale{}))
	names[6] = "C.UTF-8"
	if l, err := ReadLocale(names); err != nil || l[6] != "C.UTF-8" || l[5] != "" {
		t.Errorf("twelve names read as %q, %v", l, err)
	}
	for _, bad := range [][]string{make([]string, 7), {"C", "", "", "", "", ""}, {"xx_YY", "", "", "", "", ""}} {
		if _, err := ReadLocale(bad); err == nil {
			t.Errorf("%q read without an error", bad)
		}
	}
}
