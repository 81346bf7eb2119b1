package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/mobilua/mobilua/internal/testbin"
)

// finalizers exercises newproxy's __gc: run once, newest first, when a
// cycle finds the proxy unreachable; a weak value naming it goes at once,
// a weak key one cycle later; an error in one is collectgarbage's; what
// is left runs when the program ends (lua5.1 closes its state), errors
// there ignored, but not when the program froze itself to travel. And the
// collector's settings, which a continuation does not keep.
const finalizers = `local function size(t) local n = 0 for _ in pairs(t) do n = n + 1 end return n end
local log = {}
local proto = newproxy(true)
getmetatable(proto).__gc = function(u) log[#log + 1] = getmetatable(u).names[u] end
local names = setmetatable({}, {__mode = "k"})
getmetatable(proto).names = names
local wkeys = setmetatable({}, {__mode = "k"})
local wvals = setmetatable({}, {__mode = "v"})
do
  for i = 1, 3 do
    local u = newproxy(proto)
    names[u] = "u" .. i
    wkeys[u], wvals[i] = i, u
  end
end
collectgarbage()
print(table.concat(log, " "), size(wkeys), size(wvals))
collectgarbage()
print(#log, size(wkeys))
do
  local bad = newproxy(true)
  getmetatable(bad).__gc = function() error("in __gc") end
end
print(pcall(collectgarbage))
print(pcall(collectgarbage))
for i = 1, 3 do
  local u = newproxy(true)
  getmetatable(u).__gc = function() print("at the end", i) if i == 2 then error("ignored") end end
  names[i] = u
end
local kept = newproxy(true)
getmetatable(kept).__gc = function() print("kept, at the end") end
print(collectgarbage("setpause", 150), collectgarbage("setpause", 200))
print(collectgarbage("setstepmul", 300), collectgarbage("setstepmul", 200))
print("done")
`

func TestFinalizers(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "fin.lua"), []byte(finalizers), 0o644)
	out, errOut, code := runBin(t, dir, "run", "fin.lua")
	want := "u3 u2 u1\t3\t0\n3\t0\nfalse\tfin.lua:22: in __gc\ntrue\t0\n200\t150\n200\t300\ndone\n" +
		"kept, at the end\nat the end\t3\nat the end\t2\nat the end\t1\n"
	if out != want || code != 0 {
		t.Errorf("mobilua run: exit %d, stderr %q, stdout\n%s\nwant\n%s", code, errOut, out, want)
	}
	lua, err := exec.LookPath("lua5.1")
	if err != nil {
		testbin.NeedTool(t, "lua5.1 is not installed (apt-get install lua5.1): the output is not compared")
	}
	cmd := exec.Command(lua, "fin.lua")
	cmd.Dir = dir
	b, err := cmd.Output()
	if err != nil || string(b) != out {
		t.Errorf("lua5.1 (%v) prints\n%s\nmobilua\n%s", err, b, out)
	}
}

// TestNoFinalizersWhenFrozen: a program that froze itself goes on
// elsewhere; its proxies are not finalized where it stopped.
func TestNoFinalizersWhenFrozen(t *testing.T) {
	dir := t.TempDir()
	src := `local u = newproxy(true)
getmetatable(u).__gc = function() print("finalized") end
mb.freeze("f.cont")
print("after")
`
	os.WriteFile(filepath.Join(dir, "f.lua"), []byte(src), 0o644)
	out, errOut, code := runBin(t, dir, "run", "f.lua")
	if out != "" || code != 0 {
		t.Errorf("exit %d, stdout %q, stderr %q: want nothing", code, out, errOut)
	}
}
