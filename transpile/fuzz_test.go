package transpile

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/mobilua/mobilua/ir"
)

// FuzzCompile feeds random source to the front end: it must return a proto
// or an error, never panic, and a proto must be well formed.
func FuzzCompile(f *testing.F) {
	for _, pat := range []string{"../testdata/transpile/*.lua", "../testdata/lua/*.lua"} {
		files, _ := filepath.Glob(pat)
		for _, file := range files {
			if b, err := os.ReadFile(file); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add([]byte("local function f(...) return ... end goto = 1"))
	f.Fuzz(func(t *testing.T, src []byte) {
		p, err := Compile(src, "@fuzz.lua", Options{File: true})
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		checkProto(t, p)
	})
}

// checkProto checks the invariants the runtime relies on.
func checkProto(t *testing.T, p *ir.Proto) {
	if len(p.Code) == 0 || p.Code[len(p.Code)-1].Op != ir.RETURN {
		t.Fatalf("proto %s does not end with RETURN", p.ID)
	}
	if len(p.Lines) != len(p.Code) {
		t.Fatalf("proto %s: %d lines for %d instructions", p.ID, len(p.Lines), len(p.Code))
	}
	for pc, in := range p.Code {
		switch in.Op {
		case ir.JMP, ir.FORLOOP, ir.FORPREP, ir.TFORLOOP:
			if to := pc + 1 + int(in.B); to < 0 || to >= len(p.Code) {
				t.Fatalf("proto %s pc %d: jump to %d out of range", p.ID, pc, to)
			}
		case ir.CLOSURE:
			if int(in.B) >= len(p.Protos) {
				t.Fatalf("proto %s pc %d: no proto %d", p.ID, pc, in.B)
			}
		}
		if in.Op != ir.JMP && in.Op != ir.EQ && in.Op != ir.LT && in.Op != ir.LE && (in.A < 0 || int(in.A) >= p.MaxStack+3) {
			t.Fatalf("proto %s pc %d: register %d beyond %d slots", p.ID, pc, in.A, p.MaxStack)
		}
	}
	for _, c := range p.Protos {
		checkProto(t, c)
	}
}
