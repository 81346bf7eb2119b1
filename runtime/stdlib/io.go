package stdlib

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"

	rt "github.com/mobilua/mobilua/runtime"
)

// luaFile is the payload of an io file handle.
type luaFile struct {
	name   string
	f      *os.File
	r      *bufio.Reader
	w      io.Writer
	bw     *bufio.Writer
	closed bool
	std    bool
	// wait, for a file of io.popen: closes its pipe and waits for the
	// command
	wait func() error
}

type ioState struct {
	meta   *rt.Table
	stdin  *rt.Userdata
	stdout *rt.Userdata
	stderr *rt.Userdata
	input  *rt.Userdata
	output *rt.Userdata
}

func openIO(p *rt.Process) {
	st := &ioState{}
	methods := rt.NewTable(0, 8)
	st.meta = rt.NewTable(0, 3)
	st.meta.SetStr("__index", rt.TableValue(methods))
	native := func(f *rt.GoFunction) rt.Value {
		p.RegisterNative(f.Name, f)
		return rt.FunctionValue(f)
	}
	st.meta.SetStr("__tostring", native(rt.NewGoFunction("file.__tostring", func(t *rt.Thread, a []rt.Value) int {
		f := st.check(t, a, 0, false)
		if f.closed {
			t.Push(rt.String("file (closed)"))
		} else {
			t.Push(rt.String(fmt.Sprintf("file (%p)", f)))
		}
		return 1
	})))
	st.meta.SetStr("__gc", native(rt.NewGoFunction("file.__gc", func(t *rt.Thread, a []rt.Value) int {
		if f := st.check(t, a, 0, false); !f.closed && !f.std {
			st.close(t, f)
		}
		return 0
	})))
	out := p.Out()
	st.stdin = st.wrap(&luaFile{name: "stdin", f: os.Stdin, r: bufio.NewReader(os.Stdin), std: true})
	st.stdout = st.wrap(&luaFile{name: "stdout", w: out, bw: out, std: true})
	st.stderr = st.wrap(&luaFile{name: "stderr", w: p.Stderr, std: true})
	for _, u := range []*rt.Userdata{st.stdin, st.stdout, st.stderr} {
		u.Name = "io." + u.Data.(*luaFile).name
		p.RegisterNative(u.Name, u)
	}
	st.input, st.output = st.stdin, st.stdout

	reg := func(t *rt.Table, name string, fn func(t *rt.Thread, a []rt.Value) int, prefix string) {
		t.SetStr(name, native(rt.NewGoFunction(prefix+name, fn)))
	}
	reg(methods, "write", func(t *rt.Thread, a []rt.Value) int {
		f := st.check(t, a, 0, true)
		return st.write(t, f, a[1:], a[0])
	}, "file:")
	reg(methods, "read", func(t *rt.Thread, a []rt.Value) int {
		return st.read(t, st.check(t, a, 0, true), a[1:], 1)
	}, "file:")
	reg(methods, "lines", func(t *rt.Thread, a []rt.Value) int {
		f := st.check(t, a, 0, true)
		t.Push(rt.FunctionValue(st.linesIter(f, false)))
		return 1
	}, "file:")
	reg(methods, "close", func(t *rt.Thread, a []rt.Value) int {
		return st.close(t, st.check(t, a, 0, true))
	}, "file:")
	reg(methods, "flush", func(t *rt.Thread, a []rt.Value) int {
		return flush(t, st.check(t, a, 0, true))
	}, "file:")
	reg(methods, "setvbuf", func(t *rt.Thread, a []rt.Value) int {
		f := st.check(t, a, 0, true)
		mode := t.CheckString(a, 1)
		if f.f != nil && !f.std {
			if f.bw != nil {
				f.bw.Flush()
			}
			switch mode {
			case "no":
				f.bw, f.w = nil, f.f
			case "full", "line":
				f.bw = bufio.NewWriterSize(f.f, t.OptInt(a, 2, 4096))
				f.w = f.bw
			default:
				t.ArgError(2, "invalid option '"+mode+"'")
			}
		}
		t.Push(rt.True)
		return 1
	}, "file:")
	reg(methods, "seek", func(t *rt.Thread, a []rt.Value) int {
		f := st.check(t, a, 0, true)
		wh := t.CheckOption(a, 1, "cur", "set", "cur", "end") // (io.SeekStart, SeekCurrent, SeekEnd)
		off := int64(t.OptInt(a, 2, 0))
		if f.f == nil || f.std {
			t.Push(rt.Nil)
			t.Push(rt.String("Illegal seek"))
			t.Push(rt.Number(29))
			return 3
		}
		if f.bw != nil {
			f.bw.Flush()
		}
		if wh == 1 && f.r != nil {
			off -= int64(f.r.Buffered())
		}
		pos, err := f.f.Seek(off, wh)
		if err != nil {
			return fileResult(t, err, f.name)
		}
		if f.r != nil {
			f.r.Reset(f.f)
		}
		t.Push(rt.Number(float64(pos)))
		return 1
	}, "file:")

	lib := []*rt.GoFunction{
		rt.NewGoFunction("write", func(t *rt.Thread, a []rt.Value) int {
			return st.write(t, st.open(t, st.output), a, rt.UserdataValue(st.output))
		}),
		rt.NewGoFunction("read", func(t *rt.Thread, a []rt.Value) int {
			return st.read(t, st.open(t, st.input), a, 0)
		}),
		rt.NewGoFunction("lines", func(t *rt.Thread, a []rt.Value) int {
			if len(a) == 0 || a[0].IsNil() {
				t.Push(rt.FunctionValue(st.linesIter(st.input.Data.(*luaFile), false)))
				return 1
			}
			name := t.CheckString(a, 0)
			f, err := os.Open(name)
			if err != nil {
				t.ArgError(1, errText(err, name)) // (lua5.1's luaL_argerror)
			}
			t.Push(rt.FunctionValue(st.linesIter(&luaFile{name: name, f: f, r: bufio.NewReader(f)}, true)))
			return 1
		}),
		rt.NewGoFunction("open", func(t *rt.Thread, a []rt.Value) int {
			name := t.CheckString(a, 0)
			mode := "r"
			if len(a) > 1 && !a[1].IsNil() {
				mode = t.CheckString(a, 1)
			}
			// as fopen: the first letter decides, '+' adds the other
			// direction, other letters are ignored
			flag := 0
			plus := strings.Contains(mode, "+")
			switch {
			case strings.HasPrefix(mode, "r") && plus:
				flag = os.O_RDWR
			case strings.HasPrefix(mode, "r"):
				flag = os.O_RDONLY
			case strings.HasPrefix(mode, "w") && plus:
				flag = os.O_RDWR | os.O_CREATE | os.O_TRUNC
			case strings.HasPrefix(mode, "w"):
				flag = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
			case strings.HasPrefix(mode, "a") && plus:
				flag = os.O_RDWR | os.O_CREATE | os.O_APPEND
			case strings.HasPrefix(mode, "a"):
				flag = os.O_WRONLY | os.O_CREATE | os.O_APPEND
			default:
				t.Push(rt.Nil)
				t.Push(rt.String(name + ": Invalid argument"))
				t.Push(rt.Number(22))
				return 3
			}
			f, err := os.OpenFile(name, flag, 0o666)
			if err != nil {
				t.Push(rt.Nil)
				t.Push(rt.String(errText(err, name)))
				t.Push(rt.Number(2))
				return 3
			}
			lf := &luaFile{name: name, f: f, r: bufio.NewReader(f)}
			lf.bw = bufio.NewWriter(f)
			lf.w = lf.bw
			t.Push(rt.UserdataValue(st.wrap(lf)))
			return 1
		}),
		rt.NewGoFunction("flush", func(t *rt.Thread, a []rt.Value) int {
			return flush(t, st.open(t, st.output))
		}),
		rt.NewGoFunction("popen", func(t *rt.Thread, a []rt.Value) int {
			mode := "r"
			if len(a) > 1 && !a[1].IsNil() {
				mode = t.CheckString(a, 1)
			}
			return st.popen(t, t.CheckString(a, 0), mode)
		}),
		rt.NewGoFunction("tmpfile", func(t *rt.Thread, a []rt.Value) int {
			f, err := os.CreateTemp("", "lua_")
			if err != nil {
				return fileResult(t, err, "tmpfile")
			}
			os.Remove(f.Name()) // gone when closed, as tmpfile(3)
			bw := bufio.NewWriter(f)
			t.Push(rt.UserdataValue(st.wrap(&luaFile{name: f.Name(), f: f, r: bufio.NewReader(f), bw: bw, w: bw})))
			return 1
		}),
		rt.NewGoFunction("close", func(t *rt.Thread, a []rt.Value) int {
			if len(a) == 0 {
				return st.close(t, st.output.Data.(*luaFile))
			}
			return st.close(t, st.check(t, a, 0, true))
		}),
		rt.NewGoFunction("type", func(t *rt.Thread, a []rt.Value) int {
			t.CheckAny(a, 0)
			if u, ok := a[0].Raw().(*rt.Userdata); ok {
				if f, ok := u.Data.(*luaFile); ok {
					if f.closed {
						t.Push(rt.String("closed file"))
					} else {
						t.Push(rt.String("file"))
					}
					return 1
				}
			}
			t.Push(rt.Nil)
			return 1
		}),
		rt.NewGoFunction("output", func(t *rt.Thread, a []rt.Value) int {
			if len(a) > 0 && !a[0].IsNil() {
				if s, ok := a[0].Str(); ok {
					f, err := os.Create(s)
					if err != nil {
						t.Error("%s", errText(err, s))
					}
					bw := bufio.NewWriter(f)
					st.output = st.wrap(&luaFile{name: s, f: f, bw: bw, w: bw})
				} else {
					st.check(t, a, 0, true)
					st.output = a[0].Raw().(*rt.Userdata)
				}
			}
			t.Push(rt.UserdataValue(st.output))
			return 1
		}),
		rt.NewGoFunction("input", func(t *rt.Thread, a []rt.Value) int {
			if len(a) > 0 && !a[0].IsNil() {
				if s, ok := a[0].Str(); ok {
					f, err := os.Open(s)
					if err != nil {
						t.Error("%s", errText(err, s))
					}
					st.input = st.wrap(&luaFile{name: s, f: f, r: bufio.NewReader(f)})
				} else {
					st.check(t, a, 0, true)
					st.input = a[0].Raw().(*rt.Userdata)
				}
			}
			t.Push(rt.UserdataValue(st.input))
			return 1
		}),
	}
	p.Register("io", lib...)
	io := p.Globals.GetStr("io").Table()
	io.SetStr("stdin", rt.UserdataValue(st.stdin))
	io.SetStr("stdout", rt.UserdataValue(st.stdout))
	io.SetStr("stderr", rt.UserdataValue(st.stderr))
}

