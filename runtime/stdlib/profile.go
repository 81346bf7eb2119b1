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
