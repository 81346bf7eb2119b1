package host

import (
	"fmt"
	"strings"
	"time"
)

// Everything the host sends a user goes through one queue per user (an
// outbox), in the order it happened, and one goroutine (sender) hands
// the queues to the transport, outside h.mu:
//
//   - a process's output gathers in one open note, sent once it has
//     waited OutputEvery, or as soon as anything else is queued for that
//     user after it, or the process stops or waits;
//   - a command's reply has its place from the moment the command is
//     read (Handle holds it), so that what the command sets off (a
//     process's first prints, its end) comes after the reply;
//   - a user's queue holds at most maxOutbox bytes; what comes past it
//     is dropped, and the user is told how much.

// maxOutbox is the most bytes waiting in one user's outbox.
const maxOutbox = 1 << 20

// noteCost is what a note counts in an outbox besides its text.
const noteCost = 64

// note is one chat message to come.
type note struct {
	to   string // the full address (the resource that wrote), or the bare one
	as   string // sent as this process (ProcessSender), or "" as the host
	text string
	pr   *proc     // an output note still gathering pr's output (pr.open)
	at   time.Time // when an output note was opened
	hold bool      // a command's reply to come: what is after it waits
}

// outbox is one user's queue.
type outbox struct {
	notes []*note
	// open is the output note still gathering, if any: there is one at
	// most, for a note posted after it seals it
	open    *note
	size    int    // bytes queued
	dropped int    // messages dropped since the user was last told
	to      string // where the last message went (the note of the dropped ones goes there)
}

// droppedNote tells the user how many messages were dropped, if any.
func (ob *outbox) droppedNote() *note {
	if ob.dropped == 0 {
		return nil
	}
	n := &note{to: ob.to, text: fmt.Sprintf("[%d messages to you were dropped: more than %d KiB waited to be sent]", ob.dropped, maxOutbox>>10)}
	ob.dropped = 0
	return n
}

// bare is an address without its resource.
func bare(addr string) string {
	b, _, _ := strings.Cut(addr, "/")
	return b
}

// post puts n at the end of its user's outbox, after sealing that
// user's open output note (what is queued later is sent later); an
// output note is the open one then. h.mu is held.
func (h *Host) post(n *note) bool {
	user := bare(n.to)
	ob := h.outboxes[user]
	if ob == nil {
		ob = &outbox{}
		h.outboxes[user] = ob
	}
	if ob.open != nil {
		h.seal(ob.open)
		ob.open = nil
	}
	cost := len(n.text) + noteCost
	ob.to = n.to
	if ob.size+cost > maxOutbox && !n.hold || h.senderGone {
		ob.dropped++
		return false
	}
	if d := ob.droppedNote(); d != nil {
		ob.notes = append(ob.notes, d)
		ob.size += len(d.text) + noteCost
	}
	ob.notes = append(ob.notes, n)
	ob.size += cost
	if n.pr != nil {
		ob.open = n
	}
	h.wakeSender()
	return true
}

// say queues a message from the host to an address. h.mu is held.
func (h *Host) say(to, text string) { h.post(&note{to: to, text: h.cut(text)}) }

// tell queues a message from the host about pr to pr's user. h.mu is held.
func (h *Host) tell(pr *proc, text string) { h.say(h.dest(pr), text) }

// tellAs queues a message to pr's user sent as pr (from its own address
// when the transport has them). h.mu is held.
func (h *Host) tellAs(pr *proc, text string) {
	h.post(&note{to: h.dest(pr), as: pr.rec.PID, text: h.cut(text)})
}

// dest is where messages about pr go: the resource that started it, else
// its owner's most recent one, else the owner's bare address.
func (h *Host) dest(pr *proc) string {
	if pr.rec.Client != "" {
		return pr.rec.Client
	}
	if r := h.resources[pr.rec.Owner]; r != "" {
		return r
	}
	return pr.rec.Owner
}

