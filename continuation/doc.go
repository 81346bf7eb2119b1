// Package continuation will freeze a running process to bytes and thaw it
// back (the continuation issue). It is empty for now: the runtime already
// keeps every piece of a process's state as plain data reachable from
// *runtime.Process, which is what this package will serialize.
//
// It may import runtime and ir; it must not import transpile's internals
// beyond compiling sources, host, or the command line.
package continuation
