// Package xmpphost puts a computation host (package host) on XMPP with
// mellium.im/xmpp: it logs in as an ordinary account, answers chat
// messages with the host's commands (a message to host/<pid> is input for
// that process), keeps its presence with a status and its users' roster
// subscriptions (presence.go), binds one resource (bind.go), answers
// pings and service discovery (disco.go) and ad-hoc commands (adhoc.go),
// carries processes to peer hosts in urn:mobilua:0 pieces, exactly once
// (jump.go), a large one sealed by the server's HTTP File Upload service
// (bulk.go), and messages between processes on different hosts (ipc.go);
// it publishes the host's record to a directory of computation servers
// on a publish-subscribe service and learns the other hosts' there
// (directory.go).
// docs/protocol.md describes the payloads. Reconnection and the
// configuration file are the command line's (internal/console). A host
// logs in as an account, or as an external component (XEP-0114) whose
// processes have JIDs of their own.
//
// This package may import host; only the command line imports it.
package xmpphost

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/xml"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"mellium.im/sasl"
	"mellium.im/xmlstream"
	"mellium.im/xmpp"
	"mellium.im/xmpp/component"
	"mellium.im/xmpp/jid"
	"mellium.im/xmpp/mux"
	"mellium.im/xmpp/stanza"

	"github.com/mobilua/mobilua/host"
)

// Config says how to log in.
type Config struct {
	JID      string // the host's account, e.g. lua1@a.example
	Password string
	Addr     string // the server's c2s address (host:port); default: the JID's domain, port 5222
	TLS      bool   // negotiate STARTTLS (verified against the system roots, or CAFile)
	CAFile   string // a PEM file of the server's certificate or CA (self-signed test servers)
	Insecure bool   // accept any certificate (tests only)
	// Component: log in as an external component (XEP-0114): JID is the
	// domain the server's admin gave the host (procs.a.example),
	// Password the component's secret, Addr the server's component port
	// (default: the domain, port 5347; the protocol has no TLS: use it on
	// loopback or a private network). Each process is then addressable as
	// its own JID, p42@procs.a.example.
	Component bool
	// Resource is the resource to bind (one the server makes up when
	// empty): a host binds always the same one, so that its users see
	// one stable address.
	Resource string
}

// HostResource is the resource a host binds on its account: its
// address for users is always account/mobilua.
const HostResource = "mobilua"

// Transport is a logged-in XMPP session a host sends its messages through.
type Transport struct {
	s         *xmpp.Session
	ctx       context.Context
	ns        string // the stanzas' namespace: jabber:client, or jabber:component:accept
	component bool
	mu        sync.Mutex
	j         jumps
	// AckTimeout is how long a jump or message waits for its
	// acknowledgement (default 30 s).
	AckTimeout time.Duration
	// FailPoint, when set, is called at the transport's steps of a jump
	// (FailJumpSent, ...): the crash tests kill the host there.
	FailPoint func(point string)
	peerState map[string]string // what the last ping of each peer found (peers.go)
	peerHolds map[string]bool   // whether each peer holds jumps (holds), once asked
	replies   workQueue         // answers to stanzas (reply)
	peerJobs  workQueue         // peers' requests (peerWork)
	steps     workQueue         // ad-hoc steps (maxSteps)
	dir       directory         // the directory of computation servers (directory.go)
	up        uploads           // the upload service of the bulk path (bulk.go)
	http      *http.Client      // its requests (newBulkClient)
	// Log receives what the transport cannot tell anyone else (nil: nothing).
	Log *slog.Logger
}

// The steps of a jump the transport has (host.FailJumpStart and the
// others are the host's):
const (
	// FailJumpSent: the sender has sent every piece (its store of the
	// process as gone may not be done yet).
	FailJumpSent = "jump-sent"
	// FailReceiveAcked: the receiver has stored a process sent to be held
	// and acknowledged it, and has not yet let it run (held until the
	// sender's jumpcommit, or that came first).
	FailReceiveAcked = "receive-acked"
	// FailJumpHeld: the sender has the receiver's acknowledgement of a
	// held jump (its jumpcommit has gone if its store was done first).
	FailJumpHeld = "jump-held"
)

