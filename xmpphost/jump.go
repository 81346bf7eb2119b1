package xmpphost

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"mellium.im/xmlstream"
	"mellium.im/xmpp/jid"
	"mellium.im/xmpp/mux"
	"mellium.im/xmpp/stanza"

	"github.com/mobilua/mobilua/host"
)

// NS is the namespace of Mobilua's payloads (docs/protocol.md).
const NS = "urn:mobilua:0"

// nsHold is the feature of a host that holds a jump sent with hold='true'
// until its sender's jumpcommit (disco#info).
const nsHold = NS + "#hold"

// chunkSize is how many base64 characters one jump stanza carries: well
// under Prosody's default stanza limit (256 KiB).
const chunkSize = 64 << 10

// maxPieces is the most pieces a jump may have: 4096 × 64 KiB of base64
// carry 192 MiB.
const maxPieces = 4096

// maxContinuation is the largest continuation that travels, compressed
// or not (a variable for tests): what the pieces carry uncompressed, and
// the most a receiver decompresses.
var maxContinuation = maxPieces * chunkSize / 4 * 3

// jumpChunk is one piece of a process in transit:
//
//	<message type='normal'><jump xmlns='urn:mobilua:0' id='…' seq='0' of='3'
//	   sha256='…'>BASE64</jump></message>
//
// The first piece also carries the process's record (a record element).
// The receiver answers with a jumpack once it has stored the process (or
// refused it). A jump whose first piece says hold='true' left before its
// sender had stored it as gone: the receiver holds it (host.ReceiveHeld)
// until the sender's jumpcommit says whether it goes on there, and asks
// with a jumpask when none comes in time.
type jumpChunk struct {
	XMLName xml.Name    `xml:"urn:mobilua:0 jump"`
	ID      string      `xml:"id,attr"`
	Seq     int         `xml:"seq,attr"`
	Of      int         `xml:"of,attr"`
	SHA256  string      `xml:"sha256,attr"`
	Codec   string      `xml:"codec,attr,omitempty"` // "zstd": the data is compressed
	Size    string      `xml:"size,attr,omitempty"`  // with codec: the continuation's bytes
	Kind    string      `xml:"kind,attr,omitempty"`  // "backup": a copy to keep, not a jump (first piece)
	Hold    string      `xml:"hold,attr,omitempty"`  // "true": held until a jumpcommit (first piece)
	Record  *jumpRecord `xml:"urn:mobilua:0 record,omitempty"`
	Bulk    *jumpBulk   `xml:"urn:mobilua:0 bulk,omitempty"` // the data is not here: bulk.go
	Data    string      `xml:",chardata"`
}

// jumpRecord is what travels of a process's record, in its first piece:
//
//	<record xmlns='urn:mobilua:0' pid='p3' owner='alice@a.example'
//	   client='alice@a.example/phone' name='hello.lua' created='2026-12-05T17:00:00Z'
//	   part='…' replyto='lua1@a.example/p2'>
//	  <comment>BASE64</comment><source>BASE64</source>
//	  <hop host='lua0@c.example' pid='p9' left='2026-12-05T16:59:58Z'/>
//	</record>
//
// The comment and the source are any bytes, which XML cannot carry, so
// they travel in base64; each hop is a host it was on before, oldest
// first. The receiver keeps what it trusts of it (host.Host.Receive).
type jumpRecord struct {
	PID     string    `xml:"pid,attr"`
	Owner   string    `xml:"owner,attr"`
	Client  string    `xml:"client,attr,omitempty"`
	Name    string    `xml:"name,attr,omitempty"`
	Created string    `xml:"created,attr,omitempty"`
	Part    string    `xml:"part,attr,omitempty"`    // a part (mb.spawn, mb.map) ...
	ReplyTo string    `xml:"replyto,attr,omitempty"` // ... of this process (host/pid)
	Wait    string    `xml:"wait,attr,omitempty"`    // moved while waiting: "sleeping" (until wake) or "waiting for input" (prompt)
	Wake    string    `xml:"wake,attr,omitempty"`
	Prompt  string    `xml:"prompt,attr,omitempty"` // base64: any bytes
	Comment string    `xml:"urn:mobilua:0 comment,omitempty"`
	Source  string    `xml:"urn:mobilua:0 source"`
	Hops    []jumpHop `xml:"urn:mobilua:0 hop"`
}

