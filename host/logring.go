package host

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
)

// logRing keeps the host's last log events for its operator's page
// (Operation), besides passing each to the configured log.
type logRing struct {
	mu     sync.Mutex
	events [256]string
	n      int // events logged in all
}

// recent returns the kept events, oldest first.
func (r *logRing) recent() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := min(r.n, len(r.events))
	out := make([]string, 0, k)
	for i := r.n - k; i < r.n; i++ {
		out = append(out, r.events[i%len(r.events)])
	}
	return out
}

func (r *logRing) add(s string) {
	r.mu.Lock()
	r.events[r.n%len(r.events)] = s
	r.n++
	r.mu.Unlock()
}

// ringHandler is a slog.Handler that adds each record to a logRing, then
// hands it on.
type ringHandler struct {
	ring  *logRing
	next  slog.Handler
	attrs string // attributes added by WithAttrs, formatted
}

func (h *ringHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelInfo || h.next.Enabled(ctx, l)
}

func (h *ringHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level >= slog.LevelInfo {
		var b strings.Builder
		fmt.Fprintf(&b, "%s %s %s%s", r.Time.UTC().Format("2006-01-02 15:04:05"), r.Level, r.Message, h.attrs)
		r.Attrs(func(a slog.Attr) bool {
			fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
			return true
		})
		h.ring.add(b.String())
	}
	if h.next.Enabled(ctx, r.Level) {
		return h.next.Handle(ctx, r)
	}
	return nil
}

func (h *ringHandler) WithAttrs(as []slog.Attr) slog.Handler {
	var b strings.Builder
	for _, a := range as {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
	}
	return &ringHandler{ring: h.ring, next: h.next.WithAttrs(as), attrs: h.attrs + b.String()}
}

func (h *ringHandler) WithGroup(name string) slog.Handler {
	return &ringHandler{ring: h.ring, next: h.next.WithGroup(name), attrs: h.attrs}
}
