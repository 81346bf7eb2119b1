package cli

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mobilua/mobilua/continuation/pack"
	"github.com/mobilua/mobilua/internal/testbin"
)

func TestMain(m *testing.M) { testbin.Main(m) }

func runBin(t *testing.T, dir string, args ...string) (string, string, int) {
	return testbin.Run(dir, nil, testbin.Mobilua(t), args...)
}

// A script that freezes three times in a row, each time in another OS
// process, carrying closures, a coroutine, a table and the random
// generator's state; its output must be that of a run where mb.freeze
// just returns true (lua5.1 runs it so, with a stand-in mb).
const threeFreezes = `mb = mb or {freeze = function() return true end}
local log = {}
local co = coroutine.wrap(function() for i = 1, 10 do coroutine.yield(i * i) end end)
local function note(s) log[#log + 1] = s end
math.randomseed(7)
for round = 1, 3 do
  note(round .. ":" .. co() .. ":" .. math.random(1000))
  print("before freeze", round, #log)
  print("freeze returned", mb.freeze("state.cont"))
end
print(table.concat(log, " "), co(), math.random(1000))
os.exit(5)
`

func TestFreezeThreeTimes(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "three.lua"), []byte(threeFreezes), 0o644)
	var all strings.Builder
	out, errs, code := runBin(t, dir, "run", "three.lua")
	all.WriteString(out)
	if code != 0 || !strings.Contains(errs, "frozen to state.cont") {
		t.Fatalf("run: status %d, stderr %q", code, errs)
	}
	for i := 1; i <= 3; i++ {
		out, errs, code = runBin(t, dir, "resume", "state.cont")
		all.WriteString(out)
		want := 0
		if i == 3 {
			want = 5 // the script's own os.exit status
		}
		if code != want {
			t.Fatalf("resume %d: status %d (want %d), stderr %q", i, code, want, errs)
		}
	}
	// the reference: the same script where mb.freeze only returns true
	os.WriteFile(filepath.Join(dir, "ref.lua"), []byte("mb = nil "+threeFreezes), 0o644)
	want, _, code := runBin(t, dir, "run", "ref.lua")
	if code != 5 || !strings.Contains(want, "freeze returned\ttrue") {
		t.Fatalf("reference run: status %d\n%s", code, want)
	}
	if all.String() != want {
		t.Errorf("output across four processes:\n%s\nuninterrupted:\n%s", all.String(), want)
	}
	// inspect names the frame that froze
	out, errs, code = runBin(t, dir, "inspect", "state.cont")
	if code != 0 || !strings.Contains(out, "format version 1") || !strings.Contains(out, "three.lua:9 in main chunk") || !strings.Contains(out, "in mb.freeze") {
		t.Errorf("inspect: status %d\n%s%s", code, out, errs)
	}
}

