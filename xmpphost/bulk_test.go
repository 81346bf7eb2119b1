package xmpphost

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mobilua/mobilua/host"
)

// startProsodyUpload is startProsodyWith and an HTTP File Upload service,
// upload.a.localhost (mod_http_file_share, HTTP on a free loopback port),
// which both hosts' accounts may use and both domains list among their
// items; its limit is sizeLimit bytes.
func startProsodyUpload(t testing.TB, sizeLimit int, settings ...string) map[string]string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cfg := filepath.Join(t.TempDir(), "upload.cfg.lua")
	os.WriteFile(cfg, []byte(fmt.Sprintf(`http_ports = { %[1]d }
http_interfaces = { "127.0.0.1" }
https_ports = { }
http_external_url = "http://127.0.0.1:%[1]d/"
http_default_host = "upload.a.localhost"
http_max_content_size = 256 * 1024
network_default_read_size = 262144
disco_items = { { "upload.a.localhost", "HTTP File Upload" } }
Component "upload.a.localhost" "http_file_share"
  http_file_share_size_limit = %[2]d
  http_file_share_daily_quota = 1024 * 1024 * 1024 * 1024
  http_file_share_access = { "host1@a.localhost", "host2@b.localhost" }
`, port, sizeLimit)), 0o644)
	return startProsodyWith(t, append([]string{"XMPP_COMPONENT_PORT=0", "XMPP_EXTRA_CONFIG=" + cfg}, settings...)...)
}

// waitUpload waits until tr has found its server's upload service.
func waitUpload(t testing.TB, tr *Transport) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if s, _ := tr.upload(); s.String() != "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("no upload service found")
		}
	}
}

// bulkSent is how many jumps tr sent by the bulk path.
func bulkSent(tr *Transport) int {
	tr.up.mu.Lock()
	defer tr.up.mu.Unlock()
	return tr.up.sent
}

// TestBulkJump: a process holding 3 MB of random numbers (which do not
// pack) jumps by the bulk path, found by service discovery, and back;
// one smaller than bulkMin goes in pieces.
func TestBulkJump(t *testing.T) {
	env := startProsodyUpload(t, 64<<20)
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	a, b := env["XMPP_JID1"], env["XMPP_JID2"]
	trA, _ := xmppHost(t, ctx, env, "1", b)
	trB, _ := xmppHost(t, ctx, env, "2", a)
	waitUpload(t, trA)
	waitUpload(t, trB)
	user := newUser(t, ctx, env, "3")
	user.Send(a, `new
local t, sum = {}, 0
for i = 1, 3e5 do t[i] = math.random() sum = sum + t[i] end
assert(mb.jump("`+b+`"))
local again = 0 for i = 1, #t do again = again + t[i] end
print("there", mb.host(), #t, again == sum)
assert(mb.jump("`+a+`"))
print("back", mb.host(), #t, t[#t] > 0)`)
	user.Send(a, "run p1")
	if got := user.waitFor(t, "there\t"+b+"\t300000\ttrue"); !strings.HasPrefix(got, b+": ") {
		t.Errorf("from %q", got)
	}
	user.waitFor(t, "back\t"+a+"\t300000\ttrue")
	if n, m := bulkSent(trA), bulkSent(trB); n != 1 || m != 1 {
		t.Errorf("jumps by the bulk path: %d from A, %d from B; want 1 each", n, m)
	}
	user.Send(a, `new local s = string.rep("x", 1000) assert(mb.jump("`+b+`")) print("small", mb.host())`)
	user.Send(a, "run p3") // (p2 is the first, back)
	user.waitFor(t, "small\t"+b)
	if n := bulkSent(trA); n != 1 {
		t.Errorf("a small jump went by the bulk path (%d)", n)
	}
}

