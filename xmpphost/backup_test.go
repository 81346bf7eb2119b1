package xmpphost

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestBackupOverXMPP: a process on host 1 is backed up on host 2 as it is
// stored; host 1 is killed (SIGKILL) and its store deleted; on host 2 the
// owner's restore is refused while host 1 does not answer, and `restore
// force` continues the process from its last stored state; host 1 comes
// back (empty): it is told, the copy goes, and the process runs on host 2
// only.
func TestBackupOverXMPP(t *testing.T) {
	if testing.Short() {
		t.Skip("a host killed and started again: seconds")
	}
	env := startProsody(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	a, b := env["XMPP_JID1"], env["XMPP_JID2"]
	login := Config{JID: a, Password: env["XMPP_PASS1"], Addr: env["XMPP_ADDR"], TLS: true, CAFile: env["XMPP_CA"], Resource: HostResource}
	storeA := filepath.Join(t.TempDir(), "a.db")
	hostA := startHostProc(t, childConfig{Login: login, Peers: []string{b}, Store: storeA, Backup: []string{b}})
	_, hb := xmppHost(t, ctx, env, "2", a)
	user := newUser(t, ctx, env, "3")
	owner := env["XMPP_JID3"]
	user.Send(a, `new local n = 0 while true do n = n + 1 print("tick " .. n) mb.sleep(0.1) end`)
	user.waitFor(t, a+": p1")
	user.Send(a, "run p1")
	user.waitFor(t, "tick 5")
	for deadline := time.Now().Add(10 * time.Second); len(hb.BackupsOf(owner)) == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no backup on host 2")
		}
	}
	user.Send(b, "restore p1")
	user.waitFor(t, a+" still has p1 (live)")

	hostA.cmd.Process.Kill()
	<-hostA.exit
	os.Remove(storeA)
	last := lastTick(user)
	user.Send(b, "restore p1")
	user.waitFor(t, "restore "+a+"/p1 force restores it anyway")
	user.Send(b, "restore p1 force")
	user.waitFor(t, b+": p1 restored here as p")
	for deadline := time.Now().Add(20 * time.Second); lastTick(user) < last+3; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no ticks after %d on host 2: %q", last, user.got)
		}
	}
	user.mu.Lock()
	for _, g := range user.got {
		if strings.HasPrefix(g, b+": tick 1\n") || g == b+": tick 1" {
			t.Errorf("the restored process began again: %q", g)
		}
	}
	user.mu.Unlock()

	// host 1 comes back, its store empty: host 2's claim reaches it, and
	// the copy goes
	startHostProc(t, childConfig{Login: login, Peers: []string{b}, Store: storeA, Backup: []string{b}})
	for deadline := time.Now().Add(20 * time.Second); len(hb.BackupsOf(owner)) > 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("host 2 still keeps %v", hb.BackupsOf(owner))
		}
	}
	user.Send(a, "ps")
	user.waitFor(t, a+": no processes")
}

// lastTick is the highest "tick N" the user got.
func lastTick(u *chatUser) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	n := 0
	for _, g := range u.got {
		for _, line := range strings.Split(g, "\n") {
			if i := strings.Index(line, "tick "); i >= 0 {
				if k, err := strconv.Atoi(line[i+5:]); err == nil && k > n {
					n = k
				}
			}
		}
	}
	return n
}
