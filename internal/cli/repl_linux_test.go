package cli

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/mobilua/mobilua/internal/testbin"
)

// openPTY opens a pseudo-terminal: the side a test types into and reads,
// and the terminal a program is given.
func openPTY(t *testing.T) (control, tty *os.File) {
	t.Helper()
	control, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Fatalf("no pseudo-terminal: %v", err)
	}
	fd := int(control.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	tty, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	return control, tty
}

// TestPromptAtTerminal types at mobilua's interactive prompt on a real
// terminal: it starts with the version, a chunk goes on over lines,
// arrow keys edit a line and recall the one before, Ctrl-C ends a
// running loop (not the prompt), Ctrl-D ends the prompt.
func TestPromptAtTerminal(t *testing.T) {
	bin := testbin.Mobilua(t)
	control, tty := openPTY(t)
	defer control.Close()
	cmd := exec.Command(bin)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close()
	var out bytes.Buffer
	var mu sync.Mutex
	shown := func() string {
		mu.Lock()
		defer mu.Unlock()
		return out.String()
	}
	read := make(chan struct{})
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := control.Read(buf)
			mu.Lock()
			out.Write(buf[:n])
			mu.Unlock()
			if err != nil {
				close(read)
				return
			}
		}
	}()
	seen := 0
	waitFor := func(s string) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if i := strings.Index(shown()[seen:], s); i >= 0 {
				seen += i + len(s)
				return
			}
		}
		t.Fatalf("no %q in what the terminal shows:\n%q", s, shown())
	}
	typeIn := func(s string) { control.Write([]byte(s)) }
	waitFor("Mobilua ")
	waitFor("> ")
	typeIn("function twice(x)\r")
	waitFor(">> ")
	typeIn("return 2 * x end\r")
	waitFor("> ")
	typeIn("=twice(21)\r")
	waitFor("42")
	waitFor("> ")
	typeIn("\x1b[A\r") // up: the line before again
	waitFor("42")
	waitFor("> ")
	typeIn("=2*3\x1b[D\x1b[D1\r") // left twice, then 1: =21*3
	waitFor("63")
	waitFor("> ")
	typeIn("while true do end\r")
	time.Sleep(200 * time.Millisecond)
	typeIn("\x03") // Ctrl-C: the terminal sends SIGINT
	waitFor("stdin:1: interrupted!")
	waitFor("> ")
	typeIn("=twice(4)\r")
	waitFor("8")
	waitFor("> ")
	typeIn("\x04") // Ctrl-D
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("mobilua ended with %v\n%q", err, shown())
		}
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("Ctrl-D did not end the prompt:\n%q", shown())
	}
	control.Close()
	<-read
}
