// Package image is the door through which the continuation package
// reaches what only the continuation format needs of the runtime's inner
// state: objects' freeze marks, a process's and a thread's plain-data
// image and their rebuilding with checks, tables' raw parts, upvalues'
// bindings, natives' names. Being internal, it keeps that off the
// runtime's exported surface (go doc runtime.Table reads like a table),
// and no program outside this module can reach it.
//
// The runtime sets Runtime when it is initialized, to a value whose
// methods take runtime types; the continuation package asserts it to the
// interface of the methods it calls (its own declaration, checked at its
// initialization). This package imports nothing, so that the runtime may
// import it.
package image

// Runtime is the runtime's door (see the package doc); set by the
// runtime's initialization, before any importer of the runtime runs.
var Runtime any
