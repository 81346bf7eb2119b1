package xmpphost

import "sync"

// What a stanza makes the host do off the session's reader runs on a
// goroutine of its own, and a flood of stanzas must not make as many:
// each kind of work has a bound, and a stanza that comes past it is
// dropped. An answer to anyone (a subscription's approval, a refusal,
// "too many messages") is only an answer; a peer's requests (a jump's
// control messages, messages, results, backups) wait in a queue, which
// a burst of a map's results fits, and a peer asks again when no answer
// comes.
const (
	maxReplies     = 64   // answers to any address (replies)
	maxPeerWork    = 64   // peers' requests served at once (peerWork)
	maxPeerWaiting = 4096 // and waiting
	maxChatters    = 1024 // users whose chat is being served at once (Serve)
	maxSteps       = 128  // ad-hoc commands that take long (a step), at once (adhoc.go)
)

// reply runs f, an answer to a stanza from any address, unless
// maxReplies run.
func (t *Transport) reply(f func()) { t.replies.run(maxReplies, 0, f) }

// peerWork runs f, a peer's request, in its turn (maxPeerWork,
// maxPeerWaiting).
func (t *Transport) peerWork(f func()) { t.peerJobs.run(maxPeerWork, maxPeerWaiting, f) }

// workQueue runs functions on up to a number of goroutines, in the order
// they came, and keeps up to a number more waiting (none: what finds them
// all running is refused). Its zero value is ready.
type workQueue struct {
	mu      sync.Mutex
	waiting []func()
	running int
}

// run starts f, or queues it when most run, unless waiting wait already;
// it reports whether f will run.
func (q *workQueue) run(most, waiting int, f func()) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	switch {
	case q.running < most:
		q.running++
		go q.work(f)
	case len(q.waiting) < waiting:
		q.waiting = append(q.waiting, f)
	default:
		return false
	}
	return true
}

// work runs f, then what waits, until nothing does.
func (q *workQueue) work(f func()) {
	for f != nil {
		f()
		q.mu.Lock()
		f = nil
		if len(q.waiting) > 0 {
			f, q.waiting[0] = q.waiting[0], nil
			q.waiting = q.waiting[1:]
		} else {
			q.running--
		}
		q.mu.Unlock()
	}
}

// chatQueues serves users' chat messages, each user's in the order they
// came: a user whose messages wait has a goroutine that serves them and
// ends when none is left, and at most maxChatters users have one.
type chatQueues struct {
	mu     sync.Mutex
	queues map[string]chan chat // by user: the messages waiting
	serve  func(m chat)
}

// chatWaiting is how many messages of one user wait at most.
const chatWaiting = 64

// add queues m of user, unless maxChatters other users' messages are
// being served or chatWaiting of the user's own wait: it reports whether
// m will be served.
func (c *chatQueues) add(user string, m chat) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	q, ok := c.queues[user]
	if !ok {
		if len(c.queues) >= maxChatters {
			return false
		}
		q = make(chan chat, chatWaiting)
		c.queues[user] = q
		go c.work(user, q)
	}
	select {
	case q <- m:
		return true
	default:
		return false
	}
}

// work serves user's queue q until it is empty (checked with c.mu held,
// as add queues: a message is never left behind).
func (c *chatQueues) work(user string, q chan chat) {
	for {
		c.mu.Lock()
		select {
		case m := <-q:
			c.mu.Unlock()
			c.serve(m)
		default:
			delete(c.queues, user)
			c.mu.Unlock()
			return
		}
	}
}
