package continuation

import "bytes"

// A packed continuation is a continuation in a Zstandard frame (RFC 8878)
// that says its size (package continuation/pack makes and unpacks one:
// stores and transports keep continuations packed when that makes them
// at least a tenth smaller). A packed continuation starts with zstd's
// magic number, a continuation with CBOR's self-describe tag, so that
// Packed tells them apart.

var zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}

// Packed reports whether b is a packed continuation (or claims to be).
func Packed(b []byte) bool { return bytes.HasPrefix(b, zstdMagic) }