type jumpHop struct {
	Host string `xml:"host,attr"`
	PID  string `xml:"pid,attr"`
	Left string `xml:"left,attr"`
}

func recordOut(r host.Record) *jumpRecord {
	b64 := base64.StdEncoding.EncodeToString
	j := &jumpRecord{PID: r.PID, Owner: r.Owner, Client: r.Client, Name: r.Name, Part: r.Part, ReplyTo: r.ReplyTo, Wait: string(r.Wait),
		Created: r.Created.UTC().Format(time.RFC3339Nano), Comment: b64([]byte(r.Comment)), Source: b64([]byte(r.Source))}
	for _, h := range r.Travels {
		j.Hops = append(j.Hops, jumpHop{Host: h.Host, PID: h.PID, Left: h.Left.UTC().Format(time.RFC3339Nano)})
	}
	if r.Wait != "" {
		j.Wake, j.Prompt = r.WakeAt.UTC().Format(time.RFC3339Nano), b64([]byte(r.Prompt))
	}
	return j
}

func (j *jumpRecord) record() (host.Record, error) {
	r := host.Record{PID: j.PID, Owner: j.Owner, Client: j.Client, Name: j.Name, Part: j.Part, ReplyTo: j.ReplyTo,
		Wait: host.State(j.Wait)}
	if prompt, err := base64.StdEncoding.DecodeString(j.Prompt); err == nil {
		r.Prompt = string(prompt)
	}
	if j.Wake != "" {
		r.WakeAt, _ = time.Parse(time.RFC3339Nano, j.Wake) // (a bad time: zero, it does not sleep on)
	}
	var err error
	if j.Created != "" {
		if r.Created, err = time.Parse(time.RFC3339Nano, j.Created); err != nil {
			return r, fmt.Errorf("bad record: creation time %q", j.Created)
		}
	}
	comment, err1 := base64.StdEncoding.DecodeString(j.Comment)
	source, err2 := base64.StdEncoding.DecodeString(j.Source)
	if err := errors.Join(err1, err2); err != nil {
		return r, fmt.Errorf("bad record: %v", err)
	}
	r.Comment, r.Source = string(comment), string(source)
	for _, h := range j.Hops {
		left, err := time.Parse(time.RFC3339Nano, h.Left)
		if err != nil {
			return r, fmt.Errorf("bad record: hop time %q", h.Left)
		}
		r.Travels = append(r.Travels, host.Hop{Host: h.Host, PID: h.PID, Left: left})
	}
	return r, nil
}

type jumpAck struct {
	XMLName xml.Name `xml:"urn:mobilua:0 jumpack"`
	ID      string   `xml:"id,attr"`
	OK      bool     `xml:"ok,attr"`
	Reason  string   `xml:"reason,attr,omitempty"`
	PID     string   `xml:"pid,attr,omitempty"` // the process's PID at the receiver
}

// jumpCommit settles a held jump, from its sender (after the jumpack, or
// in answer to a jumpask):
//
//	<message type='normal'><jumpcommit xmlns='urn:mobilua:0' id='…' ok='true'/></message>
//
// ok='true': the sender has the process stored as gone, it goes on at the
// receiver; ok='false': it stays with the sender, the receiver forgets it.
type jumpCommit struct {
	XMLName xml.Name `xml:"urn:mobilua:0 jumpcommit"`
	ID      string   `xml:"id,attr"`
	OK      bool     `xml:"ok,attr"`
}

// jumpAsk is a receiver's question about a jump it holds and has no
// jumpcommit for: <jumpask xmlns='urn:mobilua:0' id='…'/>.
type jumpAsk struct {
	XMLName xml.Name `xml:"urn:mobilua:0 jumpask"`
	ID      string   `xml:"id,attr"`
}

