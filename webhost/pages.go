package webhost

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/mobilua/mobilua/continuation"
	"github.com/mobilua/mobilua/host"
)

// ---- the public page and signing in

type publicData struct {
	Info    host.Info
	Version string
	Uptime  time.Duration
}

func (s *Server) public(w http.ResponseWriter, r *http.Request) {
	in := s.h.Info()
	p := page{Title: in.Name, Data: publicData{Info: in, Version: s.cfg.Version, Uptime: time.Since(in.Started).Round(time.Second)}}
	if c, err := r.Cookie(cookieName); err == nil {
		if sess := s.auth.session(c.Value); sess != nil {
			p.User, p.CSRF = sess.user, sess.csrf
		}
	}
	s.render(w, http.StatusOK, "public.html", p)
}

// signinPage shows whose a link is and a button that uses it: the link
// itself changes nothing (a chat client fetching it for a preview does
// not spend it).
func (s *Server) signinPage(w http.ResponseWriter, r *http.Request) {
	t := r.URL.Query().Get("t")
	user, err := s.auth.peek(t)
	if err != nil {
		s.fail(w, http.StatusForbidden, nil, err.Error())
		return
	}
	s.render(w, http.StatusOK, "signin.html", page{Title: "sign in", Data: map[string]string{"Token": t, "As": user}})
}

func (s *Server) signin(w http.ResponseWriter, r *http.Request) {
	if !s.ips.allow(r) {
		s.fail(w, http.StatusTooManyRequests, nil, "too many sign-in attempts from your address: wait a minute")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	sid, sess, err := s.auth.use(r.FormValue("t"))
	if err != nil {
		s.fail(w, http.StatusForbidden, nil, err.Error())
		return
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: sid, Path: "/", HttpOnly: true, Secure: s.secure(),
		SameSite: http.SameSiteStrictMode, MaxAge: int(sessionLife.Seconds())})
	s.cfg.Log.Info("web sign-in", "user", sess.user)
	http.Redirect(w, r, "/me", http.StatusSeeOther)
}

