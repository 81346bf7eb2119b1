// Package runtime executes Mobilua's IR (package ir): values, tables,
// closures, threads, the interpreter, metamethods, errors and step budgets,
// and the base and coroutine libraries that need the interpreter's insides.
//
// # Design
//
// All state of a running script is plain data reachable from one *Process:
// its threads, each a value stack ([]Value) plus a list of call frames
// (closure, pc, base, expected results, how results are delivered). The
// interpreter (vm.go) is one loop over the current thread's top frame. A
// Lua→Lua call pushes a frame and the loop goes on; a return pops one. A
// metamethod called by an instruction (__index, __add, __lt, __concat…) is a
// call like any other, with a frame whose delivery mode says what the
// caller's instruction does with the result (store it in a register, turn it
// into a conditional skip, go on concatenating). coroutine.resume and yield
// switch which thread is current; pcall and xpcall mark a frame as a
// protection boundary. None of these recurse on the Go stack, so every
// suspension point is a (proto, pc) pair and a continuation can be taken
// there. The loop runs the IR packed one word an instruction (func.go's
// inst), some of them specialized when the code loads (special.go: an
// arithmetic or comparison of two registers, or of a register and a number
// constant), and keeps little live across the slow paths' calls: what it
// keeps, the Go compiler stores at every instruction. The frame's state
// (thread, closure, code, base, stack) never changes inside the loop: an
// instruction that changes it (a call, a return, compiled code's exit, a
// stack that grew) goes to the loop's start (reload).
//
// Builtins that call back into Lua are state machines (Continuation,
// cont.go): table.sort, table.foreach(i), tostring, print, gsub, load and
// require keep their state in a frame and their calls are ordinary Lua
// calls, which may yield. What remains nested (an __index function reached
// from Go, as gsub with a table does; module's option functions) runs a
// loop that is non-yieldable: a yield inside fails with "attempt to yield
// across metamethod/C-call boundary", as in Lua 5.1, and the nesting depth
// is bounded.
//
// The step budget (Process.SetBudget) is decremented at every call and
// backward jump, inline; when it runs out the loop stops before executing the
// instruction, leaving the frame's pc on it, and Process.Resume continues
// from there.
//
// Memory is charged as it is made (memory.go); collect.go does what a
// script can see of collection (weak tables, newproxy's __gc, the count)
// with walks of its own at safe points; hook.go raises debug hooks' events
// by running hooked threads on trapped code; random.go is math.random's
// generator, lua5.1's C library's.
//
// Errors are Go panics of *Error inside this package only; the loop recovers
// them, unwinds to the nearest pcall, xpcall or resume boundary, and the
// exported entry points return them as values carrying a Lua traceback.
//
// image.go opens this state to the continuation package: plain-data views
// of processes, threads, frames, tables and upvalues, checked constructors
// that rebuild them from untrusted data, natives (builtins and host
// objects known by name), and the sealed library baseline against which a
// continuation records only changes. What only the format needs is not
// exported: the continuation package reaches it through internal/image,
// whose door (door.go) the runtime sets at its initialization, so the
// exported types read as what they are (go doc runtime.Table: a table).
// proto.go makes a process as a copy of a prototype that opened its
// libraries once (Process.Copy): its own library tables, the builtins
// shared.
//
// This package imports ir, internal/image and internal/block only. It must not import
// transpile, continuation or host: loadstring reaches the compiler through
// the Compiler interface.
package runtime