type jumpCancel struct {
	XMLName xml.Name `xml:"urn:mobilua:0 jumpcancel"`
	ID      string   `xml:"id,attr"`
}

type jumpMsg struct {
	stanza.Message
	Chunk  *jumpChunk  `xml:"urn:mobilua:0 jump,omitempty"`
	Ack    *jumpAck    `xml:"urn:mobilua:0 jumpack,omitempty"`
	Cancel *jumpCancel `xml:"urn:mobilua:0 jumpcancel,omitempty"`
	Commit *jumpCommit `xml:"urn:mobilua:0 jumpcommit,omitempty"`
	Ask    *jumpAsk    `xml:"urn:mobilua:0 jumpask,omitempty"`
}

// jumps is the transport's state for jumps: peers, pieces being
// received, senders waiting for acknowledgements. (Which migrations were
// taken in is the host's to know: Host.Received.)
type jumps struct {
	mu       sync.Mutex
	peers    []string // bare JIDs allowed to send and receive processes
	pending  map[host.Migration]*incoming
	arriving int // bytes the pieces in pending carry (decoded)
	waiting  map[string]chan jumpAck
	h        *host.Host
}

type incoming struct {
	record      *jumpRecord
	codec, size string // of the first piece
	kind        string // of the first piece: "" (a jump) or "backup"
	hold        bool   // of the first piece: held until a jumpcommit
	sum         string
	of, got     int         // pieces announced, pieces so far (in order)
	payload     []byte      // what they carry, decoded
	reserved    int         // bytes a bulk piece's data will bring (bulkPiece)
	expire      *time.Timer // forgets them when the next piece is late
}

// SetPeers sets the hosts processes may jump to and from (bare JIDs).
func (t *Transport) SetPeers(peers []string) {
	t.j.mu.Lock()
	defer t.j.mu.Unlock()
	t.j.peers = append([]string(nil), peers...)
}

// Peers names the hosts processes may jump to.
func (t *Transport) Peers() []string {
	t.j.mu.Lock()
	defer t.j.mu.Unlock()
	return append([]string(nil), t.j.peers...)
}

// Jump sends a process to the host to and waits until that host has
// stored it (host.Jumper). With stored (this host storing the process as
// gone meanwhile) a receiver that holds jumps (holds) holds it until a
// jumpcommit says how this host's store ended: the two stores overlap;
// to another, the last piece goes once this host's store is done.
func (t *Transport) Jump(to, id string, rec host.Record, cont []byte, stored <-chan error) (string, error) {
	return t.sendPieces(to, id, "", rec, cont, stored)
}

// Backup sends a copy of a process to the backup host to and waits until
// that host has stored it (host.Backuper): the pieces of a jump, the
// first saying kind='backup', under a fresh ID.
func (t *Transport) Backup(_, to string, rec host.Record, cont []byte) error {
	var idb [12]byte
	rand.Read(idb[:])
	_, err := t.sendPieces(to, hex.EncodeToString(idb[:]), "backup", rec, cont, nil)
	return err
}

