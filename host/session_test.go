package host

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSession: step is a REPL session: globals carry over, =expr and
// return show values as lua5.1's interactive mode prints them, errors
// leave the session as it was, mb calls that need a stored process say
// why, and the session survives a restart; reset starts a new one.
func TestSession(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	tr := &Memory{}
	h, st := openHost(t, path, tr, testConfig())
	steps := []struct{ code, want string }{
		{"x = 20", "(no output)"},
		{"=x + 1", "21"},
		{"return x, 'a', nil, {} == nil", "20\ta\tnil\tfalse"},
		{"function inc() x = x + 1 return x end", "(no output)"},
		{"=inc()", "21"},
		{"oldprint = print; print = nil", "(no output)"},
		{"=2", "2"}, // values are shown whatever the globals say
		{"print = oldprint", "(no output)"},
		{"local y = 5", "(no output)"},
		{"=y", "nil"}, // locals end with their chunk
		{"error('boom')", "step:1: boom"},
		{"=x", "21"},
		{"error({})", "(error object is not a string)"},
		{"=mb.input('name?')", "nil\tmb.input is for stored processes (new, then run)"},
		{"=mb.send('p99', 1)", "nil\t"},
		{"=select('#', mb.pid())", "1"},
	}
	for _, s := range steps {
		if got := h.Command(alice, "step "+s.code); !strings.HasPrefix(got, s.want) {
			t.Errorf("step %s:\n got %q\nwant %q", s.code, got, s.want)
		}
	}
	// a step's code is not kept with the session, only what it left
	h.Command(alice, "step local s = [["+strings.Repeat("x", 100_000)+"]] print(#s)")
	if cont, err := st.Session(alice); err != nil || len(cont) > 20_000 {
		t.Errorf("the session keeps %d bytes (%v)", len(cont), err)
	}
	// another user has a session of their own
	if got := h.Command(bob, "step =x"); got != "nil" {
		t.Errorf("bob sees x: %q", got)
	}
	// a restart keeps the session
	h.Close()
	st.Close()
	h2 := hostWith(t, path, tr, testConfig())
	if got := h2.Command(alice, "step =inc()"); got != "22" {
		t.Errorf("after a restart: %q", got)
	}
	// an uncatchable error ends it
	if got := h2.Command(alice, "step while true do end"); !strings.Contains(got, "step limit exceeded") || !strings.Contains(got, "session ended") {
		t.Errorf("endless loop: %q", got)
	}
	if got := h2.Command(alice, "step =x"); got != "nil" {
		t.Errorf("after the session ended: %q", got)
	}
	h2.Command(alice, "step x = 1")
	if got := h2.Command(alice, "reset"); !strings.Contains(got, "session is gone") {
		t.Errorf("reset: %q", got)
	}
	if got := h2.Command(alice, "step =x"); got != "nil" {
		t.Errorf("after reset: %q", got)
	}
}

func testConfig() Config {
	cfg := DefaultConfig()
	cfg.Name = "lua1@a.example"
	cfg.StepsPerSlice = 1000
	cfg.StepLimit = 100_000
	return cfg
}

// TestMultiline: code that is not complete waits for the next messages,
// as lua5.1's interactive mode does; a code fence waits for its close;
// cancel drops what waits.
func TestMultiline(t *testing.T) {
	tr := &Memory{}
	h := hostWith(t, filepath.Join(t.TempDir(), "s.db"), tr, testConfig())
	talk := func(lines ...string) []string {
		var got []string
		for _, l := range lines {
			got = append(got, h.Command(alice, l))
		}
		return got
	}
	check := func(got []string, want ...string) {
		t.Helper()
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("got  %q\nwant %q", got, want)
		}
	}
	const more = "... (the code goes on: send the rest, or cancel)"
	check(talk("step for i = 1, 3 do", "  print(i)", "end"), more, "...", "1\n2\n3")
	check(talk("step =1 +", "2"), more, "3")
	check(talk("step x = [[a", "b]] print(x)"), more, "a\nb")
	check(talk("step ```lua\nlocal t = {}", "for i = 1, 2 do t[i] = i * 10 end", "print(t[1] + t[2])\n```"), more, "...", "30")
	check(talk("step ```\nprint('fenced in one')\n```"), "fenced in one")
	check(talk("new x.lua ```\nfor i = 1, 2 do\n```"), "x.lua:2: 'end' expected (to close 'for' at line 1) near '<eof>'") // a closed fence ends the code
	check(talk("step function f()", "cancel", "ps"), more, "step cancelled: the code was dropped", "no processes (new <lua code> makes one)")
	check(talk("step if x then", "x = = 1"), more, "step:2: unexpected symbol near '='")
	check(talk("step for i = 1, 2 do", "new hello.lua print(1)"), more, "(the step code that waited for its end was dropped: step:2: '=' expected near 'hello')\np1")
	check(talk("new while true do", "end"), more, "p2")
	if got := h.Command(alice, "source p2"); got != "while true do\nend" {
		t.Errorf("source: %q", got)
	}
	// a user's waiting code is theirs
	check(talk("step if true then"), more)
	if got := h.Command(bob, "step print('bob')"); got != "bob" {
		t.Errorf("bob: %q", got)
	}
	check(talk("print('alice') end"), "alice")
}

