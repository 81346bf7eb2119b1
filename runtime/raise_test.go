package runtime

import "testing"

// TestRaisedUncaught: an error a builtin raised (Raise) that no pcall
// catches comes out of handleRaised as an Error of its own, not the
// process's reused one: the next raise does not change it, and the reused
// one keeps no value.
func TestRaisedUncaught(t *testing.T) {
	p := NewProcess()
	p.raised = String("boom")
	e := p.handleRaised()
	if e == nil || e == &p.raisedErr {
		t.Fatalf("handleRaised = %p, the reused Error is %p", e, &p.raisedErr)
	}
	if !p.raisedErr.Value.IsNil() {
		t.Fatalf("the reused Error keeps %s", Repr(p.raisedErr.Value))
	}
	p.raised = String("later")
	p.handleRaised()
	if s, _ := e.Value.Str(); s != "boom" || !p.raised.IsNil() {
		t.Fatalf("the first error says %s after a second raise (raised left %s)", Repr(e.Value), Repr(p.raised))
	}
}