func (s *Server) signout(w http.ResponseWriter, r *http.Request, sess *session) {
	if c, err := r.Cookie(cookieName); err == nil {
		s.auth.end(c.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/", HttpOnly: true, Secure: s.secure(),
		SameSite: http.SameSiteStrictMode, MaxAge: -1})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// ---- the dashboard

type dashData struct {
	Procs  []host.ProcInfo
	Name   string
	Code   string
	Output string // a step's reply
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request, sess *session) {
	s.showDashboard(w, http.StatusOK, sess, dashData{}, "")
}

func (s *Server) showDashboard(w http.ResponseWriter, status int, sess *session, d dashData, errText string) {
	d.Procs = s.h.Processes(sess.user)
	s.render(w, status, "dashboard.html", page{Title: "your processes", User: sess.user, CSRF: sess.csrf, Error: errText, Data: d})
}

// script is the form's code: an uploaded .lua file, or the editor's text.
func script(r *http.Request) (name, code string, err error) {
	name, code = strings.TrimSpace(r.FormValue("name")), r.FormValue("code")
	if f, hdr, ferr := r.FormFile("file"); ferr == nil {
		defer f.Close()
		b, err := io.ReadAll(f)
		if err != nil {
			return "", "", err
		}
		if name == "" {
			name = path.Base(hdr.Filename)
		}
		code = string(b)
	}
	return name, strings.ReplaceAll(code, "\r\n", "\n"), nil
}

// newProcess stores the editor's script as a process, and runs it when
// the run button sent the form.
func (s *Server) newProcess(w http.ResponseWriter, r *http.Request, sess *session) {
	name, code, err := script(r)
	if err != nil {
		s.showDashboard(w, http.StatusBadRequest, sess, dashData{Name: name, Code: code}, err.Error())
		return
	}
	pid, err := s.h.New(sess.user, name, code)
	if err != nil {
		s.showDashboard(w, http.StatusBadRequest, sess, dashData{Name: name, Code: code}, err.Error())
		return
	}
	if r.FormValue("run") != "" {
		if _, err := s.h.Run(sess.user, pid); err != nil {
			s.showDashboard(w, http.StatusBadRequest, sess, dashData{Name: name, Code: code}, err.Error())
			return
		}
	}
	http.Redirect(w, r, "/p/"+pid, http.StatusSeeOther)
}

// step runs the editor's code in the user's step session and shows its
// reply.
func (s *Server) step(w http.ResponseWriter, r *http.Request, sess *session) {
	name, code, err := script(r)
	if err != nil {
		s.showDashboard(w, http.StatusBadRequest, sess, dashData{Name: name, Code: code}, err.Error())
		return
	}
	out := s.h.Step(sess.user, code)
	s.showDashboard(w, http.StatusOK, sess, dashData{Name: name, Code: code, Output: out}, "")
}

// ---- the operator's page

func (s *Server) operation(w http.ResponseWriter, r *http.Request, sess *session) {
	op, err := s.h.Operation(sess.user)
	if err != nil {
		s.fail(w, http.StatusForbidden, sess, err.Error())
		return
	}
	s.render(w, http.StatusOK, "admin.html", page{Title: "operation", User: sess.user, CSRF: sess.csrf, Data: op})
}

// ---- one process

type procData struct {
	P       host.ProcView
	Inspect []inspectLine // what its stored state holds (a waiting process)
	Peers   []string      // where it may move
}

// inspectLine is a line of what mobilua inspect says, with the source
// line a frame's position names.
type inspectLine struct {
	Text, Source string
}

// withSource pairs each frame of an inspection of p with the line of p's
// source it is at (a frame of its own chunk).
func withSource(lines []continuation.Line, p host.ProcView) []inspectLine {
	src := strings.Split(p.Source, "\n")
	chunk := cmp.Or(p.Name, p.PID)
	out := make([]inspectLine, len(lines))
	for i, l := range lines {
		out[i].Text = l.Text
		if l.Chunk == chunk && l.Line >= 1 && l.Line <= len(src) {
			out[i].Source = strings.TrimSpace(src[l.Line-1])
		}
	}
	return out
}

func (s *Server) process(w http.ResponseWriter, r *http.Request, sess *session) {
	s.showProcess(w, r, sess, r.PathValue("pid"), "", http.StatusOK)
}

func (s *Server) showProcess(w http.ResponseWriter, r *http.Request, sess *session, pid, errText string, status int) {
	v, err := s.h.Process(sess.user, pid)
	if err != nil {
		s.fail(w, http.StatusNotFound, sess, err.Error())
		return
	}
	d := procData{P: v, Peers: s.h.Peers()}
	if v.State == host.StateInput || v.State == host.StateMessage || v.State == host.StateSleeping {
		if lines, err := s.h.Inspect(sess.user, v.PID); err == nil {
			d.Inspect = withSource(lines, v)
		}
	}
	s.render(w, status, "process.html", page{Title: v.PID, User: sess.user, CSRF: sess.csrf, Error: errText, Data: d})
}

// act runs a button of a process's page.
func (s *Server) act(w http.ResponseWriter, r *http.Request, sess *session) {
	pid, user := r.PathValue("pid"), sess.user
	var err error
	next := pid
	switch r.PathValue("action") {
	case "run":
		_, err = s.h.Run(user, pid)
	case "input":
		err = s.h.Input(user, pid, r.FormValue("text"))
	case "move":
		err = s.h.Move(user, pid, r.FormValue("to"))
	case "send":
		_, err = s.h.Send(user, pid, r.FormValue("text"))
	case "kill":
		_, err = s.h.Kill(user, pid)
	case "fork":
		next, err = s.h.Fork(user, pid)
	case "rm":
		if _, err = s.h.Remove(user, pid); err == nil {
			http.Redirect(w, r, "/me", http.StatusSeeOther)
			return
		}
	case "continuation":
		s.download(w, sess, pid)
		return
	default:
		s.fail(w, http.StatusNotFound, sess, "no such action")
		return
	}
	if err != nil {
		s.showProcess(w, r, sess, pid, err.Error(), http.StatusBadRequest)
		return
	}
	http.Redirect(w, r, "/p/"+next, http.StatusSeeOther)
}

// download sends a process's stored continuation to its owner.
func (s *Server) download(w http.ResponseWriter, sess *session, pid string) {
	b, err := s.h.Continuation(sess.user, pid)
	if err != nil {
		s.fail(w, http.StatusNotFound, sess, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/cbor")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", pid+".cont"))
	w.Write(b)
}

// ---- live output

// maxStreams bounds a session's open event streams.
const maxStreams = 8

type outputEvent struct {
	Reset bool   `json:"reset"` // the text replaces what the page shows
	Text  string `json:"text"`
	End   int64  `json:"end"`
}

type stateEvent struct {
	State  string `json:"state"` // kind(state): one word
	Text   string `json:"text"`
	Prompt string `json:"prompt"`
	Live   bool   `json:"live"`
}

// events streams a process's output and state as Server-Sent Events:
// "output" (what it printed since the page's end), "state" (when it
// changes), "gone" (it was removed).
func (s *Server) events(w http.ResponseWriter, r *http.Request, sess *session) {
	if !s.auth.stream(sess, 1) {
		s.fail(w, http.StatusTooManyRequests, sess, "too many pages open")
		return
	}
	defer s.auth.stream(sess, -1)
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "no streaming", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	pid := r.PathValue("pid")
	end, _ := strconv.ParseInt(r.URL.Query().Get("end"), 10, 64)
	var last stateEvent
	// a burst of 5 wakes at once, then 20 a second: a process that prints
	// all the time is shown in chunks, a lone print at once
	pace := bucket{rate: 20, burst: 5}
	for {
		changed := s.h.Changes()
		v, err := s.h.Process(sess.user, pid)
		if err != nil {
			send(w, "gone", err.Error())
			flusher.Flush()
			return
		}
		if v.OutputEnd != end {
			ev := outputEvent{End: v.OutputEnd}
			if n := v.OutputEnd - end; n > 0 && n <= int64(len(v.Output)) {
				ev.Text = v.Output[int64(len(v.Output))-n:]
			} else {
				ev.Reset, ev.Text = true, v.Output
			}
			send(w, "output", ev)
			end = v.OutputEnd
		}
		if st := (stateEvent{State: kind(v.State), Text: v.StateText, Prompt: v.Prompt, Live: !v.State.Ended()}); st != last {
			send(w, "state", st)
			last = st
		}
		flusher.Flush()
		select {
		case <-r.Context().Done():
			return
		case <-changed:
			if !pace.take(time.Now()) {
				time.Sleep(50 * time.Millisecond)
			}
		case <-time.After(15 * time.Second):
			io.WriteString(w, ": still here\n\n")
		}
	}
}

func send(w io.Writer, event string, v any) {
	b, _ := json.Marshal(v)
	fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b)
}
