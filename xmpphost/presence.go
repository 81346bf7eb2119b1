package xmpphost

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"time"

	"mellium.im/xmlstream"
	"mellium.im/xmpp/jid"
	"mellium.im/xmpp/mux"
	"mellium.im/xmpp/ping"
	"mellium.im/xmpp/stanza"

	"github.com/mobilua/mobilua/host"
)

// The host in its users' rosters: a subscription request is approved at
// once and returned (so the host shows online in any roster client and
// sees its users' presence), the host's presence carries a status text
// with its load, renewed when the load changes, and goes unavailable
// when the host stops. The server keeps the roster.

// presenceEvery is how often the load in the status text is looked at
// (a change is broadcast to every subscriber: not more often).
var presenceEvery = 10 * time.Second

// presenceHandlers answer subscription requests and cancellations.
func (t *Transport) presenceHandlers() []mux.Option {
	return []mux.Option{
		mux.PresenceFunc(stanza.SubscribePresence, xml.Name{}, func(p stanza.Presence, _ xmlstream.TokenReadEncoder) error {
			t.reply(func() { t.approve(p) })
			return nil
		}),
		mux.PresenceFunc(stanza.UnsubscribePresence, xml.Name{}, func(p stanza.Presence, _ xmlstream.TokenReadEncoder) error {
			t.reply(func() { t.presence(p.From.Bare(), p.To, stanza.UnsubscribedPresence, "") })
			return nil
		}),
	}
}

// approve answers a subscription request: subscribed, a subscription of
// the host's own to the user, and (a component has no server to send it
// for it) its presence.
func (t *Transport) approve(p stanza.Presence) {
	user := p.From.Bare()
	t.presence(user, p.To, stanza.SubscribedPresence, "")
	t.presence(user, p.To, stanza.SubscribePresence, "")
	if t.component {
		t.presence(user, p.To, stanza.AvailablePresence, t.statusText())
	}
}

// presence sends a presence stanza of type typ to a user, from the
// address they wrote to (a component's processes have addresses of their
// own; a client's is set by its server); to the host's subscribers when
// to is zero.
func (t *Transport) presence(to, from jid.JID, typ stanza.PresenceType, status string) error {
	pr := stanza.Presence{To: to, Type: typ}
	if t.component {
		pr.From = from
	}
	var payload xml.TokenReader
	if status != "" {
		payload = xmlstream.Wrap(xmlstream.Token(xml.CharData(status)), xml.StartElement{Name: xml.Name{Local: "status"}})
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.s.Send(t.ctx, pr.Wrap(payload))
}

// statusText is the host's status: its load, and how to start.
func (t *Transport) statusText() string {
	t.j.mu.Lock()
	h := t.j.h
	t.j.mu.Unlock()
	if h == nil {
		return "type help"
	}
	return loadText(h.Load())
}

func loadText(l host.Load) string {
	return fmt.Sprintf("%d running, %d waiting, %d processes · type help", l.Running, l.Waiting, l.Processes)
}

// keepStatus sends the host's available presence with its load, and
// again whenever the load changed, until done is closed.
func (t *Transport) keepStatus(h *host.Host, done <-chan struct{}) {
	last := ""
	tick := time.NewTicker(presenceEvery)
	defer tick.Stop()
	for {
		if text := loadText(h.Load()); text != last && t.SetStatus(text) == nil {
			last = text
		}
		select {
		case <-done:
			return
		case <-tick.C:
		}
	}
}

// Occupied says whether another session is online as cfg's account with
// cfg.Resource (another host on the same account): it logs in a moment
// with a resource the server picks, and pings that address (XEP-0199).
// A host that finds its address taken refuses to start rather than
// take it over (the server would cut the other one off).
func Occupied(ctx context.Context, cfg Config) (bool, error) {
	probe := cfg
	probe.Resource = ""
	t, err := Dial(ctx, probe)
	if err != nil {
		return false, err
	}
	defer t.s.Close()
	go t.s.Serve(mux.New(t.ns))
	to, err := jid.Parse(cfg.JID)
	if err == nil {
		to, err = to.WithResource(cfg.Resource)
	}
	if err != nil {
		return false, err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	err = t.s.UnmarshalIQ(ctx, ping.IQ{IQ: stanza.IQ{Type: stanza.GetIQ, To: to}}.TokenReader(), nil)
	var se stanza.Error
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &se):
		// no such resource: service-unavailable (RFC 6121 §8.5.3.1);
		// anything else came from someone there
		gone := se.Condition == stanza.ServiceUnavailable || se.Condition == stanza.ItemNotFound || se.Condition == stanza.RecipientUnavailable
		return !gone, nil
	}
	return false, err
}
