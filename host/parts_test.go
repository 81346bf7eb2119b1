package host

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// partsHosts starts hosts a and b, peers on one Memory transport.
func partsHosts(t *testing.T) (a, b *Host, tr *Memory) {
	tr = &Memory{}
	cfg := DefaultConfig()
	cfg.Name, cfg.JumpRetry = "a", 50*time.Millisecond
	a = hostWith(t, filepath.Join(t.TempDir(), "a.db"), tr, cfg)
	cfg.Name = "b"
	b = hostWith(t, filepath.Join(t.TempDir(), "b.db"), tr, cfg)
	tr.Attach(a)
	tr.Attach(b)
	return a, b, tr
}

// runScript stores code as a process of alice's on h, runs it, and waits
// until it has ended; it returns what alice was sent.
func runScript(t *testing.T, h *Host, tr *Memory, code string) string {
	t.Helper()
	pid := ask(t, h, tr, alice, "new "+code)
	if !strings.HasPrefix(pid, "p") {
		t.Fatalf("new: %s", pid)
	}
	ask(t, h, tr, alice, "run "+pid)
	if tr.WaitFor(alice, pid+" finished", 20*time.Second) == "" && tr.WaitFor(alice, pid+" failed", time.Second) == "" {
		t.Fatalf("%s did not end: %q", pid, tr.Messages(alice))
	}
	return strings.Join(tr.Messages(alice), "\n")
}

// TestSpawnJoin: parts run here and on a peer, each a copy of its parent
// with its own random numbers; mb.join returns their values, raises a
// part's error with where it failed, and takes only this process's
// handles not yet joined.
func TestSpawnJoin(t *testing.T) {
	a, b, tr := partsHosts(t)
	out := runScript(t, a, tr, `
local base = 10
local function work(x, y) return x * y + base, mb.host(), math.random(1000000) end
local h1 = mb.spawn(nil, work, 2, 3)
local h2 = mb.spawn("b", work, 4, 5)
local v, where, r1 = mb.join(h1)
print("one", v, where)
local v2, where2, r2 = mb.join(h2)
print("two", v2, where2, r1 ~= r2)
local h3, h4 = mb.spawn("b", function() return "x" end), mb.spawn(mb.host(), function() return "y", "z" end)
print("both", mb.join(h3, h4))
local bad = mb.spawn("b", function() local t = nil; return t.field end)
print(pcall(mb.join, bad))
print(mb.join(h1))
print(mb.spawn("nowhere", work))
print(mb.spawn(nil, 42))
`)
	for _, want := range []string{"one\t16\ta", "two\t30\tb\ttrue", "both\tx\ty",
		"false\tpart 1 (on b) failed: p1:", "attempt to index local 't' (a nil value)\nstack traceback:",
		"nil\targument 1 of mb.join is not a part of this process", "nil\tnowhere is not a peer of this host",
		"nil\tmb.spawn(target, f, ...) wants a function", "p1 finished"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
	// the parts' records went once their results were with their parent
	waitFor(t, func() bool { return b.Command(alice, "ps") == "no processes (new <lua code> makes one)" })
	if got := a.Command(alice, "ps"); !strings.HasPrefix(got, "p1  finished") || strings.Count(got, "\n") != 0 {
		t.Errorf("a: %q", got)
	}
}

// TestMap: mb.map runs f over a list in parts and gives the results in
// the list's order; a failed part raises its error.
func TestMap(t *testing.T) {
	a, _, tr := partsHosts(t)
	out := runScript(t, a, tr, `
local r = mb.map(function(x) return x * x end, {1, 2, 3, 4, 5, 6, 7, 8})
print("squares", table.concat(r, " "))
local r2 = mb.map(function(x) return x .. "!" end, {"a", "b"}, {on = "b"})
print("on b", r2[1], r2[2], #mb.map(print, {}))
print(pcall(mb.map, function(x) if x == 2 then error("two") end return x end, {1, 2, 3}))
`)
	for _, want := range []string{"squares\t1 4 9 16 25 36 49 64", "on b\ta!\tb!\t0", "false\tpart 2 (on a) failed: p1:5: two"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
}
