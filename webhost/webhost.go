// Package webhost is the web interface of a Mobilua host: a public page
// (the host, its limits, examples and peers), sign-in by one-time links
// that the `web` chat command gives, and each user's dashboard: their
// processes with live output, input, kill, rm, fork and a code editor.
//
// It is a front end like the XMPP transport: every rule (ownership,
// limits, the sandbox) is the host's, reached through its typed functions
// (host.Host.Processes, Process, New, Run, Input, Kill, Remove, ...); this
// package decides only who is signed in and how pages look. It imports
// host (and continuation, for the lines of an inspection), net/http and
// golang.org/x/net's netutil (its bound on connections); it must not
// import xmpphost or internal, and host, runtime and xmpphost must not
// import it.
// Pages are html/template with their assets embedded; the one script
// library (CodeMirror 5, static/vendor) is vendored, and pages work
// without it.
package webhost

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/netutil"

	"github.com/mobilua/mobilua/host"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Config is how a web interface is served.
type Config struct {
	// BaseURL is the address users reach it at (the links the web
	// command gives start with it): http://127.0.0.1:8080, or the
	// reverse proxy's https address.
	BaseURL string
	// TLS: the server's certificate and key (both, or neither).
	CertFile, KeyFile string
	Version           string
	Log               *slog.Logger
}

// Server serves a host's pages.
type Server struct {
	h      *host.Host
	cfg    Config
	auth   *auth
	pages  *template.Template
	mux    *http.ServeMux
	srv    *http.Server
	ips    ipLimits
	origin string // BaseURL's scheme and host, which a post's Origin must be
	// maxConns is the most connections Serve serves at once (maxConns; a
	// test makes it fewer)
	maxConns int
}

// New makes the web interface of h and enables its `web` command.
func New(h *host.Host, cfg Config) (*Server, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	pages, err := template.New("").Funcs(funcs).ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("the web interface's address %q is not a URL", cfg.BaseURL)
	}
	s := &Server{h: h, cfg: cfg, auth: newAuth(), pages: pages, mux: http.NewServeMux(), ips: ipLimits{m: map[string]*bucket{}},
		origin: u.Scheme + "://" + u.Host, maxConns: maxConns}
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10}
	s.routes()
	h.SetWebLinks(s)
	return s, nil
}

// SignInLink makes a one-time link that signs user in (host.WebLinks).
func (s *Server) SignInLink(user string) (string, error) {
	t, err := s.auth.newLink(user)
	if err != nil {
		return "", err
	}
	return s.cfg.BaseURL + "/signin?t=" + t, nil
}

// ServeHTTP serves the pages.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'")
	h.Set("X-Content-Type-Options", "nosniff")
	// (same-origin, not no-referrer: under no-referrer Chromium posts
	// forms with Origin: null, which sameOrigin refuses)
	h.Set("Referrer-Policy", "same-origin")
	if r.Method == http.MethodPost && !s.sameOrigin(r) {
		// (a form another site posts: signing its victim in to the
		// attacker's account, for one)
		s.fail(w, http.StatusForbidden, nil, "a form from another site")
		return
	}
	s.mux.ServeHTTP(w, r)
}

// sameOrigin says whether a request's Origin, when the browser sent one,
// is this server's (BaseURL).
func (s *Server) sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	return o == "" || o == s.origin
}

// maxConns is the most connections served at once: each takes a
// goroutine and its buffers (about 20 KB idle), and one more waits in the
// kernel's queue until another closes (idle ones within IdleTimeout).
const maxConns = 1024

// Serve serves on ln (with TLS when the config names a certificate)
// until Close, at most s.maxConns connections at once.
func (s *Server) Serve(ln net.Listener) error {
	ln = netutil.LimitListener(ln, s.maxConns)
	var err error
	if s.cfg.CertFile != "" {
		err = s.srv.ServeTLS(ln, s.cfg.CertFile, s.cfg.KeyFile)
	} else {
		err = s.srv.Serve(ln)
	}
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Close stops serving (the event streams end).
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	s.srv.Shutdown(ctx)
	return s.srv.Close()
}

