package continuation

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	goruntime "runtime"
	"slices"
	"strings"
	"testing"

	"github.com/fxamacker/cbor/v2"

	"github.com/mobilua/mobilua/ir"
	"github.com/mobilua/mobilua/runtime"
	"github.com/mobilua/mobilua/runtime/stdlib"
	"github.com/mobilua/mobilua/transpile"
)

// newProcess makes a process as `mobilua run` does, writing to out.
func newProcess(out io.Writer, sandboxed bool) *runtime.Process {
	return stdlib.NewProcess(stdlib.ProfileOf(sandboxed), transpile.Compiler{}, out, out)
}

func options(out io.Writer) Options {
	return Options{NewProcess: func(sb bool) *runtime.Process { return newProcess(out, sb) }, Cache: &ChunkCache{}}
}

// start compiles src and runs it until its first mb.yield (or the end).
func start(t testing.TB, src string, out io.Writer) *runtime.Process {
	return startIn(t, newProcess(out, false), src)
}

// startIn is start in process p.
func startIn(t testing.TB, p *runtime.Process, src string) *runtime.Process {
	load(t, p, src)
	if _, err := p.Resume(); err != nil {
		t.Fatal(err)
	}
	return p
}

// load compiles src (test.lua) and starts it in p, not yet run.
func load(t testing.TB, p *runtime.Process, src string) {
	t.Helper()
	proto, err := transpile.Compile([]byte(src), "@test.lua", transpile.Options{File: true})
	if err != nil {
		t.Fatal(err)
	}
	c := runtime.NewChunk("@test.lua", []byte(src), proto)
	c.File = true
	p.Start(runtime.ClosureValue(p.Load(c)))
}

// freezeThaw freezes p and thaws its continuation, writing to out.
func freezeThaw(t testing.TB, p *runtime.Process, out io.Writer) ([]byte, *runtime.Process) {
	t.Helper()
	b, err := Freeze(p)
	if err != nil {
		t.Fatal(err)
	}
	q, err := Thaw(b, options(out))
	if err != nil {
		t.Fatal(err)
	}
	return b, q
}

// finish resumes p to its end and returns what it printed.
func finish(t testing.TB, p *runtime.Process, out *bytes.Buffer) string {
	for i := 0; i < 1000; i++ {
		st, err := p.Resume()
		if err != nil {
			t.Fatal(err)
		}
		if st == runtime.Done {
			p.Out().Flush()
			return out.String()
		}
	}
	t.Fatal("the process does not end")
	return ""
}

const sample = `
local shared = 0
local function make() return function() shared = shared + 1 return shared end, function() return shared end end
local inc, get = make()
local t = {1, 2, 3, name = "sample", nested = {deep = {"x"}}}
t.loop = t
local co = coroutine.create(function(a) while true do a = coroutine.yield(a * 2) end end)
coroutine.resume(co, 1)
local it = string.gmatch("a1 b2 c3", "%a%d")
it()
inc()
mb.yield()
print(inc(), get(), t.loop.nested.deep[1], select(2, coroutine.resume(co, 21)), it(), #t)
`

func TestRoundTrip(t *testing.T) {
	var out1, out2 bytes.Buffer
	p := start(t, sample, &out1)
	b, err := Freeze(p)
	if err != nil {
		t.Fatal(err)
	}
	if b2, _ := Freeze(p); !bytes.Equal(b, b2) {
		t.Error("freezing the same state twice gives different bytes")
	}
	if err := cbor.Wellformed(b); err != nil {
		t.Errorf("not well-formed CBOR for fxamacker/cbor: %v", err)
	}
	var diag any
	if err := cbor.Unmarshal(b, &diag); err != nil {
		t.Errorf("fxamacker/cbor cannot decode it: %v", err)
	}
	q, err := Thaw(b, options(&out2))
	if err != nil {
		t.Fatal(err)
	}
	if b3, err := Freeze(q); err != nil || !bytes.Equal(b, b3) {
		t.Errorf("the thawed process freezes to other bytes (%v)", err)
	}
	got := finish(t, q, &out2)
	want := finish(t, p, &out1)
	if got != want || want != "2\t2\tx\t42\tb2\t3\n" {
		t.Errorf("thawed run printed %q, the original %q", got, want)
	}
}

