package xmpphost

import (
	"encoding/xml"

	"mellium.im/xmlstream"
	"mellium.im/xmpp/disco"
	"mellium.im/xmpp/disco/info"
	"mellium.im/xmpp/mux"
	"mellium.im/xmpp/ping"
	"mellium.im/xmpp/stanza"

	"github.com/mobilua/mobilua/host"
)

// statusHandler answers <iq type='get'><status xmlns='urn:mobilua:0'/></iq>
// with the host's status line, and tells service discovery (XEP-0030)
// that this is a Mobilua host speaking urn:mobilua:0.
type statusHandler struct{ h *host.Host }

func (s statusHandler) HandleIQ(iq stanza.IQ, r xmlstream.TokenReadEncoder, start *xml.StartElement) error {
	text := s.h.Status()
	payload := xmlstream.Wrap(xmlstream.Token(xml.CharData(text)), xml.StartElement{Name: xml.Name{Space: NS, Local: "status"}})
	_, err := xmlstream.Copy(r, iq.Result(payload))
	return err
}

func (statusHandler) ForFeatures(node string, f func(info.Feature) error) error {
	if node != "" {
		return nil
	}
	for _, v := range []string{NS, ping.NS, disco.NSInfo} {
		if err := f(info.Feature{Var: v}); err != nil {
			return err
		}
	}
	return nil
}

func (statusHandler) ForIdentities(node string, f func(info.Identity) error) error {
	if node != "" {
		return nil
	}
	return f(info.Identity{Category: "client", Type: "bot", Name: "Mobilua computation host"})
}

// serviceHandlers are the IQ services of a host: ping (XEP-0199), service
// discovery (XEP-0030) and the status query.
func serviceHandlers(h *host.Host) []mux.Option {
	return []mux.Option{
		ping.Handle(),
		disco.Handle(),
		mux.IQ(stanza.GetIQ, xml.Name{Space: NS, Local: "status"}, statusHandler{h}),
	}
}
