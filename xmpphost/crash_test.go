package xmpphost

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mobilua/mobilua/host"
	"github.com/mobilua/mobilua/internal/testbin"
)

// The crash tests run each host in its own OS process (this test binary,
// with MOBILUA_XMPP_CHILD set to a childConfig), so that a host can be
// killed with SIGKILL at a step of a jump (host.Config.FailPoint,
// Transport.FailPoint) and started again on the same store.
func TestMain(m *testing.M) {
	if c := os.Getenv("MOBILUA_XMPP_CHILD"); c != "" {
		os.Exit(hostChild(c))
	}
	testbin.WatchHeap(4 << 30)
	os.Exit(m.Run())
}

type childConfig struct {
	Login  Config
	Peers  []string
	Store  string
	Crash  string // the fail point where the host kills itself ("": none)
	NoSync bool   // the store does not sync (host.Config.NoSync)
	// Directory: the publish-subscribe service it publishes its record
	// to, every DirEvery (its load looked at every 100 ms)
	Directory string
	DirEvery  time.Duration
	// Backup: its backup hosts, sent a copy every 100 ms at most
	Backup []string
	// Upload: the upload service of the bulk path (none: pieces only)
	Upload string
}

// hostChild runs a host until its standard input closes, then closes it
// cleanly. It prints READY once it serves.
func hostChild(js string) int {
	var c childConfig
	if err := json.Unmarshal([]byte(js), &c); err != nil {
		fmt.Println("ERR", err)
		return 1
	}
	die := func(point string) {
		if point == c.Crash {
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {}
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c.Login.Resource = HostResource // as mobilua host binds it: its peers reach it there
	tr, err := Dial(ctx, c.Login)
	if err != nil {
		fmt.Println("ERR", err)
		return 1
	}
	defer tr.Close()
	tr.SetPeers(c.Peers)
	tr.SetUpload(c.Upload, 0)
	tr.AckTimeout, tr.FailPoint = 500*time.Millisecond, die
	if c.Directory != "" {
		directoryEvery.Store(int64(c.DirEvery))
		loadEvery.Store(int64(100 * time.Millisecond))
		tr.SetDirectory(c.Directory, "")
	}
	st, err := host.OpenStore(c.Store)
	if err != nil {
		fmt.Println("ERR", err)
		return 1
	}
	defer st.Close()
	hc := host.DefaultConfig()
	hc.Name, hc.JumpRetry, hc.FailPoint = c.Login.JID, 300*time.Millisecond, die
	hc.CheckpointEvery, hc.NoSync = 50*time.Millisecond, c.NoSync
	hc.Backup, hc.BackupEvery = c.Backup, 100*time.Millisecond
	h, err := host.New(hc, st, tr)
	if err != nil {
		fmt.Println("ERR", err)
		return 1
	}
	defer h.Close()
	tr.SetStatus("ready")
	go tr.Serve(h)
	fmt.Println("READY")
	io.Copy(io.Discard, os.Stdin)
	return 0
}

// hostProc is a host running in a child process.
type hostProc struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	exit  chan error
}

func startHostProc(t *testing.T, c childConfig) *hostProc {
	t.Helper()
	js, _ := json.Marshal(c)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "MOBILUA_XMPP_CHILD="+string(js))
	cmd.Stderr = os.Stderr
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	hp := &hostProc{cmd: cmd, stdin: stdin, exit: make(chan error, 1)}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			select {
			case ready <- sc.Text():
			default:
			}
		}
		hp.exit <- cmd.Wait()
	}()
	select {
	case line := <-ready:
		if line != "READY" {
			t.Fatalf("host %s: %s", c.Login.JID, line)
		}
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("host %s did not start", c.Login.JID)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	return hp
}

// stop closes the host cleanly and waits for it.
func (hp *hostProc) stop(t *testing.T) {
	hp.stdin.Close()
	select {
	case <-hp.exit:
	case <-time.After(20 * time.Second):
		t.Fatal("a host did not stop")
	}
}

