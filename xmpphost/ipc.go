package xmpphost

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"slices"
	"time"

	"mellium.im/xmlstream"
	"mellium.im/xmpp/jid"
	"mellium.im/xmpp/mux"
	"mellium.im/xmpp/stanza"

	"github.com/mobilua/mobilua/host"
)

// ipc is a message from a process to a process on another host
// (mb.send("lua2@b.example/p7", v)):
//
//	<message type='normal'><ipc xmlns='urn:mobilua:0' id='…' to='p7'
//	   from='lua1@a.example/p3' owner='alice@a.example'>JSON</ipc></message>
//
// owner is whom the sending process acts for: the receiving process
// takes messages from other owners' processes only if it accepts them.
//
// answered, once stored, by a <jumpack id='…' ok='true'/> as jumps are.
type ipc struct {
	XMLName xml.Name `xml:"urn:mobilua:0 ipc"`
	ID      string   `xml:"id,attr"`
	To      string   `xml:"to,attr"`
	From    string   `xml:"from,attr"`
	Owner   string   `xml:"owner,attr,omitempty"`
	Data    string   `xml:",chardata"`
}

type ipcMsg struct {
	stanza.Message
	IPC *ipc `xml:"urn:mobilua:0 ipc"`
}

// Message sends v to process pid on the host hostJID and waits until that
// host has stored it (host.Messenger).
func (t *Transport) Message(hostJID, pid string, from host.Sender, v host.Plain) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	a, err := t.request(hostJID, t.timeout(), func(id string) xml.TokenReader {
		return (&ipc{ID: id, To: pid, From: from.Addr, Owner: from.Owner, Data: string(data)}).tokens()
	})
	switch {
	case errors.Is(err, host.ErrNoAnswer):
		return fmt.Errorf("%s did not answer in time", hostJID)
	case err != nil:
		return err
	case !a.OK:
		return errors.New(a.Reason)
	}
	return nil
}

func (t *Transport) ipcHandler() mux.Option {
	return mux.MessageFunc(stanza.NormalMessage, xml.Name{Space: NS, Local: "ipc"},
		func(_ stanza.Message, r xmlstream.TokenReadEncoder) error {
			var m ipcMsg
			if err := xml.NewTokenDecoder(r).Decode(&m); err != nil || m.IPC == nil {
				return err
			}
			in := m.IPC
			t.fromPeer(m.From.Bare().String(), in.ID, "messages", func(h *host.Host) (string, error) {
				var v host.Plain
				if err := json.Unmarshal([]byte(in.Data), &v); err != nil {
					return "", fmt.Errorf("bad message: %v", err)
				}
				owner := in.Owner
				if owner == "" { // a peer that does not say: a stranger
					owner = in.From
				}
				return "", h.Deliver(host.Sender{Addr: in.From, Owner: owner}, in.To, v)
			})
			return nil
		})
}

// errNotPeer: a request to a host that is not a peer of this one.
var errNotPeer = errors.New("not a peer of this host")

// request sends a payload, made with a fresh ID, to the peer host hostJID
// and waits up to d for its acknowledgement (host.ErrNoAnswer when none
// comes).
func (t *Transport) request(hostJID string, d time.Duration, payload func(id string) xml.TokenReader) (jumpAck, error) {
	if !slices.Contains(t.Peers(), hostJID) {
		return jumpAck{}, fmt.Errorf("%s is %w", hostJID, errNotPeer)
	}
	to, err := jid.Parse(hostJID)
	if err != nil {
		return jumpAck{}, err
	}
	var idb [12]byte
	rand.Read(idb[:])
	id := hex.EncodeToString(idb[:])
	ack, done := t.await(id)
	defer done()
	if err := t.sendNormal(to, payload(id)); err != nil {
		return jumpAck{}, err
	}
	select {
	case a := <-ack:
		return a, nil
	case <-time.After(d):
	case <-t.ctx.Done():
	}
	return jumpAck{}, host.ErrNoAnswer
}

// errAskAgain: a request not to acknowledge (the sender asks again).
var errAskAgain = errors.New("ask again")

// fromPeer serves a request id of the host from on its own goroutine
// (handlers must not send; peerWork: none when too many run, and the
// peer asks again) with serve, and acknowledges it: ok with
// serve's answer as the reason, or not with its error (none for
// errAskAgain). A host that is not a peer is refused ("… does not take
// what from …").
func (t *Transport) fromPeer(from, id, what string, serve func(h *host.Host) (string, error)) {
	t.j.mu.Lock()
	ok, h := slices.Contains(t.j.peers, from), t.j.h
	t.j.mu.Unlock()
	if !ok || h == nil {
		t.reply(func() {
			t.ack(from, id, false, fmt.Sprintf("%s does not take %s from %s", t.s.LocalAddr().Bare(), what, from), "")
		})
		return
	}
	t.peerWork(func() {
		answer, err := serve(h)
		switch {
		case errors.Is(err, errAskAgain):
		case err != nil:
			t.ack(from, id, false, err.Error(), "")
		default:
			t.ack(from, id, true, answer, "")
		}
	})
}

