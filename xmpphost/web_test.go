package xmpphost

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/mobilua/mobilua/internal/testbin"
	"github.com/mobilua/mobilua/webhost"
)

// chromium is Debian's Chromium, which the browser tests drive.
func chromium(t *testing.T) string {
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	testbin.NeedTool(t, "chromium is not installed (apt-get install chromium): the browser tests skipped")
	return ""
}

// TestWebInBrowser drives a host's web interface in headless Chromium: a
// user of a real XMPP client (slixmpp) types web and gets a link; in the
// browser they sign in, write a script in the editor and run it, watch
// its output come, answer its mb.input in the page, kill a process, see
// where a process jumped; a used link is refused; a post without the
// session's CSRF token is refused; another user neither sees the
// processes nor opens their pages.
func TestWebInBrowser(t *testing.T) {
	chrome := chromium(t)
	defer peerEvery.Store(peerEvery.Swap(int64(200 * time.Millisecond))) // (the peer logs in after this host)
	env := startProsody(t)
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()
	hostA, hostB := env["XMPP_JID1"], env["XMPP_JID2"]
	_, h := xmppHost(t, ctx, env, "1", hostB)
	_, hB := xmppHost(t, ctx, env, "2", hostA)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	srv, err := webhost.New(h, webhost.Config{BaseURL: base, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()

	// the link comes by chat
	alice := startSlix(t, ctx, env, "3")
	alice.login("phone")
	alice.do("send", "res", "phone", "to", hostA, "body", "web")
	msg := alice.message("phone", "sign in on the web")["body"].(string)
	link := regexp.MustCompile(`http://\S+`).FindString(msg)
	if !strings.HasPrefix(link, base+"/signin?t=") {
		t.Fatalf("the web command said %q", msg)
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chrome), chromedp.NoSandbox,
		chromedp.Flag("headless", true), chromedp.WindowSize(1100, 900))
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	defer acancel()
	b, bcancel := chromedp.NewContext(actx)
	defer bcancel()
	// the page's script errors go to the test's log
	chromedp.ListenTarget(b, func(ev any) {
		switch ev := ev.(type) {
		case *cdpruntime.EventExceptionThrown:
			t.Logf("page script: %s", ev.ExceptionDetails.Error())
		case *cdpruntime.EventConsoleAPICalled:
			for _, a := range ev.Args {
				t.Logf("console.%s: %s", ev.Type, a.Value)
			}
		}
	})
	// the browser starts on the context itself (a step's timeout context
	// would take it down when it ends)
	if err := chromedp.Run(b); err != nil {
		t.Fatalf("starting %s: %v", chrome, err)
	}
	run := func(what string, actions ...chromedp.Action) {
		t.Helper()
		step, cancel := context.WithTimeout(b, 20*time.Second)
		defer cancel()
		if err := chromedp.Run(step, actions...); err != nil {
			var page string
			chromedp.Run(b, chromedp.OuterHTML("main", &page, chromedp.ByQuery))
			t.Fatalf("%s: %v\npage: %s", what, err, page)
		}
	}
	// text reads sel's text (again while the page is between two loads)
	text := func(sel string) string {
		t.Helper()
		var s string
		var err error
		for i := 0; i < 50; i++ {
			step, cancel := context.WithTimeout(b, 2*time.Second)
			err = chromedp.Run(step, chromedp.WaitVisible(sel, chromedp.ByQuery), chromedp.Text(sel, &s, chromedp.ByQuery))
			cancel()
			if err == nil {
				return s
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatalf("read %s: %v", sel, err)
		return ""
	}
	// press clicks the button sel once it is there (by script: a node the
	// browser's tree has just replaced cannot go stale under it)
	press := func(sel string) {
		t.Helper()
		run("press "+sel, chromedp.WaitVisible(sel, chromedp.ByQuery),
			chromedp.Evaluate(`document.querySelector(`+jsString(sel)+`).click()`, nil))
	}
	// typeIn fills the field sel once it is there (by script, as press:
	// the page's event stream may replace the node between a query and
	// the keys sent to it)
	typeIn := func(sel, text string) {
		t.Helper()
		run("type in "+sel, chromedp.WaitVisible(sel, chromedp.ByQuery),
			chromedp.Evaluate(`document.querySelector(`+jsString(sel)+`).value = `+jsString(text), nil))
	}
	// waitText waits until sel's text has want (the page may be between
	// two loads meanwhile: a form's answer)
	waitText := func(sel, want string) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			var got string
			step, cancel := context.WithTimeout(b, 2*time.Second)
			err := chromedp.Run(step, chromedp.Text(sel, &got, chromedp.ByQuery))
			cancel()
			if err == nil && strings.Contains(got, want) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s says %q (%v), not %q", sel, got, err, want)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	shots := os.Getenv("MOBILUA_SCREENSHOTS")
	shot := func(name string) {
		if shots == "" {
			return
		}
		var png []byte
		run("screenshot", chromedp.FullScreenshot(&png, 100))
		os.WriteFile(filepath.Join(shots, name), png, 0o644)
	}

	run("the public page", chromedp.Navigate(base+"/"), chromedp.WaitVisible("#facts", chromedp.ByQuery))
	// its peer, pinged: online
	waitText("#peers", hostB+" online (")
	shot("web-public.png")

	// sign in
	run("sign in", chromedp.Navigate(link))
	press("#signin")
	run("signed in", chromedp.WaitVisible("#procs", chromedp.ByQuery))

	// the editor: a script that prints, asks and answers
	editor := func(name, code string) {
		t.Helper()
		run("write "+name, chromedp.WaitVisible(".CodeMirror", chromedp.ByQuery),
			chromedp.SetValue("#name", name, chromedp.ByQuery),
			chromedp.Evaluate(`document.querySelector(".CodeMirror").CodeMirror.setValue(`+jsString(code)+`)`, nil))
	}
	editor("ask.lua", "print('hello from ' .. mb.pid())\nlocal n = mb.input('your name?')\nmb.sleep(1) -- the page has loaded: only its event stream shows what comes\nprint('hi ' .. n)\n")
	press("#run")
	run("its page", chromedp.WaitVisible("#output", chromedp.ByQuery))
	waitText("#output", "hello from p")
	run("the question", chromedp.WaitVisible("#input", chromedp.ByQuery))
	waitText("#prompt", "your name?")
	var askURL string
	run("where", chromedp.Location(&askURL))
	typeIn("#input", "Ada")
	press("#answer")
	waitText("#output", "hi Ada")
	waitText("#state", "finished")
	run("an ended process offers no kill", chromedp.WaitNotVisible("#kill-form", chromedp.ByQuery))
	shot("web-process.png")

	// an error's line is marked in the editor
	run("dashboard", chromedp.Navigate(base+"/me"), chromedp.WaitVisible("#procs", chromedp.ByQuery))
	editor("bad.lua", "print(1)\nx = = 2\n")
	press("#run")
	run("its error", chromedp.WaitVisible("#error", chromedp.ByQuery), chromedp.WaitVisible(".error-line", chromedp.ByQuery))
	waitText("#error", "bad.lua:2:")

	// kill a process that loops
	editor("loop.lua", "local n = 0\nwhile true do n = n + 1 end\n")
	press("#run")
	waitText("#state", "running")
	press("#kill")
	waitText("#state", "killed")

	// a process that jumps: its page says where it went
	run("dashboard", chromedp.Navigate(base+"/me"), chromedp.WaitVisible("#procs", chromedp.ByQuery))
	editor("jump.lua", "print('leaving')\nmb.jump('"+hostB+"')\nprint('arrived')\n")
	press("#run")
	run("its page", chromedp.WaitVisible("#output", chromedp.ByQuery))
	waitText("#state", "migrated to "+hostB+" as p")
	alice.message("phone", "arrived")
	run("dashboard", chromedp.Navigate(base+"/me"), chromedp.WaitVisible("#procs", chromedp.ByQuery))
	waitText("#procs", "migrated to "+hostB)

	// a running process moved to the peer from its page
	editor("spin.lua", "local n = 0\nwhile true do n = n + 1 end\n")
	press("#run")
	waitText("#state", "running")
	press("#move")
	waitText("#state", "migrated to "+hostB)
	for _, p := range hB.Processes(env["XMPP_JID3"]) {
		if p.Name == "spin.lua" {
			hB.Kill(env["XMPP_JID3"], p.PID)
		}
	}
	run("dashboard", chromedp.Navigate(base+"/me"), chromedp.WaitVisible("#procs", chromedp.ByQuery))
	editor("hello.lua", "-- a script from the editor\nlocal name = mb.input('what is your name?')\nprint('hello, ' .. name .. ', from ' .. mb.host())\n")
	shot("web-dashboard.png")

	// a post without the session's token is refused
	var status int
	pid := askURL[strings.LastIndex(askURL, "/")+1:]
	run("a forged post", chromedp.Evaluate(`fetch("/p/`+pid+`/rm", {method: "POST"}).then(r => r.status)`, &status,
		func(p *cdpruntime.EvaluateParams) *cdpruntime.EvaluateParams { return p.WithAwaitPromise(true) }))
	if status != 403 {
		t.Errorf("a post without the CSRF token: %d", status)
	}
	// the used link is refused
	run("the used link", chromedp.Navigate(link), chromedp.WaitVisible("#error", chromedp.ByQuery))
	waitText("#error", "not valid")

	// another user sees nothing of alice's
	run("dashboard", chromedp.Navigate(base+"/me"))
	press("#signout")
	run("signed out", chromedp.WaitVisible("#facts", chromedp.ByQuery))
	bobLink := regexp.MustCompile(`http://\S+`).FindString(h.Command("bob@"+strings.Split(hostA, "@")[1], "web"))
	run("bob's link", chromedp.Navigate(bobLink))
	press("#signin")
	run("bob signed in", chromedp.WaitVisible("#procs", chromedp.ByQuery))
	if got := text("#procs"); strings.Contains(got, "ask.lua") || strings.Contains(got, pid) {
		t.Errorf("bob's dashboard shows alice's processes: %q", got)
	}
	run("bob opens alice's process", chromedp.Navigate(askURL), chromedp.WaitVisible("#error", chromedp.ByQuery))
	if got := text("main"); strings.Contains(got, "hi Ada") {
		t.Errorf("bob sees alice's output: %q", got)
	}
}

// jsString is s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