// message is a chat message stanza with a body, as a user's side reads
// it (the host writes its messages as tokens: sendMessage).
type message struct {
	stanza.Message
	Body string `xml:"body,omitempty"`
}

// Dial logs in.
func Dial(ctx context.Context, cfg Config) (*Transport, error) {
	j, err := jid.Parse(cfg.JID)
	if err != nil {
		return nil, fmt.Errorf("jid %q: %w", cfg.JID, err)
	}
	addr := cfg.Addr
	if addr == "" {
		port := "5222"
		if cfg.Component {
			port = "5347"
		}
		addr = net.JoinHostPort(j.Domainpart(), port)
	}
	conn, err := (&net.Dialer{Timeout: 10 * time.Second}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	if cfg.Component {
		s, err := component.NewSession(ctx, j.Domain(), []byte(cfg.Password), conn)
		if err != nil {
			conn.Close()
			return nil, fmt.Errorf("component %s: %w", j.Domain(), err)
		}
		return newTransport(ctx, s, component.NSAccept, nil), nil
	}
	bind := xmpp.BindResource()
	if cfg.Resource != "" {
		bind = bindNamed(cfg.Resource)
	}
	mechs := []sasl.Mechanism{sasl.ScramSha256Plus, sasl.ScramSha1Plus, sasl.ScramSha256, sasl.ScramSha1, sasl.Plain}
	var s *xmpp.Session
	var tc *tls.Config // (nil: plain TCP)
	if cfg.TLS {
		tc = &tls.Config{ServerName: j.Domainpart(), MinVersion: tls.VersionTLS12, InsecureSkipVerify: cfg.Insecure}
		if cfg.CAFile != "" {
			pem, err := os.ReadFile(cfg.CAFile)
			if err != nil {
				conn.Close()
				return nil, err
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				conn.Close()
				return nil, fmt.Errorf("no certificate in %s", cfg.CAFile)
			}
			tc.RootCAs = pool
		}
		s, err = xmpp.NewClientSession(ctx, j, conn, xmpp.StartTLS(tc), xmpp.SASL("", cfg.Password, mechs...), bind)
	} else {
		// plain TCP on loopback: mellium negotiates SASL only on a stream
		// it believes secure
		s, err = xmpp.NewSession(ctx, j.Domain(), j, conn, xmpp.Secure,
			xmpp.NewNegotiator(func(*xmpp.Session, *xmpp.StreamConfig) xmpp.StreamConfig {
				return xmpp.StreamConfig{Features: []xmpp.StreamFeature{xmpp.SASL("", cfg.Password, mechs...), bind}}
			}))
	}
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("login %s: %w", cfg.JID, err)
	}
	return newTransport(ctx, s, stanza.NSClient, tc), nil
}

// newTransport makes the transport of session s; tc is the TLS the
// account's stream trusts, and the server's upload service with it (nil:
// the system's roots).
func newTransport(ctx context.Context, s *xmpp.Session, ns string, tc *tls.Config) *Transport {
	t := &Transport{s: s, ctx: ctx, ns: ns, component: ns == component.NSAccept, http: newBulkClient(tc), peerHolds: map[string]bool{}}
	t.j.pending, t.j.waiting = map[host.Migration]*incoming{}, map[string]chan jumpAck{}
	t.dir.kick = make(chan struct{}, 1)
	return t
}

// Send sends a chat message (it must not be called from inside Serve's
// handlers; Serve runs commands on their own goroutines).
func (t *Transport) Send(to, text string) error {
	j, err := jid.Parse(to)
	if err != nil {
		return err
	}
	return t.sendMessage(stanza.Message{To: j, Type: stanza.ChatMessage}, body(text))
}

// encode sends a stanza (one writer at a time).
func (t *Transport) encode(v any) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.s.Encode(t.ctx, v)
}

