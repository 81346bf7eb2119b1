package xmpphost

import (
	"encoding/xml"
	"strconv"

	"mellium.im/xmlstream"
	"mellium.im/xmpp/jid"
	"mellium.im/xmpp/stanza"
)

// The payloads of jumps, messages between processes and chat messages are
// written as XML tokens for the session to
// encode once: mellium's Encode of a struct marshals it, parses the text
// back into tokens and encodes those, which for a jump's pieces was most
// of the sender's work (a piece is 64 KiB of text). They are read with
// encoding/xml's Unmarshal into the structs of jump.go and ipc.go, whose
// tags name the same elements and attributes.

// elem is an element of Mobilua's namespace with its attributes (pairs
// of name and value; an empty value is left out) and children.
func elem(local string, attrs []string, children ...xml.TokenReader) xml.TokenReader {
	start := xml.StartElement{Name: xml.Name{Space: NS, Local: local}}
	for i := 0; i+1 < len(attrs); i += 2 {
		if attrs[i+1] != "" {
			start.Attr = append(start.Attr, xml.Attr{Name: xml.Name{Local: attrs[i]}, Value: attrs[i+1]})
		}
	}
	return xmlstream.Wrap(xmlstream.MultiReader(children...), start)
}

// text is character data.
func text(s string) xml.TokenReader { return xmlstream.Token(xml.CharData(s)) }

func (c *jumpChunk) tokens() xml.TokenReader {
	var inner []xml.TokenReader
	if c.Record != nil {
		inner = append(inner, c.Record.tokens())
	}
	if c.Bulk != nil {
		inner = append(inner, c.Bulk.tokens())
	}
	inner = append(inner, text(c.Data))
	return elem("jump", []string{"id", c.ID, "seq", strconv.Itoa(c.Seq), "of", strconv.Itoa(c.Of),
		"sha256", c.SHA256, "codec", c.Codec, "size", c.Size, "kind", c.Kind, "hold", c.Hold}, inner...)
}

func (r *jumpRecord) tokens() xml.TokenReader {
	inner := []xml.TokenReader{}
	if r.Comment != "" {
		inner = append(inner, elem("comment", nil, text(r.Comment)))
	}
	inner = append(inner, elem("source", nil, text(r.Source)))
	for _, h := range r.Hops {
		inner = append(inner, elem("hop", []string{"host", h.Host, "pid", h.PID, "left", h.Left}))
	}
	return elem("record", []string{"pid", r.PID, "owner", r.Owner, "client", r.Client, "name", r.Name,
		"created", r.Created, "part", r.Part, "replyto", r.ReplyTo, "wait", r.Wait, "wake", r.Wake, "prompt", r.Prompt}, inner...)
}

func (a *jumpAck) tokens() xml.TokenReader {
	return elem("jumpack", []string{"id", a.ID, "ok", strconv.FormatBool(a.OK), "reason", a.Reason, "pid", a.PID})
}

func (c *jumpCancel) tokens() xml.TokenReader { return elem("jumpcancel", []string{"id", c.ID}) }

func (c *jumpCommit) tokens() xml.TokenReader {
	return elem("jumpcommit", []string{"id", c.ID, "ok", strconv.FormatBool(c.OK)})
}

func (a *jumpAsk) tokens() xml.TokenReader { return elem("jumpask", []string{"id", a.ID}) }

func (m *ipc) tokens() xml.TokenReader {
	return elem("ipc", []string{"id", m.ID, "to", m.To, "from", m.From, "owner", m.Owner}, text(m.Data))
}

func (b *backupOp) tokens() xml.TokenReader {
	return elem("backup", []string{"id", b.ID, "op", b.Op, "pid", b.PID, "owner", b.Owner, "arg", b.Arg})
}

func (r *result) tokens() xml.TokenReader {
	return elem("result", []string{"id", r.ID, "to", r.To, "part", r.Part, "owner", r.Owner}, text(r.Data))
}

// body is a chat message's body (in the stream's namespace).
func body(s string) xml.TokenReader {
	return xmlstream.Wrap(text(s), xml.StartElement{Name: xml.Name{Local: "body"}})
}

// sendNormal sends a normal message to to with payload.
func (t *Transport) sendNormal(to jid.JID, payload xml.TokenReader) error {
	return t.sendMessage(stanza.Message{To: to, Type: stanza.NormalMessage}, payload)
}

// sendMessage sends msg with payload, one writer at a time (as encode).
func (t *Transport) sendMessage(msg stanza.Message, payload xml.TokenReader) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.s.Send(t.ctx, msg.Wrap(payload))
}