// result is the result of a part (mb.spawn, mb.map) for its parent on
// another host:
//
//	<message type='normal'><result xmlns='urn:mobilua:0' id='…' to='p7'
//	   part='…' owner='alice@a.example'>JSON</result></message>
//
// answered, once stored, by a <jumpack id='…' ok='true'/>; ok='false'
// with a reason is a refusal that sending again does not change.
type result struct {
	XMLName xml.Name `xml:"urn:mobilua:0 result"`
	ID      string   `xml:"id,attr"`
	To      string   `xml:"to,attr"`
	Part    string   `xml:"part,attr"`
	Owner   string   `xml:"owner,attr"`
	Data    string   `xml:",chardata"`
}

type resultMsg struct {
	stanza.Message
	Result *result `xml:"urn:mobilua:0 result"`
}

// Result sends the result of part of process pid on the host hostJID and
// waits until that host has stored it (host.Resulter).
func (t *Transport) Result(hostJID, pid, owner, part string, res host.PartResult) error {
	data, err := json.Marshal(res)
	if err != nil {
		return err
	}
	a, err := t.request(hostJID, t.timeout(), func(id string) xml.TokenReader {
		return (&result{ID: id, To: pid, Part: part, Owner: owner, Data: string(data)}).tokens()
	})
	switch {
	case errors.Is(err, errNotPeer):
		return host.RefusedResult(err.Error())
	case err != nil:
		return err
	case !a.OK:
		return host.RefusedResult(a.Reason)
	}
	return nil
}

func (t *Transport) resultHandler() mux.Option {
	return mux.MessageFunc(stanza.NormalMessage, xml.Name{Space: NS, Local: "result"},
		func(_ stanza.Message, r xmlstream.TokenReadEncoder) error {
			var m resultMsg
			if err := xml.NewTokenDecoder(r).Decode(&m); err != nil || m.Result == nil {
				return err
			}
			in := m.Result
			t.fromPeer(m.From.Bare().String(), in.ID, "results", func(h *host.Host) (string, error) {
				var res host.PartResult
				if err := json.Unmarshal([]byte(in.Data), &res); err != nil {
					return "", fmt.Errorf("bad result: %v", err)
				}
				err := h.TakeResult(in.Owner, in.To, in.Part, res)
				if err != nil && !host.Refused(err) {
					return "", errAskAgain
				}
				return "", err
			})
			return nil
		})
}

// backupOpTimeout is how long a backup operation waits for its answer.
const backupOpTimeout = 5 * time.Second

// backupOp is a question or notice about a backup between a host and its
// backup host (host.Backuper.BackupOp):
//
//	<message type='normal'><backup xmlns='urn:mobilua:0' id='…' op='check'
//	   pid='p4' owner='alice@a.example' arg='…'/></message>
//
// answered by a <jumpack id='…' ok='true' reason='ANSWER'/> (check:
// live, ended or gone), or ok='false' with why.
type backupOp struct {
	XMLName xml.Name `xml:"urn:mobilua:0 backup"`
	ID      string   `xml:"id,attr"`
	Op      string   `xml:"op,attr"`
	PID     string   `xml:"pid,attr"`
	Owner   string   `xml:"owner,attr"`
	Arg     string   `xml:"arg,attr,omitempty"`
}

type backupMsg struct {
	stanza.Message
	Op *backupOp `xml:"urn:mobilua:0 backup"`
}

// BackupOp asks the host to about a backup and waits for its answer
// (host.Backuper): a user may be waiting, and a host that answers does
// so at once.
func (t *Transport) BackupOp(_, to, op, pid, owner, arg string) (string, error) {
	a, err := t.request(to, min(t.timeout(), backupOpTimeout), func(id string) xml.TokenReader {
		return (&backupOp{ID: id, Op: op, PID: pid, Owner: owner, Arg: arg}).tokens()
	})
	switch {
	case err != nil:
		return "", err
	case !a.OK:
		return "", errors.New(a.Reason)
	}
	return a.Reason, nil
}

func (t *Transport) backupHandler() mux.Option {
	return mux.MessageFunc(stanza.NormalMessage, xml.Name{Space: NS, Local: "backup"},
		func(_ stanza.Message, r xmlstream.TokenReadEncoder) error {
			var m backupMsg
			if err := xml.NewTokenDecoder(r).Decode(&m); err != nil || m.Op == nil {
				return err
			}
			from, in := m.From.Bare().String(), m.Op
			t.fromPeer(from, in.ID, "backups", func(h *host.Host) (string, error) {
				return h.BackupOp(from, in.Op, in.PID, in.Owner, in.Arg)
			})
			return nil
		})
}