// sendPieces sends a process to the host to in pieces, as a jump (kind
// "") or a backup, and waits for the acknowledgement. With stored (not
// nil) the jump is held by a receiver that holds jumps, and confirmed or
// withdrawn (jumpcommit) once stored says how this host's store ended;
// for another the last piece waits for stored.
func (t *Transport) sendPieces(to, id, kind string, rec host.Record, cont []byte, stored <-chan error) (string, error) {
	if !slices.Contains(t.Peers(), to) {
		return "", fmt.Errorf("%s is not a peer of this host", to)
	}
	toJID, err := jid.Parse(to)
	if err != nil {
		return "", err
	}
	if len(cont) > maxContinuation {
		return "", fmt.Errorf("the process is too large to travel (%.1f MiB frozen; at most %.1f MiB)", float64(len(cont))/(1<<20), float64(maxContinuation)/(1<<20))
	}
	sum := sha256.Sum256(cont)
	first := jumpChunk{ID: id, SHA256: hex.EncodeToString(sum[:]), Record: recordOut(rec), Kind: kind}
	payload, codec, size := packPayload(cont)
	first.Codec, first.Size = codec, size
	hold := stored != nil && t.holds(to)
	last := stored // what the last piece waits for
	var committed chan error
	if hold {
		first.Hold, last = "true", nil
		// the sender's word goes as soon as its store is done, not after
		// the acknowledgement: the receiver keeps a word that comes before
		// it holds the process, which then runs as soon as it is stored
		committed = make(chan error, 1)
		go func() {
			err := <-stored
			t.commit(toJID, id, err == nil)
			committed <- err
		}()
	}
	ack, done := t.await(id)
	defer done()
	bulk := t.sendBulk(id, payload)
	a, err := t.deliver(toJID, first, payload, bulk, last, ack)
	if err == nil && !a.OK && bulk != nil && notBulk(a.Reason) {
		// the receiver could not take it by the bulk path: in pieces (from
		// the start again; it took nothing in, and stored was waited for)
		t.logf("jump %s to %s: %s (sent again in pieces)", id, to, a.Reason)
		a, err = t.deliver(toJID, first, payload, nil, nil, ack)
	}
	switch {
	case err != nil:
		return "", err
	case !a.OK:
		return "", errors.New(a.Reason)
	case hold:
		if t.FailPoint != nil {
			t.FailPoint(FailJumpHeld)
		}
		if err := <-committed; err != nil {
			return "", err
		}
	}
	return a.PID, nil
}

// commit settles a jump held by the host to: it goes on there (ok), or
// stays here (jumpCommit).
func (t *Transport) commit(to jid.JID, id string, ok bool) {
	t.sendNormal(to, (&jumpCommit{ID: id, OK: ok}).tokens())
}

// AskJump asks the host from about a jump held here (host.JumpAsker).
func (t *Transport) AskJump(from, id string) error {
	fromJID, err := jid.Parse(from)
	if err != nil {
		return err
	}
	return t.sendNormal(fromJID, (&jumpAsk{ID: id}).tokens())
}

// deliver sends a jump's pieces, the first being first with the data's
// piece: payload in pieces of base64, or one piece with bulk standing for
// it. The last waits for stored (when not nil). It returns the
// acknowledgement, or ErrNoAnswer.
func (t *Transport) deliver(to jid.JID, first jumpChunk, payload []byte, bulk *jumpBulk, stored <-chan error, ack chan jumpAck) (jumpAck, error) {
	var data string
	n := 1
	if bulk == nil {
		data = base64.StdEncoding.EncodeToString(payload)
		n = (len(data) + chunkSize - 1) / chunkSize
	}
	first.Of, first.Bulk = n, bulk
	for i := 0; i < n; i++ {
		c := &jumpChunk{ID: first.ID, Seq: i, Of: n, SHA256: first.SHA256}
		if i == 0 {
			c = &first
		}
		c.Data = data[i*chunkSize : min((i+1)*chunkSize, len(data))]
		if i == n-1 && stored != nil {
			if err := <-stored; err != nil {
				return jumpAck{}, err // (the receiver drops the pieces it has: expire)
			}
		}
		if err := t.sendNormal(to, c.tokens()); err != nil {
			return jumpAck{}, err
		}
	}
	if t.FailPoint != nil {
		t.FailPoint(FailJumpSent)
	}
	a, err := t.wait(ack)
	if err != nil {
		return jumpAck{}, host.ErrNoAnswer
	}
	return a, nil
}

// wait waits for an acknowledgement: host.ErrNoAnswer when none comes in
// time, the session's error when it ends.
func (t *Transport) wait(ack chan jumpAck) (jumpAck, error) {
	select {
	case a := <-ack:
		return a, nil
	case <-time.After(t.timeout()):
		return jumpAck{}, host.ErrNoAnswer
	case <-t.ctx.Done():
		return jumpAck{}, t.ctx.Err()
	}
}

