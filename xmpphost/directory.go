package xmpphost

import (
	"cmp"
	"context"
	"encoding/xml"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"mellium.im/xmlstream"
	"mellium.im/xmpp/jid"
	"mellium.im/xmpp/mux"
	"mellium.im/xmpp/pubsub"
	"mellium.im/xmpp/stanza"

	"github.com/mobilua/mobilua/host"
)

// The directory of computation servers (docs/protocol.md): one node of a
// publish-subscribe service (XEP-0060) where every host publishes its
// record (host.Server) as the item whose ID is its JID: at start, when
// its load changes, at least every directoryEvery, and retracted when it
// stops. A host subscribes to the node and reads its items at start, so
// it learns the others' records as they publish them; a record is kept
// until its TTL passes without a newer one (a host that was killed
// cannot retract it). Records are claims of strangers: each is checked
// and cut to size, the service's address is checked on every
// notification, and a host keeps at most maxRecords. Only a host's own
// peers take its processes; the directory says who is there and how busy.

// DefaultNode is the node the hosts publish to unless told another.
const DefaultNode = "urn:mobilua:servers:0"

// directoryEvery is how often a host publishes its record although its
// load did not change; a record lives three times as long. loadEvery is
// how often it looks whether the load changed (and publishes if it did).
// (Tests change them while other tests' hosts may still run.)
var directoryEvery, loadEvery atomic.Int64

func init() {
	directoryEvery.Store(int64(60 * time.Second))
	loadEvery.Store(int64(2 * time.Second))
}

// maxRecords is the most records a host keeps from the directory.
const maxRecords = 256

// directory is what a transport knows of the directory.
type directory struct {
	service jid.JID // the publish-subscribe service; zero: no directory
	node    string
	mu      sync.Mutex
	self    string        // the JID this host published its record as
	kick    chan struct{} // a host new to the directory: ping it now (watchPeers)
	// pub is held while the record is published or retracted; retracted
	// says it was: no publish after that
	pub       sync.Mutex
	retracted bool
	records   map[string]host.Server // by JID, others' and this host's own
}

// SetDirectory names the publish-subscribe service (pubsub.a.example)
// and node ("": DefaultNode) of the directory of computation servers;
// Serve publishes the host's record there and learns the others'.
func (t *Transport) SetDirectory(service, node string) error {
	j, err := jid.Parse(service)
	if err != nil {
		return fmt.Errorf("directory %q: %w", service, err)
	}
	t.dir.service, t.dir.node = j, cmp.Or(node, DefaultNode)
	return nil
}

// Servers returns the directory's records that have not expired
// (host.Directory), by JID; ok is false without a directory.
func (t *Transport) Servers() (all []host.Server, ok bool) {
	if t.dir.service.String() == "" {
		return nil, false
	}
	now := time.Now()
	t.dir.mu.Lock()
	defer t.dir.mu.Unlock()
	var out []host.Server
	for k, s := range t.dir.records {
		if now.After(s.Updated.Add(s.TTL)) {
			delete(t.dir.records, k)
			continue
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b host.Server) int { return strings.Compare(a.JID, b.JID) })
	return out, true
}

// directoryJIDs are the hosts the directory lists (watchPeers pings them).
func (t *Transport) directoryJIDs() []string {
	t.dir.mu.Lock()
	defer t.dir.mu.Unlock()
	return slices.Sorted(maps.Keys(t.dir.records))
}

