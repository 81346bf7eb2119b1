package xmpphost

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"strings"

	"mellium.im/xmlstream"
	"mellium.im/xmpp/form"
	"mellium.im/xmpp/stanza"

	"github.com/mobilua/mobilua/host"
)

// Ad-hoc commands (XEP-0050): clients with a command menu (Gajim, Psi,
// Conversations) list the host's commands by service discovery on its
// address (node http://jabber.org/protocol/commands) and run them with
// data forms (XEP-0004) instead of typing. Each command calls the host's
// typed functions, as the chat commands do; it keeps no state between
// the form it sends and the form it gets back (the node and the form say
// everything), so a stranger cannot make it hold any.

// nsCommands is XEP-0050's namespace.
const nsCommands = "http://jabber.org/protocol/commands"

// adhocCommand is one command: a form to fill (nil: it runs at once), and
// what it does with the filled form (nil when it has none).
type adhocCommand struct {
	node, name string
	form       func(h *host.Host, from string) *form.Data
	run        func(h *host.Host, from string, f *form.Data) string
	// later, when not "", answers at once: run may take seconds, and
	// runs off the session's reader (at most maxSteps at once), what it
	// returns coming in chat
	later string
}

var adhocCommands = []adhocCommand{
	{node: "run", name: "Run a Lua script", form: func(*host.Host, string) *form.Data {
		return form.New(form.Title("Run a Lua script"), form.Instructions("The script is stored and started; its output comes to you in chat."),
			form.Text("name", form.Label("Script name (name.lua, optional)")), form.TextMulti("code", form.Label("Lua code")))
	}, run: func(h *host.Host, from string, f *form.Data) string {
		name, _ := f.GetString("name")
		pid, err := h.New(from, strings.TrimSpace(name), fieldText(f, "code"))
		if err == nil {
			pid, err = h.Run(from, pid)
		}
		if err != nil {
			return err.Error()
		}
		return pid + " is running"
	}},
	{node: "step", name: "Run Lua code at once (step)", form: func(*host.Host, string) *form.Data {
		return form.New(form.Title("Step"), form.Instructions("The code runs in your step session; =expr shows a value."),
			form.TextMulti("code", form.Label("Lua code")))
	}, later: "the step runs; its output comes in chat", run: func(h *host.Host, from string, f *form.Data) string {
		return h.Step(from, fieldText(f, "code"))
	}},
	{node: "ps", name: "List your processes", run: func(h *host.Host, from string, _ *form.Data) string {
		var b strings.Builder
		for _, p := range h.Processes(from) {
			fmt.Fprintf(&b, "%s  %s  %s\n", p.PID, p.StateText, p.Name)
		}
		if b.Len() == 0 {
			return "no processes"
		}
		return strings.TrimSuffix(b.String(), "\n")
	}},
	{node: "kill", name: "Stop a process", form: func(h *host.Host, from string) *form.Data {
		var opts []form.Option
		for _, p := range h.Processes(from) {
			if !p.State.Ended() {
				opts = append(opts, form.ListItem(p.PID+" "+p.StateText+" "+p.Name, p.PID))
			}
		}
		return form.New(form.Title("Stop a process"), form.List("pid", append(opts, form.Label("Process"))...))
	}, run: func(h *host.Host, from string, f *form.Data) string {
		pid, _ := f.GetString("pid")
		pid, err := h.Kill(from, pid)
		if err != nil {
			return err.Error()
		}
		return pid + " killed"
	}},
	{node: "status", name: "The host's status", run: func(h *host.Host, _ string, _ *form.Data) string { return h.Status() }},
}

// fieldText is a text field's value, its lines joined.
func fieldText(f *form.Data, id string) string {
	v, _ := f.Raw(id)
	return strings.Join(v, "\n")
}

// adhocRequest is a <command/> a client sends.
type adhocRequest struct {
	XMLName   xml.Name   `xml:"http://jabber.org/protocol/commands command"`
	Node      string     `xml:"node,attr"`
	SessionID string     `xml:"sessionid,attr"`
	Action    string     `xml:"action,attr"`
	Form      *form.Data `xml:"jabber:x:data x"`
}

// adhocHandler answers <iq type='set'><command/></iq> and lists the
// commands in service discovery.
type adhocHandler struct {
	t *Transport
	h *host.Host
}

func (a adhocHandler) HandleIQ(iq stanza.IQ, r xmlstream.TokenReadEncoder, start *xml.StartElement) error {
	var req adhocRequest
	if err := xml.NewTokenDecoder(xmlstream.MultiReader(xmlstream.Token(*start), r)).Decode(&req); err != nil {
		return err
	}
	a.answer(iq, req, r)
	return nil
}

// answer runs a command and writes its response to w (within the
// handler: the session answers an IQ left unanswered with an error).
func (a adhocHandler) answer(iq stanza.IQ, req adhocRequest, w xmlstream.TokenWriter) {
	var c *adhocCommand
	for i := range adhocCommands {
		if adhocCommands[i].node == req.Node {
			c = &adhocCommands[i]
		}
	}
	if c == nil {
		xmlstream.Copy(w, iq.Error(stanza.Error{Type: stanza.Cancel, Condition: stanza.ItemNotFound}))
		return
	}
	from := iq.From.String()
	if iq.From.Localpart() == "" || iq.From.Bare().Equal(a.t.s.LocalAddr().Bare()) {
		// the server, or the host's own account: no user
		xmlstream.Copy(w, iq.Error(stanza.Error{Type: stanza.Cancel, Condition: stanza.Forbidden}))
		return
	}
	sid := req.SessionID
	if sid == "" {
		var b [8]byte
		rand.Read(b[:])
		sid = hex.EncodeToString(b[:])
	}
	reply := func(status string, payload ...xml.TokenReader) {
		inner := xmlstream.MultiReader(payload...)
		cmd := xmlstream.Wrap(inner, xml.StartElement{Name: xml.Name{Space: nsCommands, Local: "command"},
			Attr: []xml.Attr{{Name: xml.Name{Local: "node"}, Value: c.node}, {Name: xml.Name{Local: "sessionid"}, Value: sid},
				{Name: xml.Name{Local: "status"}, Value: status}}})
		xmlstream.Copy(w, iq.Result(cmd))
	}
	switch {
	case req.Action == "cancel":
		reply("canceled")
		return
	case c.form != nil && req.Form == nil: // the form to fill
		actions := xmlstream.Wrap(xmlstream.Wrap(nil, xml.StartElement{Name: xml.Name{Local: "complete"}}),
			xml.StartElement{Name: xml.Name{Local: "actions"}, Attr: []xml.Attr{{Name: xml.Name{Local: "execute"}, Value: "complete"}}})
		reply("executing", actions, c.form(a.h, from).TokenReader())
		return
	}
	f := req.Form
	if f == nil {
		f = form.New()
	}
	text := c.later
	switch {
	case c.later == "":
		text = c.run(a.h, from, f)
	case !a.t.steps.run(maxSteps, 0, func() { a.h.Say(from, c.run(a.h, from, f)) }):
		text = "busy: too many commands at once; try again"
	}
	note := xmlstream.Wrap(xmlstream.Token(xml.CharData(text)),
		xml.StartElement{Name: xml.Name{Local: "note"}, Attr: []xml.Attr{{Name: xml.Name{Local: "type"}, Value: "info"}}})
	reply("completed", note)
}