// Cancel settles a jump that got no answer (host.Jumper):
//
//	<message type='normal'><jumpcancel xmlns='urn:mobilua:0' id='…'/></message>
//
// is answered with a jumpack: ok='true' if the receiver had taken the
// process in, ok='false' if not (and then it refuses it from now on).
func (t *Transport) Cancel(to, id string) (bool, error) {
	toJID, err := jid.Parse(to)
	if err != nil {
		return false, err
	}
	ack, done := t.await(id)
	defer done()
	err = t.sendNormal(toJID, (&jumpCancel{ID: id}).tokens())
	if err != nil {
		return false, err
	}
	a, err := t.wait(ack)
	return a.OK, err
}

// await registers for the acknowledgement of id.
func (t *Transport) await(id string) (chan jumpAck, func()) {
	ack := make(chan jumpAck, 1)
	t.j.mu.Lock()
	t.j.waiting[id] = ack
	t.j.mu.Unlock()
	return ack, func() {
		t.j.mu.Lock()
		delete(t.j.waiting, id)
		t.j.mu.Unlock()
	}
}

func (t *Transport) timeout() time.Duration {
	if t.AckTimeout > 0 {
		return t.AckTimeout
	}
	return 30 * time.Second
}

// jumpHandlers are the mux handlers for jump pieces and acknowledgements.
func (t *Transport) jumpHandlers() []mux.Option {
	// on handles the payload local: f is given the message decoded, and
	// from, its sender's bare address
	on := func(local string, f func(m *jumpMsg, from string)) mux.Option {
		return mux.MessageFunc(stanza.NormalMessage, xml.Name{Space: NS, Local: local},
			func(_ stanza.Message, r xmlstream.TokenReadEncoder) error {
				var m jumpMsg
				if err := xml.NewTokenDecoder(r).Decode(&m); err != nil {
					return err
				}
				f(&m, m.From.Bare().String())
				return nil
			})
	}
	return []mux.Option{
		on("jump", func(m *jumpMsg, from string) {
			if m.Chunk != nil {
				t.heardFrom(from)
				t.piece(from, m.Chunk)
			}
		}),
		on("jumpcancel", func(m *jumpMsg, from string) {
			if t.peerHost(from) != nil && m.Cancel != nil {
				t.peerWork(func() { t.cancel(from, m.Cancel.ID) })
			}
		}),
		on("jumpcommit", func(m *jumpMsg, from string) {
			if h := t.peerHost(from); h != nil && m.Commit != nil {
				t.peerWork(func() { h.CommitJump(host.Migration{From: from, ID: m.Commit.ID}, m.Commit.OK) })
			}
		}),
		on("jumpask", func(m *jumpMsg, from string) {
			if h := t.peerHost(from); h != nil && m.Ask != nil {
				to, id := m.From.Bare(), m.Ask.ID
				t.peerWork(func() { t.commit(to, id, h.JumpSent(from, id)) }) // (not in the handler: JumpSent waits for the host)
			}
		}),
		on("jumpack", func(m *jumpMsg, from string) {
			if m.Ack == nil {
				return
			}
			t.heardFrom(from)
			t.j.mu.Lock()
			ch := t.j.waiting[m.Ack.ID]
			t.j.mu.Unlock()
			if ch != nil {
				select {
				case ch <- *m.Ack:
				default:
				}
			}
		}),
	}
}

// cancel settles migration id of the peer from, which gave up waiting
// for its acknowledgement (Cancel): answered with whether it was taken
// in. One from a host that is not a peer is not taken: it cannot have
// sent a jump here, and each cancel is a write of the store.
func (t *Transport) cancel(from, id string) {
	h := t.peerHost(from)
	if h == nil {
		return
	}
	taken, err := h.CancelJump(host.Migration{From: from, ID: id})
	if err != nil {
		return // no answer: the sender asks again later
	}
	reason := "cancelled: it never arrived"
	if taken {
		reason = ""
	}
	t.ack(from, id, taken, reason, "")
}

// peerHost is the host a message from the peer from may reach: nil when
// from is not a peer, or no host is served.
func (t *Transport) peerHost(from string) *host.Host {
	t.j.mu.Lock()
	defer t.j.mu.Unlock()
	if !slices.Contains(t.j.peers, from) {
		return nil
	}
	return t.j.h
}

