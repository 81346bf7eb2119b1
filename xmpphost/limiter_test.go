package xmpphost

import (
	"context"
	"fmt"
	goruntime "runtime"
	"sync"
	"testing"
	"time"

	"mellium.im/xmpp/ping"
	"mellium.im/xmpp/stanza"
)

// TestStanzaFlood: a stranger floods a host that cannot send (its
// sending lock held, as when the server reads slowly) with what each
// takes a goroutine to answer — jump pieces it refuses (it is not a
// peer), subscription requests, chat past the user's queue — and the
// host's goroutines grow by about the limiters' bounds, not by the
// stanzas. Once it can send again, it answers.
func TestStanzaFlood(t *testing.T) {
	env := startProsody(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	tr, _ := xmppHost(t, ctx, env, "1")
	user := newUser(t, ctx, env, "3")
	hostJID, full := env["XMPP_JID1"], tr.s.LocalAddr()
	user.Send(hostJID, "step print(6 * 7)")
	user.waitFor(t, "42")

	base := goruntime.NumGoroutine()
	tr.mu.Lock()
	locked := true
	defer func() {
		if locked {
			tr.mu.Unlock()
		}
	}()
	const n = 400
	for i := 0; i < n; i++ {
		user.sendNormal(full, (&jumpChunk{ID: fmt.Sprint("flood", i), Of: 1}).tokens())
		user.presence(full.Bare(), full, stanza.SubscribePresence, "")
		user.Send(hostJID, "help")
	}
	// the host reads its stanzas in order: answered (by the session, not
	// through the lock held), the ping says it has read the flood
	if err := ping.Send(ctx, user.s, full); err != nil {
		t.Fatal(err)
	}
	if grew := goruntime.NumGoroutine() - base; grew > maxReplies+32 {
		t.Errorf("the flood of %d stanzas of three kinds took %d goroutines", n, grew)
	}
	tr.mu.Unlock()
	locked = false
	user.Send(hostJID, "step print(6 * 9)")
	user.waitFor(t, "54")
}

// TestChatQueues: each user's messages are served in order on a
// goroutine that ends when none wait; more than chatWaiting waiting of
// one user, or maxChatters users served at once, are refused.
func TestChatQueues(t *testing.T) {
	release := make(chan struct{})
	var mu sync.Mutex
	served := map[string][]string{}
	c := &chatQueues{queues: map[string]chan chat{}, serve: func(m chat) {
		<-release
		mu.Lock()
		served[m.from] = append(served[m.from], m.body)
		mu.Unlock()
	}}
	accepted := 0
	for u := 0; u < maxChatters+100; u++ {
		if c.add(fmt.Sprint("u", u), chat{from: fmt.Sprint("u", u), body: "0"}) {
			accepted++
		}
	}
	if accepted != maxChatters {
		t.Errorf("%d users' messages taken at once, want %d", accepted, maxChatters)
	}
	// u0's first message is being served (blocked) or waits: chatWaiting
	// more fit, at most
	more := 0
	for i := 1; i <= chatWaiting+1; i++ {
		if c.add("u0", chat{from: "u0", body: fmt.Sprint(i)}) {
			more++
		}
	}
	if more < chatWaiting-1 || more > chatWaiting {
		t.Errorf("u0 got %d more messages queued, want %d or %d", more, chatWaiting-1, chatWaiting)
	}
	close(release)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		c.mu.Lock()
		left := len(c.queues)
		c.mu.Unlock()
		if left == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d users' goroutines still there once all was served", left)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(served) != maxChatters || len(served["u0"]) != 1+more {
		t.Fatalf("served %d users, u0 %d messages", len(served), len(served["u0"]))
	}
	for i, b := range served["u0"] {
		if b != fmt.Sprint(i) {
			t.Fatalf("u0's messages served out of order: %q", served["u0"])
		}
	}
	// a user comes again: served by a new goroutine
	done := make(chan struct{})
	c.serve = func(chat) { close(done) }
	if !c.add("u0", chat{from: "u0", body: "again"}) {
		t.Fatal("a user's message refused once the queues are empty")
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("a returning user's message is not served")
	}
}

// TestWorkQueue: peers' requests run most at a time, the rest wait and
// run in the order they came, and past the waiting room one is refused.
func TestWorkQueue(t *testing.T) {
	for _, most := range []int{1, 3} {
		var q workQueue
		const waiting = 5
		release := make(chan struct{})
		var mu sync.Mutex
		var order []int
		running, peak := 0, 0
		for i := 0; i < most+waiting; i++ {
			ok := q.run(most, waiting, func() {
				mu.Lock()
				running++
				peak = max(peak, running)
				order = append(order, i)
				mu.Unlock()
				<-release
				mu.Lock()
				running--
				mu.Unlock()
			})
			if !ok {
				t.Fatalf("request %d refused", i)
			}
		}
		if q.run(most, waiting, func() {}) {
			t.Errorf("a request taken past %d running and %d waiting", most, waiting)
		}
		close(release)
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
			q.mu.Lock()
			idle := q.running == 0
			q.mu.Unlock()
			if idle {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the queue's goroutines do not end")
			}
		}
		mu.Lock()
		if peak > most || len(order) != most+waiting {
			t.Fatalf("%d ran at once (at most %d), %d ran", peak, most, len(order))
		}
		for i, got := range order {
			if most == 1 && got != i {
				t.Fatalf("one at a time, they ran in the order %v", order)
			}
		}
		mu.Unlock()
	}
}