// TestJumpCrash kills the sender or the receiver with SIGKILL at each step
// of a jump, over a real Prosody, and starts it again on its store: the
// process runs on after the jump exactly once, on the receiver, and no
// process is lost or left migrating.
func TestJumpCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("starts hosts in child processes")
	}
	cases := []struct {
		victim string // "A": the sender, "B": the receiver
		point  string
		noSync bool // the stores do not sync: a killed host loses nothing either
		bulk   bool // the process is large and goes by the server's upload service
	}{
		{"A", host.FailJumpStart, false, false},
		{"A", host.FailJumpStored, false, false},
		{"A", FailJumpSent, false, false},
		{"B", host.FailReceiveThawed, false, false},
		{"B", host.FailReceiveStored, false, false},
		{"A", host.FailJumpAcked, false, false},
		{"B", FailReceiveAcked, false, false},
		{"A", FailJumpHeld, false, false},
		{"A", FailJumpSent, true, false},
		{"B", host.FailReceiveStored, true, false},
		{"A", host.FailJumpStored, false, true},
		{"A", FailJumpSent, false, true},
		{"B", host.FailReceiveThawed, false, true},
		{"B", host.FailReceiveStored, false, true},
	}
	for _, tc := range cases {
		name := tc.victim + "-" + tc.point
		if tc.noSync {
			name += "-nosync"
		}
		upload, large := "", ""
		if tc.bulk {
			name += "-bulk"
			upload, large = "upload.a.localhost", `local r = {} for i = 1, 4e4 do r[i] = math.random() end`
		}
		t.Run(name, func(t *testing.T) {
			var env map[string]string
			if tc.bulk {
				env = startProsodyUpload(t, 64<<20)
			} else {
				env = startProsody(t)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			dir := t.TempDir()
			conf := func(n, peer, crash string) childConfig {
				return childConfig{Login: Config{JID: env["XMPP_JID"+n], Password: env["XMPP_PASS"+n], Addr: env["XMPP_ADDR"],
					TLS: env["XMPP_TLS"] != "0", CAFile: env["XMPP_CA"]}, Peers: []string{peer},
					Store: filepath.Join(dir, n+".db"), Crash: crash, NoSync: tc.noSync, Upload: upload}
			}
			a, b := env["XMPP_JID1"], env["XMPP_JID2"]
			crashA, crashB := "", ""
			if tc.victim == "A" {
				crashA = tc.point
			} else {
				crashB = tc.point
			}
			hostA := startHostProc(t, conf("1", b, crashA))
			hostB := startHostProc(t, conf("2", a, crashB))
			user := newUser(t, ctx, env, "3")
			user.Send(a, `new local t = {} for i = 1, 1000 do t[i] = i * i end `+large+`
print("before on", mb.host())
local ok, why = mb.jump("`+b+`")
print("after", ok, why, mb.host(), t[1000])`)
			user.waitFor(t, a+": p1")
			user.Send(a, "run p1")

			// the victim dies at its step; it is started again
			victim := map[string]*hostProc{"A": hostA, "B": hostB}[tc.victim]
			select {
			case <-victim.exit:
			case <-time.After(20 * time.Second):
				t.Fatalf("host %s did not reach %s", tc.victim, tc.point)
			}
			if tc.victim == "A" {
				hostA = startHostProc(t, conf("1", b, ""))
			} else {
				hostB = startHostProc(t, conf("2", a, ""))
			}
			// it runs on once: on the receiver (mb.jump gives true), or, when
			// the jump was cancelled because the receiver did not answer in
			// time, on the sender (nil and the reason)
			got := user.waitFor(t, "after\t")
			there := strings.HasPrefix(got, b+": after\ttrue\tnil\t"+b+"\t1000000")
			if !there && !(strings.HasPrefix(got, a+": after\tnil\t") && strings.HasSuffix(got, "\t"+a+"\t1000000")) {
				t.Errorf("after the jump: %q", got)
			}
			// the sender settles: p1 is no longer migrating
			want := "p1  migrated to " + b
			if !there {
				want = "p1  " + string(host.StateFinished)
			}
			for i := 0; ; i++ {
				user.mu.Lock()
				user.got = slices.DeleteFunc(user.got, func(s string) bool { return strings.Contains(s, "p1  ") })
				user.mu.Unlock()
				user.Send(a, "ps")
				if got := user.waitFor(t, "p1  "); strings.Contains(got, want) {
					break
				} else if i > 100 {
					t.Fatalf("p1 did not settle on the sender: %q", got)
				}
				time.Sleep(100 * time.Millisecond)
			}
			time.Sleep(500 * time.Millisecond) // a second run would have printed by now
			hostA.stop(t)
			hostB.stop(t)

			user.mu.Lock()
			all := strings.Join(user.got, "\n")
			user.mu.Unlock()
			if n := strings.Count(all, "after\t"); n != 1 {
				t.Errorf("the process ran on after the jump %d times:\n%s", n, all)
			}
			states := func(n string) string {
				st, err := host.OpenStore(filepath.Join(dir, n+".db"))
				if err != nil {
					t.Fatal(err)
				}
				defer st.Close()
				recs, err := st.All()
				if err != nil {
					t.Fatal(err)
				}
				var s []string
				for _, r := range recs {
					s = append(s, string(r.State))
				}
				return strings.Join(s, ",")
			}
			wantA, wantB := string(host.StateMigrated), string(host.StateFinished)
			if !there {
				wantA, wantB = string(host.StateFinished), ""
			}
			if got := states("1"); got != wantA {
				t.Errorf("sender's processes: %s, want %s", got, wantA)
			}
			if got := states("2"); got != wantB {
				t.Errorf("receiver's processes: %s, want %s", got, wantB)
			}
			if up, _ := filepath.Glob(filepath.Join(env["XMPP_DIR"], "data", "*", "http_file_share", "*")); tc.bulk && len(up) == 0 {
				t.Error("nothing was uploaded: the jump did not go by the bulk path")
			}
			t.Logf("the process went on on %s", map[bool]string{true: "the receiver", false: "the sender"}[there])
		})
	}
}
