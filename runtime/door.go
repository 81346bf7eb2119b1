package runtime

import "github.com/mobilua/mobilua/internal/image"

func init() { image.Runtime = door{} }

// door is the continuation package's way into the inner state of
// processes (internal/image): what only the continuation format needs
// stays off the exported surface. The methods are in image.go.
type door struct{}

// Mark returns a word the freezer may use to number a table, closure,
// upvalue or thread during one freeze (a freeze epoch and the object's
// number), so that it needs no map from objects to numbers; nil for
// other objects. Nothing else reads it.
func (door) Mark(o any) *uint64 {
	switch o := o.(type) {
	case *Table:
		return &o.mark
	case *Closure:
		return &o.mark
	case *Upval:
		return &o.mark
	case *Thread:
		return &o.mark
	}
	return nil
}

func (door) ProcessState(p *Process) (ProcessState, error)    { return p.image() }
func (door) SetProcessState(p *Process, s ProcessState) error { return p.setImage(s) }
func (door) ThreadState(t *Thread, s *ThreadState, frames []FrameState) error {
	return t.image(s, frames)
}
func (door) SetThreadState(t *Thread, s *ThreadState) error   { return t.setImage(s) }
func (door) NewThread(p *Process) *Thread                     { return p.bareThread() }
func (door) StringConstants(c *Chunk) (map[string]Value, int) { return c.stringConstants() }
func (door) ThreadStackSize(n int) int                        { return threadStackSize(n) }
func (door) ObjectBytes(o any) int64                          { return ownBytes(o) }
func (door) FrozenSize(p *Process) *int                       { return &p.frozenSize }
func (door) Thawed(p *Process, objBytes int64, n, strLen int, weak bool) {
	p.thawed(objBytes, n, strLen, weak)
}
func (door) Sealed(p *Process) bool                                 { return p.isSealed() }
func (door) NativeName(p *Process, o any) string                    { return p.nativeName(o) }
func (door) LibraryTable(p *Process, t *Table) bool                 { return p.libraryTable(t) }
func (door) TableChanges(p *Process, t *Table) (keys, vals []Value) { return p.tableChanges(t) }
func (door) ChangedNatives(p *Process) []*Table                     { return p.changedNatives() }
func (door) HashLen(t *Table) int                                   { return t.hashLen() }
func (door) HashEntry(t *Table, i int) (k, v Value)                 { return t.hashEntry(i) }
func (door) RestoreEntry(t *Table, k, v Value) error                { return t.restoreEntry(k, v) }
func (door) ApplyChanges(t *Table, keys, vals []Value) error        { return t.applyChanges(keys, vals) }
func (door) LuaSizes(t *Table) ([3]int32, bool)                     { return t.luaSizes() }
func (door) EndRestore(t *Table, sizes *[3]int32) error             { return t.endRestore(sizes) }
func (door) UpvalState(u *Upval) (th *Thread, idx int, v Value)     { return u.image() }
func (door) SetClosed(u *Upval, v Value)                            { u.setClosed(v) }
func (door) SetOpen(u *Upval, th *Thread, idx int)                  { u.setOpen(th, idx) }
func (door) Bound(u *Upval) bool                                    { return u.isBound() }
func (door) Wrapped(f *GoFunction) *Thread                          { return f.wrapped() }
func (door) WrapThread(co *Thread) *GoFunction                      { return wrapThread(co) }
func (door) CheckClosure(c *Closure) error                          { return checkClosure(c) }
func (door) CheckFrozenChunk(c *Chunk, fingerprint uint64) error {
	return checkFrozenChunk(c, fingerprint)
}

func (door) BeginRestore(p *Process, t *Table, arr []Value, n int) error {
	return t.beginRestore(p, arr, n)
}
