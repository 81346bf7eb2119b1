// Package luatest holds the tests that need the whole pipeline: the Lua
// corpus in testdata/lua (expected output inline), the differential tests
// against Debian's lua5.1, the step-budget slicing test, the fuzz target that
// runs random programs, and the import-direction check.
//
// A corpus file is split into chunks by lines that are exactly "---". Each
// chunk runs in a fresh process (its line numbers are those of the file).
// Inside a chunk, "--> =text" expects an output line equal to text and
// "--> ~regexp" one matching regexp, in order; a line `### "regexp"` says the
// chunk must end with an error whose message matches regexp.
//
// It imports everything below cmd; nothing imports it.
package luatest
