package transpile

import (
	"fmt"
	"strings"
	"testing"
)

// bigChunk is a generated chunk of n small functions, each with a table
// constructor, an if and a call (about 160 bytes each: 8000 make 1.3 MB).
func bigChunk(n int) []byte {
	var b strings.Builder
	b.WriteString("local R = {}\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "do local function f%d(a, b)\n  local t = {x = a, y = b, %d, 'str%d'}\n"+
			"  if a > b then return t.x + %d else return t.y * 2 end\nend\nR[%d] = f%d(%d, 3) end\n",
			i, i, i, i, i, i, i)
	}
	b.WriteString("return R\n")
	return []byte(b.String())
}

// BenchmarkCompile compiles a 1.3 MB generated chunk (what loadstring does
// before the runtime wraps the protos): lua5.1 loads it in about 50 ms.
func BenchmarkCompile(b *testing.B) {
	src := bigChunk(8000)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(src, "=big", Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParse is the parser's share of BenchmarkCompile.
func BenchmarkParse(b *testing.B) {
	src := bigChunk(8000)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseChunk(src, "big", false); err != nil {
			b.Fatal(err)
		}
	}
}