// flush is file:flush and io.flush: true, or nil and why (lua5.1's
// pushresult).
func flush(t *rt.Thread, f *luaFile) int {
	var err error
	if f.bw != nil {
		err = f.bw.Flush()
	}
	if err != nil {
		t.Push(rt.Nil)
		t.Push(rt.String(rt.SysError(err)))
		return 2
	}
	t.Push(rt.True)
	return 1
}

func errText(err error, name string) string { return name + ": " + rt.SysError(err) }

// open returns the default file u, failing as lua5.1 does once it is closed.
func (st *ioState) open(t *rt.Thread, u *rt.Userdata) *luaFile {
	f := u.Data.(*luaFile)
	if f.closed {
		t.Error("attempt to use a closed file")
	}
	return f
}

func (st *ioState) wrap(f *luaFile) *rt.Userdata {
	return &rt.Userdata{Data: f, Meta: st.meta}
}

func (st *ioState) check(t *rt.Thread, a []rt.Value, i int, open bool) *luaFile {
	if i < len(a) {
		if u, ok := a[i].Raw().(*rt.Userdata); ok {
			if f, ok := u.Data.(*luaFile); ok {
				if open && f.closed {
					t.Error("attempt to use a closed file")
				}
				return f
			}
		}
	}
	t.TypeError(a, i, "FILE*")
	return nil
}