// ListServers logs in as cfg, reads the directory of computation servers
// (the publish-subscribe service and node: SetDirectory) and pings each
// host it lists: `mobilua servers`.
func ListServers(ctx context.Context, cfg Config, service, node string) ([]host.Server, error) {
	t, err := Dial(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer t.s.Close()
	go t.s.Serve(mux.New(t.ns))
	if err := t.SetDirectory(service, node); err != nil {
		return nil, err
	}
	if err := t.fetchRecords(); err != nil {
		return nil, fmt.Errorf("%s on %s: %w", t.dir.node, t.dir.service, err)
	}
	all, _ := t.Servers()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	for i := range all {
		wg.Add(1)
		sem <- struct{}{}
		go func(s *host.Server) {
			defer func() { <-sem; wg.Done() }()
			s.Seen, s.RTT = t.pingPeer(s.JID)
		}(&all[i])
	}
	wg.Wait()
	return all, nil
}

// keepRecord publishes h's record and learns the others' until done is
// closed, and retracts it then.
func (t *Transport) keepRecord(h *host.Host, done <-chan struct{}) {
	if t.dir.service.String() == "" {
		return
	}
	var last host.Server
	var published time.Time
	if s := h.Self(); t.publish(s) { // creates the node where the service does so on publish
		last, published = s, time.Now()
	}
	if err := t.subscribe(); err != nil {
		t.logf("directory: cannot subscribe to %s on %s: %v", t.dir.node, t.dir.service, err)
	}
	if err := t.fetchRecords(); err != nil {
		t.logf("directory: cannot read %s on %s: %v", t.dir.node, t.dir.service, err)
	}
	tick := time.NewTicker(time.Duration(loadEvery.Load()))
	defer tick.Stop()
	for {
		select {
		case <-done:
			return
		case <-tick.C:
		}
		if s := h.Self(); (s.Load != last.Load || time.Since(published) >= time.Duration(directoryEvery.Load())) && t.publish(s) {
			last, published = s, time.Now()
		}
	}
}

// retract takes the host's record out of the directory (Close: before
// the session ends, while Serve reads the answer).
func (t *Transport) retract() {
	t.dir.pub.Lock()
	defer t.dir.pub.Unlock()
	t.dir.retracted = true
	t.dir.mu.Lock()
	_, known := t.dir.records[t.dir.self]
	t.dir.mu.Unlock()
	if !known {
		return
	}
	// the session's context may be ending: the host is stopping
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := pubsub.DeleteIQ(ctx, t.s, stanza.IQ{To: t.dir.service}, t.dir.node, t.dir.self, true); err != nil {
		t.logf("directory: cannot retract the record from %s on %s: %v", t.dir.node, t.dir.service, err)
	}
}

// publish publishes the record s, and says whether it did (one that
// failed is tried again at the next look).
func (t *Transport) publish(s host.Server) bool {
	t.dir.pub.Lock()
	defer t.dir.pub.Unlock()
	if t.dir.retracted {
		return false
	}
	s.TTL = 3 * time.Duration(directoryEvery.Load())
	ctx, cancel := context.WithTimeout(t.ctx, 10*time.Second)
	defer cancel()
	if _, err := pubsub.PublishIQ(ctx, t.s, stanza.IQ{To: t.dir.service}, t.dir.node, s.JID, recordTokens(s)); err != nil {
		t.logf("directory: cannot publish to %s on %s: %v", t.dir.node, t.dir.service, err)
		return false
	}
	t.dir.mu.Lock()
	t.dir.self = s.JID
	t.dir.mu.Unlock()
	t.learn(s.JID, s)
	return true
}

// subscribe asks the service to send the node's changes to this session.
func (t *Transport) subscribe() error {
	ctx, cancel := context.WithTimeout(t.ctx, 10*time.Second)
	defer cancel()
	sub := xmlstream.Wrap(nil, xml.StartElement{Name: xml.Name{Local: "subscribe"},
		Attr: []xml.Attr{{Name: xml.Name{Local: "node"}, Value: t.dir.node}, {Name: xml.Name{Local: "jid"}, Value: t.s.LocalAddr().String()}}})
	iq := stanza.IQ{Type: stanza.SetIQ, To: t.dir.service}
	return t.s.UnmarshalIQ(ctx, iq.Wrap(xmlstream.Wrap(sub, xml.StartElement{Name: xml.Name{Space: pubsub.NS, Local: "pubsub"}})), nil)
}

// fetchRecords reads the node's items: the records published so far.
func (t *Transport) fetchRecords() error {
	ctx, cancel := context.WithTimeout(t.ctx, 10*time.Second)
	defer cancel()
	it := pubsub.FetchIQ(ctx, stanza.IQ{To: t.dir.service}, t.s, pubsub.Query{Node: t.dir.node, MaxItems: maxRecords})
	defer it.Close()
	for it.Next() {
		id, r := it.Item()
		if r == nil {
			continue
		}
		if s, err := readRecord(id, r); err == nil {
			t.learn(id, s)
		}
	}
	return it.Err()
}

// learn keeps a record (forgets the host's when s is zero).
func (t *Transport) learn(id string, s host.Server) {
	t.dir.mu.Lock()
	defer t.dir.mu.Unlock()
	if t.dir.records == nil {
		t.dir.records = map[string]host.Server{}
	}
	_, known := t.dir.records[id]
	switch {
	case s.JID == "":
		delete(t.dir.records, id)
	case known || len(t.dir.records) < maxRecords:
		t.dir.records[id] = s
		if !known {
			select {
			case t.dir.kick <- struct{}{}:
			default:
			}
		}
	}
}

// directoryHandlers take the service's notifications of the node's
// changes (a new record, a retracted one).
func (t *Transport) directoryHandlers() []mux.Option {
	h := func(m stanza.Message, r xmlstream.TokenReadEncoder) error {
		if t.dir.service.String() == "" || !m.From.Equal(t.dir.service) {
			return nil // the directory's notifications come from its service only
		}
		var msg struct {
			Event struct {
				Items struct {
					Node    string    `xml:"node,attr"`
					Items   []rawItem `xml:"item"`
					Retract []struct {
						ID string `xml:"id,attr"`
					} `xml:"retract"`
				} `xml:"items"`
			} `xml:"http://jabber.org/protocol/pubsub#event event"`
		}
		if err := xml.NewTokenDecoder(r).Decode(&msg); err != nil || msg.Event.Items.Node != t.dir.node {
			return nil
		}
		for _, it := range msg.Event.Items.Items {
			if s, err := it.record(); err == nil {
				t.learn(it.ID, s)
			}
		}
		for _, rt := range msg.Event.Items.Retract {
			t.learn(rt.ID, host.Server{})
		}
		return nil
	}
	name := xml.Name{Space: pubsub.NSEvent, Local: "event"}
	return []mux.Option{mux.MessageFunc(stanza.HeadlineMessage, name, h), mux.MessageFunc(stanza.NormalMessage, name, h)}
}

// logf logs a problem of the directory's (Transport.Log).
func (t *Transport) logf(format string, args ...any) {
	if t.Log != nil {
		t.Log.Warn(fmt.Sprintf(format, args...))
	}
}

// record is a host.Server as its item carries it (docs/protocol.md).
type record struct {
	JID         string   `xml:"jid,attr"`
	Version     string   `xml:"version,attr"`
	Running     int      `xml:"running,attr"`
	Waiting     int      `xml:"waiting,attr"`
	Processes   int      `xml:"processes,attr"`
	Live        int      `xml:"live,attr"`
	Workers     int      `xml:"workers,attr"`
	Capacity    int      `xml:"capacity,attr"`
	Free        int      `xml:"free,attr"`
	MaxSteps    int64    `xml:"max-steps,attr"`
	MaxMemory   int64    `xml:"max-memory,attr"`
	MaxLifetime int64    `xml:"max-lifetime,attr"` // seconds
	Updated     string   `xml:"updated,attr"`      // RFC 3339
	TTL         int64    `xml:"ttl,attr"`          // seconds
	Contact     string   `xml:"contact"`
	Features    []string `xml:"feature"`
}

// rawItem is an item of a notification.
type rawItem struct {
	ID     string  `xml:"id,attr"`
	Server *record `xml:"urn:mobilua:0 server"`
}

func (it rawItem) record() (host.Server, error) {
	if it.Server == nil {
		return host.Server{}, fmt.Errorf("no server record")
	}
	return it.Server.server(it.ID)
}

// readRecord reads the record of item id.
func readRecord(id string, r xml.TokenReader) (host.Server, error) {
	var rec record
	if err := xml.NewTokenDecoder(r).Decode(&rec); err != nil {
		return host.Server{}, err
	}
	return rec.server(id)
}

// Bounds of what a record may say (a record is a stranger's claim).
const (
	maxRecordText = 256
	maxFeatures   = 16
	minTTL        = time.Second
	maxTTL        = time.Hour
)

// server checks a record of item id and makes it a host.Server: its JID
// must be a bare address and the item's ID, its numbers not negative, its
// time not past its TTL from now; texts are cut to maxRecordText.
func (rec *record) server(id string) (host.Server, error) {
	j, err := jid.Parse(rec.JID)
	if err != nil || rec.JID != id || j.Resourcepart() != "" || len(id) > maxRecordText {
		return host.Server{}, fmt.Errorf("record %q: bad jid %q", id, rec.JID)
	}
	for _, n := range []int64{int64(rec.Running), int64(rec.Waiting), int64(rec.Processes), int64(rec.Live), int64(rec.Workers),
		int64(rec.Capacity), int64(rec.Free), rec.MaxSteps, rec.MaxMemory, rec.MaxLifetime, rec.TTL} {
		if n < 0 {
			return host.Server{}, fmt.Errorf("record %q: a negative number", id)
		}
	}
	updated, err := time.Parse(time.RFC3339Nano, rec.Updated)
	if err != nil {
		return host.Server{}, fmt.Errorf("record %q: updated %q: %v", id, rec.Updated, err)
	}
	ttl := min(max(time.Duration(min(rec.TTL, int64(maxTTL/time.Second)))*time.Second, minTTL), maxTTL)
	if now := time.Now(); updated.After(now) {
		updated = now // a clock ahead does not make a record live longer
	}
	s := host.Server{JID: id, Version: cut(rec.Version), Contact: cut(rec.Contact),
		Load:    host.Load{Running: rec.Running, Waiting: rec.Waiting, Processes: rec.Processes, Live: rec.Live},
		Workers: rec.Workers, Capacity: rec.Capacity, Free: rec.Free, MaxSteps: rec.MaxSteps, MaxMemory: rec.MaxMemory,
		MaxLifetime: time.Duration(min(rec.MaxLifetime, int64(1<<62/time.Second))) * time.Second, Updated: updated, TTL: ttl}
	for _, f := range rec.Features[:min(len(rec.Features), maxFeatures)] {
		s.Features = append(s.Features, cut(f))
	}
	return s, nil
}

// cut cuts a record's text to maxRecordText bytes.
func cut(s string) string {
	if len(s) > maxRecordText {
		return s[:maxRecordText]
	}
	return s
}

// recordTokens is the record s as its item carries it.
func recordTokens(s host.Server) xml.TokenReader {
	itoa := strconv.Itoa
	i64 := func(n int64) string { return strconv.FormatInt(n, 10) }
	var inner []xml.TokenReader
	if s.Contact != "" {
		inner = append(inner, elem("contact", nil, text(s.Contact)))
	}
	for _, f := range s.Features {
		inner = append(inner, elem("feature", nil, text(f)))
	}
	return elem("server", []string{"jid", s.JID, "version", s.Version, "running", itoa(s.Running), "waiting", itoa(s.Waiting),
		"processes", itoa(s.Processes), "live", itoa(s.Live), "workers", itoa(s.Workers), "capacity", itoa(s.Capacity),
		"free", itoa(s.Free), "max-steps", i64(s.MaxSteps), "max-memory", i64(s.MaxMemory),
		"max-lifetime", i64(int64(s.MaxLifetime / time.Second)), "updated", s.Updated.UTC().Format(time.RFC3339Nano),
		"ttl", i64(int64(s.TTL / time.Second))}, inner...)
}
