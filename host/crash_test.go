package host

import (
	"bufio"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mobilua/mobilua/internal/testbin"
)

// The crash test runs a host in a child process (this test binary, with
// MOBILUA_HOST_CHILD set): it reads "user<TAB>command" lines, answers each
// with "ACK <reply>" once the command has returned (the host persists a
// change before it replies), and prints every message a user gets as
// "MSG <user> <text>".
func TestMain(m *testing.M) {
	if path := os.Getenv("MOBILUA_HOST_CHILD"); path != "" {
		hostChild(path)
		return
	}
	testbin.WatchHeap(4 << 30)
	os.Exit(m.Run())
}

type printTransport struct{ mu sync.Mutex }

func (p *printTransport) Send(to, text string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Printf("MSG %s %s\n", to, strings.ReplaceAll(text, "\n", "\\n"))
	return nil
}

func hostChild(path string) {
	st, err := OpenStore(path)
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(1)
	}
	cfg := DefaultConfig()
	cfg.StepsPerSlice, cfg.CheckpointEvery = 2000, 50*time.Millisecond
	cfg.MaxProcsPerOwner, cfg.MaxEnded = 10_000, 10_000 // the tests count every process
	tr := &printTransport{}
	h, err := New(cfg, st, tr)
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(1)
	}
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		from, cmd, _ := strings.Cut(sc.Text(), "\t")
		reply := h.Command(from, cmd)
		tr.mu.Lock()
		fmt.Printf("ACK %s\n", strings.ReplaceAll(reply, "\n", "\\n"))
		tr.mu.Unlock()
	}
	h.Close()
	st.Close()
}

// child is a running host child.
type child struct {
	cmd  *exec.Cmd
	in   *bufio.Writer
	acks chan string
	mu   sync.Mutex
	msgs []string
	done chan struct{}
}

func startChild(t *testing.T, path string) *child {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "MOBILUA_HOST_CHILD="+path)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, in: bufio.NewWriter(stdin), acks: make(chan string, 1000), done: make(chan struct{})}
	go func() {
		defer close(c.done)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "ACK "):
				c.acks <- strings.TrimPrefix(line, "ACK ")
			case strings.HasPrefix(line, "MSG "):
				c.mu.Lock()
				c.msgs = append(c.msgs, strings.TrimPrefix(line, "MSG "))
				c.mu.Unlock()
			}
		}
	}()
	return c
}

// do sends a command and waits for its acknowledgement (false if the
// child died first).
func (c *child) do(from, cmd string) (string, bool) {
	fmt.Fprintf(c.in, "%s\t%s\n", from, cmd)
	c.in.Flush()
	select {
	case a := <-c.acks:
		return a, true
	case <-c.done:
		return "", false
	case <-time.After(20 * time.Second):
		return "", false
	}
}

func (c *child) messages() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.msgs...)
}

// gotRe finds what TestCrash's collector says it received.
var gotRe = regexp.MustCompile(`got (m[0-9]+) #`)

