package mobilua

import "embed"

// Source is this module's go.mod, go.sum and the packages a program made
// by `mobilua build` imports: the runtime (with internal/image, its door,
// and internal/block), the front end (loadstring needs it), the continuation package and the
// command line's run. The mobilua binary carries them, so `mobilua build` works wherever the binary is,
// against exactly the runtime it was built with, needing only the Go
// toolchain and the module cache (or network) for the third-party
// modules in go.sum. (A program that embeds Mobilua and does not use
// Source does not carry it: the linker drops it.)
//
//go:embed go.mod go.sum ir runtime transpile continuation internal/cli internal/image internal/block
var Source embed.FS
