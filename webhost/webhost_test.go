package webhost

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mobilua/mobilua/host"
)

const (
	alice = "alice@a.example"
	bob   = "bob@a.example"
)

// testServer starts a host (on a Memory transport) with its web interface
// on a loopback test server.
func testServer(t testing.TB, mod ...func(*host.Config)) (*host.Host, *Server, *httptest.Server) {
	t.Helper()
	st, err := host.OpenStore(filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := host.DefaultConfig()
	cfg.Name = "lua1@a.example"
	cfg.CheckpointEvery = 0
	for _, m := range mod {
		m(&cfg)
	}
	h, err := host.New(cfg, st, &host.Memory{})
	if err != nil {
		t.Fatal(err)
	}
	var srv *Server
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { srv.ServeHTTP(w, r) }))
	ts.Start()
	srv, err = New(h, Config{BaseURL: ts.URL, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ts.Close(); h.Close(); st.Close() })
	return h, srv, ts
}

// browser is a client with a cookie jar that does not follow redirects.
type browser struct {
	t    testing.TB
	c    *http.Client
	base string
	csrf string
}

func newBrowser(t testing.TB, base string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: base, c: &http.Client{Jar: jar, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)

func (b *browser) get(path string) (int, string) {
	b.t.Helper()
	resp, err := b.c.Get(b.base + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if m := csrfRe.FindSubmatch(body); m != nil {
		b.csrf = string(m[1])
	}
	return resp.StatusCode, string(body)
}

// post sends a form (with the session's CSRF token unless the form has
// one) and returns the status, the redirect's target and the body.
func (b *browser) post(path string, form url.Values) (int, string, string) {
	b.t.Helper()
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", b.csrf)
	}
	resp, err := b.c.PostForm(b.base+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(body)
}

// signIn gets a link through the web chat command and signs in with it.
func (b *browser) signIn(h *host.Host, user string) {
	b.t.Helper()
	link := regexp.MustCompile(`http://\S+`).FindString(h.Command(user, "web"))
	u, err := url.Parse(link)
	if err != nil || link == "" {
		b.t.Fatalf("web gave %q", h.Command(user, "web"))
	}
	if code, body := b.get(u.RequestURI()); code != 200 || !strings.Contains(body, user) {
		b.t.Fatalf("sign-in page: %d %s", code, body)
	}
	if code, loc, body := b.post("/signin", url.Values{"t": {u.Query().Get("t")}}); code != http.StatusSeeOther || loc != "/me" {
		b.t.Fatalf("sign in: %d %q %s", code, loc, body)
	}
	if code, _ := b.get("/me"); code != 200 {
		b.t.Fatalf("dashboard after signing in: %d", code)
	}
}

// TestSignIn: a link works once, within its time; the cookie is HttpOnly
// and SameSite=Strict; nothing but a link signs in; signing out ends the
// session.
// TestPublicServers: the public page lists the computation servers the
// host knows (itself, without a directory or peers).
func TestPublicServers(t *testing.T) {
	h, _, ts := testServer(t)
	code, body := newBrowser(t, ts.URL).get("/")
	if want := `<ul id="servers"><li>` + h.Name() + `: this host; 0 running, 0 waiting on `; code != 200 || !strings.Contains(body, want) {
		t.Errorf("public page: %d, no %q in\n%s", code, want, body)
	}
}

func TestSignIn(t *testing.T) {
	h, srv, ts := testServer(t)
	if code, body := newBrowser(t, ts.URL).get("/me"); code != http.StatusUnauthorized || !strings.Contains(body, "web") {
		t.Errorf("dashboard without a session: %d %s", code, body)
	}
	link, err := srv.SignInLink(alice)
	if err != nil {
		t.Fatal(err)
	}
	tok := link[strings.Index(link, "t=")+2:]
	b := newBrowser(t, ts.URL)
	resp, err := b.c.PostForm(ts.URL+"/signin", url.Values{"t": {tok}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == cookieName {
			cookie = c
		}
	}
	if resp.StatusCode != http.StatusSeeOther || cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode {
		t.Fatalf("sign in: %d, cookie %+v", resp.StatusCode, cookie)
	}
	if code, body := b.get("/me"); code != 200 || !strings.Contains(body, alice) {
		t.Errorf("dashboard: %d", code)
	}
	// used: refused, on its page and when posted
	other := newBrowser(t, ts.URL)
	if code, body := other.get("/signin?t=" + tok); code != http.StatusForbidden || !strings.Contains(body, "not valid") {
		t.Errorf("a used link's page: %d", code)
	}
	if code, _, _ := other.post("/signin", url.Values{"t": {tok}}); code != http.StatusForbidden {
		t.Errorf("a used link: %d", code)
	}
	// expired: refused
	link, _ = srv.SignInLink(alice)
	tok = link[strings.Index(link, "t=")+2:]
	srv.auth.now = func() time.Time { return time.Now().Add(linkLife + time.Second) }
	if code, _, _ := other.post("/signin", url.Values{"t": {tok}}); code != http.StatusForbidden {
		t.Errorf("an expired link: %d", code)
	}
	srv.auth.now = time.Now
	// a made-up token
	if code, _, _ := other.post("/signin", url.Values{"t": {strings.Repeat("0", 48)}}); code != http.StatusForbidden {
		t.Errorf("a made-up link: %d", code)
	}
	// looking at a link does not spend it (a chat client's preview)
	link, _ = srv.SignInLink(alice)
	u, _ := url.Parse(link)
	other.get(u.RequestURI())
	other.get(u.RequestURI())
	if code, _, _ := other.post("/signin", url.Values{"t": {u.Query().Get("t")}}); code != http.StatusSeeOther {
		t.Errorf("a link that was looked at: %d", code)
	}
	// signing out ends the session
	if code, _, _ := b.post("/signout", url.Values{}); code != http.StatusSeeOther {
		t.Errorf("sign out: %d", code)
	}
	if code, _ := b.get("/me"); code != http.StatusUnauthorized {
		t.Errorf("after signing out: %d", code)
	}
	// and without a web interface, the command says so
	if got := h.Command(bob, "web"); !strings.Contains(got, "sign in on the web") {
		t.Errorf("web: %q", got)
	}
}

// TestRules: a user sees and changes only their own processes; a form
// without the session's CSRF token changes nothing; the host's own rules
// (a syntax error) come back as errors on the page.
func TestRules(t *testing.T) {
	h, _, ts := testServer(t)
	a, b := newBrowser(t, ts.URL), newBrowser(t, ts.URL)
	a.signIn(h, alice)
	b.signIn(h, bob)
	code, loc, body := a.post("/new", url.Values{"name": {"wait.lua"}, "code": {"print(mb.input('name?'))"}, "run": {"1"}})
	if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/p/p") {
		t.Fatalf("new: %d %q %s", code, loc, body)
	}
	pid := strings.TrimPrefix(loc, "/p/")
	if code, body := b.get("/p/" + pid); code != http.StatusNotFound || strings.Contains(body, "wait.lua") {
		t.Errorf("bob sees alice's process: %d", code)
	}
	if code, _, _ := b.post("/p/"+pid+"/kill", url.Values{}); code == http.StatusSeeOther {
		t.Errorf("bob killed alice's process")
	}
	if _, body := b.get("/me"); strings.Contains(body, pid) {
		t.Errorf("bob's dashboard lists alice's process")
	}
	// no token, a wrong token, bob's token: refused
	for _, tok := range []string{"", "00", b.csrf} {
		if code, _, _ := a.post("/p/"+pid+"/kill", url.Values{"csrf": {tok}}); code != http.StatusForbidden {
			t.Errorf("kill with csrf %q: %d", tok, code)
		}
	}
	if v, _ := h.Process(alice, pid); v.State.Ended() {
		t.Fatalf("%s was killed by a forged form", pid)
	}
	if code, _, _ := a.post("/p/"+pid+"/kill", url.Values{}); code != http.StatusSeeOther {
		t.Errorf("kill: %d", code)
	}
	if v, _ := h.Process(alice, pid); v.State != host.StateKilled {
		t.Errorf("after kill: %s", v.State)
	}
	code, _, body = a.post("/new", url.Values{"name": {"bad.lua"}, "code": {"x = = 1"}, "run": {"1"}})
	if code != http.StatusBadRequest || !strings.Contains(body, "bad.lua:1:") || !strings.Contains(body, "x = = 1") {
		t.Errorf("a syntax error: %d %s", code, body)
	}
}

// TestLiveOutput: a process's events stream its output as it prints and
// its state (a question, the answer from the page, the end).
func TestLiveOutput(t *testing.T) {
	h, _, ts := testServer(t)
	a := newBrowser(t, ts.URL)
	a.signIn(h, alice)
	_, loc, _ := a.post("/new", url.Values{"name": {"ask.lua"}, "code": {"print('hello') local n = mb.input('name?') print('hi ' .. n)"}, "run": {"1"}})
	pid := strings.TrimPrefix(loc, "/p/")
	resp, err := a.c.Get(ts.URL + "/p/" + pid + "/events?end=0")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	events := make(chan [2]string, 100)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		var ev string
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, "event: ") {
				ev = strings.TrimPrefix(line, "event: ")
			} else if strings.HasPrefix(line, "data: ") {
				events <- [2]string{ev, strings.TrimPrefix(line, "data: ")}
			}
		}
		close(events)
	}()
	var out strings.Builder
	await := func(pred func(ev, data string) bool) {
		t.Helper()
		deadline := time.After(20 * time.Second)
		for {
			select {
			case e, ok := <-events:
				if !ok {
					t.Fatalf("the stream ended; output %q", out.String())
				}
				if e[0] == "output" {
					var o outputEvent
					json.Unmarshal([]byte(e[1]), &o)
					out.WriteString(o.Text)
				}
				if pred(e[0], e[1]) {
					return
				}
			case <-deadline:
				t.Fatalf("no such event; output %q", out.String())
			}
		}
	}
	await(func(ev, data string) bool {
		return ev == "state" && strings.Contains(data, `"state":"input"`) && strings.Contains(data, `"prompt":"name?"`)
	})
	if !strings.Contains(out.String(), "hello") {
		t.Errorf("output before the question: %q", out.String())
	}
	if code, _, body := a.post("/p/"+pid+"/input", url.Values{"text": {"Ada"}}); code != http.StatusSeeOther {
		t.Fatalf("input: %d %s", code, body)
	}
	await(func(ev, data string) bool { return ev == "state" && strings.Contains(data, `"state":"finished"`) })
	if out.String() != "hello\nhi Ada\n" {
		t.Errorf("output %q", out.String())
	}
}