// piece collects a piece of an incoming process; with the last one the
// process is checked, stored and acknowledged (on another goroutine:
// handlers must not send).
//
// Pieces wait at most the acknowledgement's timeout for the next one (a
// sender gives up then, and sends from the first piece when it tries
// again, which starts the jump over here), and at most maxArriving jumps
// and arrivingLimit bytes wait here at a time.
func (t *Transport) piece(from string, c *jumpChunk) {
	j := &t.j
	j.mu.Lock()
	defer j.mu.Unlock()
	mig := host.Migration{From: from, ID: c.ID}
	refuse := func(reason string) {
		j.drop(mig)
		t.reply(func() { t.ack(from, c.ID, false, reason, "") })
	}
	if !slices.Contains(j.peers, from) {
		refuse(fmt.Sprintf("%s does not take processes from %s", t.s.LocalAddr().Bare(), from))
		return
	}
	in := j.pending[mig]
	if in != nil && c.Seq == 0 {
		j.drop(mig) // sent again from its start
		in = nil
	}
	if in == nil && c.Seq != 0 {
		return // the rest of a jump refused or forgotten here
	}
	if in == nil && j.h != nil && c.Kind == "" {
		// sent again (its acknowledgement was lost): acknowledged again,
		// not taken in twice; sent again without hold, by a sender that
		// has it stored as gone: confirmed
		if pid, ok := j.h.Received(mig); ok {
			h := j.h
			t.peerWork(func() {
				if c.Hold == "" {
					h.CommitJump(mig, true)
				}
				t.ack(from, c.ID, true, "", pid)
			})
			return
		}
	}
	if in == nil {
		switch {
		case c.Of < 1 || c.Of > maxPieces:
			refuse("bad piece count")
			return
		case len(j.pending) >= maxArriving:
			refuse("busy: too many processes arriving at once")
			return
		}
		in = &incoming{sum: c.SHA256, of: c.Of}
		in.expire = time.AfterFunc(t.timeout(), func() {
			j.mu.Lock()
			defer j.mu.Unlock()
			if j.pending[mig] == in {
				j.drop(mig)
			}
		})
		j.pending[mig] = in
	}
	if c.Seq != in.got || c.Of != in.of {
		refuse("bad piece")
		return
	}
	if c.Bulk != nil {
		t.bulkPiece(from, mig, in, c, refuse)
		return
	}
	n := base64.StdEncoding.DecodedLen(len(c.Data))
	if j.arriving+n > arrivingLimit() {
		refuse("busy: too much arriving at once")
		return
	}
	// decoded as it comes: a piece but the last holds a multiple of 4
	// characters, which decode by themselves
	at := len(in.payload)
	in.payload = slices.Grow(in.payload, n)
	m, err := base64.StdEncoding.Decode(in.payload[at:at+n], []byte(c.Data))
	if err != nil {
		refuse(fmt.Sprintf("bad payload: piece %d: %v", c.Seq, err))
		return
	}
	in.payload = in.payload[:at+m]
	j.arriving += m
	in.expire.Reset(t.timeout())
	if c.Record != nil {
		in.record, in.codec, in.size, in.kind, in.hold = c.Record, c.Codec, c.Size, c.Kind, c.Hold == "true"
	}
	if in.got++; in.got < in.of {
		return
	}
	j.drop(mig)
	go t.complete(j.h, from, mig, in)
}

// complete takes in a process whose data has all come (its migration no
// longer pending) and answers its sender: acknowledged as soon as it is
// stored, before it runs here.
func (t *Transport) complete(h *host.Host, from string, mig host.Migration, in *incoming) {
	err := receive(h, mig, in, func(pid string) {
		t.ack(from, mig.ID, true, "", pid)
		if in.hold && t.FailPoint != nil {
			t.FailPoint(FailReceiveAcked)
		}
	})
	if err != nil {
		t.ack(from, mig.ID, false, err.Error(), "")
	}
}

