package stdlib

import "testing"

// TestItemSet: the set of bytes a single-byte item matches, made once
// (skip, maxExpand), is the bytes singleMatch matches with the pattern's
// text, for every byte: sets with ranges, classes, escapes, negation and
// a ']' first, and classes alone.
func TestItemSet(t *testing.T) {
	for _, item := range []string{
		"[abc]", "[^abc]", "[a-z]", "[%a_]", "[^%s%d]", "[%]%-]", "[a-]", "[-a]", "[]]", "[^]]",
		"[%w_%-]", "[\x00-\x1f]", "[z-a]", "[%A]", "[^%C\"]", "[%c\"\\]", "[ \n\r\t]",
		"%a", "%A", "%d", "%S", "%.", "%%", "%z", "%Z", "%x", "%P", "%u", "%l", "%w",
	} {
		ms := &matchState{pat: item}
		ep := classEnd(ms, 0)
		if ep != len(item) {
			t.Fatalf("%q: item ends at %d", item, ep)
		}
		set := itemSet(item, 0, ep)
		for c := 0; c < 256; c++ {
			ms.src = string([]byte{byte(c)})
			if want := singleMatch(ms, 0, 0, ep); set.has(byte(c)) != want {
				t.Errorf("%q: byte %d in the set %v, matched %v", item, c, set.has(byte(c)), want)
			}
		}
	}
}
