package host

import (
	"fmt"
	"math/rand"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestKillNine kills a host 50 times at random moments while it holds a
// few hundred processes of every kind (running, sleeping, waiting for
// input or for a message, forking) and checks each restart: the store
// opens, every acknowledged process is there once, every acknowledged
// input and message reaches its process, and no fork runs twice.
func TestKillNine(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills host processes")
	}
	path := filepath.Join(t.TempDir(), "s.db")
	rng := rand.New(rand.NewSource(16))
	c := startChild(t, path)
	var pids []string           // acknowledged processes
	want := map[string]string{} // outputs that must come (their user): input and messages taken
	forks := map[string]bool{}  // processes that fork once
	seen := map[string]bool{}   // every message any host sent
	users := []string{alice, bob, "carol@c.example", "dave@d.example"}
	collect := func(c *child) {
		for _, m := range c.messages() {
			seen[m] = true
		}
	}
	made := func(c *child, user, code string) string {
		pid, ok := c.do(user, "new "+code)
		if !ok || !isPID(pid) {
			return ""
		}
		pids = append(pids, pid)
		c.do(user, "run "+pid)
		return pid
	}
	var waitingInput, waitingMsg []string // "user pid"
	// answer gives the first process of waiting token by command (input,
	// send); once acknowledged, its output must come
	answer := func(c *child, waiting *[]string, command, token string) {
		if len(*waiting) == 0 {
			return
		}
		user, pid, _ := strings.Cut((*waiting)[0], " ")
		if reply, ok := c.do(user, command+" "+pid+" "+token); ok && (reply == "" || reply == "sent to "+pid) {
			want[pid+": got "+token] = user
			*waiting = (*waiting)[1:]
		}
	}
	for round := 0; round < 50; round++ {
		for i := 0; i < 8; i++ {
			user := users[rng.Intn(len(users))]
			switch rng.Intn(6) {
			case 0:
				made(c, user, fmt.Sprintf("local n = 0 for i = 1, %d do n = n + i end print('sum', n)", rng.Intn(200000)))
			case 1:
				made(c, user, "mb.sleep(0.05) print('woke')")
			case 2:
				if pid := made(c, user, "local v = mb.input('x?') for i = 1, 1e6 do end print('got ' .. v)"); pid != "" {
					waitingInput = append(waitingInput, user+" "+pid)
				}
			case 3:
				if pid := made(c, user, "local v = mb.receive() for i = 1, 1e6 do end print('got ' .. v)"); pid != "" {
					waitingMsg = append(waitingMsg, user+" "+pid)
				}
			case 4:
				if pid := made(c, user, "local c, p = mb.fork() if c then print('parent of ' .. c) else print('child of ' .. p) end"); pid != "" {
					forks[pid] = true
				}
			case 5: // answer one that waits for input, one for a message
				answer(c, &waitingInput, "input", fmt.Sprintf("i%d-%d", round, i))
				answer(c, &waitingMsg, "send", fmt.Sprintf("m%d-%d", round, i))
			}
		}
		time.Sleep(time.Duration(rng.Intn(40)) * time.Millisecond)
		c.cmd.Process.Kill()
		c.cmd.Wait()
		<-c.done
		collect(c)
		c = startChild(t, path)
		// the store opened, and every acknowledged process is back, once
		listed := psAll(t, c, users)
		for _, pid := range pids {
			if listed[pid] != 1 {
				t.Fatalf("round %d: acknowledged process %s is listed %d times", round, pid, listed[pid])
			}
		}
	}
	// the last host: let everything that was taken come out
	deadline := time.Now().Add(60 * time.Second)
	for {
		collect(c)
		missing := 0
		for w, user := range want { // the tokens are unique: the output names its process
			pid, text, _ := strings.Cut(w, ": ")
			found := false
			for m := range seen {
				if strings.Contains(m, text) {
					found = true
					break
				}
			}
			// a message queued to be sent when the host was killed is
			// lost with it; the process's kept output has it
			if !found {
				if out, ok := c.do(user, "output "+pid); !ok || !strings.Contains(out, text) {
					missing++
				}
			}
		}
		if missing == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d acknowledged inputs and messages never reached their process", missing, len(want))
		}
		time.Sleep(50 * time.Millisecond)
	}
	listed := psAll(t, c, users)
	c.cmd.Process.Kill()
	c.cmd.Wait()
	<-c.done
	for _, pid := range pids {
		if listed[pid] != 1 {
			t.Errorf("acknowledged process %s is listed %d times", pid, listed[pid])
		}
	}
	// no fork ran twice: each forking process has one child at most
	st, err := OpenStore(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	recs, err := st.All()
	if err != nil {
		t.Fatal(err)
	}
	children := map[string]int{}
	for _, r := range recs {
		if r.Parent != "" {
			children[r.Parent]++
		}
	}
	for pid := range forks {
		if children[pid] > 1 {
			t.Errorf("%s forked %d times", pid, children[pid])
		}
	}
	t.Logf("50 kills: %d processes (%d forking), %d inputs and messages taken; %d records in the store", len(pids), len(forks), len(want), len(recs))
}

// psAll counts how often each PID is listed by the users' ps.
func psAll(t *testing.T, c *child, users []string) map[string]int {
	listed := map[string]int{}
	for _, u := range users {
		ps, ok := c.do(u, "ps")
		if !ok {
			t.Fatal("the host did not answer ps")
		}
		for _, line := range strings.Split(ps, "\\n") { // the child escapes newlines
			listed[strings.Fields(line + " x")[0]]++
		}
	}
	return listed
}
