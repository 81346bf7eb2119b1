package xmpphost

import (
	"bytes"
	"cmp"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"mellium.im/xmlstream"
	"mellium.im/xmpp/disco"
	"mellium.im/xmpp/jid"
	"mellium.im/xmpp/stanza"
)

// This file is the bulk path of a jump: a continuation too large for a
// few pieces goes by HTTP File Upload (XEP-0363) to the upload service of
// the sender's server, sealed with AES-256-GCM under a key made for this
// jump, and a single jump stanza carries its address and the key instead
// of the data (docs/protocol.md). The receiver fetches it, opens it and
// takes it in as if its pieces had come. Pieces cost the server an XML
// parse and a TLS round per byte, both ways (about 15 MB/s of base64 on
// Prosody); an upload is raw bytes. The server keeps only sealed bytes it
// cannot read, until its own expiry (XEP-0363 has no delete). Without an
// upload service, or when it refuses the file or the upload fails, the
// pieces go as before.

// nsUpload is XEP-0363's namespace.
const nsUpload = "urn:xmpp:http:upload:0"

// bulkMin is the smallest payload that goes by the bulk path: below it a
// few pieces cost less than a slot's round trip and two HTTP requests.
const bulkMin = 256 << 10

// keySize is the bytes of a bulk element's key: an AES-256 key and GCM's
// 12-byte nonce.
const keySize = 32 + 12

// jumpBulk stands for a jump's data in its one piece:
//
//	<jump … seq='0' of='1'><record …/><bulk url='https://…' size='…' key='…'/></jump>
//
// size is the bytes at url (the sealed payload), key the base64 of the
// AES-256 key and the GCM nonce that open them.
type jumpBulk struct {
	URL  string `xml:"url,attr"`
	Size int    `xml:"size,attr"`
	Key  string `xml:"key,attr"`
}

func (b *jumpBulk) tokens() xml.TokenReader {
	return elem("bulk", []string{"url", b.URL, "size", strconv.Itoa(b.Size), "key", b.Key})
}

// uploads is what the transport knows of its server's upload service.
type uploads struct {
	mu      sync.Mutex
	service jid.JID // none when zero
	max     int     // the largest file it takes
	chosen  bool    // by SetUpload: none is discovered
	sent    int     // jumps sent by the bulk path (for tests)
}

// SetUpload names the HTTP File Upload service (upload.a.example) jumps
// use for large continuations, and the largest file it takes (0: no
// limit given); service "" uses none. Serve otherwise looks for one
// among its server's items (discoverUpload).
func (t *Transport) SetUpload(service string, max int) error {
	var j jid.JID
	if service != "" {
		var err error
		if j, err = jid.Parse(service); err != nil {
			return fmt.Errorf("upload service %q: %w", service, err)
		}
	}
	t.up.mu.Lock()
	defer t.up.mu.Unlock()
	t.up.set(j, max)
	t.up.chosen = true
	return nil
}

// set uses service, which takes files of up to max bytes (0: it does not
// say). u.mu is held.
func (u *uploads) set(service jid.JID, max int) {
	u.service, u.max = service, cmp.Or(max, maxContinuation+gcmOverhead)
}

// upload returns the upload service and its limit (a zero JID: none).
func (t *Transport) upload() (jid.JID, int) {
	t.up.mu.Lock()
	defer t.up.mu.Unlock()
	return t.up.service, t.up.max
}

// discoverUpload looks among the items of the server's domain for an
// upload service (disco#items, then disco#info of each) and uses the
// first it finds, with the max-file-size its info form says (not when
// SetUpload chose one, nor for a component: its server's domain is not
// its own).
func (t *Transport) discoverUpload() {
	t.up.mu.Lock()
	chosen := t.up.chosen
	t.up.mu.Unlock()
	if chosen || t.component {
		return
	}
	ctx, cancel := context.WithTimeout(t.ctx, 10*time.Second)
	defer cancel()
	domain := t.s.LocalAddr().Domain()
	var candidates []jid.JID
	it := disco.FetchItemsIQ(ctx, "", stanza.IQ{To: domain}, t.s)
	for it.Next() && len(candidates) < 32 {
		candidates = append(candidates, it.Item().JID)
	}
	it.Close()
	for _, c := range candidates {
		info, err := disco.GetInfo(ctx, "", c, t.s)
		if err != nil {
			continue
		}
		if max, ok := uploadInfo(info); ok {
			t.up.mu.Lock()
			if !t.up.chosen {
				t.up.set(c, max)
			}
			t.up.mu.Unlock()
			if t.Log != nil {
				t.Log.Info("large jumps go by the server's upload service", "service", c.String(), "max_bytes", max)
			}
			return
		}
	}
}

// uploadInfo says whether a service's info is an upload service's, and
// the largest file it takes (0 when it does not say).
func uploadInfo(info disco.Info) (max int, ok bool) {
	for _, f := range info.Features {
		ok = ok || f.Var == nsUpload
	}
	for _, f := range info.Form {
		if typ, _ := f.GetString("FORM_TYPE"); typ != nsUpload {
			continue
		}
		if v, _ := f.GetString("max-file-size"); v != "" {
			max, _ = strconv.Atoi(v)
		}
	}
	return max, ok
}

// gcmOverhead is what sealing adds to a payload (GCM's tag).
const gcmOverhead = 16