func (st *ioState) write(t *rt.Thread, f *luaFile, a []rt.Value, self rt.Value) int {
	if f.w == nil {
		t.Push(rt.Nil)
		t.Push(rt.String("Bad file descriptor"))
		t.Push(rt.Number(9))
		return 3
	}
	args := append([]rt.Value(nil), a...)
	for i, v := range args {
		s, ok := rt.ToStringRaw(v)
		if !ok {
			t.TypeError(args, i, "string")
		}
		if _, err := io.WriteString(f.w, s); err != nil {
			return fileResult(t, err, f.name)
		}
	}
	t.Push(rt.True) // lua5.1 returns true (5.2 returns the file)
	return 1
}

func (st *ioState) close(t *rt.Thread, f *luaFile) int {
	if f.std {
		t.Push(rt.Nil)
		t.Push(rt.String("cannot close standard file"))
		return 2
	}
	if f.bw != nil {
		f.bw.Flush()
	}
	f.closed = true
	if f.f != nil {
		f.f.Close()
	}
	if f.wait != nil {
		f.wait() // lua5.1's pclose: true, whatever the command's status
	}
	t.Push(rt.True)
	return 1
}

// popen is io.popen: the command runs in /bin/sh, as popen(3) runs it,
// with its output to read ("r") or its input to write ("w"); the other
// streams are this process's.
func (st *ioState) popen(t *rt.Thread, command, mode string) int {
	if mode != "r" && mode != "w" {
		t.Push(rt.Nil)
		t.Push(rt.String(command + ": Invalid argument"))
		t.Push(rt.Number(22))
		return 3
	}
	t.Process().Out().Flush() // what was printed comes first
	cmd := exec.Command("/bin/sh", "-c", command)
	cmd.Stderr = os.Stderr
	lf := &luaFile{name: command}
	var pipe io.Closer
	var err error
	if mode == "r" {
		cmd.Stdin = os.Stdin
		var rc io.ReadCloser
		rc, err = cmd.StdoutPipe()
		lf.r, pipe = bufio.NewReader(rc), rc
	} else {
		cmd.Stdout = os.Stdout
		var wc io.WriteCloser
		wc, err = cmd.StdinPipe()
		lf.bw, pipe = bufio.NewWriter(wc), wc
		lf.w = lf.bw
	}
	if err == nil {
		err = cmd.Start()
	}
	if err != nil {
		return fileResult(t, err, command)
	}
	lf.wait = func() error {
		if mode == "w" {
			pipe.Close() // the command sees the end of its input
		}
		return cmd.Wait() // (which closes the output pipe once read)
	}
	t.Push(rt.UserdataValue(st.wrap(lf)))
	return 1
}

