// Package continuation freezes a suspended Mobilua process to bytes and
// thaws it back, in another OS process or on another machine: Freeze and
// Thaw, Inspect to describe a continuation; they take its packed form (a
// Zstandard frame, which transports use) with package continuation/pack's
// Unpack in their Options. The format is CBOR,
// versioned and self-contained (it carries the source of the code it
// needs); FORMAT.md and the comment at the top of freeze.go document it
// field by field.
//
// # Design
//
// The runtime keeps every piece of a process's state as plain data and
// exports plain-data views of it (runtime.ProcessState, ThreadState,
// FrameState, table parts, upvalue states) and checked ways to rebuild
// objects from them. This package walks the object graph breadth first
// from the process's roots, numbering every object, and writes each once;
// references are numbers, so sharing, cycles and identity survive, and the
// decoder never recurses on its input. What is not data (builtins, host
// objects such as io.stdout, the library tables as they were when the
// process was made) travels by name and resolves to the receiving
// process's own; library tables carry only their changes.
//
// Thaw treats its input as hostile: it checks the checksum, every length
// against the bytes left, every reference's kind, and it leaves the
// consistency of frames, stacks and builtin states to the runtime's own
// checked constructors. A bad continuation gets an *Error, never a panic.
//
// This package imports runtime (and internal/image, its door, and
// internal/block) only; it must not import the zstd codec (its subpackage
// pack does), transpile (the
// receiving process's Compiler compiles the chunks), host, or the command
// line.
package continuation
