package webhost

import (
	"bufio"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/mobilua/mobilua/host"
)

// unlimited lifts the sessions' rate limit (a benchmark is all requests).
func unlimited(s *Server) {
	s.auth.mu.Lock()
	defer s.auth.mu.Unlock()
	for _, sess := range s.auth.sessions {
		sess.posts.rate, sess.posts.burst = 1e9, 1e9
	}
}

// BenchmarkDashboard: a user's dashboard with 100 processes.
func BenchmarkDashboard(b *testing.B) {
	h, srv, ts := testServer(b)
	for i := 0; i < 100; i++ {
		h.New(alice, fmt.Sprintf("s%d.lua", i), "print(1)")
	}
	br := newBrowser(b, ts.URL)
	br.signIn(h, alice)
	unlimited(srv)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if code, _ := br.get("/me"); code != 200 {
			b.Fatal(code)
		}
	}
}

// BenchmarkOutputLatency: from an answer posted on a page to the output
// it causes arriving on the process's event stream (the host runs the
// process, the page's stream wakes and reads it), for a lone answer (a
// stream paces its wakes past a burst; the pause is not timed: run it
// with -benchtime 100x, not a duration).
func BenchmarkOutputLatency(b *testing.B) {
	h, _, ts := testServer(b)
	br := newBrowser(b, ts.URL)
	br.signIn(h, alice)
	_, loc, _ := br.post("/new", url.Values{"code": {"while true do print('got ' .. mb.input('?')) end"}, "run": {"1"}})
	pid := strings.TrimPrefix(loc, "/p/")
	resp, err := br.c.Get(ts.URL + "/p/" + pid + "/events?end=0")
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	wait := func(want string) {
		for {
			select {
			case l := <-lines:
				if strings.Contains(l, want) {
					return
				}
			case <-time.After(10 * time.Second):
				b.Fatalf("no %s on the stream", want)
			}
		}
	}
	wait(`"state":"input"`)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		time.Sleep(150 * time.Millisecond)
		b.StartTimer()
		// (posted straight to the host: the page's form adds a redirect)
		if err := h.Input(alice, pid, fmt.Sprint(i)); err != nil {
			b.Fatal(err)
		}
		wait(fmt.Sprintf(`"text":"got %d\n"`, i))
		// (the stream sends a state when it sees it change: input, and
		// input again, may be one to it)
		for v, _ := h.Process(alice, pid); v.State != host.StateInput; v, _ = h.Process(alice, pid) {
			runtime.Gosched()
		}
	}
}