func (s *Server) routes() {
	static, _ := fs.Sub(staticFS, "static")
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	s.mux.HandleFunc("GET /{$}", s.public)
	s.mux.HandleFunc("GET /metrics", s.metrics)
	s.mux.HandleFunc("GET /healthz", s.health)
	s.mux.HandleFunc("GET /signin", s.signinPage)
	s.mux.HandleFunc("POST /signin", s.signin)
	s.mux.HandleFunc("POST /signout", s.user(s.signout))
	s.mux.HandleFunc("GET /me", s.user(s.dashboard))
	s.mux.HandleFunc("GET /admin", s.user(s.operation))
	s.mux.HandleFunc("POST /new", s.user(s.newProcess))
	s.mux.HandleFunc("POST /step", s.user(s.step))
	s.mux.HandleFunc("GET /p/{pid}", s.user(s.process))
	s.mux.HandleFunc("GET /p/{pid}/events", s.user(s.events))
	s.mux.HandleFunc("POST /p/{pid}/{action}", s.user(s.act))
}

// ---- helpers

var funcs = template.FuncMap{
	"age":   func(t time.Time) string { return time.Since(t).Round(time.Second).String() },
	"mib":   func(n int64) int64 { return n >> 20 },
	"kib":   func(n int64) int64 { return (n + 1023) >> 10 },
	"int64": func(n int) int64 { return int64(n) },
	"lines": func(src string) []string {
		return strings.Split(strings.TrimSuffix(src, "\n"), "\n")
	},
	"inc":  func(i int) int { return i + 1 },
	"kind": kind,
}

// kind is a state as one word, for the page's classes and script.
func kind(st host.State) string {
	switch st {
	case host.StateInput:
		return "input"
	case host.StateMessage:
		return "message"
	case host.StateMigrated:
		return "migrated"
	}
	return string(st) // the others are one word
}

type page struct {
	Title string
	Host  string
	User  string
	Admin bool // the user is one of the host's admins
	CSRF  string
	Error string
	Data  any
}

func (s *Server) render(w http.ResponseWriter, status int, name string, p page) {
	p.Host = s.h.Name()
	p.Admin = p.User != "" && s.h.IsAdmin(p.User)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := s.pages.ExecuteTemplate(w, name, p); err != nil {
		s.cfg.Log.Error("page", "template", name, "err", err)
	}
}

func (s *Server) fail(w http.ResponseWriter, status int, sess *session, msg string) {
	p := page{Title: "error", Error: msg}
	if sess != nil {
		p.User, p.CSRF = sess.user, sess.csrf
	}
	s.render(w, status, "error.html", p)
}

const cookieName = "mobilua_session"

// user wraps a handler that needs a signed-in user: its requests stay
// within the session's rate (a page may thaw a process to show it), and a
// POST must carry the session's CSRF token.
func (s *Server) user(next func(http.ResponseWriter, *http.Request, *session)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(cookieName)
		var sess *session
		if err == nil {
			sess = s.auth.session(c.Value)
		}
		if sess == nil {
			if r.Method == http.MethodGet && r.URL.Path == "/me" {
				s.render(w, http.StatusUnauthorized, "signedout.html", page{Title: "sign in"})
				return
			}
			s.fail(w, http.StatusUnauthorized, nil, "you are not signed in: type web to this host in chat for a link")
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxForm)
			if !checkCSRF(sess, r.FormValue("csrf")) {
				s.fail(w, http.StatusForbidden, sess, "this form is not from this session's page (no or a wrong CSRF token)")
				return
			}
		}
		if !s.auth.allow(sess) {
			s.fail(w, http.StatusTooManyRequests, sess, "too many requests: wait a little")
			return
		}
		next(w, r, sess)
	}
}

// maxForm bounds a request's body: a script and its form (an upload too).
const maxForm = 2 << 20

// ipLimits bounds sign-in attempts per client address.
type ipLimits struct {
	mu sync.Mutex
	m  map[string]*bucket
}

func (l *ipLimits) allow(r *http.Request) bool {
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		ip = r.RemoteAddr
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.m) > 10000 {
		clear(l.m)
	}
	b := l.m[ip]
	if b == nil {
		b = &bucket{rate: 0.2, burst: 10}
		l.m[ip] = b
	}
	return b.take(time.Now())
}

func (s *Server) secure() bool {
	return s.cfg.CertFile != "" || strings.HasPrefix(s.cfg.BaseURL, "https:")
}

func plural(n int, one string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", one)
	}
	return fmt.Sprintf("%d %ss", n, one)
}
