package xmpphost

import (
	"bytes"
	"encoding/xml"
	"reflect"
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