func TestEmptyProcessSize(t *testing.T) {
	var out bytes.Buffer
	src := "mb.yield()\n"
	p := start(t, src, &out)
	b, err := Freeze(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("a process with nothing on its heap: %d bytes (source %d)", len(b), len(src))
	if len(b)-len(src) >= 1024 {
		t.Errorf("an empty process freezes to %d bytes plus its source, want under 1 KiB", len(b)-len(src))
	}
}

// resign replaces the checksum of a modified continuation, so that the
// decoder's own checks are what stands between it and the runtime.
func resign(b []byte) []byte {
	b = bytes.Clone(b)
	if len(b) < 5 {
		return b
	}
	crc := crc32.Checksum(b[:len(b)-5], castagnoli())
	binary.BigEndian.PutUint32(b[len(b)-4:], crc)
	b[len(b)-5] = majBytes | 4
	return b
}

// exercise runs a thawed process a little: whatever a hostile continuation
// makes, it must not panic or hang.
func exercise(p *runtime.Process) {
	p.SetBudget(1000)
	p.MaxSteps = p.Steps() + 20000
	for i := 0; i < 100; i++ {
		st, err := p.Resume()
		if err != nil || st == runtime.Done {
			return
		}
	}
}

func sampleBytes(t testing.TB) []byte {
	p := start(t, sample, io.Discard)
	b, err := Freeze(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestTamper(t *testing.T) {
	b := sampleBytes(t)
	opts := options(io.Discard)
	// truncated anywhere
	for n := 0; n < len(b); n++ {
		if _, err := Thaw(b[:n], opts); err == nil {
			t.Fatalf("truncated to %d bytes: no error", n)
		}
	}
	// any bit flipped
	for i := 0; i < len(b); i++ {
		for bit := 0; bit < 8; bit += 3 {
			c := bytes.Clone(b)
			c[i] ^= 1 << bit
			if _, err := Thaw(c, opts); err == nil {
				t.Fatalf("bit %d of byte %d flipped: no error", bit, i)
			} else if !strings.HasPrefix(err.Error(), "bad continuation: ") {
				t.Fatalf("unclear error: %v", err)
			}
		}
	}
}

func TestHostile(t *testing.T) {
	b := sampleBytes(t)
	opts := options(io.Discard)
	check := func(name string, c []byte, want string) {
		t.Helper()
		_, err := Thaw(resign(c), opts)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want an error with %q", name, err, want)
		}
	}
	// the version is the byte after the magic
	at := bytes.Index(b, []byte(magic)) + len(magic)
	c := bytes.Clone(b)
	c[at] = 2
	check("wrong version", c, "format version 2 is not supported")
	// a reference out of range: an object number (tag 29 and a number
	// below 24, in the same byte) made 23, more than the sample has objects
	refAt := bytes.Index(b, []byte{0xd8, tagObjectRef})
	if refAt < 0 || b[refAt+2] >= 24 || countObjects(t, b) >= 23 {
		t.Fatal("the sample's first object reference is not a small one, or it has too many objects")
	}
	c = bytes.Clone(b)
	c[refAt+2] = 23
	check("reference out of range", c, "out of range")
	// a length of 2^40: the object kinds' byte string
	kindsAt := findKinds(t, b)
	n := itemLen(b[kindsAt:])
	huge := []byte{majBytes | 27, 0, 0, 1, 0, 0, 0, 0, 0}
	c = append(append(append([]byte{}, b[:kindsAt]...), huge...), b[kindsAt+n:]...)
	check("length of 2^40", c, "longer than")
	// every byte set to hostile values, checksum made right: an error or a
	// process that runs without harm
	for i := 0; i < len(b)-5; i++ {
		for _, v := range []byte{0x00, 0x17, 0x18, 0x1b, 0x9b, 0xd8, 0xf6, 0xff} {
			c := bytes.Clone(b)
			c[i] = v
			if p, err := Thaw(resign(c), opts); err == nil {
				exercise(p)
			}
		}
	}
}

func countObjects(t testing.TB, b []byte) int {
	r := reader{b: b, off: findKinds(t, b)}
	return len(r.rawBytes(majBytes, "kinds"))
}

// itemLen returns the length of the head and payload of a string item, or
// of the head of another item.
func itemLen(b []byte) int {
	r := reader{b: b}
	m, n := r.head()
	if m == majBytes || m == majText {
		return r.off + int(n)
	}
	return r.off
}

// findKinds returns the offset of the kinds byte string.
func findKinds(t testing.TB, b []byte) int {
	r := reader{b: b, off: 3}
	r.countExactly("continuation", fieldsTop)
	r.text("magic")
	r.uint("version", 10)
	r.bool("sandboxed")
	r.off = int(r.uint("tail", uint64(len(b))))
	nc := r.count("chunks", 1)
	for i := 0; i < nc; i++ {
		r.countExactly("chunk", 5)
		r.rawBytes(majBytes, "name")
		r.bool("file")
		r.rawBytes(majBytes, "source")
		r.rawBytes(majBytes, "hash")
		r.uint("fingerprint", 1<<64-1)
	}
	return r.off
}

func FuzzThaw(f *testing.F) {
	for _, src := range []string{sample, "mb.yield()", "local t = {} for i = 1, 5 do t[i] = {i} end mb.yield() print(#t)",
		"local co = coroutine.wrap(function() mb.yield() end) co()", "table.sort({3, 2, 1}, function(a, b) mb.yield() return a < b end)",
		`local r = {{a = -1, bb = 300, c = -70000, d = 2^40, [("x"):rep(30)] = "y"}, {}, {k = {n = -2^31}}} mb.yield() print(#r)`} {
		f.Add(sampleFrom(f, src))
	}
	opts := options(io.Discard)
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, c := range [][]byte{b, resign(b)} {
			if p, err := Thaw(c, opts); err == nil {
				exercise(p)
			} else if !strings.HasPrefix(err.Error(), "bad continuation: ") {
				t.Fatalf("unclear error: %v", err)
			}
		}
	})
}

