package xmpphost

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mobilua/mobilua/host"
	"mellium.im/xmlstream"
)

// TestRecordElement: a process's record travels as a typed element in
// the first piece of a jump and comes back whole, bytes XML cannot carry
// included (a source loaded from a URL may hold any byte).
// roundTrip writes tokens as a session writes them and reads them back
// into v as a handler does.
func roundTrip(t *testing.T, tokens xml.TokenReader, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	e := xml.NewEncoder(&buf)
	if _, err := xmlstream.Copy(e, tokens); err != nil {
		t.Fatal(err)
	}
	e.Flush()
	if err := xml.Unmarshal(buf.Bytes(), v); err != nil {
		t.Fatalf("%v\n%s", err, buf.Bytes())
	}
	return buf.Bytes()
}

func TestRecordElement(t *testing.T) {
	rec := host.Record{PID: "p3", Owner: "alice@a.example", Client: "alice@a.example/phone", Name: "hello.lua",
		Comment: "a <comment> & \x01", Source: "print('\x00\x01\xff ü')", Created: time.Date(2026, 12, 5, 17, 0, 0, 12345, time.UTC),
		Output: "not sent", State: host.StateMigrating,
		Travels: []host.Hop{{Host: "lua0@c.example", PID: "p9", Left: time.Date(2026, 12, 5, 16, 59, 58, 0, time.UTC)}}}
	sent := jumpChunk{ID: "m1", Seq: 2, Of: 3, SHA256: "ab12", Codec: "zstd", Size: "10", Hold: "true", Record: recordOut(rec), Data: "QUJD"}
	var c jumpChunk
	b := roundTrip(t, sent.tokens(), &c)
	if c.Data != "QUJD" || c.Record == nil {
		t.Fatalf("data %q, record %v:\n%s", c.Data, c.Record, b)
	}
	if piece := c; true {
		piece.Record, sent.Record = nil, nil
		if piece.XMLName, sent.XMLName = (xml.Name{}), (xml.Name{}); piece != sent {
			t.Errorf("the piece came back as %+v, not %+v", piece, sent)
		}
	}
	for _, a := range []jumpAck{{ID: "m1", OK: true, PID: "p7"}, {ID: "m2", Reason: "no <room> & \"none\""}} {
		var got jumpAck
		roundTrip(t, a.tokens(), &got)
		if got.XMLName = (xml.Name{}); got != a {
			t.Errorf("the acknowledgement came back as %+v, not %+v", got, a)
		}
	}
	sentIPC := ipc{ID: "i1", To: "p7", From: "lua1@a.example/p3", Owner: "alice@a.example", Data: `{"s":"<&>"}`}
	var gotIPC ipc
	if roundTrip(t, sentIPC.tokens(), &gotIPC); gotIPC.XMLName.Space != NS || func() bool { gotIPC.XMLName = xml.Name{}; return gotIPC != sentIPC }() {
		t.Errorf("the message came back as %+v, not %+v", gotIPC, sentIPC)
	}
	var cancel jumpCancel
	if roundTrip(t, (&jumpCancel{ID: "m3"}).tokens(), &cancel); cancel.ID != "m3" {
		t.Errorf("the cancel came back as %+v", cancel)
	}
	var commit jumpCommit
	if roundTrip(t, (&jumpCommit{ID: "m4", OK: true}).tokens(), &commit); commit.ID != "m4" || !commit.OK {
		t.Errorf("the commit came back as %+v", commit)
	}
	var ask jumpAsk
	if roundTrip(t, (&jumpAsk{ID: "m5"}).tokens(), &ask); ask.ID != "m5" {
		t.Errorf("the question came back as %+v", ask)
	}
	got, err := c.Record.record()
	if err != nil {
		t.Fatal(err)
	}
	want := rec
	want.Output, want.State = "", ""
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the record came back as\n%+v\nnot\n%+v\n%s", got, want, b)
	}
	for _, bad := range []jumpRecord{{Source: "!!"}, {Comment: "%"}, {Created: "yesterday"}, {Hops: []jumpHop{{Left: "then"}}}} {
		if _, err := bad.record(); err == nil {
			t.Errorf("%+v was taken", bad)
		}
	}
}