// TestResumePacked: a packed continuation (as a host keeps one that came
// packed, and its web interface downloads it) resumes and inspects as a
// plain one: mobilua, which does not carry the codec, runs mobilua-full
// for it; without mobilua-full it says where it looked.
func TestResumePacked(t *testing.T) {
	dir := t.TempDir()
	src := "local t = {} for i = 1, 500 do t[i] = 'item ' .. i end\nmb.freeze('f.cont')\nprint(#t, t[500])\n"
	os.WriteFile(filepath.Join(dir, "f.lua"), []byte(src), 0o644)
	if _, errs, code := runBin(t, dir, "run", "f.lua"); code != 0 {
		t.Fatalf("run: %d %s", code, errs)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "f.cont"))
	packed := pack.Pack(b)
	if len(packed) >= len(b) {
		t.Fatalf("%d bytes not packed (%d)", len(b), len(packed))
	}
	os.WriteFile(filepath.Join(dir, "p.cont"), packed, 0o644)
	if out, errs, code := runBin(t, dir, "resume", "p.cont"); code != 0 || out != "500\titem 500\n" {
		t.Errorf("resume packed: status %d, %q, %q", code, out, errs)
	}
	if out, errs, code := runBin(t, dir, "inspect", "p.cont"); code != 0 || !strings.Contains(out, "(packed in ") || !strings.Contains(out, "f.lua:2 in main chunk") {
		t.Errorf("inspect packed: status %d, %q, %q", code, out, errs)
	}
	alone := filepath.Join(t.TempDir(), "mobilua")
	data, err := os.ReadFile(testbin.Mobilua(t))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(alone, data, 0o755)
	cmd := exec.Command(alone, "resume", "p.cont")
	cmd.Dir, cmd.Env = dir, append(os.Environ(), "PATH="+filepath.Dir(alone))
	out, _ := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); code != 1 || !strings.Contains(string(out), "mobilua resume: p.cont is packed (Zstandard): it is read by mobilua-full, which is neither beside "+alone) {
		t.Errorf("resume packed without mobilua-full: status %d, %q", code, out)
	}
	if out, errs, code := testbin.Run(dir, nil, alone, "resume", "f.cont"); code != 0 || out != "500\titem 500\n" {
		t.Errorf("resume plain without mobilua-full: status %d, %q, %q", code, out, errs)
	}
}

func TestResumeRefusesDamage(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "f.lua"), []byte("print(mb.freeze('f.cont'))\n"), 0o644)
	if _, errs, code := runBin(t, dir, "run", "f.lua"); code != 0 {
		t.Fatalf("run: %d %s", code, errs)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "f.cont"))
	b[len(b)/2] ^= 0x10
	os.WriteFile(filepath.Join(dir, "bad.cont"), b, 0o644)
	_, errs, code := runBin(t, dir, "resume", "bad.cont")
	if code != 1 || !strings.Contains(errs, "bad continuation: checksum mismatch") {
		t.Errorf("damaged continuation: status %d, %q", code, errs)
	}
	os.WriteFile(filepath.Join(dir, "short.cont"), b[:40], 0o644)
	if _, errs, code := runBin(t, dir, "resume", "short.cont"); code != 1 || !strings.Contains(errs, "bad continuation") {
		t.Errorf("truncated continuation: status %d, %q", code, errs)
	}
	if _, errs, code := runBin(t, dir, "resume", "missing.cont"); code != 1 || !strings.Contains(errs, "no such file") {
		t.Errorf("missing continuation: status %d, %q", code, errs)
	}
	// a freeze that cannot be written returns nil, reason to the script
	out, _, code := runBin(t, dir, "run", "-e", "print(mb.freeze('/nonexistent/dir/x.cont'))")
	if code != 0 || !strings.HasPrefix(out, "nil\t") {
		t.Errorf("unwritable freeze: status %d, %q", code, out)
	}
	// so does one holding an open file
	out, _, code = runBin(t, dir, "run", "-e", "local f = io.tmpfile() print(mb.freeze('x.cont'))")
	if code != 0 || !strings.Contains(out, "nil\tcannot freeze: a userdata holding") {
		t.Errorf("freeze with an open file: status %d, %q", code, out)
	}
}

// TestCheckpointKill kills a checkpointing run with SIGKILL and resumes
// it from its last checkpoint: the result is that of an uninterrupted run;
// checkpoints every so many steps and every so much time.
func TestCheckpointKill(t *testing.T) {
	for _, every := range [][]string{{"--every", "200000"}, {"--every", "20ms"}} {
		t.Run(strings.Join(append([]string{"--checkpoint"}, every...), " "), func(t *testing.T) {
			checkpointKill(t, every)
		})
	}
}