// sealedServer serves the payload sealed under a fresh key at /ok, the
// same with a byte changed at /bad, cut short at /short, cut short with
// the whole length said at /liar, with a byte too many at /long (no
// length said), and a redirect to /ok at /moved; it
// returns the server and the bulk element of /ok.
func sealedServer(t *testing.T, payload []byte) (*httptest.Server, jumpBulk) {
	key := make([]byte, keySize)
	rand.Read(key)
	sealed := sealer(key).Seal(nil, key[32:], payload, nil)
	bad := bytes.Clone(sealed)
	bad[len(bad)/2] ^= 1
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			w.Write(sealed)
		case "/bad":
			w.Write(bad)
		case "/short":
			w.Write(sealed[:len(sealed)-1])
		case "/liar": // says the right length, sends less
			w.Header().Set("Content-Length", strconv.Itoa(len(sealed)))
			w.Write(sealed[:len(sealed)/2])
		case "/long":
			w.(http.Flusher).Flush() // (chunked: no length said)
			w.Write(append(bytes.Clone(sealed), 0))
		case "/moved":
			http.Redirect(w, r, "/ok", http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, jumpBulk{URL: srv.URL + "/ok", Size: len(sealed), Key: base64.StdEncoding.EncodeToString(key)}
}

// TestBulkFetch: a bulk element is checked before anything is fetched,
// and what is fetched is taken only when it is exactly the sealed bytes
// announced.
func TestBulkFetch(t *testing.T) {
	payload := bytes.Repeat([]byte("continuation "), 1000)
	srv, ok := sealedServer(t, payload)
	tr := &Transport{ctx: context.Background(), http: newBulkClient(nil)}
	if got, err := tr.fetch(&ok); err != nil || !bytes.Equal(got, payload) {
		t.Fatalf("fetch: %v (%d bytes)", err, len(got))
	}
	with := func(f func(b *jumpBulk)) *jumpBulk {
		b := ok
		f(&b)
		return &b
	}
	for _, c := range []struct {
		b    *jumpBulk
		want string
	}{
		{with(func(b *jumpBulk) { b.URL = srv.URL + "/bad" }), "payload damaged in transit"},
		{with(func(b *jumpBulk) { b.URL = srv.URL + "/short" }), "not the"},
		{with(func(b *jumpBulk) { b.URL = srv.URL + "/liar" }), "unexpected EOF"},
		{with(func(b *jumpBulk) { b.URL = srv.URL + "/long" }), "not the"},
		{with(func(b *jumpBulk) { b.URL = srv.URL + "/moved" }), "302 Found"},
		{with(func(b *jumpBulk) { b.URL = srv.URL + "/gone" }), "404 Not Found"},
		{with(func(b *jumpBulk) { b.Size-- }), "not the"},
		{with(func(b *jumpBulk) {
			k := make([]byte, keySize)
			b.Key = base64.StdEncoding.EncodeToString(k)
		}), "payload damaged in transit"},
	} {
		if _, err := tr.fetch(c.b); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("fetch %s (%d bytes): %v, want %q", c.b.URL, c.b.Size, err, c.want)
		}
	}
	for _, c := range []struct {
		b    *jumpBulk
		want string
	}{
		{with(func(b *jumpBulk) { b.URL = "file:///etc/passwd" }), "not an http(s) URL"},
		{with(func(b *jumpBulk) { b.URL = "http://user:pw@127.0.0.1/x" }), "not an http(s) URL"},
		{with(func(b *jumpBulk) { b.URL = "/ok" }), "not an http(s) URL"},
		{with(func(b *jumpBulk) { b.Size = gcmOverhead }), "size"},
		{with(func(b *jumpBulk) { b.Size = maxContinuation + gcmOverhead + 1 }), "size"},
		{with(func(b *jumpBulk) { b.Key = b.Key[4:] }), "bad key"},
		{with(func(b *jumpBulk) { b.Key = "!" + b.Key[1:] }), "bad key"},
	} {
		if err := checkBulk(c.b); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("checkBulk %+v: %v, want %q", *c.b, err, c.want)
		}
	}
	if err := checkBulk(&ok); err != nil {
		t.Errorf("checkBulk of a good element: %v", err)
	}
}

// failGets is a round tripper that fails every request (the receiver's
// fetch).
type failGets struct{}

func (failGets) RoundTrip(r *http.Request) (*http.Response, error) {
	return nil, errors.New("no route to the upload service")
}

// TestBulkFallback: a jump goes in pieces when no slot is given (an
// upload service that is not there), and is sent again in pieces when the
// receiver cannot fetch what was uploaded; it arrives once.
func TestBulkFallback(t *testing.T) {
	env := startProsodyUpload(t, 64<<20)
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	a, b := env["XMPP_JID1"], env["XMPP_JID2"]
	trA, _ := xmppHostWith(t, ctx, env, "1", func(tr *Transport, _ *host.Config) { tr.SetUpload("nowhere.a.localhost", 0) }, b)
	// B cannot reach the upload service (set before it serves: no race)
	xmppHostWith(t, ctx, env, "2", func(tr *Transport, _ *host.Config) { tr.http.Transport = failGets{} }, a)
	user := newUser(t, ctx, env, "3")
	jump := func(pid string) {
		t.Helper()
		user.Send(a, `new local t = {} for i = 1, 2e5 do t[i] = math.random() end
assert(mb.jump("`+b+`")) print("arrived", mb.host(), #t)`)
		user.Send(a, "run "+pid)
		if got := user.waitFor(t, pid+" arrived on "+b); !strings.HasPrefix(got, b+": ") {
			t.Errorf("from %q", got)
		}
	}
	jump("p1")
	if n := bulkSent(trA); n != 0 {
		t.Fatalf("%d jumps by the bulk path; there is no upload service", n)
	}
	trA.SetUpload("upload.a.localhost", 0)
	jump("p2")
	if n := bulkSent(trA); n != 1 {
		t.Errorf("%d jumps by the bulk path; want 1 (uploaded, then refused by the receiver)", n)
	}
	time.Sleep(200 * time.Millisecond)
	user.mu.Lock()
	defer user.mu.Unlock()
	if n := strings.Count(strings.Join(user.got, "\n"), "arrived\t"+b+"\t200000"); n != 2 {
		t.Errorf("%d arrivals of two processes: %q", n, user.got)
	}
}

