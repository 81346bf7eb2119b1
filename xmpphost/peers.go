package xmpphost

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"mellium.im/xmpp/disco"
	"mellium.im/xmpp/disco/info"
	"mellium.im/xmpp/jid"
	"mellium.im/xmpp/ping"
	"mellium.im/xmpp/stanza"
)

// peerEvery is how often a host pings its peers, in nanoseconds (tests
// change it while other tests' hosts may still run).
var peerEvery atomic.Int64

// peerRetry is how soon a peer not found online is pinged again at
// first, in nanoseconds (tests change it).
var peerRetry atomic.Int64

func init() {
	peerEvery.Store(int64(30 * time.Second))
	peerRetry.Store(int64(500 * time.Millisecond))
}

// PeerStates says what the last ping of each peer found: "online (RTT)",
// "no answer" or why not (host.PeerWatcher; pages show it).
func (t *Transport) PeerStates() map[string]string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return maps.Clone(t.peerState)
}

// watchPeers pings every peer's host (an account's host resource, or a
// component's domain) at once and every peerEvery, until done is closed;
// while one is not online, again after half a second, then twice as long
// each time up to a sixth of peerEvery (hosts start in any order: a peer
// that starts a moment later is seen online a moment later), and at once
// when one not online is heard from (heardFrom).
func (t *Transport) watchPeers(done <-chan struct{}) {
	retry := time.Duration(peerRetry.Load())
	for {
		states := map[string]string{}
		every := time.Duration(peerEvery.Load())
		for _, p := range t.pinged() {
			if states[p], _ = t.pingPeer(p); !strings.HasPrefix(states[p], "online") {
				every = min(retry, time.Duration(peerEvery.Load())/6)
			}
		}
		if every < time.Duration(peerEvery.Load()) {
			retry *= 2
		} else {
			retry = time.Duration(peerRetry.Load())
		}
		t.mu.Lock()
		t.peerState = states
		for p, st := range states {
			if !strings.HasPrefix(st, "online") {
				delete(t.peerHolds, p)
			}
		}
		t.mu.Unlock()
		select {
		case <-done:
			return
		case <-time.After(every):
		case <-t.dir.kick:
		}
	}
}

// heardFrom is told of a stanza of the jump protocol from the host peer
// (bare JID): if it is a peer and the last ping did not find it online,
// the peers are pinged again now (a page read just after a jump to a peer
// that logged in after this host said "offline" for seconds).
func (t *Transport) heardFrom(peer string) {
	if !slices.Contains(t.Peers(), peer) {
		return // (strangers do not make this host ping)
	}
	t.mu.Lock()
	online := strings.HasPrefix(t.peerState[peer], "online")
	t.mu.Unlock()
	if !online {
		select {
		case t.dir.kick <- struct{}{}:
		default:
		}
	}
}

// pinged is who watchPeers pings: the peers and the hosts the directory
// lists, not this host.
func (t *Transport) pinged() []string {
	all := append(t.Peers(), t.directoryJIDs()...)
	slices.Sort(all)
	t.dir.mu.Lock()
	self := t.dir.self
	t.dir.mu.Unlock()
	return slices.DeleteFunc(slices.Compact(all), func(p string) bool { return p == self })
}

// hostAddr is the address of a peer's host: an account's host resource,
// or a component's domain.
func hostAddr(peer string) (jid.JID, error) {
	if strings.Contains(peer, "@") {
		peer += "/" + HostResource // the account's bare address: the server would answer for it
	}
	return jid.Parse(peer)
}

// holds says whether the peer's host holds a jump until its sender
// confirms it (it lists nsHold in its disco#info): asked once, and again
// after the peer was seen not online (it may have come back another
// version). A host that does not say so, or does not answer, is sent
// jumps the way of earlier versions (the last piece after the store).
func (t *Transport) holds(peer string) bool {
	t.mu.Lock()
	h, known := t.peerHolds[peer]
	t.mu.Unlock()
	if known {
		return h
	}
	to, err := hostAddr(peer)
	if err != nil {
		return false
	}
	ctx, cancel := context.WithTimeout(t.ctx, 5*time.Second)
	defer cancel()
	got, err := disco.GetInfo(ctx, "", to, t.s)
	if err != nil {
		return false
	}
	h = slices.ContainsFunc(got.Features, func(f info.Feature) bool { return f.Var == nsHold })
	t.mu.Lock()
	t.peerHolds[peer] = h
	t.mu.Unlock()
	return h
}

// pingPeer pings one peer's host (XEP-0199) and says how that went, and
// the round trip when it answered.
func (t *Transport) pingPeer(peer string) (string, time.Duration) {
	to, err := hostAddr(peer)
	if err != nil {
		return "bad address", 0
	}
	ctx, cancel := context.WithTimeout(t.ctx, 5*time.Second)
	defer cancel()
	start := time.Now()
	err = t.s.UnmarshalIQ(ctx, ping.IQ{IQ: stanza.IQ{Type: stanza.GetIQ, To: to}}.TokenReader(), nil)
	switch rtt := time.Since(start); {
	case err == nil:
		return fmt.Sprintf("online (%s)", rtt.Round(100*time.Microsecond)), rtt
	case ctx.Err() != nil:
		return "no answer", 0
	}
	return "offline", 0
}