// TestProcessLife: rm and clean remove ended processes, run says why a
// process that is not new does not run, every command answers.
func TestProcessLife(t *testing.T) {
	tr := &Memory{}
	h := hostWith(t, filepath.Join(t.TempDir(), "s.db"), tr, testConfig())
	for _, code := range []string{"print(1)", "error('x')", "mb.input('?')", "mb.receive()"} {
		pid := h.Command(alice, "new "+code)
		h.Command(alice, "run "+pid)
	}
	waitCount(h, alice, 2, StateFinished, StateFailed)
	waitCount(h, alice, 2, StateInput, StateMessage)
	for _, c := range [][2]string{
		{"run p1", "p1 has ended (finished): a process runs once; new <lua code> makes another (source p1 shows its code)"},
		{"run p3", "p3 is running, waiting for input: input p3 <text> answers it"},
		{"rm p3", "p3 has not ended (it is waiting for input): kill p3 first"},
		{"rm p1", "p1 removed"},
		{"rm p1", "no process p1 of yours (ps lists them)"},
		{"comment p2 hey", "p2's comment is set (ps shows it)"},
		{"shell off", "you have no shell on (shell <pid> makes a process your shell)"},
		{"kill p4", "p4 killed"},
		{"step env()", "_G\n_VERSION\nassert\n"},
	} {
		cmd, want := c[0], c[1]
		if got := h.Command(alice, cmd); !strings.HasPrefix(got, want) {
			t.Errorf("%s:\n got %q\nwant %q", cmd, got, want)
		}
	}
	if got := h.Command(alice, "clean"); got != "2 ended processes removed" {
		t.Errorf("clean: %q", got)
	}
	if got := h.Command(alice, "ps"); !strings.HasPrefix(got, "p3  waiting for input") || strings.Count(got, "\n") != 0 {
		t.Errorf("ps after clean: %q", got)
	}
	if got := h.Command(alice, "help load"); !strings.Contains(got, "\n\nFetches a script") {
		t.Errorf("help load: %q", got)
	}
}

// TestScriptName: a script's name (new hello.lua ..., an example, a
// loaded URL) names its chunk: error positions say hello.lua:1; a PID is
// the name of a script without one.
func TestScriptName(t *testing.T) {
	tr := &Memory{}
	h := hostWith(t, filepath.Join(t.TempDir(), "s.db"), tr, testConfig())
	if got := h.Command(alice, "new hello.lua print('hi')\nerror('boom')"); got != "p1" {
		t.Fatalf("new: %q", got)
	}
	h.Command(alice, "run p1")
	if got := tr.WaitFor(alice, "failed", 10*time.Second); got != "p1 failed: hello.lua:2: boom" {
		t.Errorf("error: %q", got)
	}
	if got := h.Command(alice, "new x.lua = 1"); got != "x.lua:1: unexpected symbol near '='" {
		t.Errorf("syntax error: %q", got)
	}
	h.Command(alice, "new error('anon')")
	h.Command(alice, "run p2")
	if got := tr.WaitFor(alice, "p2 failed", 10*time.Second); got != "p2 failed: p2:1: anon" {
		t.Errorf("no name: %q", got)
	}
	if got := h.Command(alice, "example 1"); got != "p3 is running" {
		t.Fatalf("example: %q", got)
	}
	if got := h.Command(alice, "ps"); !strings.Contains(got, "p1  failed") || !strings.Contains(got, "hello.lua") || !strings.Contains(got, "p3  ") {
		t.Errorf("ps: %q", got)
	}
	if got, _ := scriptName("t.lua print(1)"); got != "t.lua" {
		t.Errorf("scriptName: %q", got)
	}
	if got, _ := scriptName("t.lua.x print(1)"); got != "" {
		t.Errorf("scriptName of no name: %q", got)
	}
	if got := urlName("https://example.org/a/b/fib.lua?x=1"); got != "fib.lua" {
		t.Errorf("urlName: %q", got)
	}
}

// TestAnswerHint: how a user answers mb.input depends on where they
// talk: with input, in a component's process chat, or in their shell.
func TestAnswerHint(t *testing.T) {
	for _, c := range []struct{ name, shell, want string }{
		{"lua1@a.example", "", "p1 asks: name? (answer with: input p1 <text>)"},
		{"procs.a.example", "", "p1 asks: name? (answer in this chat, or: input p1 <text>)"},
		{"lua1@a.example", "shell p1", "p1 asks: name? (it is your shell: type the answer)"},
	} {
		tr := &Memory{}
		cfg := testConfig()
		cfg.Name = c.name
		h := hostWith(t, filepath.Join(t.TempDir(), "s.db"), tr, cfg)
		h.Command(alice, "new mb.input('first?') mb.input('name?')")
		h.Command(alice, "run p1")
		tr.WaitFor(alice, "first?", 10*time.Second)
		if c.shell != "" {
			h.Command(alice, c.shell)
			h.Command(alice, "an answer") // to the shell: input
		} else {
			h.Command(alice, "input p1 an answer")
		}
		if got := tr.WaitFor(alice, "name?", 10*time.Second); got != c.want {
			t.Errorf("%s %s: %q", c.name, c.shell, got)
		}
	}
}