// TestTravels: a process that arrived by mb.jump shows where it has been.
func TestTravels(t *testing.T) {
	tr := &host.Memory{}
	hosts := map[string]*host.Host{}
	for _, name := range []string{"lua1@a.example", "lua2@b.example"} {
		st, err := host.OpenStore(filepath.Join(t.TempDir(), "h.db"))
		if err != nil {
			t.Fatal(err)
		}
		cfg := host.DefaultConfig()
		cfg.Name = name
		h, err := host.New(cfg, st, tr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { h.Close(); st.Close() })
		tr.Attach(h)
		hosts[name] = h
	}
	b := hosts["lua2@b.example"]
	srv, err := New(b, Config{BaseURL: "http://b.example"})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	a := hosts["lua1@a.example"]
	pid, err := a.New(alice, "trip.lua", `mb.jump("lua2@b.example") print("arrived") mb.input("stay")`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Run(alice, pid); err != nil {
		t.Fatal(err)
	}
	br := newBrowser(t, ts.URL)
	br.signIn(b, alice)
	deadline := time.Now().Add(20 * time.Second)
	for {
		if ps := b.Processes(alice); len(ps) == 1 && ps[0].State == host.StateInput {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("it did not arrive: %+v", b.Processes(alice))
		}
		time.Sleep(20 * time.Millisecond)
	}
	code, body := br.get("/p/" + b.Processes(alice)[0].PID)
	if code != 200 || !regexp.MustCompile(`travelled: <span class="hop">p1 on lua1@a.example <span class="muted">\(left [^)]+\)</span></span> → here, as p1`).MatchString(body) {
		t.Errorf("its page: %d %s", code, body)
	}
}

// TestOperation: the host's admins see every process with its owner and
// use of the host, and the log's last events; others are refused.
func TestOperation(t *testing.T) {
	const carol = "carol@a.example"
	h, _, ts := testServer(t, func(c *host.Config) { c.Admins = []string{carol} })
	a, c := newBrowser(t, ts.URL), newBrowser(t, ts.URL)
	a.signIn(h, alice)
	c.signIn(h, carol)
	_, loc, _ := a.post("/new", url.Values{"name": {"count.lua"}, "code": {"local n = 0 for i = 1, 1e5 do n = n + i end mb.input('more?')"}, "run": {"1"}})
	pid := strings.TrimPrefix(loc, "/p/")
	deadline := time.Now().Add(20 * time.Second)
	for v, _ := h.Process(alice, pid); v.State != host.StateInput; v, _ = h.Process(alice, pid) {
		if time.Now().After(deadline) {
			t.Fatalf("%s is %s", pid, v.State)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if code, body := a.get("/admin"); code != http.StatusForbidden || strings.Contains(body, "All processes") {
		t.Errorf("alice's operation page: %d", code)
	}
	if _, body := a.get("/me"); strings.Contains(body, `href="/admin"`) {
		t.Errorf("alice is offered the operation page")
	}
	code, body := c.get("/admin")
	row := regexp.MustCompile(`<a href="/p/` + pid + `">` + pid + `</a></td><td>` + alice + `</td><td>count.lua</td><td class="state-input">waiting for input</td><td>[^<]+</td><td>(\d+)</td>`).FindStringSubmatch(body)
	if code != 200 || row == nil || row[1] == "0" || !strings.Contains(body, "process started") {
		t.Errorf("the operation page: %d %v\n%s", code, row, body)
	}
	if code, body := c.get("/p/" + pid); code != 200 || !strings.Contains(body, "count.lua") {
		t.Errorf("an admin opens a user's process: %d", code)
	}
	// what the waiting process holds, its frame with its source line
	if _, body := a.get("/p/" + pid); !strings.Contains(body, `count.lua:1 in main chunk  <span class="src">│ local n = 0 for i = 1, 1e5 do n = n &#43; i end mb.input(&#39;more?&#39;)</span>`) {
		t.Errorf("the inspection on its page:\n%s", body)
	}
}

// TestUpload: a .lua file sent with the editor's form is the script, named
// after the file.
func TestUpload(t *testing.T) {
	h, _, ts := testServer(t)
	a := newBrowser(t, ts.URL)
	a.signIn(h, alice)
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("csrf", a.csrf)
	w.WriteField("store", "1")
	f, _ := w.CreateFormFile("file", "greet.lua")
	f.Write([]byte("print('uploaded')\r\n"))
	w.Close()
	resp, err := a.c.Post(ts.URL+"/new", w.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	v, err := h.Process(alice, strings.TrimPrefix(loc, "/p/"))
	if resp.StatusCode != http.StatusSeeOther || err != nil || v.Name != "greet.lua" || v.Source != "print('uploaded')\n" || v.State != host.StateNew {
		t.Errorf("upload: %d %q %+v %v", resp.StatusCode, loc, v, err)
	}
}

// TestSecureCookie: behind an https address (a reverse proxy's), the
// session cookie is Secure.
func TestSecureCookie(t *testing.T) {
	_, srv, ts := testServer(t)
	srv.cfg.BaseURL = "https://lua.example"
	link, _ := srv.SignInLink(alice)
	resp, err := newBrowser(t, ts.URL).c.PostForm(ts.URL+"/signin", url.Values{"t": {link[strings.Index(link, "t=")+2:]}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !strings.HasPrefix(link, "https://lua.example/signin?t=") || len(resp.Cookies()) != 1 || !resp.Cookies()[0].Secure {
		t.Errorf("link %q, cookies %+v", link, resp.Cookies())
	}
}

// TestRateLimit: a session's requests are limited (a burst, then a few a
// second); another session is not slowed by it.
func TestRateLimit(t *testing.T) {
	h, _, ts := testServer(t)
	a, b := newBrowser(t, ts.URL), newBrowser(t, ts.URL)
	a.signIn(h, alice)
	b.signIn(h, bob)
	limited := 0
	for i := 0; i < 60; i++ {
		if code, _ := a.get("/me"); code == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited < 20 {
		t.Errorf("%d of 60 quick requests limited", limited)
	}
	if code, _ := b.get("/me"); code != 200 {
		t.Errorf("another session: %d", code)
	}
}

// TestOtherOrigin: a form another site's page posts is refused, the
// sign-in form too (it would sign the visitor in as the attacker).
func TestOtherOrigin(t *testing.T) {
	_, srv, ts := testServer(t)
	link, _ := srv.SignInLink(alice)
	req, _ := http.NewRequest("POST", ts.URL+"/signin", strings.NewReader(url.Values{"t": {link[strings.Index(link, "t=")+2:]}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	resp, err := newBrowser(t, ts.URL).c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || len(resp.Cookies()) != 0 {
		t.Errorf("a sign-in posted from another site: %d %v", resp.StatusCode, resp.Cookies())
	}
	req.Header.Set("Origin", ts.URL)
	req.Body = io.NopCloser(strings.NewReader(url.Values{"t": {link[strings.Index(link, "t=")+2:]}}.Encode()))
	if resp, err = newBrowser(t, ts.URL).c.Do(req); err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the same sign-in from this site: %v %v", resp.StatusCode, err)
	}
}

// TestMetrics: the host's counts in Prometheus's text format, and a
// health check.
func TestMetrics(t *testing.T) {
	h, _, ts := testServer(t, func(c *host.Config) { c.MaxProcsPerOwner = 1 })
	pid, err := h.New(alice, "", "print(1)")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.New(alice, "", "print(2)"); err == nil {
		t.Fatal("a second process past the limit")
	}
	h.Run(alice, pid)
	deadline := time.Now().Add(10 * time.Second)
	for v, _ := h.Process(alice, pid); v.State != host.StateFinished; v, _ = h.Process(alice, pid) {
		if time.Now().After(deadline) {
			t.Fatal(v.State)
		}
		time.Sleep(10 * time.Millisecond)
	}
	b := newBrowser(t, ts.URL)
	code, body := b.get("/metrics")
	for _, want := range []string{
		"# TYPE mobilua_processes gauge\n", "mobilua_processes{state=\"finished\"} 1\n",
		"mobilua_refusals_total{limit=\"processes per owner\"} 1\n", "mobilua_jumps_total{direction=\"out\"} 0\n",
		"mobilua_process_memory_bytes{kind=\"limit\"} ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("no %q in /metrics (%d):\n%s", want, code, body)
		}
	}
	if m := regexp.MustCompile(`mobilua_steps_total (\d+)`).FindStringSubmatch(body); m == nil || m[1] == "0" {
		t.Errorf("steps: %v", m)
	}
	if code, body := b.get("/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("health: %d %q", code, body)
	}
}

// TestBounds: what one user can make the web interface keep is bounded:
// unused links, sessions, open event streams, a form's size, an answer's.
func TestBounds(t *testing.T) {
	h, srv, ts := testServer(t)
	for i := 0; i < maxLinksOfUser; i++ {
		if _, err := srv.SignInLink(alice); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := srv.SignInLink(alice); err == nil {
		t.Errorf("more than %d unused links", maxLinksOfUser)
	}
	if got := h.Command(alice, "web"); !strings.Contains(got, "no link: you have 5 unused links") {
		t.Errorf("web past the bound: %q", got)
	}
	for i := 0; i < maxSessOfUser+3; i++ {
		srv.auth.mu.Lock()
		srv.auth.links[fmt.Sprint("t", i)] = link{user: bob, expires: time.Now().Add(time.Minute)}
		srv.auth.mu.Unlock()
		if _, _, err := srv.auth.use(fmt.Sprint("t", i)); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	for _, s := range srv.auth.sessions {
		if s.user == bob {
			n++
		}
	}
	if n != maxSessOfUser {
		t.Errorf("bob has %d sessions, at most %d", n, maxSessOfUser)
	}
	b := newBrowser(t, ts.URL)
	b.signIn(h, "carol@a.example")
	_, loc, _ := b.post("/new", url.Values{"code": {"mb.input('?')"}, "run": {"1"}})
	var bodies []io.Closer
	defer func() {
		for _, c := range bodies {
			c.Close()
		}
	}()
	for i := 0; i < maxStreams; i++ {
		resp, err := b.c.Get(ts.URL + loc + "/events")
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("stream %d: %v %v", i, err, resp.StatusCode)
		}
		bodies = append(bodies, resp.Body)
	}
	if code, _ := b.get(loc + "/events"); code != http.StatusTooManyRequests {
		t.Errorf("stream %d: %d", maxStreams+1, code)
	}
	if code, _, _ := b.post("/new", url.Values{"code": {strings.Repeat("x", maxForm)}}); code != http.StatusForbidden && code != http.StatusBadRequest {
		t.Errorf("a form past %d bytes: %d", maxForm, code)
	}
	pid := strings.TrimPrefix(loc, "/p/")
	for v, _ := h.Process("carol@a.example", pid); v.State != host.StateInput; v, _ = h.Process("carol@a.example", pid) {
		time.Sleep(10 * time.Millisecond)
	}
	if code, _, body := b.post(loc+"/input", url.Values{"text": {strings.Repeat("y", 65<<10)}}); code != http.StatusBadRequest || !strings.Contains(body, "the answer is too long") {
		t.Errorf("a long answer: %d", code)
	}
}

// TestConnections: Serve serves at most maxConns connections at once;
// one more is served when another closes.
func TestConnections(t *testing.T) {
	_, srv, _ := testServer(t)
	srv.maxConns = 4
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	addr := "http://" + ln.Addr().String() + "/"
	get := func(timeout time.Duration) error {
		c := &http.Client{Timeout: timeout, Transport: &http.Transport{DisableKeepAlives: true}}
		resp, err := c.Get(addr)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	if err := get(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	var idle []net.Conn
	for i := 0; i < srv.maxConns; i++ {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		idle = append(idle, c)
	}
	if err := get(500 * time.Millisecond); err == nil {
		t.Errorf("a request served past %d open connections", srv.maxConns)
	}
	idle[0].Close()
	if err := get(10 * time.Second); err != nil {
		t.Errorf("once a connection closed: %v", err)
	}
	for _, c := range idle[1:] {
		c.Close()
	}
}
