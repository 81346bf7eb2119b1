package continuation

import (
	"github.com/mobilua/mobilua/internal/image"
	"github.com/mobilua/mobilua/runtime"
)

// inner is the runtime's inner state, through internal/image: what only
// the format needs, kept off the runtime's exported surface.
var inner = image.Runtime.(interface {
	Mark(o any) *uint64
	ProcessState(p *runtime.Process) (runtime.ProcessState, error)
	SetProcessState(p *runtime.Process, s runtime.ProcessState) error
	ThreadState(t *runtime.Thread, s *runtime.ThreadState, frames []runtime.FrameState) error
	SetThreadState(t *runtime.Thread, s *runtime.ThreadState) error
	NewThread(p *runtime.Process) *runtime.Thread
	ObjectBytes(o any) int64
	ThreadStackSize(n int) int
	StringConstants(c *runtime.Chunk) (map[string]runtime.Value, int)
	FrozenSize(p *runtime.Process) *int
	Thawed(p *runtime.Process, objBytes int64, n, strLen int, weak bool)
	Sealed(p *runtime.Process) bool
	NativeName(p *runtime.Process, o any) string
	LibraryTable(p *runtime.Process, t *runtime.Table) bool
	TableChanges(p *runtime.Process, t *runtime.Table) (keys, vals []runtime.Value)
	ChangedNatives(p *runtime.Process) []*runtime.Table
	HashLen(t *runtime.Table) int
	HashEntry(t *runtime.Table, i int) (k, v runtime.Value)
	BeginRestore(p *runtime.Process, t *runtime.Table, arr []runtime.Value, n int) error
	RestoreEntry(t *runtime.Table, k, v runtime.Value) error
	ApplyChanges(t *runtime.Table, keys, vals []runtime.Value) error
	LuaSizes(t *runtime.Table) ([3]int32, bool)
	EndRestore(t *runtime.Table, sizes *[3]int32) error
	UpvalState(u *runtime.Upval) (th *runtime.Thread, idx int, v runtime.Value)
	SetClosed(u *runtime.Upval, v runtime.Value)
	SetOpen(u *runtime.Upval, th *runtime.Thread, idx int)
	Bound(u *runtime.Upval) bool
	Wrapped(f *runtime.GoFunction) *runtime.Thread
	WrapThread(co *runtime.Thread) *runtime.GoFunction
	CheckClosure(c *runtime.Closure) error
	CheckFrozenChunk(c *runtime.Chunk, fingerprint uint64) error
})
