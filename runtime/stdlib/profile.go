package stdlib

import (
	"io"

	"github.com/mobilua/mobilua/runtime"
)

// Profile is what a new process holds: its libraries and the embedder's
// natives. It is the baseline a continuation is written against (the
// natives sealed by runtime.Process.SealNatives): the freezer and the
// thawer of a continuation must make their processes by the same profile,
// so every process is made by NewProcess.
type Profile struct {
	Sandboxed bool // the sandbox profile (SandboxOmits); otherwise io, debug and package too
	// Extra opens the embedder's own natives (the host's calls) after the
	// libraries, before the baseline is sealed.
	Extra func(*runtime.Process)
}

// The two profiles of `mobilua run` (the host adds its calls to
// Sandboxed).
var (
	Plain     = Profile{}
	Sandboxed = Profile{Sandboxed: true}
)

// NewProcess makes a sealed process of the profile, writing to stdout and
// stderr, compiling loadstring's code with c (the front end, which this
// package must not import).
func NewProcess(prof Profile, c runtime.Compiler, stdout, stderr io.Writer) *runtime.Process {
	p := runtime.NewProcess()
	p.Stdout, p.Stderr = stdout, stderr
	p.Compiler = c
	p.Sandboxed = prof.Sandboxed
	Open(p)
	OpenMb(p)
	if !prof.Sandboxed {
		OpenPackage(p, "")
	}
	if prof.Extra != nil {
		prof.Extra(p)
	}
	p.SealNatives()
	return p
}

// ProfileOf is the plain or the sandboxed profile.
func ProfileOf(sandboxed bool) Profile {
	if sandboxed {
		return Sandboxed
	}
	return Plain
}

// Prototype makes the processes of a profile by copying one made once
// (runtime.Process.Copy): a host's every process, run or thawed, is of
// one profile, and opening the libraries is most of what a small
// process costs. A profile whose libraries cannot be copied (io's and
// package's builtins keep state in Go closures: Plain) is opened for
// each process, as NewProcess does. A Prototype is safe for concurrent
// use.
type Prototype struct {
	prof Profile
	c    runtime.Compiler
	p    *runtime.Process // nil: not copyable
}

// NewPrototype makes the prototype of prof's processes, compiling with c.
func NewPrototype(prof Profile, c runtime.Compiler) *Prototype {
	pr := &Prototype{prof: prof, c: c}
	if p := NewProcess(prof, c, io.Discard, io.Discard); p.Copyable() == nil {
		pr.p = p
	}
	return pr
}

// Copies reports whether the prototype's processes are copies (else each
// opens its libraries).
func (pr *Prototype) Copies() bool { return pr.p != nil }

// NewProcess makes a process as NewProcess(prof, c, stdout, stderr) does.
func (pr *Prototype) NewProcess(stdout, stderr io.Writer) *runtime.Process {
	if pr.p == nil {
		return NewProcess(pr.prof, pr.c, stdout, stderr)
	}
	p := pr.p.Copy()
	p.Stdout, p.Stderr = stdout, stderr
	return p
}
