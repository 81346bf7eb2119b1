package host

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestEscapes tries each way out of the sandbox and each way to take the
// host down; every one is refused or stopped with a clear reason, while a
// well-behaved process of another user goes on.
func TestEscapes(t *testing.T) {
	tr := &Memory{}
	cfg := DefaultConfig()
	cfg.StepsPerSlice, cfg.MaxSteps, cfg.MaxMemory, cfg.StepLimit = 10_000, 50_000_000, 16<<20, 5_000_000
	h := hostWith(t, filepath.Join(t.TempDir(), "s.db"), tr, cfg)
	// the bystander: bob's long, honest computation
	ask(t, h, tr, bob, "new local s = 0 for i = 1, 2e6 do s = s + i % 10 end print('bob', s)")
	ask(t, h, tr, bob, "run p1")
	refused := map[string]string{
		"print(io, os.execute, os.exit, os.remove, loadfile, dofile, require, debug, package)":   "nil\tnil\tnil\tnil\tnil\tnil\tnil\tnil\tnil",
		"setfenv(0, {tostring = tostring}) print('contained')":                                   "contained",
		"print(pcall(string.rep, 'x', 2^40))":                                                    "false\tresulting string too large",
		"print(pcall(string.rep, 'xy', 2^62))":                                                   "false\tresulting string too large",
		"local function f() return f() + 1 end print(pcall(f))":                                  "false\tstep:1: stack overflow",
		"local s = 'return 1' print(pcall(load, function() local c = s; s = nil; return c end))": "true\tfunction",
		"print(pcall(load, 'return 1'))":                                                         "false\tbad argument #1 to '?' (function expected, got string)",
		// the classes of Redis's Lua CVEs that apply to a Go host: huge
		// unpack ranges, bytecode, allocation while compiling
		"print(pcall(unpack, {}, 1, 1e8))":                                                            "false\ttoo many results to unpack",
		"print(pcall(unpack, {}, -2^31, 2^31))":                                                       "false\ttoo many results to unpack",
		`print((loadstring("\27Lua\81\0\1\4\8\4\8\0")))`:                                              "nil",
		"print(pcall(string.rep, 'x', 1e9))":                                                          "false\tmemory limit exceeded (1000000000 bytes wanted",
		"print(pcall(loadstring, ('x = 1 '):rep(5e5)))":                                               "false\tmemory limit exceeded",
		"local t = {} for i = 1, 100 do t[i] = 'x' end print(pcall(table.concat, t, ('y'):rep(1e6)))": "false\tmemory limit exceeded",
	}
	for code, want := range refused {
		if got := ask(t, h, tr, alice, "step "+code); !strings.HasPrefix(got, want) {
			t.Errorf("step %s:\n got %q\nwant %q...", code, got, want)
		}
	}
	stopped := map[string]string{
		"while true do end":                                                                                                   "step limit exceeded",
		"local s = 'x' for i = 1, 40 do s = s .. s end":                                                                       "memory limit exceeded",
		"local t = {} for i = 1, 1e8 do t[i] = i end":                                                                         "memory limit exceeded",
		"local t = {} while true do t[#t + 1] = coroutine.create(function() end) end":                                         "memory limit exceeded",
		"print(string.find(string.rep('a', 3000), string.rep('a?', 3000) .. string.rep('a', 3000)))":                          "pattern too complex",
		"print(string.find(string.rep('a', 40), string.rep('a*', 40) .. 'b'))":                                                "pattern too complex",
		"local co co = coroutine.wrap(function() while true do coroutine.yield(pcall(error)) end end) while true do co() end": "step limit exceeded",
		"getmetatable('').__index = function() while true do end end; print(('x'):y())":                                       "step limit exceeded",
	}
	n := 2
	for code, want := range stopped {
		// as a stored process (slices, memory checks between them)
		pid := ask(t, h, tr, alice, "new "+code)
		ask(t, h, tr, alice, "run "+pid)
		if got := tr.WaitFor(alice, pid+" failed", 60*time.Second); !strings.Contains(got, want) {
			t.Errorf("%s (%s): %q, want %q", code, pid, got, want)
		}
		n++
	}
	if tr.WaitFor(bob, "bob\t9000000", 60*time.Second) == "" {
		t.Errorf("the bystander did not finish: %q", tr.Messages(bob))
	}
	// another process is not affected by what one did to its metatables
	if got := ask(t, h, tr, bob, "step print(('abc'):upper())"); got != "ABC" {
		t.Errorf("string metatable leaked between processes: %q", got)
	}
}