// TestHeldJump: a jump's pieces all go while the sender stores the
// process as migrating (to a host that says it holds jumps; to another the
// last piece waits for that store); the receiver stores it held, unseen and not run,
// until the sender's jumpcommit: withdrawn when the sender's store failed
// (forgotten there, and the migration refused from then on), confirmed
// when it succeeded. A held jump that no jumpcommit settles is asked
// about, and one its sender never stored is withdrawn. Pieces that wait
// at the receiver are bounded in number and bytes, and forgotten after
// the acknowledgement's timeout.
func TestHeldJump(t *testing.T) {
	env := startProsody(t)
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	a, b := env["XMPP_JID1"], env["XMPP_JID2"]
	trA, hA := xmppHost(t, ctx, env, "1", b)
	trB, hB := xmppHostWith(t, ctx, env, "2", func(tr *Transport, c *host.Config) {
		tr.AckTimeout, c.JumpRetry = 2*time.Second, 200*time.Millisecond
	}, a)
	user := newUser(t, ctx, env, "3")
	owner := user.s.LocalAddr().Bare().String()

	// a continuation of several pieces: 60,000 random numbers
	user.Send(a, `new local t = {} for i = 1, 6e4 do t[i] = math.random() end mb.receive()`)
	user.waitFor(t, a+": p1")
	user.Send(a, "run p1")
	var cont []byte
	for deadline := time.Now().Add(60 * time.Second); len(cont) < 500_000; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("p1 was not stored waiting")
		}
		cont, _ = hA.Continuation(owner, "p1") // (first its state before it ran)
	}
	rec := host.Record{PID: "p1", Owner: owner, State: host.StateRunning}

	// jump starts a jump whose sender has not stored the process yet and
	// waits until B holds it: stored there, not seen by its owner
	jump := func(id string) (chan<- error, <-chan error, string) {
		stored, done := make(chan error, 1), make(chan error, 1)
		go func() {
			_, err := trA.Jump(b, id, rec, cont, stored)
			done <- err
		}()
		for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			if pid, ok := hB.Received(host.Migration{From: a, ID: id}); ok {
				if _, err := hB.Process(owner, pid); err == nil {
					t.Fatalf("%s is %s's before its sender stored it", id, pid)
				}
				return stored, done, pid
			}
			if time.Now().After(deadline) {
				t.Fatal("the jump was not held before its sender stored it")
			}
		}
	}
	// settled waits until B has settled migration id: visible (it runs
	// there) or forgotten
	settled := func(id, pid string, visible bool) {
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			_, err := hB.Process(owner, pid)
			_, ok := hB.Received(host.Migration{From: a, ID: id})
			if err == nil == visible && ok == visible {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s (%s) not settled at B (taken: %v, %v)", id, pid, ok, err)
			}
		}
	}

	stored, done, pid := jump("m1")
	stored <- errors.New("disk full")
	if err := <-done; err == nil || err.Error() != "disk full" {
		t.Fatalf("the jump whose process was not stored: %v", err)
	}
	settled("m1", pid, false)
	if _, err := trA.Jump(b, "m1", rec, cont, nil); err == nil || !strings.Contains(err.Error(), "cancelled") {
		t.Errorf("m1 sent again after it was withdrawn: %v", err)
	}
	stored, done, pid = jump("m2")
	stored <- nil
	if err := <-done; err != nil {
		t.Fatalf("the jump whose process was stored: %v", err)
	}
	settled("m2", pid, true)

	// to a host that does not hold jumps (one of an earlier version: its
	// disco#info does not list nsHold), the last piece goes once the
	// sender's store is done
	if !trA.holds(b) {
		t.Fatal("B does not say that it holds jumps")
	}
	trA.mu.Lock()
	trA.peerHolds[b] = false
	trA.mu.Unlock()
	stored6, done6 := make(chan error, 1), make(chan error, 1)
	go func() {
		_, err := trA.Jump(b, "m6", rec, cont, stored6)
		done6 <- err
	}()
	waiting := func() (got, of int) {
		trB.j.mu.Lock()
		defer trB.j.mu.Unlock()
		if in := trB.j.pending[host.Migration{From: a, ID: "m6"}]; in != nil {
			return in.got, in.of
		}
		return 0, 0
	}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if got, of := waiting(); of > 2 && got == of-1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the pieces but the last did not come before the process was stored")
		}
	}
	time.Sleep(200 * time.Millisecond)
	if got, of := waiting(); got != of-1 {
		t.Fatalf("%d pieces of %d came before the process was stored", got, of)
	}
	if _, ok := hB.Received(host.Migration{From: a, ID: "m6"}); ok {
		t.Fatal("m6 was taken in before its sender stored it")
	}
	stored6 <- nil
	if err := <-done6; err != nil {
		t.Fatalf("m6: %v", err)
	}
	pid, _ = hB.Received(host.Migration{From: a, ID: "m6"})
	settled("m6", pid, true)

	// a jumpcancel from a host that is not a peer is not taken (each would
	// be a write of B's store, for anyone): the migration it names is not
	// refused
	stranger := host.Migration{From: "stranger@" + strings.SplitN(a, "@", 2)[1], ID: "x1"}
	trB.cancel(stranger.From, stranger.ID)
	if err := hB.Receive(stranger, rec, cont, nil, nil); err != nil {
		t.Errorf("after a stranger's jumpcancel: %v", err)
	}

	// held with no jumpcommit (its first piece alone, as if its sender
	// had died): B asks, and A, which never stored it, withdraws it
	payload, codec, size := packPayload(cont)
	sum := sha256.Sum256(cont)
	trB.piece(a, &jumpChunk{ID: "m3", Of: 1, SHA256: hex.EncodeToString(sum[:]), Codec: codec, Size: size, Hold: "true",
		Record: recordOut(rec), Data: base64.StdEncoding.EncodeToString(payload)})
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if pid, ok := hB.Received(host.Migration{From: a, ID: "m3"}); ok {
			settled("m3", pid, false)
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("m3 was not held")
		}
	}

	// two jumps wait at B, which takes at most two of the largest
	// continuations' bytes: a third is refused at once
	old := maxContinuation
	maxContinuation = 3000
	defer func() { maxContinuation = old }()
	arriving := func() (jumps, bytes int) {
		trB.j.mu.Lock()
		defer trB.j.mu.Unlock()
		return len(trB.j.pending), trB.j.arriving
	}
	piece := strings.Repeat("A", 4000) // 3000 bytes
	for _, id := range []string{"w1", "w2", "w3"} {
		trB.piece(a, &jumpChunk{ID: id, Seq: 0, Of: 2, Data: piece})
	}
	if jumps, bytes := arriving(); jumps != 2 || bytes != 6000 {
		t.Errorf("%d jumps of %d bytes wait, not 2 of 6000", jumps, bytes)
	}
	// not sent on: forgotten after B's timeout (2 s)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if jumps, bytes := arriving(); jumps == 0 && bytes == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the pieces of a jump that stopped were kept")
		}
	}

	// a piece out of order, or one that does not decode by itself, ends
	// its jump
	for _, next := range []jumpChunk{{Seq: 2, Data: "AAAA"}, {Seq: 1, Data: "AA=A"}} {
		trB.piece(a, &jumpChunk{ID: "m5", Seq: 0, Of: 3, Data: "AAAA"})
		next.ID, next.Of = "m5", 3
		trB.piece(a, &next)
		if jumps, _ := arriving(); jumps != 0 {
			t.Errorf("piece %d %q was taken", next.Seq, next.Data)
		}
	}

	// at most maxArriving jumps wait at a time: the next is refused
	for i := 0; i <= maxArriving; i++ {
		trB.piece(a, &jumpChunk{ID: fmt.Sprintf("w%d", i), Seq: 0, Of: 2, Data: "AAAA"})
	}
	if jumps, _ := arriving(); jumps != maxArriving {
		t.Errorf("%d jumps wait, not %d", jumps, maxArriving)
	}
}