// badBulk begins the reason of a refusal of the bulk path: the sender
// sends the jump again in pieces.
const badBulk = "bad bulk: "

// notBulk says whether a refusal of a jump sent by the bulk path is one
// of the bulk path (badBulk), or one of a host that does not know it (an
// earlier version reads an empty payload): the sender sends it again in
// pieces. Other refusals (limits, a full store) stand.
func notBulk(reason string) bool {
	for _, p := range []string{badBulk, "bad payload", "payload damaged in transit"} {
		if strings.HasPrefix(reason, p) {
			return true
		}
	}
	return false
}

// bulkPiece takes a jump's one piece that stands for its data (bulk.go):
// its size is reserved among the bytes arriving here while the data is
// fetched, and the migration stays pending (a piece sent again from its
// start drops it, and what was fetched for it is let go).
func (t *Transport) bulkPiece(from string, mig host.Migration, in *incoming, c *jumpChunk, refuse func(string)) {
	j := &t.j
	switch err := checkBulk(c.Bulk); {
	case c.Of != 1 || c.Data != "":
		refuse("bad piece: a bulk jump is one piece without data")
		return
	case err != nil:
		refuse(badBulk + err.Error())
		return
	case j.arriving+c.Bulk.Size > arrivingLimit():
		refuse("busy: too much arriving at once")
		return
	}
	in.record, in.codec, in.size, in.kind, in.hold = c.Record, c.Codec, c.Size, c.Kind, c.Hold == "true"
	in.reserved = c.Bulk.Size
	j.arriving += in.reserved
	in.expire.Stop() // the fetch has its own timeout
	b, h := *c.Bulk, j.h
	go func() {
		payload, err := t.fetch(&b)
		j.mu.Lock()
		if j.pending[mig] != in { // sent again meanwhile, or refused
			j.mu.Unlock()
			return
		}
		j.drop(mig)
		j.mu.Unlock()
		if err != nil {
			t.ack(from, mig.ID, false, badBulk+err.Error(), "")
			return
		}
		in.payload = payload
		t.complete(h, from, mig, in)
	}()
}

// maxArriving is the most jumps (and backups) whose pieces wait here at
// a time.
const maxArriving = 16

// arrivingLimit is the most bytes that the pieces waiting here carry:
// two of the largest continuations.
func arrivingLimit() int { return 2 * maxContinuation }

// drop forgets the pieces of mig that came so far. j.mu is held.
func (j *jumps) drop(mig host.Migration) {
	in := j.pending[mig]
	if in == nil {
		return
	}
	in.expire.Stop()
	j.arriving -= len(in.payload) + in.reserved
	delete(j.pending, mig)
}

// receive takes in a process whose pieces have all come: a jump, or a
// backup to keep.
func receive(h *host.Host, mig host.Migration, in *incoming, stored func(pid string)) error {
	if h == nil {
		return errors.New("no host here")
	}
	cont, err := unpackPayload(in.payload, in.codec, in.size)
	if err != nil {
		return err
	}
	if sum := sha256.Sum256(cont); hex.EncodeToString(sum[:]) != in.sum {
		return errors.New("payload damaged in transit (sha256)")
	}
	// the host keeps it as it came, packed or not (a packed one is a
	// tenth or less of the bytes to store), and thaws it unpacked
	unpacked := cont
	cont = in.payload
	if in.record == nil {
		return errors.New("bad record: none came")
	}
	rec, err := in.record.record()
	if err != nil {
		return err
	}
	if in.kind == "backup" {
		if err := h.KeepBackup(mig.From, rec, cont); err != nil {
			return err
		}
		stored("")
		return nil
	}
	if in.hold {
		return h.ReceiveHeld(mig, rec, cont, unpacked, stored)
	}
	return h.Receive(mig, rec, cont, unpacked, stored)
}

func (t *Transport) ack(to, id string, ok bool, reason, pid string) {
	toJID, err := jid.Parse(to)
	if err != nil {
		return
	}
	t.sendNormal(toJID, (&jumpAck{ID: id, OK: ok, Reason: reason, PID: pid}).tokens())
}
