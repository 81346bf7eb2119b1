package xmpphost

import (
	"bytes"
	"context"
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
	sent := jumpChunk{ID: "m1", Seq: 2, Of: 3, SHA256: "ab12", Codec: "zstd", Size: "10", Record: recordOut(rec), Data: "QUJD"}
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

// TestLastPieceWaits: a jump's pieces but the last go while the sender
// stores the process as migrating, the last one only once it is stored;
// when the store fails the jump ends with its error and the receiver,
// which took nothing in, forgets the pieces after the acknowledgement's
// timeout. A jump sent again from its first piece starts over at the
// receiver.
func TestLastPieceWaits(t *testing.T) {
	env := startProsody(t)
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	a, b := env["XMPP_JID1"], env["XMPP_JID2"]
	trA, hA := xmppHost(t, ctx, env, "1", b)
	trB, hB := xmppHostWith(t, ctx, env, "2", func(tr *Transport, _ *host.Config) { tr.AckTimeout = 2 * time.Second }, a)
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

	// arriving is what waits at B of migration id: pieces, of how many,
	// and all the bytes waiting there
	arriving := func(id string) (pieces, of, bytes int) {
		trB.j.mu.Lock()
		defer trB.j.mu.Unlock()
		if in := trB.j.pending[host.Migration{From: a, ID: id}]; in != nil {
			pieces, of = in.got, in.of
		}
		return pieces, of, trB.j.arriving
	}
	// jump starts a jump and waits until all its pieces but the last are
	// at B, and still are a moment later
	jump := func(id string) (chan<- error, <-chan error) {
		stored, done := make(chan error, 1), make(chan error, 1)
		go func() {
			_, err := trA.Jump(b, id, rec, cont, stored)
			done <- err
		}()
		for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			if got, of, _ := arriving(id); of > 2 && got == of-1 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the pieces but the last did not come before the process was stored")
			}
		}
		time.Sleep(200 * time.Millisecond)
		if got, of, _ := arriving(id); got != of-1 {
			t.Fatalf("%d pieces of %d came before the process was stored", got, of)
		}
		if _, ok := hB.Received(host.Migration{From: a, ID: id}); ok {
			t.Fatal("taken in before the sender stored it")
		}
		return stored, done
	}

	stored, done := jump("m1")
	stored <- errors.New("disk full")
	if err := <-done; err == nil || err.Error() != "disk full" {
		t.Fatalf("the jump whose process was not stored: %v", err)
	}
	// sent again from its first piece, at once: taken in
	pid, err := trA.Jump(b, "m1", rec, cont, nil)
	if err != nil || pid == "" {
		t.Fatalf("sent again: %q, %v", pid, err)
	}
	if got, ok := hB.Received(host.Migration{From: a, ID: "m1"}); !ok || got != pid {
		t.Errorf("B has m1 as %q (%v), acknowledged as %q", got, ok, pid)
	}

	// two jumps wait at B, which takes at most two of the largest
	// continuations' bytes: a third is refused at once
	old := maxContinuation
	maxContinuation = len(cont) + 1000
	defer func() { maxContinuation = old }()
	stored, done = jump("m2")
	stored3, done3 := jump("m3")
	stored4 := make(chan error, 1)
	stored4 <- nil
	if _, err := trA.Jump(b, "m4", rec, cont, stored4); err == nil || !strings.Contains(err.Error(), "busy: too much arriving at once") {
		t.Errorf("a third jump at once: %v", err)
	}
	// not sent again: forgotten after B's timeout (2 s)
	stored <- errors.New("disk full")
	stored3 <- errors.New("disk full")
	<-done
	<-done3
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		_, of2, bytes := arriving("m2")
		if _, of3, _ := arriving("m3"); of2 == 0 && of3 == 0 && bytes == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the pieces of a jump that stopped were kept")
		}
	}
	if _, ok := hB.Received(host.Migration{From: a, ID: "m2"}); ok {
		t.Error("m2 was taken in")
	}

	// a piece out of order, or one that does not decode by itself, ends
	// its jump
	for _, next := range []jumpChunk{{Seq: 2, Data: "AAAA"}, {Seq: 1, Data: "AA=A"}} {
		trB.piece(a, &jumpChunk{ID: "m5", Seq: 0, Of: 3, Data: "AAAA"})
		if got, _, _ := arriving("m5"); got != 1 {
			t.Fatalf("the first piece of m5: %d pieces", got)
		}
		next.ID, next.Of = "m5", 3
		trB.piece(a, &next)
		if _, of, _ := arriving("m5"); of != 0 {
			t.Errorf("piece %d %q was taken", next.Seq, next.Data)
		}
	}

	// at most maxArriving jumps wait at a time: the next is refused
	for i := 0; i <= maxArriving; i++ {
		trB.piece(a, &jumpChunk{ID: fmt.Sprintf("w%d", i), Seq: 0, Of: 2, Data: "AAAA"})
	}
	trB.j.mu.Lock()
	waiting := len(trB.j.pending)
	trB.j.mu.Unlock()
	if _, of, _ := arriving(fmt.Sprint("w", maxArriving)); waiting != maxArriving || of != 0 {
		t.Errorf("%d jumps wait, the one past %d with %d pieces announced", waiting, maxArriving, of)
	}
}
