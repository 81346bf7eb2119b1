package xmpphost

import (
	"encoding/xml"
	"reflect"
	"testing"
	"time"

	"github.com/mobilua/mobilua/host"
)

// TestRecordElement: a process's record travels as a typed element in
// the first piece of a jump and comes back whole, bytes XML cannot carry
// included (a source loaded from a URL may hold any byte).
func TestRecordElement(t *testing.T) {
	rec := host.Record{PID: "p3", Owner: "alice@a.example", Client: "alice@a.example/phone", Name: "hello.lua",
		Comment: "a <comment> & \x01", Source: "print('\x00\x01\xff ü')", Created: time.Date(2026, 12, 5, 17, 0, 0, 12345, time.UTC),
		Output: "not sent", State: host.StateMigrating,
		Travels: []host.Hop{{Host: "lua0@c.example", PID: "p9", Left: time.Date(2026, 12, 5, 16, 59, 58, 0, time.UTC)}}}
	b, err := xml.Marshal(&jumpChunk{ID: "m1", Of: 1, Record: recordOut(rec), Data: "QUJD"})
	if err != nil {
		t.Fatal(err)
	}
	var c jumpChunk
	if err := xml.Unmarshal(b, &c); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if c.Data != "QUJD" || c.Record == nil {
		t.Fatalf("data %q, record %v:\n%s", c.Data, c.Record, b)
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