// SendAs sends a chat message as process pid (host.ProcessSender): a
// component sends it from the process's own JID, pid@domain, which the
// user can answer; an account sends it from its own JID.
func (t *Transport) SendAs(pid, to, text string) error {
	if !t.component {
		return t.Send(to, text)
	}
	toJ, err := jid.Parse(to)
	if err != nil {
		return err
	}
	from, err := jid.New(pid, t.s.LocalAddr().Domainpart(), "")
	if err != nil {
		return t.Send(to, text)
	}
	return t.sendMessage(stanza.Message{To: toJ, From: from, Type: stanza.ChatMessage}, body(text))
}

// SetStatus sends available presence with a status text (a component
// has no presence of its own: nothing is sent).
func (t *Transport) SetStatus(text string) error {
	if t.component {
		return nil
	}
	return t.presence(jid.JID{}, jid.JID{}, stanza.AvailablePresence, text)
}

// Listen passes every chat message to f (from a bare JID) until the
// session ends: a user's side of the conversation (mobilua client).
func (t *Transport) Listen(f func(from, body string)) error {
	ch := make(chan [2]string, 1024) // in order, off the session's handler
	defer close(ch)
	go func() {
		for m := range ch {
			f(m[0], m[1])
		}
	}()
	return t.s.Serve(mux.New(t.ns, mux.MessageFunc(stanza.ChatMessage, xml.Name{Local: "body"},
		func(_ stanza.Message, r xmlstream.TokenReadEncoder) error {
			var m message
			if err := xml.NewTokenDecoder(r).Decode(&m); err != nil || m.Body == "" {
				return err
			}
			ch <- [2]string{m.From.Bare().String(), m.Body}
			return nil
		})))
}

// Close ends the session, unavailable first (a roster shows the host
// offline at once).
func (t *Transport) Close() error {
	t.retract()
	if !t.component {
		t.presence(jid.JID{}, jid.JID{}, stanza.UnavailablePresence, "")
	}
	return t.s.Close()
}

// chat is a user's message: a command, or input for process pid; from
// is the address it came from, with its resource (the reply goes there).
type chat struct{ from, pid, body string }

// Serve answers chat messages with h's commands until the session ends,
// off the session's reader, each user's in the order they came
// (chatQueues).
func (t *Transport) Serve(h *host.Host) error {
	chats := &chatQueues{queues: map[string]chan chat{}, serve: func(m chat) {
		if m.pid != "" {
			h.HandleInput(m.from, m.pid, m.body)
		} else {
			h.Handle(m.from, m.body)
		}
	}}
	handle := func(user string, m chat) {
		if !chats.add(user, m) {
			t.reply(func() { t.Send(m.from, "too many messages at once; wait for the replies") })
		}
	}
	t.j.mu.Lock()
	t.j.h = h
	t.j.mu.Unlock()
	opts := append(t.jumpHandlers(), t.ipcHandler(), t.resultHandler(), t.backupHandler())
	opts = append(opts, t.serviceHandlers(h)...)
	opts = append(opts, t.presenceHandlers()...)
	done := make(chan struct{})
	defer close(done)
	go t.keepStatus(h, done)
	go t.watchPeers(done)
	go t.keepRecord(h, done)
	go t.discoverUpload()
	opts = append(opts, t.directoryHandlers()...)
	opts = append(opts,
		mux.MessageFunc(stanza.ChatMessage, xml.Name{Local: "body"},
			func(_ stanza.Message, r xmlstream.TokenReadEncoder) error {
				var msg message
				if err := xml.NewTokenDecoder(r).Decode(&msg); err != nil || msg.Body == "" {
					return err
				}
				m := chat{from: msg.From.String(), body: msg.Body}
				if res := msg.To.Resourcepart(); res != "" && res != t.s.LocalAddr().Resourcepart() {
					m.pid = res // to host@domain/p7: input for that process
				} else if pid := msg.To.Localpart(); t.component && pid != "" {
					m.pid = pid // a component's p7@procs.example: the same
				}
				handle(msg.From.Bare().String(), m)
				return nil
			}),
	)
	err := t.s.Serve(mux.New(t.ns, opts...))
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}