// output adds what pr printed to its open output note (opening one at
// the end of its user's outbox), at most MaxReply bytes a note; what does
// not fit is counted and noted. h.mu is held.
func (h *Host) output(pr *proc, b []byte) {
	if pr.open == nil {
		n := &note{to: h.dest(pr), as: pr.rec.PID, pr: pr, at: time.Now()}
		if !h.post(n) {
			return
		}
		pr.open = n
	}
	pr.addOutput(b, h.cfg.MaxReply)
}

// addOutput adds b to pr's output to send, up to limit bytes; the rest is
// counted in pr.dropped.
func (pr *proc) addOutput(b []byte, limit int) {
	k := min(max(limit-pr.out.Len(), 0), len(b))
	pr.out.Write(b[:k])
	pr.dropped += len(b) - k
}

// seal closes an output note: its text is what its process printed so
// far; what it prints next opens a new note. h.mu is held.
func (h *Host) seal(n *note) {
	pr := n.pr
	if pr == nil || pr.open != n {
		return
	}
	text := strings.TrimSuffix(pr.out.String(), "\n")
	if pr.dropped > 0 {
		text += fmt.Sprintf("\n[... %d more bytes; `output %s` shows the last %d]", pr.dropped, pr.rec.PID, h.cfg.MaxOutput)
	}
	n.text, n.pr, pr.open = text, nil, nil
	pr.out.Reset()
	pr.dropped = 0
	h.outboxes[bare(n.to)].size += len(text)
}

// flushOutput seals pr's open output note, for it stops or waits. h.mu is
// held.
func (h *Host) flushOutput(pr *proc) {
	if pr.open != nil {
		h.seal(pr.open)
	}
}

// hold queues the place of a command's reply to addr; fill gives it. h.mu
// is held.
func (h *Host) hold(addr string) *note {
	n := &note{to: addr, hold: true}
	h.post(n)
	return n
}

// fill gives a held reply its text ("": none). h.mu is held.
func (h *Host) fill(n *note, text string) {
	n.text, n.hold = h.cut(text), false
	if ob := h.outboxes[bare(n.to)]; ob != nil {
		ob.size += len(n.text)
	}
	h.wakeSender()
}

func (h *Host) wakeSender() {
	select {
	case h.kick <- struct{}{}:
	default:
	}
}

// due takes the notes that may be sent now from the head of every
// outbox, and says how long until the next open note is due (-1: none).
// h.mu is held.
func (h *Host) due(now time.Time) (out []*note, wait time.Duration) {
	wait = -1
	for user, ob := range h.outboxes {
		i := 0
		for ; i < len(ob.notes); i++ {
			n := ob.notes[i]
			if n.hold {
				break
			}
			if n.pr != nil {
				due := h.cfg.OutputEvery - now.Sub(n.at)
				if due > 0 && !h.closing {
					if wait < 0 || due < wait {
						wait = due
					}
					break
				}
				h.seal(n)
			}
			ob.size -= len(n.text) + noteCost
			if n.text != "" {
				out = append(out, n)
			}
		}
		ob.notes = ob.notes[i:]
		if len(ob.notes) == 0 {
			if d := ob.droppedNote(); d != nil {
				out = append(out, d)
			}
			delete(h.outboxes, user)
		}
	}
	return out, wait
}

// sender sends the outboxes' notes as they become ready, until the host
// closes and they are empty.
func (h *Host) sender() {
	defer close(h.senderDone)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		h.mu.Lock()
		out, wait := h.due(time.Now())
		done := h.closing && len(h.outboxes) == 0
		if done {
			h.senderGone = true
		}
		h.mu.Unlock()
		for _, n := range out {
			h.send(n)
		}
		switch {
		case done:
			return
		case len(out) > 0:
			continue
		case wait < 0:
			wait = time.Hour
		}
		timer.Reset(wait)
		select {
		case <-h.kick:
		case <-timer.C:
		}
	}
}

// send gives a note to the transport.
func (h *Host) send(n *note) {
	if ps, ok := h.tr.(ProcessSender); ok && n.as != "" {
		ps.SendAs(n.as, n.to, n.text)
		return
	}
	h.tr.Send(n.to, n.text)
}