// sendBulk uploads a jump's payload sealed and returns the element that
// stands for it; nil when it goes in pieces (no service, too small or
// too large for it, or the upload failed).
func (t *Transport) sendBulk(id string, payload []byte) *jumpBulk {
	service, max := t.upload()
	if service.String() == "" || len(payload) < bulkMin || len(payload)+gcmOverhead > max {
		return nil
	}
	key := make([]byte, keySize)
	rand.Read(key)
	sealed := sealer(key).Seal(nil, key[32:], payload, nil)
	url, err := t.put(service, id, sealed)
	if err != nil {
		t.logf("upload to %s: %v (the jump goes in pieces)", service, err)
		return nil
	}
	t.up.mu.Lock()
	t.up.sent++
	t.up.mu.Unlock()
	return &jumpBulk{URL: url, Size: len(sealed), Key: base64.StdEncoding.EncodeToString(key)}
}

// sealer is AES-256-GCM under key's first 32 bytes.
func sealer(key []byte) cipher.AEAD {
	block, err := aes.NewCipher(key[:32])
	if err != nil {
		panic(err) // (the key's size is fixed)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return aead
}

// uploadSlot is the service's answer to a slot request.
type uploadSlot struct {
	Put struct {
		URL     string `xml:"url,attr"`
		Headers []struct {
			Name  string `xml:"name,attr"`
			Value string `xml:",chardata"`
		} `xml:"header"`
	} `xml:"put"`
	Get struct {
		URL string `xml:"url,attr"`
	} `xml:"get"`
}

// put asks service for a slot for data and uploads it there: the URL it
// can be fetched from.
func (t *Transport) put(service jid.JID, id string, data []byte) (string, error) {
	ctx, cancel := context.WithTimeout(t.ctx, t.timeout())
	defer cancel()
	req := xmlstream.Wrap(nil, xml.StartElement{Name: xml.Name{Space: nsUpload, Local: "request"}, Attr: []xml.Attr{
		{Name: xml.Name{Local: "filename"}, Value: id + ".bin"},
		{Name: xml.Name{Local: "size"}, Value: strconv.Itoa(len(data))},
		{Name: xml.Name{Local: "content-type"}, Value: "application/octet-stream"},
	}})
	var slot uploadSlot
	if err := t.s.UnmarshalIQ(ctx, stanza.IQ{Type: stanza.GetIQ, To: service}.Wrap(req), &slot); err != nil {
		return "", fmt.Errorf("slot: %w", err)
	}
	for _, u := range []string{slot.Put.URL, slot.Get.URL} {
		if err := checkURL(u); err != nil {
			return "", err
		}
	}
	hr, err := http.NewRequestWithContext(ctx, http.MethodPut, slot.Put.URL, bytes.NewReader(data))
	if err != nil {
		return "", err
	}
	hr.ContentLength = int64(len(data))
	hr.Header.Set("Content-Type", "application/octet-stream")
	for _, h := range slot.Put.Headers {
		switch http.CanonicalHeaderKey(h.Name) {
		case "Authorization", "Cookie", "Expires": // the ones XEP-0363 allows
			hr.Header.Set(h.Name, h.Value)
		}
	}
	resp, err := t.http.Do(hr)
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("PUT: %s", resp.Status)
	}
	return slot.Get.URL, nil
}

// newBulkClient makes the bulk path's HTTP client: it trusts what the
// account's TLS settings trust (tc: its CA file, or any certificate when
// insecure; nil: the system's roots) and follows no redirects.
func newBulkClient(tc *tls.Config) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if tc != nil {
		tr.TLSClientConfig = tc.Clone()
		tr.TLSClientConfig.ServerName = "" // (the URL's host)
	}
	return &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// checkURL accepts only an absolute http or https URL.
func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return fmt.Errorf("not an http(s) URL: %.200q", s)
	}
	return nil
}

// checkBulk refuses a bulk element that cannot be what a sender sends:
// before anything is fetched or reserved.
func checkBulk(b *jumpBulk) error {
	if err := checkURL(b.URL); err != nil {
		return err
	}
	if b.Size <= gcmOverhead || b.Size > maxContinuation+gcmOverhead {
		return fmt.Errorf("size %d (at most %d bytes)", b.Size, maxContinuation+gcmOverhead)
	}
	if k, err := base64.StdEncoding.DecodeString(b.Key); err != nil || len(k) != keySize {
		return errors.New("bad key")
	}
	return nil
}

// fetch downloads and opens what a (checked) bulk element stands for:
// exactly its size in bytes, or an error.
func (t *Transport) fetch(b *jumpBulk) ([]byte, error) {
	ctx, cancel := context.WithTimeout(t.ctx, t.timeout())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.URL, nil)
	if err != nil {
		return nil, err
	}
	resp, err := t.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch: %v", err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("fetch: %s", resp.Status)
	case resp.ContentLength >= 0 && resp.ContentLength != int64(b.Size):
		return nil, fmt.Errorf("fetch: %d bytes, not the %d announced", resp.ContentLength, b.Size)
	}
	var sealed []byte
	if resp.ContentLength == int64(b.Size) { // (the body is framed: that many bytes, or an error)
		sealed = make([]byte, b.Size)
		_, err = io.ReadFull(resp.Body, sealed)
	} else { // of unknown length: grows as the bytes come
		sealed, err = io.ReadAll(io.LimitReader(resp.Body, int64(b.Size)+1))
	}
	switch {
	case err != nil:
		return nil, fmt.Errorf("fetch: %v", err)
	case len(sealed) != b.Size:
		return nil, fmt.Errorf("fetch: %d bytes, not the %d announced", len(sealed), b.Size)
	}
	key, _ := base64.StdEncoding.DecodeString(b.Key)
	payload, err := sealer(key).Open(sealed[:0], key[32:], sealed, nil)
	if err != nil {
		return nil, errors.New("payload damaged in transit (it does not open with its key)")
	}
	return payload, nil
}
