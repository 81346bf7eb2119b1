package xmpphost

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"

	"mellium.im/xmlstream"
	"mellium.im/xmpp"
	"mellium.im/xmpp/jid"
	"mellium.im/xmpp/stanza"
)

// nsBind is resource binding's namespace (RFC 6120 §7).
const nsBind = "urn:ietf:params:xml:ns:xmpp-bind"

// bindNamed binds the given resource. It stands in for
// xmpp.BindResource(), which in mellium v0.22.0 always asks for an empty
// resource (the server then picks a random one, whatever the session's
// JID says), so that a host has one address its users keep.
func bindNamed(resource string) xmpp.StreamFeature {
	return xmpp.StreamFeature{
		Name:       xml.Name{Space: nsBind, Local: "bind"},
		Necessary:  xmpp.Authn,
		Prohibited: xmpp.Ready,
		Parse: func(ctx context.Context, d *xml.Decoder, start *xml.StartElement) (bool, any, error) {
			return true, nil, d.Skip()
		},
		Negotiate: func(ctx context.Context, s *xmpp.Session, _ any) (xmpp.SessionState, io.ReadWriter, error) {
			w := s.TokenWriter()
			defer w.Close()
			req := stanza.IQ{ID: "bind-1", Type: stanza.SetIQ}.Wrap(xmlstream.Wrap(
				xmlstream.Wrap(xmlstream.Token(xml.CharData(resource)), xml.StartElement{Name: xml.Name{Local: "resource"}}),
				xml.StartElement{Name: xml.Name{Space: nsBind, Local: "bind"}},
			))
			if _, err := xmlstream.Copy(w, req); err != nil {
				return 0, nil, err
			}
			if err := w.Flush(); err != nil {
				return 0, nil, err
			}
			r := s.TokenReader()
			defer r.Close()
			var resp struct {
				stanza.IQ
				JID string `xml:"urn:ietf:params:xml:ns:xmpp-bind bind>jid"`
			}
			if err := xml.NewTokenDecoder(r).Decode(&resp); err != nil {
				return 0, nil, err
			}
			if resp.Type != stanza.ResultIQ || resp.JID == "" {
				return 0, nil, fmt.Errorf("binding resource %q refused (iq type %s)", resource, resp.Type)
			}
			j, err := jid.Parse(resp.JID)
			if err != nil {
				return 0, nil, err
			}
			s.UpdateAddr(j)
			return xmpp.Ready, nil, nil
		},
	}
}