// TestCrash kills a host with SIGKILL at random points of a workload
// (new processes, messages to a collector process, inputs), restarts it,
// and checks that every acknowledged process and message is still there:
// the collector ends up having received every acknowledged message.
func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills host processes")
	}
	path := filepath.Join(t.TempDir(), "s.db")
	rng := rand.New(rand.NewSource(1))
	c := startChild(t, path)
	if pid, ok := c.do(alice, `new local n = 0 while true do local v = mb.receive() n = n + 1 print("got " .. v .. " #" .. n) end`); !ok || pid != "p1" {
		t.Fatalf("new: %q %v", pid, ok)
	}
	c.do(alice, "run p1")
	var acked []string // messages acknowledged as sent
	var pids []string  // processes acknowledged as stored
	got := map[string]bool{}
	collect := func(c *child) {
		// one message may carry several lines: the collector's output
		// gathers while it takes messages that wait in its mailbox
		for _, m := range c.messages() {
			for _, g := range gotRe.FindAllStringSubmatch(m, -1) {
				got[g[1]] = true
			}
		}
	}
	k := 0
	for round := 0; round < 6; round++ {
		killAfter := 5 + rng.Intn(30)
		for i := 0; i < killAfter; i++ {
			k++
			if rng.Intn(3) == 0 {
				if pid, ok := c.do(bob, fmt.Sprintf("new for i = 1, %d do end print('done %d')", rng.Intn(20000), k)); ok && strings.HasPrefix(pid, "p") {
					pids = append(pids, pid)
					c.do(bob, "run "+pid)
				}
				continue
			}
			msg := fmt.Sprintf("m%d", k)
			if reply, ok := c.do(alice, "send p1 "+msg); ok && reply == "sent to p1" {
				acked = append(acked, msg)
			}
		}
		time.Sleep(time.Duration(rng.Intn(30)) * time.Millisecond)
		c.cmd.Process.Kill()
		c.cmd.Wait()
		<-c.done
		collect(c)
		c = startChild(t, path)
	}
	// the last host: let the collector catch up. What it printed before a
	// kill may have died with the host on its way to the user, but it is
	// kept with the checkpoint that received the message (output p1)
	deadline := time.Now().Add(20 * time.Second)
	for {
		collect(c)
		if out, ok := c.do(alice, "output p1"); ok {
			for _, g := range gotRe.FindAllStringSubmatch(out, -1) {
				got[g[1]] = true
			}
		}
		missing := 0
		for _, m := range acked {
			if !got[m] {
				missing++
			}
		}
		if missing == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d acknowledged messages never reached the collector", missing, len(acked))
		}
		time.Sleep(20 * time.Millisecond)
	}
	ps, _ := c.do(bob, "ps")
	for _, pid := range pids {
		if !strings.Contains(ps, pid+"  ") {
			t.Errorf("acknowledged process %s is gone: %s", pid, ps)
		}
	}
	c.in.Flush()
	c.cmd.Process.Kill()
	c.cmd.Wait()
	t.Logf("%d messages and %d processes acknowledged across 6 kills; all there", len(acked), len(pids))
}

// TestPartsCrash kills a host with SIGKILL again and again while a
// process spreads work over parts (mb.map, and mb.spawn with mb.join) and
// starts it again on its store: each time the process goes on, and in
// the end its results are all there, each once.
func TestPartsCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills host processes")
	}
	path := filepath.Join(t.TempDir(), "s.db")
	rng := rand.New(rand.NewSource(2))
	c := startChild(t, path)
	// one line: the child reads a command a line
	code := `new local items = {} for i = 1, 40 do items[i] = i end local function work(x) local s = 0 for i = 1, 500000 do s = s + i % 3 end return x * x end local r = mb.map(work, items) local ok = #r == 40 for i = 1, 40 do ok = ok and r[i] == i * i end local hs = {} for i = 1, 20 do hs[i] = mb.spawn(nil, work, i) end local sum = 0 for i = 1, 20 do sum = sum + mb.join(hs[i]) end print("parts done", ok, sum)`
	if pid, ok := c.do(alice, code); !ok || pid != "p1" {
		t.Fatalf("new: %q %v", pid, ok)
	}
	c.do(alice, "run p1")
	// what p1 printed is kept with it (output p1): a message on its way
	// when the host was killed is not
	done := func(c *child) bool {
		out, _ := c.do(alice, "output p1")
		if !strings.Contains(out, "parts done") {
			return false
		}
		if !strings.Contains(out, "parts done\ttrue\t2870") {
			t.Fatalf("wrong results: %s", out)
		}
		return true
	}
	kills := 0
	for ; kills < 8 && !done(c); kills++ {
		time.Sleep(time.Duration(20+rng.Intn(150)) * time.Millisecond)
		c.cmd.Process.Kill()
		c.cmd.Wait()
		<-c.done
		c = startChild(t, path)
	}
	for deadline := time.Now().Add(30 * time.Second); !done(c); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			ps, _ := c.do(alice, "ps")
			out, _ := c.do(alice, "output p1")
			t.Fatalf("no result after %d kills: %q\n%s\n%s", kills, c.messages(), ps, out)
		}
	}
	c.in.Flush()
	c.cmd.Process.Kill()
	c.cmd.Wait()
	t.Logf("the parts' results came right after %d kills", kills)
}