func sampleFrom(t testing.TB, src string) []byte {
	p := start(t, src, io.Discard)
	b, err := Freeze(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var _ = bufio.NewWriter

func TestYieldSurvives(t *testing.T) {
	var out bytes.Buffer
	p := start(t, `local r = mb.yield("prompt", 42) print("got", r)`, &out)
	_, q := freezeThaw(t, p, &out)
	ys := q.YieldValues()
	if q.YieldedBy() != stdlib.MbYield || len(ys) != 2 || runtime.Repr(ys[0]) != "prompt" || ys[1].Num() != 42 {
		t.Fatalf("after thaw: yielded by %q with %v", q.YieldedBy(), ys)
	}
	if st, err := q.Resume(runtime.String("answer")); err != nil || st != runtime.Done {
		t.Fatal(st, err)
	}
	q.Out().Flush()
	if out.String() != "got\tanswer\n" {
		t.Errorf("printed %q", out.String())
	}
}

// TestThawCounts: a thawed process knows what it holds without walking
// its heap (the host checks it against its memory limit): what its heap
// walk finds, but for the libraries every process has (43 KiB).
func TestThawCounts(t *testing.T) {
	heaps := []string{`local s = string.rep("x", 5000) local t = {} for i = 1, 100 do t[i] = s end local u = {s, s, t, t} mb.yield() return t, u`}
	for _, h := range benchHeaps {
		heaps = append(heaps, fmt.Sprintf(h.src, 10000))
	}
	for _, src := range heaps {
		c, err := Freeze(start(t, src, io.Discard))
		if err != nil {
			t.Fatal(err)
		}
		p, err := Thaw(c, options(io.Discard))
		if err != nil {
			t.Fatal(err)
		}
		counted, walked := p.MemoryInUse(), p.LiveBytes()
		libs := newProcess(io.Discard, false).LiveBytes()
		if d := walked - counted; d < 0 || d > libs {
			t.Errorf("%.40s: the thaw counted %d bytes, the walk finds %d (the libraries %d)", src, counted, walked, libs)
		}
	}
}

// TestThawKeepsFieldKeys: a thawed table's string keys are the very boxes
// of the code's constants, so that field accesses hit their inline caches
// after a thaw as before the freeze (Table.FieldHit compares one word).
func TestThawKeepsFieldKeys(t *testing.T) {
	c, err := Freeze(start(t, `obj = {name = "x", size = 3} mb.yield() return obj.size`, io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	p, err := Thaw(c, options(io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	var size runtime.Value
	for _, k := range p.Chunks()[0].Main.K {
		if s, _ := k.Str(); s == "size" {
			size = k
		}
	}
	obj := p.Globals.GetStr("obj").Table()
	if size.IsNil() || obj == nil {
		t.Fatalf("constant %v, table %v", size, obj)
	}
	for hint := int32(0); hint < 2; hint++ {
		if v, ok := obj.FieldHit(size, &hint); ok {
			if !runtime.RawEqual(v, runtime.Number(3)) {
				t.Errorf("obj.size is %v", v)
			}
			return
		}
	}
	t.Error("the thawed table's key is not the constant's box: field accesses miss their caches")
}

// TestRaise: a process that yielded to its embedder goes on with an error
// raised where the mb call stands (runtime.Process.Raise): a pcall around
// it catches it, in a coroutine too, also after a freeze and thaw;
// uncaught, the process fails with it and its traceback.
func TestRaise(t *testing.T) {
	for _, c := range []struct{ src, out string }{
		{`print(pcall(mb.yield, "x")) print("after")`, "false\tboom\nafter\n"},
		{`local co = coroutine.wrap(function() return pcall(mb.yield) end) print(co())`, "false\tboom\n"},
	} {
		for _, thaw := range []bool{false, true} {
			var out bytes.Buffer
			p := start(t, c.src, &out)
			if thaw {
				b, err := Freeze(p)
				if err != nil {
					t.Fatal(err)
				}
				if p, err = Thaw(b, options(&out)); err != nil {
					t.Fatal(err)
				}
			}
			st, err := p.Raise(runtime.String("boom"))
			p.FlushOutput()
			if err != nil || st != runtime.Done || out.String() != c.out {
				t.Errorf("%s (thawed %v): %v %v %q", c.src, thaw, st, err, out.String())
			}
		}
	}
	var out bytes.Buffer
	p := start(t, "local x = 1\nmb.yield()\nprint('not here')", &out)
	_, err := p.Raise(runtime.String("boom"))
	le, ok := err.(*runtime.Error)
	if !ok || runtime.Repr(le.Value) != "boom" || !strings.Contains(le.Traceback, "stack traceback:") || out.Len() != 0 {
		t.Errorf("uncaught: %v %q", err, out.String())
	}
}

// TestEarlierGeneration: a continuation frozen with the code an earlier
// generation of the compiler made (the first: a LOADNIL for a local at a
// function's start, arg only where named) thaws with that code and goes
// on as it would have; the current generation's code has another
// fingerprint, and a reader without the earlier generations refuses it.
func TestEarlierGeneration(t *testing.T) {
	const src = `
local function f(...)
  local a, b
  mb.yield()
  a = (a or 0) + select("#", ...)
  return a, b, arg
end
print(f(1, 2))
`
	var out1, out2 bytes.Buffer
	p := newProcess(&out1, false)
	proto, err := transpile.Compile([]byte(src), "@gen.lua", transpile.Options{File: true, Generation: 1})
	if err != nil {
		t.Fatal(err)
	}
	now, _ := transpile.Compile([]byte(src), "@gen.lua", transpile.Options{File: true})
	c := runtime.NewChunk("@gen.lua", []byte(src), proto)
	c.File = true
	if c.Fingerprint() == ir.Fingerprint(now) {
		t.Fatal("generation 1 compiles this chunk as generation 2 does: the test shows nothing")
	}
	p.Start(runtime.ClosureValue(p.Load(c)))
	if _, err := p.Resume(); err != nil {
		t.Fatal(err)
	}
	b, err := Freeze(p)
	if err != nil {
		t.Fatal(err)
	}
	q, err := Thaw(b, options(&out2))
	if err != nil {
		t.Fatalf("thaw of generation 1 code: %v", err)
	}
	if got := finish(t, q, &out2); got != "2\tnil\tnil\n" {
		t.Errorf("after the thaw: %q", got)
	}
	only := Options{NewProcess: func(sb bool) *runtime.Process {
		return stdlib.NewProcess(stdlib.ProfileOf(sb), currentOnly{}, io.Discard, io.Discard)
	}}
	if _, err := Thaw(b, only); err == nil || !strings.Contains(err.Error(), "compiles to different code") {
		t.Errorf("a reader with the current generation only: %v", err)
	}
}

// currentOnly compiles as the current generation only.
type currentOnly struct{}

func (currentOnly) Compile(src []byte, chunk string) (*ir.Proto, error) {
	return transpile.Compile(src, chunk, transpile.Options{})
}

// TestManyStrings: a continuation whose string table spans several of
// the decoder's blocks (valueList) thaws with every string and every
// reference to one in place, and freezes again to the same bytes.
func TestManyStrings(t *testing.T) {
	// (the second of each pair is written as a reference to the first)
	const src = `local t = {} for i = 1, 70000 do local s = "key" .. i t[i] = {s, s} end mb.yield()
		local bad = 0 for i = 1, 70000 do if t[i][1] ~= "key" .. i or t[i][2] ~= t[i][1] then bad = bad + 1 end end print(bad)`
	thawedCounts0(t, src)
}

// thawedCounts0 runs src to its mb.yield, freezes and thaws it, checks
// that the thawed process freezes to the same bytes, and runs it on: it
// must print 0 (what it found wrong).
func thawedCounts0(t *testing.T, src string) {
	t.Helper()
	var out1, out2 bytes.Buffer
	p := start(t, src, &out1)
	b, q := freezeThaw(t, p, &out2)
	if b2, err := Freeze(q); err != nil || !bytes.Equal(b, b2) {
		t.Errorf("the thawed process freezes to other bytes (%v)", err)
	}
	if got := finish(t, q, &out2); got != "0\n" {
		t.Errorf("thawed: %q", got)
	}
}

// TestShortKeys: many short strings, some of them the code's constants,
// as keys of many tables (the thaw remembers its last lookups of short
// strings among the constants in a few slots, which they share): each
// thaws to itself, a constant to its box.
func TestShortKeys(t *testing.T) {
	const src = `local ts = {} for i = 1, 3000 do
		local k = string.char(97 + i % 20) .. (i % 7 == 0 and "" or tostring(i % 1000))
		ts[i] = {[k] = k, x = i, yy = -i, zzz = k .. "!", abcdefg = i, abcdefgh = i, ["\0x"] = 1, ["\0\0yy"] = 2}
	end mb.yield()
	local bad = 0
	for i, t in ipairs(ts) do
		local k = string.char(97 + i % 20) .. (i % 7 == 0 and "" or tostring(i % 1000))
		if t[k] ~= k or t.x ~= i or t.yy ~= -i or t.zzz ~= k .. "!" or t.abcdefg ~= i or t.abcdefgh ~= i or t["\0x"] ~= 1 or t["\0\0yy"] ~= 2 then bad = bad + 1 end
	end print(bad)`
	thawedCounts0(t, src)
}

func TestValueList(t *testing.T) {
	var l valueList
	for i := range 100_000 {
		l.add(runtime.Number(float64(i)))
	}
	for i := range l.len() {
		if n := l.at(i).Num(); n != float64(i) {
			t.Fatalf("at(%d) = %v", i, l.at(i))
		}
	}
	if len(l.blocks[0]) != 256 || len(l.blocks) != 9 { // 256 * (2^9 - 1) >= 100,000
		t.Errorf("%d blocks, the first of %d", len(l.blocks), len(l.blocks[0]))
	}
}

// TestLoadersTravel: package.loaders, a library table with an array part,
// travels only when the program changed it. Unchanged, a plain process
// thaws into a sandboxed one (which has no package library, as a host's);
// changed (a searcher added, one removed), it comes back as it was left.
func TestLoadersTravel(t *testing.T) {
	var out bytes.Buffer
	p := start(t, `mb.yield() print(package)`, &out)
	b, err := Freeze(p)
	if err != nil {
		t.Fatal(err)
	}
	q, err := Thaw(b, Options{NewProcess: func(bool) *runtime.Process { return newProcess(&out, true) }, Cache: &ChunkCache{}})
	if err != nil {
		t.Fatalf("an unchanged package.loaders into a sandbox: %v", err)
	}
	if got := finish(t, q, &out); got != "nil\n" {
		t.Errorf("sandboxed: %q", got)
	}
	out.Reset()
	p = start(t, `table.insert(package.loaders, 1, function(n) return "\n\tmine" end)
table.remove(package.loaders)
table.remove(package.loaders)
mb.yield()
print(#package.loaders, package.loaders[4], select(2, pcall(require, "zz")):match("mine") ~= nil)`, &out)
	_, q = freezeThaw(t, p, &out)
	if got := finish(t, q, &out); got != "3\tnil\ttrue\n" {
		t.Errorf("changed loaders after a thaw: %q", got)
	}
}

// TestStringKeys: a table's string keys are found after a thaw, in tables
// scanned (up to 8 entries) and indexed (more: one by one, and above
// runtime's sortedBuildMin in order of their slots), with keys added after the
// thaw too; a continuation whose table holds a key twice is refused.
func TestStringKeys(t *testing.T) {
	for _, n := range []int{3, 8, 9, 12, 1000, 5000} {
		src := fmt.Sprintf(`local t, n = {}, %d
for i = 1, n do t[string.format("k%%04d", i)] = i end
t[7] = "seven"
mb.yield()
for i = n + 1, n + 20 do t[string.format("k%%04d", i)] = i end
local sum, found = 0, 0
for i = 1, n + 20 do local v = t[string.format("k%%04d", i)]; if v == i then found = found + 1 end end
for k, v in pairs(t) do sum = sum + (tonumber(v) or 0) end
print(found, sum, t.k0000, t[7])`, n)
		var out bytes.Buffer
		c, p := freezeThaw(t, start(t, src, io.Discard), &out)
		m := n + 20
		if got, want := finish(t, p, &out), fmt.Sprintf("%d\t%d\tnil\tseven\n", m, m*(m+1)/2); got != want {
			t.Errorf("%d keys: printed %q, want %q", n, got, want)
		}
		dup := bytes.Replace(c, []byte("k0002"), []byte("k0001"), 1)
		if bytes.Equal(dup, c) {
			t.Fatalf("%d keys: no key k0002 in the continuation", n)
		}
		_, err := Thaw(resign(dup), options(io.Discard))
		if err == nil || !strings.Contains(err.Error(), "duplicate key k0001") {
			t.Errorf("%d keys, one twice: %v, want a duplicate key", n, err)
		}
	}
}

// TestLibraryChanges: what a script changed in its libraries travels
// (removed, replaced, added and changed fields), in a library table that
// compacted since (its entries moved) and in one that did not.
func TestLibraryChanges(t *testing.T) {
	src := `string.len = nil
math.pi = 1
math.twice = function(x) return 2 * x end
table.insert = table.remove
os.time = nil
for i = 1, 100 do os["k" .. i] = i end -- os compacts: os.time's entry goes
for i = 1, 100 do os["k" .. i] = nil end
mb.yield()
print(string.len, math.pi, math.twice(4), table.insert == table.remove, os.time, os.clock ~= nil, os.k5, string.rep("a", 2))`
	var out1, out2 bytes.Buffer
	p := start(t, src, &out1)
	b, q := freezeThaw(t, p, &out2)
	if b2, err := Freeze(q); err != nil || !bytes.Equal(b, b2) {
		t.Errorf("the thawed process freezes to other bytes (%v)", err)
	}
	got, want := finish(t, q, &out2), finish(t, p, &out1)
	if got != want || want != "nil\t1\t8\ttrue\tnil\ttrue\tnil\taa\n" {
		t.Errorf("thawed run printed %q, the original %q", got, want)
	}
}

// TestFreezeRoom: a continuation is written into room for about as much
// as the process's last one (a checkpointed process is frozen again and
// again), and one that shrank is not handed out in its old room.
func TestFreezeRoom(t *testing.T) {
	p := start(t, `local function fill() for i = 1, 10000 do big = {big, i + 0.5} end end -- small tables: a room grown step by step
fill() mb.yield() big = nil mb.yield()`, io.Discard)
	b1, err := Freeze(p)
	if err != nil {
		t.Fatal(err)
	}
	var before, after goruntime.MemStats
	goruntime.ReadMemStats(&before)
	if _, err := Freeze(p); err != nil {
		t.Fatal(err)
	}
	goruntime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 2*uint64(len(b1)) {
		t.Errorf("freezing the same process again (%d bytes): %d bytes allocated", len(b1), n)
	}
	_, q := freezeThaw(t, p, io.Discard)
	if _, err := q.Resume(); err != nil { // big = nil
		t.Fatal(err)
	}
	b2, err := Freeze(q)
	if err != nil {
		t.Fatal(err)
	}
	if len(b2) > len(b1)/10 || cap(b2) > 2*len(b2)+4096 {
		t.Errorf("after shrinking from %d bytes: %d bytes in a room of %d", len(b1), len(b2), cap(b2))
	}
}

// TestClosureEnv: a closure whose environment is the process's globals
// is written without it (a reference fewer: at least 3 bytes), one with
// another environment with it; each thaws with its own.
func TestClosureEnv(t *testing.T) {
	const n = 300
	size := func(env string) int {
		src := fmt.Sprintf(`local env = %s local fs = {} for i = 1, %d do fs[i] = setfenv(function() return x end, env) end
mb.yield() print(fs[1](), fs[%d](), getfenv(fs[2]) == _G, x)`, env, n, n)
		var out bytes.Buffer
		b, p := freezeThaw(t, start(t, src, io.Discard), &out)
		want := "1\t1\tfalse\tnil\n"
		if env == "_G" {
			want = "nil\tnil\ttrue\tnil\n"
		}
		if got := finish(t, p, &out); got != want {
			t.Errorf("env %s: thawed, it prints %q, not %q", env, got, want)
		}
		return len(b)
	}
	if own, globals := size("{x = 1}"), size("_G"); own-globals < 3*n {
		t.Errorf("%d closures of the globals take %d bytes, of another table %d", n, globals, own)
	}
}

// TestThawBlocks: a thaw cuts small tables' hash parts, the shells of
// tables, closures and upvalues, closures' upvalue lists and threads'
// stacks from blocks shared by many; each grows on its own afterwards,
// without writing over its neighbours.
func TestThawBlocks(t *testing.T) {
	const src = `local n = 200
local ts, fs, cos = {}, {}, {}
for i = 1, n do
  ts[i] = {x = i, y = -i}
  local v = i
  fs[i] = function(d) v = v + d return v end
  cos[i] = coroutine.create(function(a)
    local function deep(k) if k == 0 then return coroutine.yield(a) end return deep(k - 1) + 1 end
    return deep(a % 7 + 40)
  end)
  coroutine.resume(cos[i], i)
end
mb.yield()
for i = 1, n do
  local t = ts[i]
  for k = 1, 20 do t["k" .. k] = i * k end
  t.x = t.x + fs[i](1000)
  for k = 1, 10 do assert(fs[i](0) == i + 1000) end
end
local sum = 0
for i = 1, n do
  local t = ts[i]
  assert(t.x == 2 * i + 1000 and t.y == -i and t.k20 == 20 * i, i)
  local ok, r = coroutine.resume(cos[i], i)
  assert(ok and r == i + i % 7 + 40, i)
  sum = sum + r
end
print(sum)`
	var out bytes.Buffer
	_, p := freezeThaw(t, start(t, src, io.Discard), &out)
	want := 0
	for i := 1; i <= 200; i++ {
		want += i + i%7 + 40
	}
	if got := finish(t, p, &out); got != fmt.Sprintln(want) {
		t.Errorf("thawed, it prints %q, not %d", got, want)
	}
}

// TestChunkCacheNames: the chunk cache compiles a script once for the
// continuations of processes that each named their chunk differently
// (a host's processes: =p1, =p2), and each thawed process's errors name
// its own chunk.
func TestChunkCacheNames(t *testing.T) {
	const src = `local x = mb.yield() error("boom " .. x)`
	opts := options(io.Discard)
	for _, name := range []string{"=p1", "=p2", "=p1"} {
		p := newProcess(io.Discard, false)
		proto, err := transpile.Compile([]byte(src), name, transpile.Options{})
		if err != nil {
			t.Fatal(err)
		}
		p.Start(runtime.ClosureValue(p.Load(runtime.NewChunk(name, []byte(src), proto))))
		if _, err := p.Resume(); err != nil {
			t.Fatal(err)
		}
		b, err := Freeze(p)
		if err != nil {
			t.Fatal(err)
		}
		q, err := Thaw(b, opts)
		if err != nil {
			t.Fatal(err)
		}
		_, err = q.Resume(runtime.Number(1))
		if want := name[1:] + ":1: boom 1"; err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s thawed: %v, want %q", name, err, want)
		}
	}
	if n := len(opts.Cache.m); n != 1 {
		t.Errorf("%d chunks cached for one script", n)
	}
}

// TestThreadForms: coroutines in each form a thread and its frames are
// written in (the compact six fields of one suspended where a Lua
// function called, one with an open upvalue, one not started, one with
// varargs in its frame, one inside a wrapped one) read back and go on as
// lua5.1 runs them (mb.yield left out), and freeze again to the same
// bytes.
func TestThreadForms(t *testing.T) {
	const src = `
local cos = {}
for i = 1, 300 do cos[i] = coroutine.create(function(a) local b = coroutine.yield(a) return a + b end); coroutine.resume(cos[i], i) end
local up = coroutine.create(function(a) local f = function() return a end; local b = coroutine.yield() return f() + b end)
coroutine.resume(up, 5)
local fresh = coroutine.create(function(x, ...) return x, select('#', ...) end)
local va = coroutine.create(function(...) local n = coroutine.yield(...) return n + select('#', ...) end)
coroutine.resume(va, 1, 2, 3)
local outer = coroutine.wrap(function() local inner = coroutine.create(function() coroutine.yield(1) return 2 end) coroutine.resume(inner) coroutine.yield(inner) return coroutine.resume(inner) end)
local inner = outer()
mb.yield()
local s = 0
for i = 1, 300 do local _, v = coroutine.resume(cos[i], 1); s = s + v end
print(s, coroutine.status(cos[1]), coroutine.resume(up, 10))
print(coroutine.resume(fresh, "x", 1, 2))
print(coroutine.resume(va, 4))
print(coroutine.status(inner), outer())
`
	var out bytes.Buffer
	b, q := freezeThaw(t, start(t, src, io.Discard), &out)
	if b2, err := Freeze(q); err != nil || !bytes.Equal(b, b2) {
		t.Errorf("the thawed process freezes to other bytes (%v)", err)
	}
	const want = "45450\tdead\ttrue\t15\ntrue\tx\t2\ntrue\t7\nsuspended\ttrue\t2\n"
	if got := finish(t, q, &out); got != want {
		t.Errorf("thawed, it prints %q, lua5.1 %q", got, want)
	}
}

// TestCoroutineSize: a suspended coroutine's continuation is within 1.5×
// its live data (FORMAT.md), at 1000 of them.
func TestCoroutineSize(t *testing.T) {
	p := start(t, `local cos = {} for i = 1, 1000 do cos[i] = coroutine.create(function(a) local b = coroutine.yield(a) return b end); coroutine.resume(cos[i], i) end mb.yield() return cos`, io.Discard)
	c, live, err := freeze(p)
	if err != nil {
		t.Fatal(err)
	}
	if x := float64(len(c)) / float64(live); x > 1.5 {
		t.Errorf("1000 suspended coroutines take %d bytes, %.2f× their live data's %d", len(c), x, live)
	}
}

// TestRecordRefused: a small record's body (the thaw's quick way: 0x83
// null [] [2n] ...) with an odd count of keys and values is refused as
// any table's is.
func TestRecordRefused(t *testing.T) {
	b := sampleFrom(t, `local t = {abc = 1} mb.yield() return t`)
	body := []byte{majArray | 3, cborNull, majArray, majArray | 2, majBytes | 3, 'a', 'b', 'c', 1}
	at := bytes.Index(b, body)
	if at < 0 {
		t.Fatalf("no record {abc = 1} in % x", b)
	}
	for _, c := range []struct {
		count byte
		want  string
	}{{majArray | 2, ""}, {majArray | 3, "hash part of odd length 3"}, {majArray | 1, "hash part of odd length 1"}} {
		bad := slices.Clone(b)
		bad[at+3] = c.count
		_, err := Thaw(resign(bad), options(io.Discard))
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("count 0x%02x: %v, want %q", c.count, err, c.want)
		}
	}
}