// TestBulkClientTrust: the bulk path's HTTP client trusts what the
// account's TLS settings trust (a self-signed server's certificate), and
// not more.
func TestBulkClientTrust(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
	defer srv.Close()
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	for _, c := range []struct {
		tc   *tls.Config
		want bool
	}{{nil, false}, {&tls.Config{RootCAs: pool, ServerName: "a.localhost"}, true}, {&tls.Config{InsecureSkipVerify: true}, true}} {
		resp, err := newBulkClient(c.tc).Get(srv.URL)
		if err == nil {
			resp.Body.Close()
		}
		if (err == nil) != c.want {
			t.Errorf("trusting %v: %v", c.tc != nil, err)
		}
	}
}

// TestNotBulk: a host that does not know the bulk element reads a jump
// sent by it as one piece without data; its refusal, as a refusal of the
// bulk path, makes the sender send the jump again in pieces. A refusal
// for a limit does not.
func TestNotBulk(t *testing.T) {
	st, err := host.OpenStore(filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	hc := host.DefaultConfig()
	hc.Name = "lua2@b.example"
	h, err := host.New(hc, st, &host.Memory{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { h.Close(); st.Close() }()
	sum := sha256.Sum256([]byte("a continuation"))
	for _, codec := range []string{"zstd", ""} {
		in := &incoming{record: &jumpRecord{PID: "p1", Owner: "alice@a.example"}, codec: codec, size: "14", sum: hex.EncodeToString(sum[:])}
		err := receive(h, host.Migration{From: "lua1@a.example", ID: "m1"}, in, nil)
		if err == nil || !notBulk(err.Error()) {
			t.Errorf("codec %q, no data: %v, not a refusal of the bulk path", codec, err)
		}
	}
	for _, r := range []string{badBulk + "fetch: 404 Not Found", "busy: too much arriving at once", "alice@a.example has 10 live processes here, the most this host allows"} {
		if notBulk(r) != strings.HasPrefix(r, badBulk) {
			t.Errorf("%q: %v", r, notBulk(r))
		}
	}
}

// TestBulkBudget: a bulk piece whose size does not fit in the bytes a
// receiver lets arrive at once is refused before anything is fetched;
// one that fits is counted there while it is fetched, and let go after.
func TestBulkBudget(t *testing.T) {
	var fetches atomic.Int32
	release := make(chan struct{})
	payload := bytes.Repeat([]byte("x"), 1000)
	key := make([]byte, keySize)
	sealed := sealer(key).Seal(nil, key[32:], payload, nil)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetches.Add(1)
		<-release
		w.Write(sealed)
	}))
	defer srv.Close()
	env := startProsody(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	a := env["XMPP_JID1"]
	trB, _ := xmppHost(t, ctx, env, "2", a)
	bulk := &jumpBulk{URL: srv.URL, Size: len(sealed), Key: base64.StdEncoding.EncodeToString(key)}
	arriving := func() (int, bool) {
		trB.j.mu.Lock()
		defer trB.j.mu.Unlock()
		_, pending := trB.j.pending[host.Migration{From: a, ID: "m1"}]
		return trB.j.arriving, pending
	}
	trB.j.mu.Lock()
	trB.j.arriving = arrivingLimit() - len(sealed) + 1 // (as if other jumps' pieces waited)
	trB.j.mu.Unlock()
	trB.piece(a, &jumpChunk{ID: "m1", Seq: 0, Of: 1, Bulk: bulk})
	if n, pending := arriving(); n != arrivingLimit()-len(sealed)+1 || pending {
		t.Errorf("over the budget: %d bytes arriving, pending %v", n, pending)
	}
	trB.j.mu.Lock()
	trB.j.arriving = 0
	trB.j.mu.Unlock()
	trB.piece(a, &jumpChunk{ID: "m1", Seq: 0, Of: 1, Bulk: bulk})
	for deadline := time.Now().Add(10 * time.Second); fetches.Load() == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("not fetched")
		}
	}
	if n, pending := arriving(); n != len(sealed) || !pending {
		t.Errorf("while fetched: %d bytes arriving, pending %v", n, pending)
	}
	close(release)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if n, pending := arriving(); n == 0 && !pending {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the fetched bulk is still counted")
		}
	}
	if n := fetches.Load(); n != 1 {
		t.Errorf("%d fetches, want 1 (none over the budget)", n)
	}
}
