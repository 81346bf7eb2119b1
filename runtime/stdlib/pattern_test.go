package stdlib

import (
	"strings"
	"testing"

	rt "github.com/mobilua/mobilua/runtime"
)

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

// TestMatcherReleases: the process's matcher keeps no subject, no thread
// and no long pattern once a find or a gsub is done or has failed (the
// memory accounting does not see it), and keeps a short pattern with its
// first item for the next call. A gsub that matched holds it until it
// ends (lend): a find meanwhile makes its own, and the gsub's comes back.
func TestMatcherReleases(t *testing.T) {
	p := rt.NewProcess()
	openString(p)
	th := p.Main
	long := strings.Repeat("a", maxKeptPattern) + "%d"
	subject := strings.Repeat("x", 100) + "1"
	gsub := func(pat string) rt.Continuation {
		return startGsub(th, []rt.Value{rt.String(subject), rt.String(pat), rt.String("")})
	}
	matcher := func() *matchState { ms, _ := (*p.Scratch()).(*matchState); return ms }
	for _, call := range []func(pat string){
		func(pat string) { strFind(th, []rt.Value{rt.String(subject), rt.String(pat)}, true) },
		func(pat string) {
			if k := gsub(pat); k != nil { // (nil: no match, done)
				k.Step(th, rt.Nil)
			}
		},
	} {
		call(long)
		ms := matcher()
		if ms.src != "" || ms.t != nil || ms.pat != "" || ms.first.known {
			t.Errorf("after a long pattern: src %d bytes, thread %v, pattern %d bytes, first item known %v", len(ms.src), ms.t != nil, len(ms.pat), ms.first.known)
		}
		call("%d")
		if ms = matcher(); ms.src != "" || ms.pat != "%d" || !ms.first.known {
			t.Errorf("after a short pattern: src %d bytes, pattern %q, first item known %v", len(ms.src), ms.pat, ms.first.known)
		}
		func() {
			defer func() { recover() }()
			call("(%d") // malformed: an error
		}()
		if ms = matcher(); ms.src != "" || ms.t != nil {
			t.Errorf("after an error: src %d bytes, thread %v", len(ms.src), ms.t != nil)
		}
	}
	// a gsub with a replacement function holds the matcher until it ends
	fn := rt.FunctionValue(rt.NewGoFunction("f", func(*rt.Thread, []rt.Value) int { return 0 }))
	gsubFn := func() rt.Continuation {
		return startGsub(th, []rt.Value{rt.String(subject), rt.String("%d"), fn})
	}
	finish := func(k rt.Continuation) { // its one call answered
		if _, _, n := k.Step(th, rt.Nil); n != rt.Call {
			t.Fatalf("a gsub with a function did not ask for its call (%d)", n)
		}
		k.Step(th, rt.String("X"))
	}
	ms := matcher()
	g := gsubFn()
	if matcher() != nil || ms.src != subject {
		t.Fatalf("a gsub that matched: its matcher left in the slot %v, its subject %d bytes", matcher() != nil, len(ms.src))
	}
	strFind(th, []rt.Value{rt.String(subject), rt.String("x+")}, true)
	if other := matcher(); other == nil || other == ms {
		t.Fatalf("a find during a gsub used the gsub's matcher (%v)", other == ms)
	}
	other := matcher()
	finish(g)
	if ms.src != "" || ms.t != nil || ms.lent {
		t.Errorf("a gsub's end: src %d bytes, thread %v, lent %v", len(ms.src), ms.t != nil, ms.lent)
	}
	if matcher() != other {
		t.Error("a gsub's end replaced the matcher made meanwhile")
	}
	finish(gsubFn())
	if matcher() != other {
		t.Error("a gsub's matcher did not come back")
	}
	// with a string replacement it is done at its start, the matcher back
	if k := gsub("%d"); k != nil || matcher() != other || other.src != "" {
		t.Errorf("a gsub with a string: state %v, its matcher back %v", k != nil, matcher() == other)
	}
}