func (st *ioState) linesIter(f *luaFile, closeAtEOF bool) *rt.GoFunction {
	return rt.NewGoFunction("lines_iterator", func(t *rt.Thread, _ []rt.Value) int {
		if f.closed {
			t.Error("file is already closed")
		}
		line, ok := readLine(f)
		if !ok {
			if closeAtEOF {
				f.closed = true
				f.f.Close()
			}
			t.Push(rt.Nil)
			return 1
		}
		t.Push(rt.String(line))
		return 1
	})
}

func readLine(f *luaFile) (string, bool) {
	if f.r == nil {
		return "", false
	}
	s, err := f.r.ReadString('\n')
	if err != nil && s == "" {
		return "", false
	}
	return strings.TrimSuffix(s, "\n"), true
}

// read implements io.read and file:read; argOff is the position of the
// first format among the arguments (1 for the method, after self).
func (st *ioState) read(t *rt.Thread, f *luaFile, a []rt.Value, argOff int) int {
	if f.r == nil {
		t.Push(rt.Nil)
		t.Push(rt.String("Bad file descriptor"))
		t.Push(rt.Number(9))
		return 3
	}
	if f.bw != nil {
		f.bw.Flush()
	}
	formats := append([]rt.Value(nil), a...)
	if len(formats) == 0 {
		formats = []rt.Value{rt.String("*l")}
	}
	for i, fv := range formats {
		if fv.IsNumber() {
			n := int(fv.Num())
			buf := make([]byte, n)
			m, _ := io.ReadFull(f.r, buf)
			if m == 0 && n > 0 {
				t.Push(rt.Nil)
				return i + 1
			}
			if n == 0 {
				if _, err := f.r.Peek(1); err != nil {
					t.Push(rt.Nil)
					return i + 1
				}
			}
			t.Push(rt.String(string(buf[:m])))
			continue
		}
		s, _ := fv.Str()
		if len(s) < 2 || s[0] != '*' {
			t.ArgError(i+1+argOff, "invalid format")
		}
		switch s[1] { // lua5.1 looks at one letter: "*all" is "*a"
		case 'l':
			line, ok := readLine(f)
			if !ok {
				t.Push(rt.Nil)
				return i + 1
			}
			t.Push(rt.String(line))
		case 'a':
			b, _ := io.ReadAll(f.r)
			t.Push(rt.String(string(b)))
		case 'n':
			var x float64
			if _, err := fmt.Fscan(f.r, &x); err != nil {
				t.Push(rt.Nil)
				return i + 1
			}
			t.Push(rt.Number(x))
		default:
			t.ArgError(i+1+argOff, "invalid format")
		}
	}
	return len(formats)
}
