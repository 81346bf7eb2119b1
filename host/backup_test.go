package host

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBackup: a process of host a is backed up on c as it is stored; c
// refuses to restore it while a has it; with a gone, `restore force` on c
// continues it from its last stored state; when a comes back with the
// process, c's claim ends it there: it runs in one place.
func TestBackup(t *testing.T) {
	tr := &Memory{}
	cfg := DefaultConfig()
	cfg.Name, cfg.Backup, cfg.BackupEvery = "a", []string{"c"}, 20*time.Millisecond
	pathA := filepath.Join(t.TempDir(), "a.db")
	a, stA := openHost(t, pathA, tr, cfg)
	cfgC := DefaultConfig()
	cfgC.Name = "c"
	c := hostWith(t, filepath.Join(t.TempDir(), "c.db"), tr, cfgC)
	tr.Attach(a)
	tr.Attach(c)
	ask(t, a, tr, alice, `new local n = 0 while true do n = n + 1 print("tick " .. n) mb.sleep(0.05) end`)
	ask(t, a, tr, alice, "run p1")
	if tr.WaitFor(alice, "tick 5", 20*time.Second) == "" {
		t.Fatalf("no ticks: %q", tr.Messages(alice))
	}
	waitFor(t, func() bool { return strings.Contains(c.Command(alice, "backups"), "a/p1  sleeping") })
	if got := c.Command(bob, "backups"); got != "no backups of yours here" {
		t.Errorf("bob's backups: %q", got)
	}
	if got := c.Command(bob, "restore p1"); !strings.Contains(got, "no backup of yours is p1") {
		t.Errorf("bob restores alice's: %q", got)
	}
	if got := c.Command(alice, "restore p1"); !strings.Contains(got, "a still has p1 (live)") {
		t.Errorf("restore while a has it: %q", got)
	}

	// a goes away (its store kept aside)
	tr.Detach("a")
	a.Close()
	stA.Close()
	ticks := strings.Count(strings.Join(tr.Messages(alice), "\n"), "tick ")
	if got := c.Command(alice, "restore p1"); !strings.Contains(got, "a does not answer") {
		t.Errorf("restore without a: %q", got)
	}
	if got := c.Command(alice, "restore p1 force"); got != "p1 restored here as p1" {
		t.Fatalf("restore force: %q", got)
	}
	waitFor(t, func() bool { return strings.Count(strings.Join(tr.Messages(alice), "\n"), "tick ") >= ticks+3 })
	if n := strings.Count(strings.Join(tr.Messages(alice), "\n"), "tick 1\n"); n > 1 {
		t.Errorf("the restored process began again: %q", tr.Messages(alice))
	}

	// a comes back with its store: c's claim ends p1 there
	a2, st2 := openHost(t, pathA, tr, cfg)
	t.Cleanup(func() { a2.Close(); st2.Close() })
	tr.Attach(a2)
	waitFor(t, func() bool {
		return strings.Contains(a2.Command(alice, "ps"), "p1  migrated to c as p1 (restored from a backup)")
	})
	waitFor(t, func() bool { return !strings.Contains(c.Command(alice, "backups"), "a/p1") })
	if l := a2.Load(); l.Live != 0 {
		t.Errorf("a still has %d live processes", l.Live)
	}
	if got := c.Command(alice, "ps"); !strings.Contains(got, "p1  sleeping") && !strings.Contains(got, "p1  running") {
		t.Errorf("c: %q", got)
	}
}

// waitFor waits until ok (10 s at most).
func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !ok(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
	}
}

// TestBackupOpFromStranger: only a host's own backup hosts may ask it
// about its processes or claim one.
func TestBackupOpFromStranger(t *testing.T) {
	tr := &Memory{}
	cfg := DefaultConfig()
	cfg.Name, cfg.Backup = "a", []string{"c"}
	a := hostWith(t, filepath.Join(t.TempDir(), "a.db"), tr, cfg)
	ask(t, a, tr, alice, `new mb.sleep(100)`)
	ask(t, a, tr, alice, "run p1")
	waitFor(t, func() bool { return strings.Contains(a.Command(alice, "ps"), "p1  sleeping") })
	if _, err := a.BackupOp("x", "claim", "p1", alice, "p9"); err == nil {
		t.Error("a stranger's claim was taken")
	}
	if got, err := a.BackupOp("c", "check", "p1", alice, ""); got != "live" || err != nil {
		t.Errorf("check: %q %v", got, err)
	}
	a.BackupOp("c", "claim", "p1", alice, "p9")
	if got := a.Command(alice, "ps"); !strings.Contains(got, "p1  migrated to c as p9") {
		t.Errorf("after the claim: %q", got)
	}
}

// TestBackupEnded: a process that ends at home leaves its backup host;
// one removed at home is "ended" to a check (its PID was given there), so
// that its copy, wherever one stays, is not restored without force.
func TestBackupEnded(t *testing.T) {
	tr := &Memory{}
	cfg := DefaultConfig()
	cfg.Name, cfg.Backup, cfg.BackupEvery = "a", []string{"c"}, 20*time.Millisecond
	a := hostWith(t, filepath.Join(t.TempDir(), "a.db"), tr, cfg)
	cfg.Name, cfg.Backup = "c", nil
	c := hostWith(t, filepath.Join(t.TempDir(), "c.db"), tr, cfg)
	tr.Attach(a)
	tr.Attach(c)
	ask(t, a, tr, alice, `new mb.sleep(0.3) print("done")`)
	ask(t, a, tr, alice, "run p1")
	waitFor(t, func() bool { return strings.Contains(c.Command(alice, "backups"), "a/p1  sleeping") })
	waitFor(t, func() bool { return c.Command(alice, "backups") == "no backups of yours here" })
	ask(t, a, tr, alice, "rm p1")
	for pid, want := range map[string]string{"p1": "ended", "p2": "gone"} {
		if got, err := a.BackupOp("c", "check", pid, alice, ""); got != want || err != nil {
			t.Errorf("check %s: %q %v", pid, got, err)
		}
	}
}
