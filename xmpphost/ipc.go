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
	if !slices.Contains(t.Peers(), hostJID) {
		return fmt.Errorf("%s is not a peer of this host", hostJID)
	}
	to, err := jid.Parse(hostJID)
	if err != nil {
		return err
	}
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var idb [12]byte
	rand.Read(idb[:])
	id := hex.EncodeToString(idb[:])
	ack, done := t.await(id)
	defer done()
	err = t.sendNormal(to, (&ipc{ID: id, To: pid, From: from.Addr, Owner: from.Owner, Data: string(data)}).tokens())
	if err != nil {
		return err
	}
	err = t.answer(ack)
	if errors.Is(err, host.ErrNoAnswer) {
		return fmt.Errorf("%s did not answer in time", hostJID)
	}
	return err
}

func (t *Transport) ipcHandler() mux.Option {
	return mux.MessageFunc(stanza.NormalMessage, xml.Name{Space: NS, Local: "ipc"},
		func(_ stanza.Message, r xmlstream.TokenReadEncoder) error {
			var m ipcMsg
			if err := xml.NewTokenDecoder(r).Decode(&m); err != nil || m.IPC == nil {
				return err
			}
			from, in := m.From.Bare().String(), m.IPC
			t.j.mu.Lock()
			ok, h := slices.Contains(t.j.peers, from), t.j.h
			t.j.mu.Unlock()
			go func() {
				if !ok || h == nil {
					t.ack(from, in.ID, false, fmt.Sprintf("%s does not take messages from %s", t.s.LocalAddr().Bare(), from), "")
					return
				}
				var v host.Plain
				if err := json.Unmarshal([]byte(in.Data), &v); err != nil {
					t.ack(from, in.ID, false, "bad message: "+err.Error(), "")
					return
				}
				owner := in.Owner
				if owner == "" { // a peer that does not say: a stranger
					owner = in.From
				}
				if err := h.Deliver(host.Sender{Addr: in.From, Owner: owner}, in.To, v); err != nil {
					t.ack(from, in.ID, false, err.Error(), "")
					return
				}
				t.ack(from, in.ID, true, "", "")
			}()
			return nil
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
	if !slices.Contains(t.Peers(), hostJID) {
		return host.RefusedResult(fmt.Sprintf("%s is not a peer of this host", hostJID))
	}
	to, err := jid.Parse(hostJID)
	if err != nil {
		return host.RefusedResult(err.Error())
	}
	data, err := json.Marshal(res)
	if err != nil {
		return err
	}
	var idb [12]byte
	rand.Read(idb[:])
	id := hex.EncodeToString(idb[:])
	ack, done := t.await(id)
	defer done()
	if err := t.sendNormal(to, (&result{ID: id, To: pid, Part: part, Owner: owner, Data: string(data)}).tokens()); err != nil {
		return err
	}
	a, err := t.wait(ack)
	switch {
	case err != nil:
		return host.ErrNoAnswer
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
			from, in := m.From.Bare().String(), m.Result
			t.j.mu.Lock()
			ok, h := slices.Contains(t.j.peers, from), t.j.h
			t.j.mu.Unlock()
			go func() {
				if !ok || h == nil {
					t.ack(from, in.ID, false, fmt.Sprintf("%s does not take results from %s", t.s.LocalAddr().Bare(), from), "")
					return
				}
				var res host.PartResult
				if err := json.Unmarshal([]byte(in.Data), &res); err != nil {
					t.ack(from, in.ID, false, "bad result: "+err.Error(), "")
					return
				}
				if err := h.TakeResult(in.Owner, in.To, in.Part, res); err != nil {
					if host.Refused(err) {
						t.ack(from, in.ID, false, err.Error(), "")
					} // else the sender asks again
					return
				}
				t.ack(from, in.ID, true, "", "")
			}()
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
// (host.Backuper).
func (t *Transport) BackupOp(_, to, op, pid, owner, arg string) (string, error) {
	if !slices.Contains(t.Peers(), to) {
		return "", fmt.Errorf("%s is not a peer of this host", to)
	}
	toJID, err := jid.Parse(to)
	if err != nil {
		return "", err
	}
	var idb [12]byte
	rand.Read(idb[:])
	id := hex.EncodeToString(idb[:])
	ack, done := t.await(id)
	defer done()
	if err := t.sendNormal(toJID, (&backupOp{ID: id, Op: op, PID: pid, Owner: owner, Arg: arg}).tokens()); err != nil {
		return "", err
	}
	// a user waits for a check: a host that answers does so at once
	var a jumpAck
	select {
	case a = <-ack:
	case <-time.After(min(t.timeout(), backupOpTimeout)):
		return "", host.ErrNoAnswer
	case <-t.ctx.Done():
		return "", host.ErrNoAnswer
	}
	switch {
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
			t.j.mu.Lock()
			ok, h := slices.Contains(t.j.peers, from), t.j.h
			t.j.mu.Unlock()
			go func() {
				if !ok || h == nil {
					t.ack(from, in.ID, false, fmt.Sprintf("%s does not keep backups for %s", t.s.LocalAddr().Bare(), from), "")
					return
				}
				answer, err := h.BackupOp(from, in.Op, in.PID, in.Owner, in.Arg)
				if err != nil {
					t.ack(from, in.ID, false, err.Error(), "")
					return
				}
				t.ack(from, in.ID, true, answer, "")
			}()
			return nil
		})
}
