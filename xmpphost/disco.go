package xmpphost

import (
	"encoding/xml"

	"mellium.im/xmlstream"
	"mellium.im/xmpp/disco"
	"mellium.im/xmpp/disco/info"
	"mellium.im/xmpp/disco/items"
	"mellium.im/xmpp/mux"
	"mellium.im/xmpp/ping"
	"mellium.im/xmpp/stanza"

	"github.com/mobilua/mobilua/host"
)

// statusHandler answers <iq type='get'><status xmlns='urn:mobilua:0'/></iq>
// with the host's status line.
type statusHandler struct{ h *host.Host }

func (s statusHandler) HandleIQ(iq stanza.IQ, r xmlstream.TokenReadEncoder, start *xml.StartElement) error {
	text := s.h.Status()
	payload := xmlstream.Wrap(xmlstream.Token(xml.CharData(text)), xml.StartElement{Name: xml.Name{Space: NS, Local: "status"}})
	_, err := xmlstream.Copy(r, iq.Result(payload))
	return err
}

// discoHandler answers service discovery (XEP-0030): disco#info says
// this is a Mobilua host speaking urn:mobilua:0, ping and ad-hoc
// commands; disco#items on the commands node lists the ad-hoc commands.
// It answers within the handler, on the session's goroutine (mellium's
// disco.Handle builds its answer on a goroutine of its own that reads
// the request's start element while the session writes: a data race).
type discoHandler struct{ t *Transport }

// features are what disco#info lists.
var features = []string{NS, nsHold, ping.NS, disco.NSInfo, disco.NSItems, nsCommands}

func (d discoHandler) HandleIQ(iq stanza.IQ, r xmlstream.TokenReadEncoder, start *xml.StartElement) error {
	var node string
	for _, a := range start.Attr {
		if a.Name.Local == "node" {
			node = a.Value
		}
	}
	var body []xml.TokenReader
	switch {
	case start.Name.Space == disco.NSInfo && node == "":
		body = append(body, info.Identity{Category: "client", Type: "bot", Name: "Mobilua computation host"}.TokenReader())
		for _, f := range features {
			body = append(body, info.Feature{Var: f}.TokenReader())
		}
	case start.Name.Space == disco.NSItems && node == nsCommands:
		me := d.t.s.LocalAddr()
		for _, c := range adhocCommands {
			body = append(body, items.Item{JID: me, Node: c.node, Name: c.name}.TokenReader())
		}
	}
	query := xml.StartElement{Name: start.Name}
	if node != "" {
		query.Attr = []xml.Attr{{Name: xml.Name{Local: "node"}, Value: node}}
	}
	_, err := xmlstream.Copy(r, iq.Result(xmlstream.Wrap(xmlstream.MultiReader(body...), query)))
	return err
}

// serviceHandlers are the IQ services of a host: ping (XEP-0199), service
// discovery (XEP-0030), the status query and ad-hoc commands (XEP-0050).
func (t *Transport) serviceHandlers(h *host.Host) []mux.Option {
	d := discoHandler{t}
	return []mux.Option{
		ping.Handle(),
		mux.IQ(stanza.GetIQ, xml.Name{Space: disco.NSInfo, Local: "query"}, d),
		mux.IQ(stanza.GetIQ, xml.Name{Space: disco.NSItems, Local: "query"}, d),
		mux.IQ(stanza.GetIQ, xml.Name{Space: NS, Local: "status"}, statusHandler{h}),
		mux.IQ(stanza.SetIQ, xml.Name{Space: nsCommands, Local: "command"}, adhocHandler{t, h}),
	}
}
