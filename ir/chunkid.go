package ir

import "strings"

// ShortSrc returns the name Lua uses in messages for a chunk name:
// "@file" gives "file", "=name" gives "name", and source text gives
// [string "first line..."], cut to lua5.1's LUA_IDSIZE (60) as in its
// run-time messages and debug.getinfo's short_src.
func ShortSrc(chunk string) string { return ChunkID(chunk, 60) }

// ChunkID is lua5.1's luaO_chunkid for a buffer of bufflen bytes (its
// terminator included, as C's sizeof in the room it keeps).
func ChunkID(chunk string, bufflen int) string {
	switch {
	case strings.HasPrefix(chunk, "="):
		s := chunk[1:]
		if len(s) > bufflen-1 {
			s = s[:bufflen-1]
		}
		return s
	case strings.HasPrefix(chunk, "@"):
		s := chunk[1:]
		if n := bufflen - len(" '...' ") - 1; len(s) > n {
			s = "..." + s[len(s)-n:]
		}
		return s
	}
	n := strings.IndexAny(chunk, "\n\r")
	if n < 0 {
		n = len(chunk)
	}
	n = min(n, bufflen-len(` [string "..."] `)-1)
	if n < len(chunk) {
		return `[string "` + chunk[:n] + `..."]`
	}
	return `[string "` + chunk + `"]`
}
