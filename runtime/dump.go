package runtime

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
)

// string.dump's binary form. There is no bytecode here: a dumped function
// is the source of its chunk, the chunk's name and the function's place
// among the chunk's functions, so loading it back compiles the source as
// loadstring would (it is never trusted more than source) and makes a
// closure of that function, its upvalues nil as lua5.1 leaves them:
//
//	"\x1bMobilua" version(1 byte) uvarint(len name) name
//	uvarint(len source) source uvarint(function index) file(1 byte)
//
// Lua 5.1's own bytecode ("\x1bLua") is refused with a clear error.

// dumpSignature starts a dumped function; dumpVersion is its version, a
// number a stored dump keeps (pinned by TestDumpFormat).
const (
	dumpSignature = "\x1bMobilua"
	dumpVersion   = 1
)

// Dump is string.dump of a Lua function.
func Dump(cl *Closure) []byte {
	c := cl.P.Chunk
	index := 0
	for i, fp := range c.Protos() {
		if fp == cl.P {
			index = i
		}
	}
	var b bytes.Buffer
	b.WriteString(dumpSignature)
	b.WriteByte(dumpVersion)
	b.Write(binary.AppendUvarint(nil, uint64(len(c.Name))))
	b.WriteString(c.Name)
	b.Write(binary.AppendUvarint(nil, uint64(len(c.Source))))
	b.Write(c.Source)
	b.Write(binary.AppendUvarint(nil, uint64(index)))
	file := byte(0)
	if c.File {
		file = 1
	}
	b.WriteByte(file)
	return b.Bytes()
}

// loadDump makes a closure of a dumped function; chunk is the name the
// caller gave (errors are named after it, as lua5.1 names them).
func (p *Process) loadDump(src []byte, chunk string) (*Closure, error) {
	fail := func(why string) (*Closure, error) {
		name := chunk
		switch {
		case strings.HasPrefix(name, "@") || strings.HasPrefix(name, "="):
			name = name[1:]
		case strings.HasPrefix(name, "\x1b"):
			name = "binary string"
		}
		return nil, fmt.Errorf("%s: %s", name, why)
	}
	if bytes.HasPrefix(src, []byte("\x1bLua")) {
		return fail("Lua bytecode is not supported (Mobilua loads source, and its own string.dump)")
	}
	r := bytes.NewReader(src)
	if !bytes.HasPrefix(src, []byte(dumpSignature)) {
		return fail("bad header in precompiled chunk")
	}
	r.Seek(int64(len(dumpSignature)), 0)
	if v, _ := r.ReadByte(); v != dumpVersion {
		return fail(fmt.Sprintf("precompiled chunk of version %d, this Mobilua reads %d", v, dumpVersion))
	}
	str := func() (string, error) {
		n, err := binary.ReadUvarint(r)
		if err != nil || n > uint64(r.Len()) {
			return "", errors.New("truncated")
		}
		b := make([]byte, n)
		r.Read(b)
		return string(b), nil
	}
	name, err := str()
	var source string
	if err == nil {
		source, err = str()
	}
	index, ierr := binary.ReadUvarint(r)
	file, ferr := r.ReadByte()
	if err != nil || ierr != nil || ferr != nil || r.Len() != 0 || file > 1 {
		return fail("unexpected end in precompiled chunk")
	}
	c := p.chunkOf(name, source, file == 1)
	if c == nil {
		if p.Compiler == nil {
			return nil, fmt.Errorf("no compiler available")
		}
		p.charge(chunkBytes(len(source)))
		ip, err := p.Compiler.Compile([]byte(source), name)
		if err != nil {
			return nil, err
		}
		c = NewChunk(name, []byte(source), ip)
		c.File = file == 1
		p.addChunk(c)
	}
	protos := c.Protos()
	if index >= uint64(len(protos)) {
		return fail("bad function index in precompiled chunk")
	}
	fp := protos[index]
	cl := &Closure{P: fp, Env: p.Globals, Upvals: make([]*Upval, len(fp.IR.Upvals))}
	for i := range cl.Upvals {
		cl.Upvals[i] = &Upval{}
		cl.Upvals[i].setClosed(Nil)
	}
	return cl, nil
}

// chunkOf is the process's chunk of this name and source, if it has one
// (a function dumped and loaded back in the same process shares its
// chunk, as a thawed process would).
func (p *Process) chunkOf(name, source string, file bool) *Chunk {
	for _, c := range p.Chunks() {
		if c.Name == name && c.File == file && string(c.Source) == source {
			return c
		}
	}
	return nil
}
