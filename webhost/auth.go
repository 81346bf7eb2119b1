package webhost

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"sync"
	"time"
)

// Sign-in is by one-time links only: the `web` chat command asks
// SignInLink for one; the link's page posts its token back, which opens
// a session (a cookie) for that user. Links and sessions live in memory:
// a restart signs everybody out.

const (
	linkLife       = 10 * time.Minute
	sessionLife    = 12 * time.Hour
	maxLinksOfUser = 5     // links not yet used, per user
	maxSessOfUser  = 20    // sessions per user (the oldest goes)
	maxLinks       = 10000 // links not yet used, per host
	maxSessions    = 10000 // sessions per host (the oldest goes)
)

type link struct {
	user    string
	expires time.Time
}

type session struct {
	user    string
	csrf    string // the token every form of the session carries
	expires time.Time
	posts   bucket // its requests (rate-limited)
	streams int    // its open event streams
}

type auth struct {
	mu       sync.Mutex
	links    map[string]link
	sessions map[string]*session
	now      func() time.Time // time.Now (tests move it)
}

func newAuth() *auth {
	return &auth{links: map[string]link{}, sessions: map[string]*session{}, now: time.Now}
}

func token() string {
	var b [24]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

var errBadLink = errors.New("this sign-in link is not valid: it was used, it expired, or it never was (type web in chat for a new one)")

// newLink makes a one-time sign-in token for user.
func (a *auth) newLink(user string) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.sweep()
	n := 0
	for _, l := range a.links {
		if l.user == user {
			n++
		}
	}
	if n >= maxLinksOfUser {
		return "", errors.New("you have 5 unused links: use one, or wait 10 minutes")
	}
	if len(a.links) >= maxLinks {
		return "", errors.New("too many sign-ins at the moment: try again in a few minutes")
	}
	t := token()
	a.links[t] = link{user: user, expires: a.now().Add(linkLife)}
	return t, nil
}

// peek says whose a link is, without using it.
func (a *auth) peek(t string) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	l, ok := a.links[t]
	if !ok || a.now().After(l.expires) {
		return "", errBadLink
	}
	return l.user, nil
}

// use spends a link and opens a session for its user: the session's
// cookie value.
func (a *auth) use(t string) (sid string, s *session, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	l, ok := a.links[t]
	delete(a.links, t)
	if !ok || a.now().After(l.expires) {
		return "", nil, errBadLink
	}
	a.sweep()
	a.bound(l.user)
	sid = token()
	s = &session{user: l.user, csrf: token(), expires: a.now().Add(sessionLife), posts: bucket{rate: 5, burst: 30}}
	a.sessions[sid] = s
	return sid, s, nil
}

// bound makes room for a new session of user. a.mu is held.
func (a *auth) bound(user string) {
	var mine, oldest string
	n := 0
	for sid, s := range a.sessions {
		if s.user == user {
			n++
			if mine == "" || s.expires.Before(a.sessions[mine].expires) {
				mine = sid
			}
		}
		if oldest == "" || s.expires.Before(a.sessions[oldest].expires) {
			oldest = sid
		}
	}
	if n >= maxSessOfUser {
		delete(a.sessions, mine)
	} else if len(a.sessions) >= maxSessions {
		delete(a.sessions, oldest)
	}
}

// session returns the live session of a cookie value, or nil.
func (a *auth) session(sid string) *session {
	a.mu.Lock()
	defer a.mu.Unlock()
	s := a.sessions[sid]
	if s == nil || a.now().After(s.expires) {
		delete(a.sessions, sid)
		return nil
	}
	return s
}

// end closes a session.
func (a *auth) end(sid string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.sessions, sid)
}

// allow spends one of a session's requests; false when it has none left.
func (a *auth) allow(s *session) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return s.posts.take(a.now())
}

// stream counts a session's event streams (delta 1 opens one, -1 closes
// it); false when opening one more would pass maxStreams.
func (a *auth) stream(s *session, delta int) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if delta > 0 && s.streams >= maxStreams {
		return false
	}
	s.streams += delta
	return true
}

// sweep drops expired links and sessions. a.mu is held.
func (a *auth) sweep() {
	now := a.now()
	for t, l := range a.links {
		if now.After(l.expires) {
			delete(a.links, t)
		}
	}
	for sid, s := range a.sessions {
		if now.After(s.expires) {
			delete(a.sessions, sid)
		}
	}
}

// checkCSRF says whether a form's token is its session's.
func checkCSRF(s *session, got string) bool {
	return subtle.ConstantTimeCompare([]byte(s.csrf), []byte(got)) == 1
}

// bucket is a token bucket: rate per second, up to burst.
type bucket struct {
	rate, burst float64
	level       float64
	last        time.Time
}

func (b *bucket) take(now time.Time) bool {
	if b.last.IsZero() {
		b.level = b.burst
	} else {
		b.level = min(b.burst, b.level+now.Sub(b.last).Seconds()*b.rate)
	}
	b.last = now
	if b.level < 1 {
		return false
	}
	b.level--
	return true
}