// TestCheckpointEvery: --every is steps or a duration, a second (paced by
// what the last checkpoint took) when --checkpoint comes alone (on the
// command line and for resume), and nothing else.
func TestCheckpointEvery(t *testing.T) {
	for _, c := range []struct {
		args []string
		want period
		err  string
	}{
		{[]string{"--checkpoint", "f", "x.lua"}, period{time: time.Second, paced: true}, ""},
		{[]string{"--checkpoint", "f", "--every", "500ms", "x.lua"}, period{time: 500 * time.Millisecond}, ""},
		{[]string{"--checkpoint=f", "--every=1000", "x.lua"}, period{steps: 1000}, ""},
		{[]string{"--every", "1000", "x.lua"}, period{}, "--every goes with --checkpoint FILE"},
		{[]string{"--checkpoint", "f", "--every", "-3", "x.lua"}, period{}, "--every wants a number of steps or a duration"},
		{[]string{"--checkpoint", "f", "--every", "soon", "x.lua"}, period{}, "--every wants a number of steps or a duration"},
	} {
		l, err := parseLua(c.args)
		switch {
		case c.err != "":
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error %v, want %q", c.args, err, c.err)
			}
		case err != nil:
			t.Errorf("%q: %v", c.args, err)
		case *l.cp.every != c.want:
			t.Errorf("%q: every %v, want %v", c.args, l.cp.every, &c.want)
		}
	}
	f := NewFlags("resume", io.Discard, io.Discard, "", "resume")
	cp := checkpointFlags(f.FlagSet)
	if _, _, ok := f.Parse([]string{"--checkpoint", "f", "x.cont"}); !ok || cp.check() != nil || *cp.every != defaultPeriod {
		t.Errorf("resume --checkpoint alone: every %v", cp.every)
	}
	// the default waits 20 times what the last checkpoint took, when that
	// is longer than its second; a period given is kept to
	given := checkpoint{every: &period{time: time.Second}}
	for _, c := range []struct {
		cp             checkpoint
		d, took        time.Duration
		due, byDefault bool
	}{
		{cp, 999 * time.Millisecond, 0, false, true},
		{cp, time.Second, 10 * time.Millisecond, true, true},
		{cp, time.Second, 100 * time.Millisecond, false, true},
		{cp, 2 * time.Second, 100 * time.Millisecond, true, true},
		{given, time.Second, 100 * time.Millisecond, true, false},
	} {
		if got := c.cp.due(0, c.d, c.took); got != c.due {
			t.Errorf("default %v: due after %v, the last took %v: %v", c.byDefault, c.d, c.took, got)
		}
	}
}

func checkpointKill(t *testing.T, every []string) {
	dir := t.TempDir()
	script := `local s = 0
for i = 1, 3e7 do
  s = (s + i * 7) % 1000003
  if i % 3e6 == 0 then print("at", i) end
end
print("done", s)
`
	os.WriteFile(filepath.Join(dir, "long.lua"), []byte(script), 0o644)
	cmd := exec.Command(testbin.Mobilua(t), append(append([]string{"run", "--checkpoint", "long.cont"}, every...), "long.lua")...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	cont := filepath.Join(dir, "long.cont")
	for i := 0; i < 1000; i++ { // up to 10 s for the first checkpoint
		if _, err := os.Stat(cont); err == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	cmd.Process.Kill() // SIGKILL
	cmd.Wait()
	if _, err := os.Stat(cont); err != nil {
		t.Fatalf("no checkpoint was written: %v", err)
	}
	res, errs, code := runBin(t, dir, "resume", "long.cont")
	whole, _, _ := runBin(t, dir, "run", "long.lua")
	if code != 0 || !strings.HasSuffix(whole, res) || !strings.Contains(res, "done") {
		t.Errorf("resumed after kill -9: status %d %s\n%s\nuninterrupted:\n%s", code, errs, res, whole)
	}
	// a run that finishes leaves no checkpoint (resuming it would run
	// the script's end again)
	if _, _, code := runBin(t, dir, "run", "--checkpoint", "again.cont", "--every", "1000000", "long.lua"); code != 0 {
		t.Fatalf("status %d", code)
	}
	if _, err := os.Stat(filepath.Join(dir, "again.cont")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the checkpoint of a finished run is still there: %v", err)
	}
}
